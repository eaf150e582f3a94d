"""The RAG rule (actions.rag): each branch with its explanation, thresholds from settings, and the database
expression held to the Python rule."""

import datetime
import itertools

import pytest

from actions.models import Action, Status
from actions.rag import Rag, action_rating, rag_for
from actions.states import ActionState
from reports.summary import classify
from tests.factories import ActionFactory

TODAY = datetime.date(2009, 6, 3)


def rag(status=Status.IN_PROGRESS, percent=0, due_in=None, today=TODAY):
    due_date = None if due_in is None else today + datetime.timedelta(days=due_in)
    return rag_for(status=status, percent_complete=percent, due_date=due_date, today=today)


@pytest.fixture(autouse=True)
def default_thresholds(settings):
    settings.RAG_AMBER_WITHIN_DAYS = 30
    settings.RAG_AMBER_BELOW_PERCENT = 50


@pytest.mark.parametrize(
    ("kwargs", "rating", "explanation"),
    [
        ({"status": Status.COMPLETE, "percent": 100, "due_in": -400}, Rag.COMPLETE, "Complete"),
        ({"status": Status.NOT_APPLICABLE, "due_in": -400}, Rag.NOT_APPLICABLE, "Not applicable: no longer tracked"),
        ({"status": Status.ONGOING, "due_in": -400}, Rag.GREEN, "Green: ongoing, embedded in routine practice"),
        (
            {"status": Status.NOT_STARTED, "due_in": None},
            Rag.NO_DATE,
            "No date set: no due date and no progress recorded",
        ),
        ({"due_in": None, "percent": 0}, Rag.NO_DATE, "No date set: no due date and no progress recorded"),
        ({"due_in": None, "percent": 40}, Rag.GREEN, "Green: 40% complete, no due date set"),
        ({"due_in": -12, "percent": 90}, Rag.RED, "Red: overdue by 12 days"),
        ({"due_in": -1}, Rag.RED, "Red: overdue by 1 day"),
        ({"due_in": 0, "percent": 0}, Rag.AMBER, "Amber: due today and 0% complete (under 50%)"),
        ({"due_in": 1, "percent": 49}, Rag.AMBER, "Amber: due in 1 day and 49% complete (under 50%)"),
        ({"due_in": 30, "percent": 10}, Rag.AMBER, "Amber: due in 30 days and 10% complete (under 50%)"),
        ({"due_in": 0, "percent": 50}, Rag.GREEN, "Green: due today, 50% complete"),
        ({"due_in": 30, "percent": 50}, Rag.GREEN, "Green: due in 30 days, 50% complete"),
        ({"due_in": 31, "percent": 0}, Rag.GREEN, "Green: due in 31 days, 0% complete"),
        ({"status": Status.NOT_STARTED, "due_in": 5}, Rag.AMBER, "Amber: due in 5 days and 0% complete (under 50%)"),
        ({"due_in": 5, "percent": None}, Rag.AMBER, "Amber: due in 5 days and no % complete reported"),
        ({"due_in": 31, "percent": None}, Rag.GREEN, "Green: due in 31 days, % complete not reported"),
    ],
)
def test_the_rule_rates_and_explains_each_case(kwargs, rating, explanation):
    result = rag(**kwargs)
    assert (result.rating, result.explanation) == (rating, explanation)
    assert result.label == Rag(rating).label


def test_a_closed_action_is_never_red_however_late():
    for status in (Status.COMPLETE, Status.ONGOING, Status.NOT_APPLICABLE):
        assert rag(status=status, percent=100, due_in=-1000).rating != Rag.RED


def test_an_undated_action_with_no_progress_is_never_green():
    for status in (Status.NOT_STARTED, Status.IN_PROGRESS):
        assert rag(status=status, percent=0, due_in=None).rating == Rag.NO_DATE


def test_the_amber_window_is_read_from_settings(settings):
    settings.RAG_AMBER_WITHIN_DAYS = 60
    assert rag(due_in=45, percent=10).explanation == "Amber: due in 45 days and 10% complete (under 50%)"
    settings.RAG_AMBER_WITHIN_DAYS = 7
    assert rag(due_in=8, percent=10).explanation == "Green: due in 8 days, 10% complete"
    assert rag(due_in=7, percent=10).rating == Rag.AMBER


