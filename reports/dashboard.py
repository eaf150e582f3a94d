"""The coordinator's dashboard: the partnership's plan at a glance, built in a fixed number of queries.

``build_dashboard(user, today)`` reads the user's partnership's actions once (owner, links and last update
loaded with them) and the last meeting, and hands their states to the one summary engine (``reports.summary``):
the figures here are the figures of My actions, the reminders and the papers. The list links use the action
list's own filter names (``actions/filters.py``).

The live plan's actions are read as values (``Row``), not model objects: the page shows few of them (those due
soon) and counts all of them, so a model object per action and per owner would be most of what a large plan's
first view costs.
"""

import datetime
import functools
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import urlencode

from django.db.models import F
from django.urls import get_script_prefix, reverse
from django.utils.text import Truncator

from actions.models import OVERDUE_BANDS, Action, ActionQuerySet
from actions.ordering import display_reference
from actions.rag import RAG_LABELS
from actions.states import ActionState, due_soon_days
from actions.status import percent_display
from agencies.access import partnership_of
from recommendations.models import SourceReport
from reports.models import Meeting

from . import charts
from .as_at import actions_as_they_stood, decision_counts
from .as_at import on_day as keep_day
from .summary import OVERLAP_NOTE, Summary, classify, summarise, summarise_by

NO_REPORT = "Not linked to a report"


def actions_list_url(**params):
    """A link into the action list with its URL filters, e.g. ``actions_list_url(owner=3, overdue="on")``."""
    query = urlencode({key: value for key, value in params.items() if value is not None})
    return f"{reverse('actions:list')}?{query}" if query else reverse("actions:list")


#: What the dashboard reads of each live action, in ``Row``'s order: a list's values but the RAG, which ``classify``
#: works out with the rest of each action's place in the lists (the database's rating would cost the query more).
FIELDS = tuple(name for name in ActionQuerySet.SUMMARY_VALUES if name != "rag")


@dataclass(slots=True)
class Row:
    """One live action as the dashboard reads it: what ``ActionState.of`` and the "due soon" table need."""

    pk: int
    reference: str
    owner_id: int
    description: str
    status: str
    percent_complete: int | None
    due_date: datetime.date | None
    created_at: datetime.datetime
    last_update: datetime.datetime | None
    owner: object = None  # the owner's pk, name and short name

    def get_absolute_url(self):
        head, tail = _action_path(get_script_prefix())
        return f"{head}{self.pk}{tail}"

    @property
    def display_reference(self):
        return display_reference(self.reference)

    @property
    def percent_display(self):
        return percent_display(self.percent_complete)


@functools.lru_cache(maxsize=8)
def _action_path(script_prefix):
    """An action page's address before and after its id (``Action.get_absolute_url``), reversed once per process
    and script prefix: ``reverse`` costs more than the rest of a "due soon" line."""
    probe = 2**62  # no action has this id: the address is split around it
    head, tail = reverse("actions:detail", args=[probe]).split(str(probe))
    return head, tail


def _rows(live):
    """The live actions as ``Row`` values, each owner read with them once (one query)."""
    owners = {}
    rows = {}
    for *values, owner_name, owner_short_name in live.values_list(*FIELDS, "owner__name", "owner__short_name"):
        row = Row(*values)
        owner = owners.get(row.owner_id)
        if owner is None:
            owner = owners[row.owner_id] = SimpleNamespace(
                pk=row.owner_id, name=owner_name, short_name=owner_short_name
            )
        row.owner = owner
        rows[row.pk] = row
    return rows


@dataclass
class Group:
    """One row of the dashboard (all actions, a report, an agency): its Summary and where its links go."""

    label: str
    summary: Summary
    url: str = ""
    overdue_url: str = ""
    red_url: str = ""
    decisions: list = field(default_factory=list)  # (decision label, how many recommendations), for a report

    @property
    def total(self):
        return self.summary.total

    @property
    def complete(self):
        return len(self.summary.complete)

    @property
    def overdue(self):
        return len(self.summary.overdue)

    @property
    def by_rag(self):
        return self.summary.by_rag

    @property
    def percent_complete(self):
        return self.summary.percent_complete

    @property
    def share_complete(self):
        return self.summary.share_complete

    @property
    def progress_svg(self):
        """The headline bar: the share of the group's actions complete ("8 of 51 complete" is 16 %)."""
        return charts.progress_bar_svg(
            self.share_complete, label=self.label, text=f"{self.complete} of {self.total} complete"
        )

    def status_counts(self):
        return self.summary.status_counts()

    def rag_counts(self):
        return self.summary.rag_counts()


@dataclass
class OverdueBand:
    key: str
    title: str
    items: list  # (action, days overdue), most overdue first
    url: str = ""  # the action list showing exactly these actions


def overdue_band_url(today, low, high):
    """The action list's overdue actions due between ``high`` and ``low`` days before ``today`` (inclusive)."""
    after = (today - datetime.timedelta(days=high)).isoformat() if high is not None else None
    before = (today - datetime.timedelta(days=low)).isoformat()
    return actions_list_url(overdue="on", due_after=after, due_before=before, sort="due")


