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


#: Each rating's label, by value (a dictionary look-up: pages label many actions).
RAG_LABELS = dict(Rag.choices)


@dataclass(frozen=True)
class RagResult:
    rating: str
    explanation: str

    @property
    def label(self):
        return RAG_LABELS[self.rating]


def _days(n):
    return f"{n} day" if n == 1 else f"{n} days"


def rag_thresholds():
    """The rule's two settings, (amber within days, amber below percent): read once by a page that rates many
    actions (``reports.summary.classify``), each read of ``settings`` costing more than the rule itself."""
    return settings.RAG_AMBER_WITHIN_DAYS, settings.RAG_AMBER_BELOW_PERCENT


_COMPLETE, _NOT_APPLICABLE = Status.COMPLETE.value, Status.NOT_APPLICABLE.value
_CLOSED = frozenset(status.value for status in CLOSED_STATUSES)


def _rule(status, percent_complete, due_date, today, thresholds):
    """(rating, explanation, days to the due date or None): the rule, once. The explanation is a template that only
    ``rag_for`` fills in (``{percent}``, ``{late}``, ``{when}``, ``{under}``): ``action_rating`` never writes it."""
    if status == _COMPLETE:
        return Rag.COMPLETE, "Complete", None
    if status == _NOT_APPLICABLE:
        return Rag.NOT_APPLICABLE, "Not applicable: no longer tracked", None
    if status in _CLOSED:
        return Rag.GREEN, "Green: ongoing, embedded in routine practice", None
    if due_date is None:
        if (percent_complete or 0) > 0:
            return Rag.GREEN, "Green: {percent}% complete, no due date set", None
        return Rag.NO_DATE, "No date set: no due date and no progress recorded", None
    days = (due_date - today).days
    if days < 0:
        return Rag.RED, "Red: overdue by {late}", days
    amber_days, amber_percent = thresholds or rag_thresholds()
    if days <= amber_days and percent_complete is None:
        return Rag.AMBER, "Amber: due {when} and no % complete reported", days
    if days <= amber_days and percent_complete < amber_percent:
        return Rag.AMBER, "Amber: due {when} and {percent}% complete (under {under}%)", days
    if percent_complete is None:
        return Rag.GREEN, "Green: due {when}, % complete not reported", days
    return Rag.GREEN, "Green: due {when}, {percent}% complete", days


def rag_for(*, status, percent_complete, due_date, today, thresholds=None):
    """The rating and its explanation; ``thresholds`` as ``rag_thresholds()`` gives them (None: read them)."""
    rating, explanation, days = _rule(status, percent_complete, due_date, today, thresholds)
    if days is None:
        return RagResult(rating, explanation.format(percent=percent_complete))
    when = "today" if days == 0 else f"in {_days(days)}"
    under = (thresholds or rag_thresholds())[1]
    return RagResult(rating, explanation.format(percent=percent_complete, late=_days(-days), when=when, under=under))


def action_rag(action, today, thresholds=None):
    """``rag_for`` an action, or anything with its status, % complete and due date (an ``ActionState``)."""
    return rag_for(
        status=action.status,
        percent_complete=action.percent_complete,
        due_date=action.due_date,
        today=today,
        thresholds=thresholds,
    )


def action_rating(action, today, thresholds=None):
    """The rating alone (a ``Rag``) of an action or an ``ActionState``, by ``rag_for``'s rule: for pages that count
    many actions and explain none."""
    return _rule(action.status, action.percent_complete, action.due_date, today, thresholds)[0]


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
