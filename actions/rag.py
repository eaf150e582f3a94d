"""The RAG rating of an action, derived in one place from its status, % complete and due date.

* complete                                   -> Complete
* not applicable                             -> Not applicable
* open, no due date and no progress (0%)    -> No date set (neutral: neither on track nor late)
* open and past its due date                 -> Red
* open, due within RAG_AMBER_WITHIN_DAYS and under RAG_AMBER_BELOW_PERCENT % -> Amber
* anything else (including ongoing, and undated work under way) -> Green

``rag_for`` is the rule; ``rag_expression`` is the same rule for the database, so lists can filter and sort
by it. A test holds the two to each other.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When

from .status import CLOSED_STATUSES, Status


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    NO_DATE = "no_date", "No date set"
    COMPLETE = "complete", "Complete"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


@dataclass(frozen=True)
class RagResult:
    rating: str
    explanation: str

    @property
    def label(self):
        return Rag(self.rating).label


def _days(n):
    return f"{n} day" if n == 1 else f"{n} days"


def rag_thresholds():
    """The rule's two settings, (amber within days, amber below percent): read once by a page that rates many
    actions (``reports.summary.classify``), each read of ``settings`` costing more than the rule itself."""
    return settings.RAG_AMBER_WITHIN_DAYS, settings.RAG_AMBER_BELOW_PERCENT


_COMPLETE, _NOT_APPLICABLE = Status.COMPLETE.value, Status.NOT_APPLICABLE.value
_CLOSED = frozenset(status.value for status in CLOSED_STATUSES)


def _rule(status, percent_complete, due_date, today, thresholds):
    """(rating, why): the rule, once; ``why`` names the branch that rated the action, for its explanation."""
    if status == _COMPLETE:
        return Rag.COMPLETE, "complete"
    if status == _NOT_APPLICABLE:
        return Rag.NOT_APPLICABLE, "not applicable"
    if status in _CLOSED:
        return Rag.GREEN, "ongoing"
    if due_date is None:
        if (percent_complete or 0) > 0:
            return Rag.GREEN, "undated, under way"
        return Rag.NO_DATE, "undated"
    days = (due_date - today).days
    if days < 0:
        return Rag.RED, "overdue"
    amber_days, amber_percent = thresholds or rag_thresholds()
    if days <= amber_days and percent_complete is None:
        return Rag.AMBER, "due soon, unreported"
    if days <= amber_days and percent_complete < amber_percent:
        return Rag.AMBER, "due soon, behind"
    if percent_complete is None:
        return Rag.GREEN, "unreported"
    return Rag.GREEN, "on track"


def rag_rating(*, status, percent_complete, due_date, today, thresholds=None):
    """The rating alone (a ``Rag``), by ``rag_for``'s rule, for pages that count many actions and explain none."""
    return _rule(status, percent_complete, due_date, today, thresholds)[0]


def rag_for(*, status, percent_complete, due_date, today, thresholds=None):
    rating, why = _rule(status, percent_complete, due_date, today, thresholds)
    if why == "complete":
        return RagResult(rating, "Complete")
    if why == "not applicable":
        return RagResult(rating, "Not applicable: no longer tracked")
    if why == "ongoing":
        return RagResult(rating, "Green: ongoing, embedded in routine practice")
    if why == "undated, under way":
        return RagResult(rating, f"Green: {percent_complete}% complete, no due date set")
    if why == "undated":
        return RagResult(rating, "No date set: no due date and no progress recorded")
    days = (due_date - today).days
    if why == "overdue":
        return RagResult(rating, f"Red: overdue by {_days(-days)}")
    when = "today" if days == 0 else f"in {_days(days)}"
    if why == "due soon, unreported":
        return RagResult(rating, f"Amber: due {when} and no % complete reported")
    if why == "due soon, behind":
        amber_percent = (thresholds or rag_thresholds())[1]
        return RagResult(rating, f"Amber: due {when} and {percent_complete}% complete (under {amber_percent}%)")
    if why == "unreported":
        return RagResult(rating, f"Green: due {when}, % complete not reported")
    return RagResult(rating, f"Green: due {when}, {percent_complete}% complete")


def action_rag(action, today):
    return rag_for(
        status=action.status, percent_complete=action.percent_complete, due_date=action.due_date, today=today
    )


def rag_expression(today):
    """The rule of ``rag_for`` as a database expression, for annotating, filtering and sorting."""
    amber_until = today + datetime.timedelta(days=settings.RAG_AMBER_WITHIN_DAYS)
    return Case(
        When(status=Status.COMPLETE, then=Value(Rag.COMPLETE.value)),
        When(status=Status.NOT_APPLICABLE, then=Value(Rag.NOT_APPLICABLE.value)),
        When(status__in=CLOSED_STATUSES, then=Value(Rag.GREEN.value)),
        When(due_date__isnull=True, percent_complete__gt=0, then=Value(Rag.GREEN.value)),
        When(due_date__isnull=True, then=Value(Rag.NO_DATE.value)),
        When(due_date__lt=today, then=Value(Rag.RED.value)),
        When(
            Q(due_date__lte=amber_until)
            & (Q(percent_complete__lt=settings.RAG_AMBER_BELOW_PERCENT) | Q(percent_complete__isnull=True)),
            then=Value(Rag.AMBER.value),
        ),
        default=Value(Rag.GREEN.value),
        output_field=models.CharField(),
    )
