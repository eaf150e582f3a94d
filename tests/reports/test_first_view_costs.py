"""The first view of My actions and of the dashboard after a real change to the plan: a fixed number of queries
whatever the plan's size, and My actions' rows, written in Python once per action (``reports.member_lists``), the
very rows of the shared action table (``includes/action_table.html``)."""

import datetime
import re

import pytest
from django.db import connection
from django.db.models import F
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, Status
from actions.services import ProgressChange, action_record_progress
from tests.factories import ActionFactory, MeetingFactory, ProgressUpdateFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

#: The session, the user (with membership, agency and partnership), the plan's version, then the page's own.
MY_ACTIONS_QUERIES = 8  # at most: + the last meeting, the actions, their links, the sign-off settings and decisions
#: At most: the session, user and version; the last meeting, the "as at" links, the actions, their reports,
#: the reports, the decisions, the agencies with nobody to update their actions.
DASHBOARD_QUERIES = 12


def make_actions(agency, other_agency, author, recommendations, n, made):
    """n actions for each of the two agencies, of every status, some undated, some without a % complete, answering
    one, two or none of ``recommendations``, and some with a progress update."""
    today = timezone.localdate()
    statuses = list(Status)
    for i in range(n):
        for owner in (agency, other_agency):
            status = statuses[i % len(statuses)]
            action = ActionFactory(
                owner=owner,
                reference=f"jar-{owner.pk}-c{len(made)}",
                description=(
                    f'Action <{i}> & "friends"\'s work,\nover  two lines. ' + " ".join(["word"] * (i * 5 % 40))
                ),
                status=status,
                percent_complete=100 if status == Status.COMPLETE else None if i % 3 == 0 else (i * 7) % 100,
                due_date=None if i % 5 == 0 else today + datetime.timedelta(days=(i * 11) % 120 - 60),
                recommendations=recommendations[: i % 3],
            )
            if i % 2:
                ProgressUpdateFactory(action=action, author=author)
            made.append(action)


@pytest.fixture
def plan(partnership, agency, other_agency, member, coordinator, recommendation):
    """plan(n): n more actions for each agency, the last meeting a fortnight ago; then one real change."""
    MeetingFactory(partnership=partnership, date=timezone.localdate() - datetime.timedelta(days=14))
    recommendations = [recommendation, RecommendationFactory(report=recommendation.report, reference="3", position=3)]

    made = []

    def make(n):
        make_actions(agency, other_agency, member, recommendations, n, made)
        change(made[0], coordinator)
        return made

    return make


def change(action, author):
    """A real change to the plan, as a person makes one: a note through the service that records progress."""
    action.refresh_from_db()
    action_record_progress(
        action=action,
        author=author,
        expected_version=action.version,
        change=ProgressChange(
            status=action.status, percent_complete=action.percent_complete, due_date=action.due_date, note="A note."
        ),
    )


def first_view(client, address):
    """The first view's queries and text."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize(
    "role, address, bound, says",
    [
        ("member", "actions:my_actions", MY_ACTIONS_QUERIES, lambda n: f"{n} actions owned by Social Work Services."),
        ("coordinator", "reports:dashboard", DASHBOARD_QUERIES, lambda n: f"{2 * n} actions."),
    ],
)
def test_the_first_view_after_a_change_makes_the_same_queries_for_a_few_or_many_actions(
    request, client_as, plan, django_assert_num_queries, role, address, bound, says
):
    client = client_as(request.getfixturevalue(role))
    plan(2)
    few, page = first_view(client, reverse(address))
    assert few <= bound and says(2) in page
    plan(38)  # 40 each: the first view after this change costs as many queries
    with django_assert_num_queries(few):
        response = client.get(reverse(address))
    assert says(40) in response.content.decode()


def test_a_change_is_seen_on_the_first_view(client_as, member, coordinator, agency, plan):
    """The first view after a change shows it (the page is rebuilt, not served as it was)."""
    actions = plan(3)
    client = client_as(member)
    client.get(reverse("actions:my_actions"))
    mine = [a for a in actions if a.owner_id == agency.pk]
    mine[1].refresh_from_db()
    action_record_progress(
        action=mine[1],
        author=coordinator,
        expected_version=mine[1].version,
        change=ProgressChange(status=Status.IN_PROGRESS, percent_complete=63, due_date=mine[1].due_date),
    )
    assert (
        '<td class="text-end" data-label="Complete">63%</td>'
        in client.get(reverse("actions:my_actions")).content.decode()
    )


def test_my_actions_tables_are_the_action_tables_row_for_row(client_as, member, agency, plan):
    """Each section's table is ``includes/action_table.html`` without the owner column, of the section's actions as
    the action list loads them: the same markup, the same text, byte for byte."""
    plan(12)
    page = client_as(member).get(reverse("actions:my_actions")).content.decode()
    today = timezone.localdate()
    actions = {
        a.pk: a
        for a in Action.objects.for_user(member)
        .for_lists(today, member)
        .filter(owner=agency)
        .order_by(F("due_date").asc(nulls_last=True), "sort_key")
    }
    tables = 0
    for key, body in re.findall(r'<section id="([\w-]+)"(.*?)</section>', page, flags=re.S):
        ids = [int(pk) for pk in re.findall(r'<td class="text-nowrap card-title"><a href="/actions/(\d+)/">', body)]
        if not ids:
            assert "<p>None.</p>" in body
            continue
        caption = re.search(r'<caption class="visually-hidden">(.*?)</caption>', body).group(1)
        expected = render_to_string(
            "includes/action_table.html",
            {"caption": caption, "actions": [actions[pk] for pk in ids], "hide_owner": True},
        )
        assert expected in page, key
        tables += 1
    assert tables >= 3
    # every kind of row was compared: undated, not reported, more than one recommendation, a long description
    for kind in ("No date set", "not reported", "<br>", " …</td>", "&lt;", "&#x27;"):
        assert kind in page, kind
