"""The mean % complete counts only the percentages somebody reported (a % nobody gave is not 0)."""

import datetime

from actions.states import ActionState
from actions.status import Status, mean_percent, percent_display
from reports.summary import summarise

TODAY = datetime.date(2009, 6, 3)


def state(pk, status, percent):
    return ActionState(id=pk, reference=f"a{pk}", owner_id=1, status=status, percent_complete=percent, due_date=None)


def test_the_mean_leaves_out_actions_with_no_percent_reported_and_says_how_many_were():
    summary = summarise(
        [
            state(1, Status.COMPLETE, 100),
            state(2, Status.IN_PROGRESS, 40),
            state(3, Status.IN_PROGRESS, None),
            state(4, Status.NOT_STARTED, None),
            state(5, Status.NOT_APPLICABLE, 10),
        ],
        today=TODAY,
    )
    assert (summary.percent_complete, summary.percent_reported, summary.tracked) == (70, 2, 4)


def test_with_nothing_reported_there_is_no_mean_rather_than_zero():
    summary = summarise([state(1, Status.NOT_STARTED, None)], today=TODAY)
    assert (summary.percent_complete, summary.percent_reported, summary.percent_display) == (None, 0, "not reported")


def test_a_percent_is_printed_as_a_number_or_as_not_reported():
    assert (percent_display(0), percent_display(None)) == ("0%", "not reported")
    assert mean_percent([None, None]) == (None, 0)
