"""One data set, one date: every view of the plan gives the same figures.

My actions (per agency), the dashboard (per agency and per report), the reminders (dry run, per agency) and a
paper as at that date (per agency and per report) are held to one table of expected counts, worked out by hand
from the data below: overdue, due soon (within DUE_SOON_DAYS = 30), no update since the last meeting (1 August
2009) and complete, on 2 September 2009.
"""

import datetime

import pytest
from django.urls import reverse

from actions.filters import ActionFilter
from actions.models import Action
from actions.status import Status
from reports.reminders import build_reminders
from tests.factories import MeetingFactory, RecommendationFactory, SourceReportFactory

from .conftest import at

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2009, 9, 2)
NOW = at(2009, 9, 2, 15)
CREATED = at(2009, 6, 1)

#: (agency or report): (overdue, due soon, no update since the meeting, complete)
EXPECTED = {
    "Social Work": (1, 2, 2, 1),  # A1 overdue, not updated; A2, A8 due soon; A8 not updated; A3 complete
    "Health": (1, 0, 2, 0),  # A4 overdue (over 90 days), not updated since; A6 never updated
    "Laming 2009": (1, 1, 2, 0),  # A1, A2, A5, A6
    "JAR Haringey": (1, 2, 2, 1),  # A2, A3, A4, A7, A8
}
KEYS = ("overdue", "due_soon", "not_updated", "complete")


def d(month, day):
    return datetime.date(2009, month, day)


@pytest.fixture
def plan(partnership, agency, other_agency, member, other_agency_member, recommendation, make_action, record):
    laming = recommendation  # of "Laming 2009"
    jar = RecommendationFactory(report=SourceReportFactory(slug="jar-haringey", short_title="JAR Haringey"))
    MeetingFactory(partnership=partnership, date=d(8, 1))
    sw, health = agency, other_agency
    a = {}
    a[1] = make_action(CREATED, owner=sw, recommendations=[laming], due_date=d(8, 20), status=Status.IN_PROGRESS)
    a[2] = make_action(CREATED, owner=sw, recommendations=[laming, jar], due_date=d(9, 20))
    a[3] = make_action(CREATED, owner=sw, recommendations=[jar], due_date=d(5, 1))
    a[4] = make_action(CREATED, owner=health, recommendations=[jar], due_date=d(3, 1))
    a[5] = make_action(CREATED, owner=health, recommendations=[laming], due_date=None, status=Status.ONGOING)
    a[6] = make_action(CREATED, owner=health, recommendations=[laming], due_date=d(12, 1))
    a[7] = make_action(CREATED, owner=health, recommendations=[jar], due_date=TODAY, status=Status.NOT_APPLICABLE)
    a[8] = make_action(CREATED, owner=sw, recommendations=[jar], due_date=TODAY, status=Status.IN_PROGRESS)
    record(a[2], at(2009, 8, 15), member, status=Status.IN_PROGRESS, percent_complete=40)
    record(a[3], at(2009, 8, 10), member, status=Status.COMPLETE, percent_complete=100)
    record(a[4], at(2009, 7, 1), other_agency_member, note="Waiting for the new guidance.")
    # A9 was created after the meeting, so it had nothing to report at it: in no list, least of all "no update since"
    a[9] = make_action(at(2009, 8, 20), owner=sw, recommendations=[laming], due_date=d(12, 15))
    return {"laming": laming.report, "jar": jar.report, "new": a[9]}


def as_tuple(counts):
    return tuple(counts[key] for key in KEYS)


def test_my_actions_gives_each_agency_the_same_figures(plan, member, other_agency_member, client_as, frozen):
    for user, agency in ((member, "Social Work"), (other_agency_member, "Health")):
        with frozen(NOW):
            page = client_as(user).get(reverse("actions:my_actions")).context["page"]
        sections = {section.key: len(section.actions) for section in page.sections}
        counts = {
            "overdue": sections["overdue"],
            "due_soon": sections["due-soon"],
            "not_updated": sections["no-update"],
            "complete": page.complete,
        }
        assert as_tuple(counts) == EXPECTED[agency], agency


def test_the_dashboard_gives_the_same_figures_per_agency_and_per_report(plan, coordinator, client_as, frozen):
    with frozen(NOW):
        dashboard = client_as(coordinator).get(reverse("reports:dashboard")).context["dashboard"]
    groups = {group.label: group.summary.counts() for group in dashboard.agencies + dashboard.reports}
    for name, expected in EXPECTED.items():
        assert as_tuple(groups[name]) == expected, name
    assert len(dashboard.stale) == 4 and dashboard.overdue_total == 2 and len(dashboard.upcoming) == 2


def test_the_action_list_filter_and_the_dashboard_agree_on_no_update_since_the_meeting(
    plan, coordinator, client_as, frozen
):
    with frozen(NOW):
        client = client_as(coordinator)
        dashboard = client.get(reverse("reports:dashboard")).context["dashboard"]
        listed = ActionFilter(
            {"not_updated_since": "2009-08-01"}, queryset=Action.objects.all(), partnership=plan["new"].partnership
        ).qs
    stale = {action.pk for action in dashboard.stale}
    assert {action.pk for action in listed} == stale
    assert plan["new"].pk not in stale


def test_the_reminders_give_each_agency_the_same_overdue_and_due_soon(plan, member, other_agency_member):
    reminders = {r.to: r for r in build_reminders(today=TODAY)}
    for user, agency in ((member, "Social Work"), (other_agency_member, "Health")):
        reminder = reminders[user.email]
        assert (len(reminder.overdue), len(reminder.due_soon)) == EXPECTED[agency][:2], agency


def test_a_paper_as_at_that_date_gives_the_same_figures(plan, make_paper, meeting, frozen):
    assert meeting.date == TODAY
    with frozen(NOW):
        paper = make_paper(meeting=meeting, as_at=TODAY, reports=[plan["laming"], plan["jar"]])
    content = paper.document
    groups = {a["short_name"]: a["summary"]["lists"] for a in content["agencies"]}
    groups |= {r["short_title"]: r["summary"]["lists"] for r in content["reports"]}
    # The paper's own meeting is on 2 September: it counts "no update" from the meeting before, as the pages do.
    for name, expected in EXPECTED.items():
        assert as_tuple(groups[name]) == expected, name
