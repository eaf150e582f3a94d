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


def rag_for(*, status, percent_complete, due_date, today):
    amber_days, amber_percent = settings.RAG_AMBER_WITHIN_DAYS, settings.RAG_AMBER_BELOW_PERCENT
    if status == Status.COMPLETE:
        return RagResult(Rag.COMPLETE, "Complete")
    if status == Status.NOT_APPLICABLE:
        return RagResult(Rag.NOT_APPLICABLE, "Not applicable: no longer tracked")
    if status in CLOSED_STATUSES:
        return RagResult(Rag.GREEN, "Green: ongoing, embedded in routine practice")
    if due_date is None:
        if (percent_complete or 0) > 0:
            return RagResult(Rag.GREEN, f"Green: {percent_complete}% complete, no due date set")
        return RagResult(Rag.NO_DATE, "No date set: no due date and no progress recorded")
    days = (due_date - today).days
    if days < 0:
        return RagResult(Rag.RED, f"Red: overdue by {_days(-days)}")
    when = "today" if days == 0 else f"in {_days(days)}"
    if days <= amber_days and percent_complete is None:
        return RagResult(Rag.AMBER, f"Amber: due {when} and no % complete reported")
    if days <= amber_days and percent_complete < amber_percent:
        return RagResult(Rag.AMBER, f"Amber: due {when} and {percent_complete}% complete (under {amber_percent}%)")
    if percent_complete is None:
        return RagResult(Rag.GREEN, f"Green: due {when}, % complete not reported")
    return RagResult(Rag.GREEN, f"Green: due {when}, {percent_complete}% complete")


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
