"""Pages shown "as at" a day: the plan as it stood at the end of that day, read as the papers read it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Status
from agencies.models import Membership
from recommendations.decisions import decision_record
from recommendations.models import ApplicabilityDecision
from reports import services
from tests.factories import AgencyFactory, MeetingFactory, MembershipFactory, SourceReportFactory

from .conftest import at

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("reports:dashboard")
LIST = reverse("actions:list")


@pytest.fixture
def history(make_action, record, member):
    """One action created in June 2009, started in July, complete in September."""
    action = make_action(at(2009, 6, 3), reference="jar-2-c1", due_date=datetime.date(2009, 8, 31))
    record(action, at(2009, 7, 10), member, status=Status.IN_PROGRESS, percent_complete=40)
    record(action, at(2009, 9, 15), member, status=Status.COMPLETE, percent_complete=100)
    action.refresh_from_db()
    return action


def test_the_dashboard_shows_the_plan_as_it_stood_with_a_banner(client_as, coordinator, history):
    response = client_as(coordinator).get(DASHBOARD, {"as_at": "2009-08-01"})
    dashboard = response.context["dashboard"]
    assert (dashboard.today, dashboard.overall.total, dashboard.overall.complete) == (datetime.date(2009, 8, 1), 1, 0)
    assert dashboard.overall.summary.by_status == {Status.IN_PROGRESS: 1}
    assert "This page shows the past:" in response.content.decode()
    assert "the plan as it stood at the end of 1 August 2009" in response.content.decode()

    later = client_as(coordinator).get(DASHBOARD, {"as_at": "2009-10-01"}).context["dashboard"]
    assert later.overall.complete == 1
    today = client_as(coordinator).get(DASHBOARD)
    assert today.context["dashboard"].today == timezone.localdate()
    assert "This page shows the past" not in today.content.decode()


def test_the_action_list_filters_on_progress_as_it_stood(client_as, member, history):
    then = client_as(member).get(LIST, {"as_at": "2009-08-01", "status": Status.IN_PROGRESS})
    assert [a.reference for a in then.context["object_list"]] == ["jar-2-c1"]
    assert then.context["object_list"][0].percent_complete == 40
    assert (
        list(client_as(member).get(LIST, {"as_at": "2009-08-01", "status": Status.COMPLETE}).context["object_list"])
        == []
    )
    before = client_as(member).get(LIST, {"as_at": "2009-05-01"})
    assert list(before.context["object_list"]) == []  # the action did not exist yet
    history.refresh_from_db()
    assert (history.status, history.percent_complete) == (Status.COMPLETE, 100)  # nothing was written


def test_a_date_that_is_not_one_is_explained_and_today_is_shown(client_as, coordinator, history):
    response = client_as(coordinator).get(DASHBOARD, {"as_at": "1 August"})
    assert response.status_code == 200
    assert "“1 August” is not a date" in response.content.decode()
    assert response.context["dashboard"].today == timezone.localdate()


def test_quick_links_offer_today_the_last_meeting_and_each_issued_paper(
    client_as, coordinator, partnership, history, make_paper, frozen
):
    paper = make_paper()
    with frozen(at(2009, 9, 3)):
        services.paper_issue(paper=paper, issued_by=coordinator)
    links = client_as(coordinator).get(DASHBOARD).context["as_at"].links
    values = [value for _label, value, _current in links]
    assert values == ["", "2009-09-02"]  # today; the meeting's day and the paper's as-at day are one link
    assert links[1][0] == "Last meeting (Chief Officers Group, 2 September 2009)"


def test_the_report_page_shows_decisions_and_actions_as_they_stood(client_as, coordinator, history, recommendation):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: at(2009, 8, 20))
        decision_record(
            partnership=coordinator.membership.agency.partnership,
            recommendation=recommendation,
            decision=ApplicabilityDecision.Decision.ADOPT,
            reason="Applies here.",
            decided_by=coordinator,
            decided_on=datetime.date(2009, 8, 20),
        )
    url = reverse("recommendations:report", args=[recommendation.report.slug])
    then = client_as(coordinator).get(url, {"as_at": "2009-08-01"}).content.decode()
    assert "Under consideration" in then and "1 in progress" in then
    now = client_as(coordinator).get(url).content.decode()
    assert "Adopt" in now and "1 complete" in now


def test_every_report_is_on_the_dashboard_with_its_decisions_even_without_actions(client_as, coordinator, history):
    SourceReportFactory(short_title="Laming 2009 (no actions)")
    reports = client_as(coordinator).get(DASHBOARD).context["dashboard"].reports
    empty = next(r for r in reports if r.label == "Laming 2009 (no actions)")
    assert empty.total == 0
    assert empty.decisions == []  # it has no recommendations loaded in this test


def test_the_dashboard_lists_agencies_with_open_actions_and_no_active_member(
    client_as, coordinator, partnership, make_action
):
    council = AgencyFactory(partnership=partnership, name="East Ayrshire Council", slug="council")
    MembershipFactory(agency=council, role=Membership.Role.READER)
    make_action(at(2009, 6, 3), owner=council)
    response = client_as(coordinator).get(DASHBOARD)
    assert [a.name for a in response.context["dashboard"].without_member] == ["East Ayrshire Council"]
    assert "Agencies with nobody to update their actions" in response.content.decode()


def test_an_archived_record_opens_as_at_its_last_meeting_and_a_live_one_today_however_quiet(
    client_as, coordinator, partnership, history
):
    MeetingFactory(partnership=partnership, date=datetime.date(2009, 10, 1))
    assert client_as(coordinator).get(reverse("home"))["Location"] == DASHBOARD  # quiet for years, but live
    services.plan_archive(partnership=partnership, actor=coordinator, reason="A record.", today=timezone.localdate())
    assert client_as(coordinator).get(reverse("home"))["Location"] == f"{DASHBOARD}?as_at=2009-10-01"


def test_the_quick_links_name_every_issued_paper_without_reading_any_papers_body(
    client_as, coordinator, reader, make_paper
):
    """The as-at control on every list page links to each issued paper's day: it reads their dates and meetings,
    never their content, HTML or PDF (megabytes each for a large plan)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for day in (datetime.date(2009, 9, 2), datetime.date(2009, 12, 2)):
        services.paper_issue(paper=make_paper(as_at=day, title=f"Paper of {day}"), issued_by=coordinator)
    for url in (reverse("reports:dashboard"), reverse("actions:list"), reverse("reports:paper_list")):
        with CaptureQueriesContext(connection) as queries:
            response = client_as(reader).get(url)
        assert response.status_code == 200, url
        assert "(as at 2 December 2009)" in response.content.decode() or url == reverse("reports:paper_list")
        bodies = [
            q["sql"] for q in queries if '"reports_paper"."content"' in q["sql"] or '"reports_paper"."pdf"' in q["sql"]
        ]
        assert bodies == [], url
