import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ProgressUpdate, Status
from reports.dashboard import build_dashboard
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    MeetingFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceReportFactory,
)
from tests.helpers import days

pytestmark = pytest.mark.django_db

URL = reverse("reports:dashboard")


def update_written_at(moment, **fields):
    """Progress updates are append-only, in the database too: one from the past is written at that moment (its
    ``created_at`` read from the clock), never moved back afterwards."""
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=moment):
        return ProgressUpdate.objects.get(pk=ProgressUpdateFactory(**fields).pk)


def test_the_coordinator_sees_progress_by_report_with_charts_and_numbers(
    client_as, coordinator, agency, recommendation
):
    ActionFactory(owner=agency, reference="laming-1", recommendations=[recommendation], due_date=days(60))
    ActionFactory(
        owner=agency,
        reference="laming-2",
        recommendations=[recommendation],
        status=Status.COMPLETE,
        percent_complete=100,
    )
    response = client_as(coordinator).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Laming 2009" in html
    assert 'role="img"' in html
    assert "Laming 2009: 2 actions (1 not started, 1 complete)." in html
    assert "50% complete" in html
    report = response.context["dashboard"].reports[0]
    assert (report.label, report.total, report.complete, report.percent_complete) == ("Laming 2009", 2, 1, 50)
    assert f"/actions/?report={recommendation.report.pk}" in html


def test_an_action_answering_two_reports_counts_under_both(coordinator, agency, recommendation):
    jar = RecommendationFactory(report=SourceReportFactory(short_title="JAR Haringey"))
    ActionFactory(owner=agency, recommendations=[recommendation, jar])
    ActionFactory(owner=agency)
    dashboard = build_dashboard(coordinator, timezone.localdate())
    assert [(r.label, r.total) for r in dashboard.reports] == [
        ("Laming 2009", 1),
        ("JAR Haringey", 1),
        ("Not linked to a report", 1),
    ]
    assert dashboard.overall.total == 2


def test_not_applicable_actions_are_left_out_of_the_percent_complete(coordinator, agency):
    ActionFactory(owner=agency, percent_complete=40, status=Status.IN_PROGRESS)
    ActionFactory(owner=agency, status=Status.NOT_APPLICABLE)
    assert build_dashboard(coordinator, timezone.localdate()).overall.percent_complete == 40


def test_overdue_actions_are_grouped_by_age_with_days_overdue(client_as, coordinator, agency):
    for n in (1, 30, 31, 90, 91, 400):
        ActionFactory(owner=agency, reference=f"late-{n}", due_date=days(-n))
    ActionFactory(owner=agency, reference="done", due_date=days(-50), status=Status.COMPLETE, percent_complete=100)
    ActionFactory(owner=agency, reference="today", due_date=days(0))
    response = client_as(coordinator).get(URL)
    bands = response.context["dashboard"].overdue_bands
    assert [[(a.reference, d) for a, d in band.items] for band in bands] == [
        [("late-30", 30), ("late-1", 1)],
        [("late-90", 90), ("late-31", 31)],
        [("late-400", 400), ("late-91", 91)],
    ]
    html = response.content.decode()
    assert "Over 90 days overdue" in html
    client = client_as(coordinator)
    for band in bands:  # each count links to the action list of exactly its actions, most overdue first
        assert band.url.replace("&", "&amp;") in html
        listed = [a.reference for a in client.get(band.url).context["object_list"]]
        assert listed == [a.reference for a, _ in band.items]


def test_it_counts_open_actions_with_no_update_since_the_last_meeting_and_links_to_them(
    client_as, coordinator, agency, member, partnership
):
    MeetingFactory(partnership=partnership, date=days(-10))
    MeetingFactory(partnership=partnership, date=days(-40), body="cpc")
    MeetingFactory(partnership=partnership, date=days(5), body="sub_group")  # not held yet
    fresh = ActionFactory(owner=agency, reference="fresh")
    ProgressUpdateFactory(action=fresh, author=member)
    stale = ActionFactory(owner=agency, reference="stale")
    update_written_at(timezone.now() - datetime.timedelta(days=20), action=stale, author=member)
    ActionFactory(owner=agency, reference="never")
    ActionFactory(owner=agency, reference="closed", status=Status.COMPLETE, percent_complete=100)
    Action.objects.update(created_at=timezone.now() - datetime.timedelta(days=60))  # all there at the meeting
    dashboard = build_dashboard(coordinator, timezone.localdate())
    assert dashboard.meeting.date == days(-10)
    assert [a.reference for a in dashboard.stale] == ["never", "stale"]
    listed = client_as(coordinator).get(dashboard.stale_url).context["object_list"]
    assert sorted(a.reference for a in listed) == ["never", "stale"]


