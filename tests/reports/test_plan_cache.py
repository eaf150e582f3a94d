"""Pages whose content is the whole plan are cached per version of the plan (agencies/plan_cache.py): served from the
cache while nothing changes, rebuilt after any change, and never shared across agencies, roles or partnerships."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionRecommendation, ProgressUpdate, Status
from agencies import plan_cache
from agencies.models import Agency, Membership, Partnership, PlanVersion
from agencies.plan_cache import version
from recommendations.models import ApplicabilityDecision, Finding, Recommendation, ReportSummary, SourceReport, Theme
from reports import plan_changes
from reports.models import Meeting, MeetingDecision, Paper, PlanSettings
from tests.actions.test_views import progress_data
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    DecisionFactory,
    FindingFactory,
    MeetingFactory,
    MembershipFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    ThemeFactory,
)

DASHBOARD = reverse("reports:dashboard")
MY_ACTIONS = reverse("actions:my_actions")
SHEET_CSV = reverse("actions:bulk_export_csv")


def get(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, len(queries)


def without_tokens(response):
    """The page without its CSRF tokens (masked afresh on every request)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.fixture
def plan(partnership, agency, other_agency, recommendation):
    today = timezone.localdate()
    return [
        ActionFactory(owner=agency, reference="SW-1", description="Action SW-1", due_date=today - datetime.timedelta(days=3),
                      recommendations=[recommendation]),
        ActionFactory(owner=other_agency, reference="H-1", description="Action H-1", due_date=today + datetime.timedelta(days=60),
                      recommendations=[recommendation]),
    ]  # fmt: skip


# --- what makes a new version -----------------------------------------------------------------------------------


def test_every_model_a_plan_page_reads_makes_a_new_version_when_saved_or_deleted(
    partnership, other_partnership, agency, member, coordinator, recommendation, make_paper
):
    """Each model in the registry, saved then deleted, moves its own partnership's version (a national one: every
    partnership's), and never another partnership's. A paper counts once issued: a day the pages link to."""

    def versions():
        return version(partnership), version(other_partnership)

    def renamed(user):
        before = versions()
        user.last_name = "Renamed"
        user.save()
        assert versions()[0] != before[0], "a person's change of name left the plan's version as it was"
        return user

    action = ActionFactory(owner=agency, recommendations=[])
    undecided = RecommendationFactory(report=recommendation.report)
    def issued_as_a_fixture_loads_it():
        paper = make_paper(as_at=datetime.date(2009, 9, 2))
        assert versions() == before, "a draft is no day the pages link to"
        paper.status, paper.issued_at, paper.html = Paper.Status.ISSUED, timezone.now(), "<p>Issued.</p>"
        paper.save()
        return paper

    makers = {
        Paper: issued_as_a_fixture_loads_it,
        Agency: lambda: AgencyFactory(partnership=partnership),
        Membership: lambda: MembershipFactory(agency=AgencyFactory(partnership=partnership)),
        User: lambda: renamed(MembershipFactory(agency=agency).user),
        Action: lambda: ActionFactory(owner=agency, recommendations=[]),
        ActionRecommendation: lambda: ActionRecommendation.objects.create(
            action=action, recommendation=recommendation, position=9
        ),
        ProgressUpdate: lambda: ProgressUpdateFactory(action=action, author=member),
        ApplicabilityDecision: lambda: DecisionFactory(
            partnership=partnership, recommendation=undecided, decided_by=coordinator
        ),
        ReportSummary: lambda: ReportSummary.objects.create(
            partnership=partnership, report=recommendation.report, heading="Our summary", body="Text."
        ),
        Meeting: lambda: MeetingFactory(partnership=partnership, date=datetime.date(2010, 1, 5)),
        SourceReport: lambda: type(recommendation.report).objects.create(
            slug="another", title="Another report", short_title="Another", published_on=datetime.date(2010, 1, 1)
        ),
        Theme: lambda: ThemeFactory(report=recommendation.report, title="A theme"),
        Recommendation: lambda: RecommendationFactory(report=recommendation.report),
        Finding: lambda: FindingFactory(report=recommendation.report),
        MeetingDecision: lambda: MeetingDecision.objects.create(
            partnership=partnership,
            meeting=MeetingFactory(partnership=partnership, date=datetime.date(2010, 2, 5)),
            kind=MeetingDecision.Kind.MINUTE,
            text="Asked for a report at the next meeting.",
            recorded_by=coordinator,
        ),
        PlanSettings: lambda: PlanSettings.objects.create(partnership=partnership),
    }
    assert set(makers) | {Partnership} == set(plan_changes.PARTNERSHIP_OF), "a model the pages read has no test"
    for model, make in makers.items():
        national = model in plan_changes.NATIONAL
        before = versions()
        instance = make()
        saved = versions()
        assert saved[0] != before[0], f"saving a {model.__name__} left the plan's version as it was"
        assert (saved[1] != before[1]) == national, f"saving a {model.__name__} changed another partnership's plan"
        if model in (ProgressUpdate, MeetingDecision, Paper):
            continue  # append-only, or an issued paper (frozen): never deleted
        instance.delete()
        deleted = versions()
        assert deleted[0] != saved[0], f"deleting a {model.__name__} left the plan's version as it was"
        assert (deleted[1] != saved[1]) == national