@dataclass(frozen=True, slots=True)
class DueSoonLine:
    """One row of the "due soon" table, its text worked out here: a tag or filter per cell of every row cost the
    template more than the rest of the page. Each cell as the action table prints it (``action_row.html``)."""

    url: str  # the action's page, on the page's day
    reference: str
    description: str  # its first 20 words
    owner: str
    due: str
    days: int
    percent: str
    rag: str
    rag_label: str

    @classmethod
    def of(cls, action, days, rag, as_at=None):
        """The line of ``action``, due in ``days``, rated ``rag`` (``classify``'s rating, at the page's day)."""
        due = action.due_date
        return cls(
            url=keep_day(action.get_absolute_url(), as_at),
            reference=action.display_reference,
            description=Truncator(action.description).words(20, truncate=" …"),
            owner=action.owner.short_name,
            due=f"{due.day} {due:%b %Y}",  # date_format(due, "j M Y") in English, a tenth of its cost
            days=days,
            percent=action.percent_display,
            rag=rag,
            rag_label=RAG_LABELS[rag],
        )


@dataclass
class Dashboard:
    today: datetime.date
    partnership: object
    meeting: Meeting | None
    overall: Group
    reports: list
    agencies: list
    overdue_bands: list
    stale: list  # actions with no update since the last meeting
    stale_url: str
    upcoming: list  # (action, days until due), soonest first
    upcoming_lines: list  # the same as the "due soon" table prints them (``DueSoonLine``)
    soon_days: int
    without_member: list = field(default_factory=list)  # agencies owning open actions with no active member
    overlap_note: str = OVERLAP_NOTE
    status_chart: str = ""
    rag_chart: str = ""

    @property
    def overdue_total(self):
        return self.overall.overdue


def build_dashboard(user, today, *, as_at=None):
    """Everything the dashboard shows, scoped to the user's partnership, in a fixed number of queries; with
    ``as_at`` (a past day), the plan as it stood at the end of that day, read as the papers read it."""
    partnership = partnership_of(user)
    scope = Action.objects.for_user(user)
    if as_at:  # the past: the live objects wound back (``reports.as_at``)
        today = as_at
        live = scope.for_summary(as_at).order_by("due_date", "sort_key")
        actions = {a.pk: a for a in sorted(actions_as_they_stood(live, partnership, as_at), key=_by_due_date)}
    else:
        actions = _rows(scope.with_last_update().order_by("due_date", "sort_key"))
    meeting = Meeting.objects.last_for(partnership, today)
    since = meeting.started_at if meeting else None
    report_ids = scope.report_ids()
    # each action's place in the lists worked out once, then counted for all actions, its reports and its agency
    states = classify(
        [ActionState.of(action, report_ids=report_ids.get(pk, ())) for pk, action in actions.items()],
        today=today,
        since=since,
    )
    overall = summarise(states, today=today, since=since, label="All actions")
    rags = {item.state.id: item.rag for item in states}
    report_groups = _report_groups(user, partnership, actions, states, today, since, as_at)
    agency_groups = _agency_groups(actions, states, today, since)
    return Dashboard(
        today=today,
        partnership=partnership,
        meeting=meeting,
        overall=Group("All actions", overall, url=actions_list_url()),
        reports=report_groups,
        agencies=agency_groups,
        overdue_bands=[
            OverdueBand(key, f"{label} overdue", [(actions[pk], days) for pk, days in items], url=url)
            for (key, label, items), url in zip(overall.overdue_bands(), _band_urls(today), strict=True)
        ],
        stale=[actions[pk] for pk in overall.not_updated],
        stale_url=actions_list_url(not_updated_since=meeting.date.isoformat(), sort="due") if meeting else "",
        upcoming=[(actions[pk], days) for pk, days in overall.due_soon],
        upcoming_lines=[DueSoonLine.of(actions[pk], days, rags[pk], as_at) for pk, days in overall.due_soon],
        soon_days=due_soon_days(),
        without_member=list(Action.objects.for_user(user).owners_without_active_member()),  # now, whatever the day
        status_chart=charts.for_every_width(
            charts.status_by_report_svg, [(g.label, g.summary.by_status) for g in report_groups if g.total]
        ),
        rag_chart=charts.for_every_width(
            charts.rag_by_agency_svg, [(g.label, g.summary.by_rag) for g in agency_groups]
        ),
    )


def _band_urls(today):
    return [overdue_band_url(today, low, high) for _key, _label, low, high in OVERDUE_BANDS]


def _by_due_date(action):
    return (action.due_date is None, action.due_date or datetime.date.min, action.sort_key)


def _report_groups(user, partnership, actions, states, today, since, as_at):
    """A Group per report the user reads (national, then the partnership's own; in published order), with the
    partnership's decisions on its recommendations even where no action answers it; then one for actions answering
    none."""
    by_report = summarise_by(states, lambda s: s.report_ids or [None], today=today, since=since)
    decisions = decision_counts(partnership, as_at)
    groups = [
        Group(
            r.short_title or r.title,
            by_report.get(r.pk) or Summary(r.short_title or r.title),
            url=actions_list_url(report=r.pk),
            decisions=decisions.get(r.pk, []),
        )
        for r in SourceReport.objects.for_user(user).order_by(
            F("partnership").asc(nulls_first=True), "published_on", "title"
        )
    ]
    if None in by_report:
        groups.append(Group(NO_REPORT, by_report[None]))
    return groups


def _agency_groups(actions, states, today, since):
    owners = {action.owner_id: action.owner for action in actions.values()}
    by_owner = summarise_by(states, lambda s: [s.owner_id], today=today, since=since)
    groups = [
        Group(
            owners[pk].short_name or owners[pk].name,
            summary,
            url=actions_list_url(owner=pk),
            overdue_url=actions_list_url(owner=pk, overdue="on"),
            red_url=actions_list_url(owner=pk, rag="red"),
        )
        for pk, summary in by_owner.items()
    ]
    return sorted(groups, key=lambda g: g.label.lower())
