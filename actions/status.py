"""An action's status and what follows from it: the choices every app shares, in a module of their own so that
``actions.models`` and ``actions.rag`` both import them without importing each other."""

from django.db import models


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    ONGOING = "ongoing", "Ongoing – embedded in routine practice"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


#: Each status's label, by value (a dictionary look-up: pages label many actions).
STATUS_LABELS = dict(Status.choices)

#: Statuses under which an action can no longer be overdue, due soon or waiting for an update.
CLOSED_STATUSES = (Status.COMPLETE, Status.ONGOING, Status.NOT_APPLICABLE)


class UpdateSource(models.TextChoices):
    """Where a progress update was recorded."""

    FORM = "form", "Progress form"
    SPREADSHEET = "spreadsheet", "Spreadsheet upload"
    PLAN = "plan", "Plan management"


#: How long overdue actions have been overdue, as every page and paper reports it:
#: (key, label, fewest days overdue, most days overdue or None).
OVERDUE_BANDS = (
    ("up-to-30", "Up to 30 days", 1, 30),
    ("31-to-90", "31 to 90 days", 31, 90),
    ("over-90", "Over 90 days", 91, None),
)


def overdue_band(days):
    """The key of the OVERDUE_BANDS band that ``days`` overdue falls in, or None when not overdue."""
    for key, _label, low, high in OVERDUE_BANDS:
        if days >= low and (high is None or days <= high):
            return key
    return None


NOT_REPORTED = "not reported"


def percent_display(value):
    """A % complete as printed: "40%", or "not reported" where nobody gave one (never shown as 0%)."""
    return NOT_REPORTED if value is None else f"{value}%"


def mean_percent(values):
    """The mean of the % complete values that were reported (None = not reported), with how many were.

    Returns (rounded mean or None, number reported). A value nobody reported is not counted as 0.
    """
    reported = [v for v in values if v is not None]
    return (round(sum(reported) / len(reported)) if reported else None), len(reported)