def test_a_partnerships_own_report_is_a_change_of_that_partnerships_plan_alone(partnership, other_partnership):
    """A local learning review, its themes, recommendations and findings move their partnership's version and no
    other's (a national report's change moves every partnership's)."""
    from tests.factories import SourceReportFactory

    def versions():
        return version(partnership), version(other_partnership)

    makers = [
        lambda: SourceReportFactory(partnership=partnership, kind=SourceReport.Kind.LEARNING_REVIEW),
        lambda: ThemeFactory(report=own),
        lambda: RecommendationFactory(report=own),
        lambda: FindingFactory(recommendation=RecommendationFactory(report=own)),
    ]
    own = None
    for make in makers:
        before = versions()
        instance = make()
        own = own or instance
        after = versions()
        if isinstance(instance, Finding):  # its recommendation was made with it: compare from before both
            pass
        assert after[0] != before[0] and after[1] == before[1], type(instance).__name__


def test_a_new_version_becomes_visible_with_the_change_not_before(partnership, agency):
    """The mark is written in the change's own transaction: a change rolled back leaves no new version."""
    from django.db import transaction

    before, counters = version(partnership), list(PlanVersion.objects.values_list("scope", "number"))
    with pytest.raises(RuntimeError), transaction.atomic():
        ActionFactory(owner=agency, recommendations=[])
        assert version(partnership) != before  # the change's own transaction sees its new version
        raise RuntimeError("the change fails")
    assert version(partnership) == before
    assert list(PlanVersion.objects.values_list("scope", "number")) == counters


# --- the dashboard ----------------------------------------------------------------------------------------------


def test_the_dashboard_is_served_from_the_cache_until_the_plan_changes(client_as, coordinator, member, plan):
    client = client_as(coordinator)
    first, built = get(client, DASHBOARD)
    again, served = get(client, DASHBOARD)
    assert served < built  # the plan is not read again: only the session, the user, the as-at links and the version
    assert served <= 5  # the session, the user (with their partnership), the as-at links (2), the version
    assert "dashboard" not in again.context  # nothing was built
    assert without_tokens(again) == without_tokens(first)
    assert "1 of 2 complete" not in first.content.decode()

    # a member records the Social Work action complete through the form
    action = plan[0]
    response = client_as(member).post(
        reverse("actions:record_progress", args=[action.pk]),
        progress_data(action, status=Status.COMPLETE, percent_complete=100, note="Done."),
    )
    assert response.status_code == 302
    after, rebuilt = get(client, DASHBOARD)
    assert rebuilt == built
    assert "1 of 2 complete" in after.content.decode()


def test_the_dashboard_of_another_day_or_partnership_is_never_served_from_this_one(
    client_as, coordinator, outsider, plan
):
    mine, _ = get(client_as(coordinator), DASHBOARD)
    theirs, _ = get(client_as(outsider), DASHBOARD)
    assert "2 actions" in mine.content.decode()
    assert "0 actions" in theirs.content.decode()
    past, _ = get(client_as(coordinator), DASHBOARD, as_at=(timezone.localdate() - datetime.timedelta(days=1)))
    assert "0 actions" in past.content.decode()  # both actions were created today


