"""The one summary engine: the figures every page, paper and reminder gives for a group of actions.

``summarise(states, today=..., since=...)`` is a pure function over ``actions.states.ActionState`` records. The
live dashboard and My actions feed it the actions as they stand (``ActionState.of``); a paper feeds it the actions
as they stood at its date (``reports.history``). Either way the same rules (``ActionState``) sort each action
into the lists, so a chief officer reads the same number on the dashboard and in the paper.

* **by status** and **by RAG** (``actions.rag.rag_for`` at ``today``);
* **share complete**: the headline progress of a group, the share of its actions that are complete (8 of 51:
  16 %), the one figure drawn as a bar;
* **% complete**: secondary text, the mean of the % complete *reported* on the actions still tracked (not
  applicable ones left out; an action whose % nobody reported is left out too, never counted as 0), with how
  many were reported; None when none was;
* **overdue** with days and age band, **due soon** with days to go, **no update since** ``since``, **complete**.

The lists overlap: an action can be overdue and also have no update since the last meeting.

A page that counts each action in several groups (the dashboard: all actions, each report, each agency) works out
each action's place once, with ``classify``, and hands the classified records to ``summarise`` and
``summarise_by``, which then only count.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from actions.rag import Rag, action_rating, rag_thresholds
from actions.states import ActionState, due_soon_days
from actions.status import OVERDUE_BANDS, Status, mean_percent, percent_display

#: The lists an action can be in, in the order pages show them: (key, heading).
LISTS = (
    ("overdue", "Overdue"),
    ("due_soon", "Due soon"),
    ("not_updated", "No update since the last meeting"),
    ("complete", "Complete"),
)

OVERLAP_NOTE = (
    "An action can be in more than one list: an overdue action with no update since the last meeting is counted "
    "under both."
)


@dataclass
class Summary:
    """Counts and lists for one group of actions (all of them, one report, one agency)."""

    label: str
    by_status: Counter = field(default_factory=Counter)
    by_rag: Counter = field(default_factory=Counter)
    tracked: int = 0
    percents: list = field(default_factory=list)  # the % complete of each tracked action; None: not reported
    overdue: list = field(default_factory=list)  # (action id, days overdue), most overdue first
    due_soon: list = field(default_factory=list)  # (action id, days to go), soonest first
    not_updated: list = field(default_factory=list)  # action ids
    complete: list = field(default_factory=list)  # action ids

    @property
    def total(self):
        return sum(self.by_status.values())

    @property
    def share_complete(self):
        """The headline progress: the % of the group's actions that are complete (``None`` for no actions)."""
        return 100 * len(self.complete) / self.total if self.total else None

    @property
    def percent_complete(self):
        return mean_percent(self.percents)[0]

    @property
    def percent_reported(self):
        """How many tracked actions have a % complete reported (the mean is of these)."""
        return mean_percent(self.percents)[1]

    @property
    def percent_display(self):
        return percent_display(self.percent_complete)

    def counts(self):
        """{list key: how many actions are in it}: the figures the consistency test compares page by page."""
        return {key: len(getattr(self, key)) for key, _heading in LISTS}

    def overdue_bands(self):
        """[(key, label, [(action id, days)])] for each OVERDUE_BANDS band, most overdue first within each."""
        return [
            (key, label, [(pk, days) for pk, days in self.overdue if days >= low and (high is None or days <= high)])
            for key, label, low, high in OVERDUE_BANDS
        ]

    def status_counts(self):
        return [(status, self.by_status[status.value]) for status in Status]

    def rag_counts(self):
        return [(rag, self.by_rag[rag.value]) for rag in Rag]


class Classified(NamedTuple):
    """One action's place in the lists at one day, worked out once by ``classify`` however many groups count it
    (a named tuple: as immutable as a frozen dataclass, and made in half the time, once per action a page counts)."""

    state: ActionState
    at: tuple  # (today, since, soon_days): what it was classified for
    rag: str
    overdue_days: int  # 0: not overdue
    due_in: int | None  # days to go when due soon, else None
    not_updated: bool
    tracked: bool  # counted in the mean % complete (``ActionState.is_tracked``)
    complete: bool  # ``ActionState.is_complete``: both read once, not once a group that counts the action


def _classified(state, at, thresholds=None):
    if isinstance(state, Classified):
        return state if state.at == at else _classified(state.state, at, thresholds)
    today, since, soon_days = at
    rating = action_rating(state, today, thresholds)
    due_in = state.days_until_due(today) if state.is_due_soon(today, soon_days) else None
    return Classified(
        state,
        at,
        rating.value,
        state.overdue_days(today),
        due_in,
        state.is_without_update_since(since),
        state.is_tracked,
        state.is_complete,
    )


def classify(states, *, today, since=None, soon_days=None):
    """These ActionState records, each with its RAG and lists at ``today`` worked out once: give them to
    ``summarise`` and ``summarise_by`` as often as needed (a record classified for another day is classified
    again, never misread)."""
    at = (today, since, due_soon_days() if soon_days is None else soon_days)
    thresholds = rag_thresholds()  # the settings read once, not once an action
    # records classified for the same day pass as they are: a page counting them in several groups pays once
    return [
        state if type(state) is Classified and state.at == at else _classified(state, at, thresholds)
        for state in states
    ]


def _tally(classified, label=""):
    """Count classified records into a Summary (one loop, no call per record: the dashboard counts each action in
    three groups)."""
    summary = Summary(label)
    by_status, by_rag, percents = summary.by_status, summary.by_rag, summary.percents
    overdue, due_soon, not_updated, complete = summary.overdue, summary.due_soon, summary.not_updated, summary.complete
    for state, _at, rag, overdue_days, due_in, is_not_updated, tracked, is_complete in classified:
        by_status[state.status] += 1
        by_rag[rag] += 1
        if tracked:
            percents.append(state.percent_complete)
        if overdue_days:
            overdue.append((state.id, overdue_days))
        if due_in is not None:
            due_soon.append((state.id, due_in))
        if is_not_updated:
            not_updated.append(state.id)
        if is_complete:
            complete.append(state.id)
    summary.tracked = len(percents)
    overdue.sort(key=lambda pair: -pair[1])
    due_soon.sort(key=lambda pair: pair[1])
    return summary


def summarise(states, *, today, since=None, label="", soon_days=None):
    """The Summary of these ActionState records (or ``classify``'s records of them) at ``today``; "no update"
    counts from ``since`` (None: nobody)."""
    return _tally(classify(states, today=today, since=since, soon_days=soon_days), label)


def summarise_by(states, key, *, today, since=None, soon_days=None):
    """{group: Summary} where ``key(state)`` gives the groups an ActionState belongs to (an iterable: it may be
    several); ``states`` as for ``summarise``."""
    groups = {}
    for item in classify(states, today=today, since=since, soon_days=soon_days):
        for group in key(item.state):
            groups.setdefault(group, []).append(item)
    return {group: _tally(members) for group, members in groups.items()}
