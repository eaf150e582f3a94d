"""Query counts pinned on the list and report pages: the same bound for 5 actions as for 500.

A page whose count grows with the number of actions has an N+1 query. Measured for a member, the same on SQLite
and PostgreSQL and for 5 or 500 actions: action list 12 (13 filtered by a recommendation), My actions 8 (7 for the
coordinator), report page 9, recommendation page 12 (one of them for its earlier wordings), action page 8. Each
includes the session, user, membership, agency and partnership lookups that every logged-in page makes.
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionRecommendation, ProgressUpdate, Status
from agencies.plan_cache import mark_changed
from tests.factories import (
    DecisionFactory,
    MeetingFactory,
    MembershipFactory,
    RecommendationFactory,
    ThemeFactory,
    UserFactory,
)
from tests.reports.test_plan_cache import without_tokens

pytestmark = pytest.mark.django_db

STATUSES = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.ONGOING, Status.NOT_APPLICABLE]


@pytest.fixture
def plan_of(partnership, agency, other_agency, member, coordinator, recommendation):
    """plan_of(n): n actions of the partnership, half of them Social Work's, each answering two recommendations
    (12 and another of its report) and with a progress update; the last meeting, a theme and a decision."""
    report = recommendation.report
    recommendation.theme = ThemeFactory(report=report, title="Leadership")
    recommendation.save()
    second = RecommendationFactory(report=report, reference="3", position=3)
    MeetingFactory(partnership=partnership, date=timezone.localdate() - datetime.timedelta(days=14))
    DecisionFactory(partnership=partnership, recommendation=recommendation, decided_by=coordinator)

    made = itertools.count()

    def make(n):
        today = timezone.localdate()
        actions = Action.objects.bulk_create(
            Action(
                partnership=partnership,
                owner=(agency, other_agency)[i % 2],
                reference=f"A-{next(made):04}",
                level=("committee", "single_agency")[i % 2],
                description=f"Action number {i}",
                timescale_text="October 2009",
                due_date=today + datetime.timedelta(days=i % 90 - 30),
                status=STATUSES[i % len(STATUSES)],
                percent_complete=i % 100,
            )
            for i in range(n)
        )
        ActionRecommendation.objects.bulk_create(
            [
                ActionRecommendation(action=a, recommendation=recommendation, is_primary=True, position=i)
                for i, a in enumerate(actions)
            ]
            + [ActionRecommendation(action=a, recommendation=second, position=i) for i, a in enumerate(actions)]
        )
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                action=a,
                author=member,
                status_before=Status.NOT_STARTED,
                status_after=a.status,
                percent_before=0,
                percent_after=a.percent_complete,
                note="Update",
            )
            for a in actions
        )
        mark_changed(partnership.pk)  # bulk_create sends no signals: a bulk writer marks the plan changed itself
        return actions

    return make


#: The "as at" control's quick links read the last meeting and the issued papers: two queries on the pages that have it.
AS_AT = 2

PAGES = {
    # page: (address for recommendation 12, query bound, what the page must say for n actions)
    # The user comes with their membership, agency and partnership (agencies/backends.py); + 1 on each cached page
    # for the plan's version (agencies/plan_cache.py)
    "action list": (lambda rec: reverse("actions:list"), 10 + AS_AT, lambda n: f"<strong>{n}</strong> actions found."),
    "action list, filtered and sorted": (
        lambda rec: reverse("actions:list") + f"?recommendation={rec.pk}&q=number&sort=-rag",
        11 + AS_AT,  # one more: the chosen recommendation is looked up to validate the filter
        lambda n: f"<strong>{n}</strong> actions found with these filters.",
    ),
    "my actions": (
        lambda rec: reverse("actions:my_actions"),
        8,  # 7 to build it (2: the sign-off settings and decisions), + 1 for the plan's version; 3 once cached
        lambda n: f"{(n + 1) // 2} actions owned by Social Work Services.",
    ),
    "report page": (lambda rec: rec.report.get_absolute_url(), 7 + AS_AT, lambda n: f"{n} actions:"),
    "recommendation page": (lambda rec: rec.get_absolute_url(), 10 + AS_AT, lambda n: "Action number 4"),
}

#: Once a page's plan part is cached: the session, the person, the page's own object (the report; the
#: recommendation, its decision, findings and earlier wordings), the plan's version (read once: the as-at control's
#: links are kept under it too).
SERVED = {"report page": 4, "recommendation page": 7}


def count_queries(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("n", [5, 500])
@pytest.mark.parametrize("page", PAGES)
def test_each_page_stays_within_its_query_bound(
    client_as, member, plan_of, recommendation, django_assert_max_num_queries, page, n
):
    address, bound, says = PAGES[page]
    plan_of(n)
    client = client_as(member)
    with django_assert_max_num_queries(bound):
        response = client.get(address(recommendation))
    assert response.status_code == 200
    assert says(n) in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_no_page_makes_more_queries_for_more_actions(client_as, member, coordinator, plan_of, recommendation, page):
    address = PAGES[page][0](recommendation)
    plan_of(5)
    few = {user.username: count_queries(client_as(user), address) for user in (member, coordinator)}
    plan_of(495)
    many = {user.username: count_queries(client_as(user), address) for user in (member, coordinator)}
    assert many == few


@pytest.mark.parametrize("page", SERVED)
def test_the_report_and_recommendation_pages_as_served_read_the_version_not_the_plan(
    client_as, member, plan_of, recommendation, page
):
    address = PAGES[page][0](recommendation)
    plan_of(50)
    client = client_as(member)
    first = without_tokens(client.get(address))
    assert count_queries(client, address) == SERVED[page]
    assert without_tokens(client.get(address)) == first
    assert PAGES[page][2](50) in first


def test_the_action_page_makes_the_same_queries_for_5_and_500_updates(client_as, member, agency, other_agency):
    action = Action.objects.create(
        partnership=agency.partnership, owner=agency, reference="MANY", level="committee", description="Busy"
    )
    authors = [member, MembershipFactory(agency=other_agency).user, UserFactory()]  # one author has no membership

    def add_updates(n):
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                action=action,
                author=authors[i % len(authors)],
                status_before=Status.NOT_STARTED,
                status_after=Status.IN_PROGRESS,
                percent_before=0,
                percent_after=10,
                note=f"Update {i}",
            )
            for i in range(n)
        )

    client = client_as(member)
    client.get(action.get_absolute_url())  # the as-at control's links kept (updates made as below move no version)
    add_updates(5)
    few = count_queries(client, action.get_absolute_url())
    add_updates(495)
    # 9th: does the owner have an active member; 10th, 11th: its sign-off (the plan's setting, the meeting's decisions)
    assert count_queries(client, action.get_absolute_url()) == few <= 11