def test_the_cached_dashboard_holds_nothing_of_the_reader_who_built_it(client_as, other_agency, reader, plan):
    builder = MembershipFactory(agency=other_agency, role=Membership.Role.READER).user  # reads what `reader` reads
    builder.first_name, builder.last_name = "Zebulon", "Quartermaine"  # no generated name is like it
    builder.save()
    client_as(builder).get(DASHBOARD)
    for_reader, queries = get(client_as(reader), DASHBOARD)
    assert "dashboard" not in for_reader.context  # served from what the coordinator's request built
    page = for_reader.content.decode()
    assert "Quartermaine" not in page


# --- the action list -------------------------------------------------------------------------------------------


def test_the_action_list_is_cached_per_query_and_rebuilt_after_a_change(client_as, coordinator, member, reader, plan):
    url = reverse("actions:list")
    first, built = get(client_as(coordinator), url)
    again, served = get(client_as(coordinator), url)
    assert served < built and "filter" not in again.context
    assert without_tokens(again) == without_tokens(first)
    assert "<strong>2</strong> actions found." in first.content.decode()

    overdue, _ = get(client_as(coordinator), url, overdue="on")  # another query: built for itself
    assert "<strong>1</strong> action found with these filters." in overdue.content.decode()

    # the spreadsheet link is the user's (members and the coordinator update; readers do not), not the cache's
    assert "Update several actions by spreadsheet" in get(client_as(member), url)[0].content.decode()
    assert "Update several actions by spreadsheet" not in get(client_as(reader), url)[0].content.decode()

    action = plan[1]  # Health's, due in 60 days: brought forward to yesterday, it becomes overdue
    client_as(coordinator).post(
        reverse("actions:record_progress", args=[action.pk]),
        progress_data(action, due_date=(timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
                      revision_reason="The inspection brought it forward."),
    )  # fmt: skip
    overdue, _ = get(client_as(coordinator), url, overdue="on")
    assert "<strong>2</strong> actions found with these filters." in overdue.content.decode()


def test_the_action_list_of_another_partnership_is_never_served_from_this_one(client_as, coordinator, outsider, plan):
    url = reverse("actions:list")
    assert "Action SW-1" in get(client_as(coordinator), url)[0].content.decode()
    theirs = get(client_as(outsider), url)[0].content.decode()
    assert "Action SW-1" not in theirs and "<strong>0</strong> actions found." in theirs


# --- My actions -------------------------------------------------------------------------------------------------


def test_my_actions_is_cached_per_agency_and_rebuilt_after_a_colleagues_update(
    client_as, member, other_agency_member, agency, plan
):
    colleague = MembershipFactory(agency=agency).user
    mine, built = get(client_as(member), MY_ACTIONS)
    assert "Action SW-1" in mine.content.decode() and "Action H-1" not in mine.content.decode()
    theirs, _ = get(client_as(other_agency_member), MY_ACTIONS)
    assert "Action H-1" in theirs.content.decode() and "Action SW-1" not in theirs.content.decode()
    for_colleague, served = get(client_as(colleague), MY_ACTIONS)
    assert served < built and for_colleague.content.decode().count("SW-1") == mine.content.decode().count("SW-1")

    action = plan[0]
    assert "Overdue" in mine.content.decode()
    client_as(colleague).post(
        reverse("actions:record_progress", args=[action.pk]),
        progress_data(action, due_date=(timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
                      revision_reason="Waiting for the new guidance."),
    )  # fmt: skip
    after, rebuilt = get(client_as(member), MY_ACTIONS)
    assert rebuilt == built
    sections = after.context["page"].sections
    assert [a.reference for a in sections[0].actions] == []  # no longer overdue
    assert [a.reference for a in sections[1].actions] == ["SW-1"]  # due in the next 30 days


# --- the bulk-update sheet --------------------------------------------------------------------------------------


def test_the_sheet_is_cached_per_scope_and_carries_each_actions_new_version(client_as, member, coordinator, plan):
    as_member = client_as(member).get(SHEET_CSV).content.decode()
    as_coordinator = client_as(coordinator).get(SHEET_CSV).content.decode()
    assert "SW-1" in as_member and "H-1" not in as_member
    assert "SW-1" in as_coordinator and "H-1" in as_coordinator

    action = plan[0]
    client_as(member).post(
        reverse("actions:record_progress", args=[action.pk]),
        progress_data(action, status=Status.IN_PROGRESS, percent_complete=20, note="Begun."),
    )
    action.refresh_from_db()
    row = next(line for line in client_as(member).get(SHEET_CSV).content.decode().splitlines() if "SW-1" in line)
    assert row.startswith(f"{action.pk},{action.version},")  # the new version: the next upload is not a conflict
    assert ",in_progress,20," in row


# --- the paper page ---------------------------------------------------------------------------------------------


def test_the_paper_body_is_rendered_again_after_the_draft_changes(client_as, coordinator, plan, partnership):
    from reports import services

    meeting = MeetingFactory(partnership=partnership, date=timezone.localdate())
    paper = services.paper_create(
        partnership=partnership, created_by=coordinator, reports=[plan[0].links.get().recommendation.report],
        meeting=meeting, title="Progress to the COG", purpose="To report.", proposals="Progress.",
        recommendation="Note.", prepared_by_name="A Chair", prepared_by_role="Chair", signed_on=meeting.date,
        as_at=meeting.date,
    )  # fmt: skip
    client = client_as(coordinator)
    url = paper.get_absolute_url()
    first, built = get(client, url)
    again, served = get(client, url)
    assert without_tokens(again) == without_tokens(first) and served < built
    assert "Progress to the COG" in first.content.decode()

    services.paper_update(paper=paper, reports=list(paper.reports.all()), title="Second progress report to the COG")
    after, _ = get(client, url)
    assert "Second progress report to the COG" in after.content.decode()

    services.paper_issue(paper=paper, issued_by=coordinator)
    issued, _ = get(client, url)
    assert "DRAFT" not in issued.content.decode()  # issuing changes no updated_at: the body is rendered again anyway
    assert "Issued" in issued.content.decode()


def test_unknown_repeated_or_reordered_parameters_share_one_cached_list(client_as, coordinator, plan):
    client, url = client_as(coordinator), reverse("actions:list")
    first, _ = get(client, url + "?status=not_started&sort=-due")
    for query in ("?sort=-due&status=not_started", "?status=not_started&sort=-due&utm_source=x&page=1",
                  "?status=in_progress&status=not_started&sort=-due&junk=x"):  # fmt: skip
        again = client.get(url + query)
        assert "filter" not in again.context, f"{query} was built again, not served"
        assert again.context["body"] == first.context["body"]


def test_a_flood_of_junk_queries_does_not_empty_the_cache_of_anyone_else(client_as, coordinator, member, plan):
    url = reverse("actions:list")
    client_as(coordinator).get(url)  # the page everybody opens, built once
    flooder = client_as(member)
    for n in range(400):
        assert flooder.get(url, {f"junk{n}": n, "as_at_x": n}).status_code == 200
    assert "filter" not in client_as(coordinator).get(url).context  # still served from the cache


def test_a_free_text_search_is_answered_by_the_database_each_time(client_as, coordinator, plan):
    client, url = client_as(coordinator), reverse("actions:list")
    assert "filter" in client.get(url, {"q": "SW-1"}).context
    response = client.get(url, {"q": "SW-1"})
    assert "filter" in response.context and "<strong>1</strong> action found" in response.content.decode()


def test_a_read_request_reads_the_version_once_and_again_after_a_change_of_its_own(
    partnership, django_assert_num_queries
):
    """Within ``versions_read_once`` (every GET and HEAD: the middleware) the version is read once however many
    cached parts ask; a change made meanwhile is never hidden from the rest of the request; outside, every ask reads."""
    with plan_cache.versions_read_once():
        with django_assert_num_queries(1):
            first = version(partnership)
            assert version(partnership) == first
        plan_cache.mark_changed(partnership.pk)
        assert version(partnership) != first
    with django_assert_num_queries(2):
        version(partnership)
        version(partnership)


def test_a_post_reads_the_version_each_time():
    """A write request is not held to one read: what it changes, the page it renders shows."""
    from agencies.middleware import PlanVersionPerRequestMiddleware

    seen = []
    PlanVersionPerRequestMiddleware(lambda request: seen.append(plan_cache._versions_read.get()))(
        type("Request", (), {"method": "POST"})()
    )
    PlanVersionPerRequestMiddleware(lambda request: seen.append(plan_cache._versions_read.get()))(
        type("Request", (), {"method": "GET"})()
    )
    assert seen == [None, {}]