def test_the_amber_percentage_is_read_from_settings(settings):
    settings.RAG_AMBER_BELOW_PERCENT = 75
    assert rag(due_in=10, percent=60).explanation == "Amber: due in 10 days and 60% complete (under 75%)"
    settings.RAG_AMBER_BELOW_PERCENT = 25
    assert rag(due_in=10, percent=25).explanation == "Green: due in 10 days, 25% complete"


def test_the_action_page_explains_the_rating(settings):
    action = ActionFactory.build(status=Status.IN_PROGRESS, percent_complete=20, due_date=TODAY)
    assert action.rag_result(TODAY + datetime.timedelta(days=12)).explanation == "Red: overdue by 12 days"


STATUSES = Status.values
PERCENTS = [None, 0, 1, 24, 25, 49, 50, 51, 99, 100]  # None: no % reported
DUE_IN = [None, -400, -2, -1, 0, 1, 6, 7, 8, 29, 30, 31, 60, 365]


@pytest.mark.django_db
@pytest.mark.parametrize(("within_days", "below_percent"), [(30, 50), (7, 25), (0, 100)])
def test_the_database_expression_agrees_with_the_rule(settings, agency, within_days, below_percent):
    settings.RAG_AMBER_WITHIN_DAYS, settings.RAG_AMBER_BELOW_PERCENT = within_days, below_percent
    grid = [
        (status, percent, due_in)
        for status, percent, due_in in itertools.product(STATUSES, PERCENTS, DUE_IN)
        if status != Status.COMPLETE or percent == 100  # the database holds a complete action at 100%
    ]
    Action.objects.bulk_create(
        Action(
            partnership=agency.partnership,
            owner=agency,
            reference=f"g-{index}",
            level="committee",
            description="grid",
            status=status,
            percent_complete=percent,
            due_date=None if due_in is None else TODAY + datetime.timedelta(days=due_in),
        )
        for index, (status, percent, due_in) in enumerate(grid)
    )
    disagreements = []
    for action in Action.objects.with_rag(TODAY):
        expected = rag_for(
            status=action.status, percent_complete=action.percent_complete, due_date=action.due_date, today=TODAY
        )
        if action.rag != expected.rating:
            disagreements.append((action.status, action.percent_complete, action.due_date, action.rag, expected.rating))
    assert Action.objects.count() == len(grid)
    assert disagreements == []


@pytest.mark.django_db
def test_the_list_filters_by_the_same_rating_the_rule_gives(agency):
    overdue = ActionFactory(owner=agency, status=Status.IN_PROGRESS, due_date=TODAY - datetime.timedelta(days=12))
    soon = ActionFactory(owner=agency, status=Status.IN_PROGRESS, percent_complete=10, due_date=TODAY)
    assert list(Action.objects.with_rag(TODAY).filter(rag=Rag.RED)) == [overdue]
    assert list(Action.objects.with_rag(TODAY).filter(rag=Rag.AMBER)) == [soon]


@pytest.mark.parametrize(("within_days", "below_percent"), [(30, 50), (7, 25), (0, 100)])
def test_the_counted_rating_is_the_explained_rating(settings, within_days, below_percent):
    """Pages that count many actions rate them by ``action_rating`` (through ``classify``, the settings read once a
    page): for every case of the grid it is ``rag_for``'s rating, under the thresholds in force at the time."""
    settings.RAG_AMBER_WITHIN_DAYS, settings.RAG_AMBER_BELOW_PERCENT = within_days, below_percent
    grid = list(itertools.product(STATUSES, PERCENTS, DUE_IN))
    states = [
        ActionState(
            id=index, reference=f"g-{index}", owner_id=1, status=status, percent_complete=percent,
            due_date=None if due_in is None else TODAY + datetime.timedelta(days=due_in),
        )  # fmt: skip
        for index, (status, percent, due_in) in enumerate(grid)
    ]
    explained = [
        rag_for(status=s.status, percent_complete=s.percent_complete, due_date=s.due_date, today=TODAY).rating
        for s in states
    ]
    rated = [action_rating(s, TODAY) for s in states]
    counted = [item.rag for item in classify(states, today=TODAY)]
    assert rated == explained
    assert counted == [rating.value for rating in explained]
    assert len(set(counted)) == len(Rag)  # the grid reaches every rating