def test_with_no_meeting_yet_nothing_counts_as_stale(client_as, coordinator, agency):
    ActionFactory(owner=agency)
    response = client_as(coordinator).get(URL)
    assert response.context["dashboard"].stale == []
    assert "No meeting is recorded yet" in response.content.decode()


def test_it_lists_due_dates_in_the_next_30_days(coordinator, agency):
    ActionFactory(owner=agency, reference="today", due_date=days(0))
    ActionFactory(owner=agency, reference="in-30", due_date=days(30))
    ActionFactory(owner=agency, reference="in-31", due_date=days(31))
    ActionFactory(owner=agency, reference="done", due_date=days(3), status=Status.COMPLETE, percent_complete=100)
    ActionFactory(owner=agency, reference="undated", due_date=None)
    upcoming = build_dashboard(coordinator, timezone.localdate()).upcoming
    assert [(a.reference, d) for a, d in upcoming] == [("today", 0), ("in-30", 30)]


def test_it_links_into_the_filtered_action_lists(client_as, coordinator, agency):
    ActionFactory(owner=agency, due_date=days(-3))
    html = client_as(coordinator).get(URL).content.decode()
    assert f"/actions/?owner={agency.pk}&amp;overdue=on" in html
    assert f"/actions/?owner={agency.pk}&amp;rag=red" in html
    assert "/actions/?rag=red" in html


def test_the_rag_counts_per_agency_follow_the_rag_rule(coordinator, agency, other_agency):
    ActionFactory(owner=agency, due_date=days(-1))  # red
    ActionFactory(owner=agency, due_date=days(5), percent_complete=10, status=Status.IN_PROGRESS)  # amber
    ActionFactory(owner=other_agency, due_date=days(200))  # green
    agencies = {a.label: a for a in build_dashboard(coordinator, timezone.localdate()).agencies}
    assert agencies["Social Work"].by_rag == {"red": 1, "amber": 1}
    assert agencies["Health"].by_rag == {"green": 1}


def test_it_escapes_a_hostile_agency_name(client_as, coordinator, partnership):
    hostile = AgencyFactory(partnership=partnership, name="<script>alert(1)</script>", short_name="<script>")
    ActionFactory(owner=hostile)
    html = client_as(coordinator).get(URL).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_a_reader_may_view_the_dashboard(client_as, reader, agency):
    ActionFactory(owner=agency)
    assert client_as(reader).get(URL).status_code == 200


def test_a_member_is_refused(client_as, member):
    assert client_as(member).get(URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_another_partnership_sees_only_its_own_actions(client_as, outsider, agency, partnership):
    ActionFactory(owner=agency, reference="east-ayrshire-only", due_date=days(-5))
    MeetingFactory(partnership=partnership, date=days(-1))
    response = client_as(outsider).get(URL)
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert dashboard.overall.total == 0
    assert dashboard.meeting is None
    assert "east-ayrshire-only" not in response.content.decode()
    assert "No actions" in response.content.decode()


def test_it_refuses_a_post(client_as, coordinator):
    assert client_as(coordinator).post(URL).status_code == 405


@pytest.mark.parametrize("count", [5, 200])
def test_the_number_of_queries_does_not_grow_with_the_actions(
    client_as,
    coordinator,
    agency,
    other_agency,
    recommendation,
    partnership,
    member,
    count,
    django_assert_max_num_queries,
):
    MeetingFactory(partnership=partnership, date=days(-10))
    for n in range(count):
        action = ActionFactory(
            owner=agency if n % 2 else other_agency,
            due_date=days(n - count // 2),
            recommendations=[recommendation] if n % 3 else [],
        )
        if n % 4 == 0:
            ProgressUpdateFactory(action=action, author=member)
    client = client_as(coordinator)
    # 5 for the plan (the user comes with their partnership), + 7 fixed: the as-at quick links (last meeting,
    # issued papers), every report with its decisions (reports, recommendations, decisions), the agencies with no
    # active member and the plan's version
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert response.context["dashboard"].overall.total == count
    with django_assert_max_num_queries(16):  # as at a day: the history engine's reads in place of the live ones
        response = client.get(URL, {"as_at": days(-1).isoformat()})
    assert response.context["dashboard"].overall.total == 0  # all created today: not there yesterday


def test_a_due_soon_line_links_to_its_actions_page(coordinator, agency):
    """The "due soon" lines' addresses are built around a reversed one: each is the action's own page."""
    today = datetime.date.today()
    actions = [
        ActionFactory(owner=agency, reference=f"D-{n}", due_date=today + datetime.timedelta(days=n)) for n in (1, 2)
    ]
    lines = build_dashboard(coordinator, today).upcoming_lines
    assert sorted(line.url for line in lines) == sorted(action.get_absolute_url() for action in actions)
