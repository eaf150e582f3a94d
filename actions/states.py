"""The rules that sort an action into the plan's lists, written once over a small state record.

Every page, paper, export and reminder classifies actions through ``ActionState``: the live pages build it from
an ``Action`` (``ActionState.of(action)``), the papers from the action as it stood at their date
(``reports.history``). The database twins of these rules, for filtering querysets, are the ``ActionQuerySet``
methods of the same names (``overdue``, ``due_soon``, ``without_update_since``); tests hold each pair together.

* **overdue**: open (not complete, ongoing or not applicable) and past its due date; its age band is one of
  ``OVERDUE_BANDS``;
* **due soon**: open and due between today and ``DUE_SOON_DAYS`` (a setting) from today, both included;
* **no update since** a moment (the last meeting): open, existing before that moment, with no progress update
  recorded since it (an action created after the meeting had nothing to report at it);
* **complete**: status complete.

An action can be in several lists: overdue *and* not updated since the last meeting, for example.
"""

import datetime
from typing import NamedTuple

from django.conf import settings

from .status import CLOSED_STATUSES, Status, overdue_band


def due_soon_days():
    """How many days ahead "due soon" looks: one setting for My actions, the dashboard, papers and reminders."""
    return settings.DUE_SOON_DAYS


class ActionState(NamedTuple):
    """What the rules need to know of one action at one moment (immutable; a named tuple rather than a frozen
    dataclass: a page makes one for each action of the plan, in half the time)."""

    id: int
    reference: str
    owner_id: int
    status: str
    percent_complete: int | None
    due_date: datetime.date | None
    last_update: datetime.datetime | None = None
    report_ids: tuple = ()
    created_at: datetime.datetime | None = None

    @classmethod
    def of(cls, action, *, report_ids=()):
        """The state of a live action, its ``last_update`` as ``for_summary`` loads it; ``report_ids`` as
        ``ActionQuerySet.report_ids()`` gives them."""
        return cls(
            id=action.pk,
            reference=action.reference,
            owner_id=action.owner_id,
            status=action.status,
            percent_complete=action.percent_complete,
            due_date=action.due_date,
            last_update=getattr(action, "last_update", None),
            report_ids=tuple(report_ids),
            created_at=action.created_at,
        )

    @property
    def is_open(self):
        return self.status not in CLOSED_STATUSES

    @property
    def is_complete(self):
        return self.status == Status.COMPLETE

    @property
    def is_tracked(self):
        """Counted in the mean % complete: every action but those not applicable."""
        return self.status != Status.NOT_APPLICABLE

    def overdue_days(self, today):
        """Days past the due date for an open action, else 0."""
        if not self.is_open or self.due_date is None or self.due_date >= today:
            return 0
        return (today - self.due_date).days

    def is_overdue(self, today):
        return self.overdue_days(today) > 0

    def overdue_band(self, today):
        return overdue_band(self.overdue_days(today))

    def days_until_due(self, today):
        return (self.due_date - today).days if self.due_date is not None else None

    def is_due_soon(self, today, days=None):
        days = due_soon_days() if days is None else days
        until = self.days_until_due(today)
        return self.is_open and until is not None and 0 <= until <= days

    def is_without_update_since(self, moment):
        """Open, created before ``moment`` and with no progress update recorded at or after it; never, when there
        is no moment. An action created since the moment (since the last meeting) did not exist to be updated."""
        if moment is None or not self.is_open:
            return False
        if self.created_at is not None and self.created_at >= moment:
            return False
        return self.last_update is None or self.last_update < moment
