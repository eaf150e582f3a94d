"""The coordinator's dashboard: the partnership's plan at a glance, built in a fixed number of queries.

``build_dashboard(user, today)`` reads the user's partnership's actions once (RAG and last update annotated in
the database, report links prefetched) and the last meeting, then groups everything in Python. The rules come
from where they live: RAG from ``actions.rag.rag_expression``, "overdue" from ``Action.is_overdue``, "open"
from ``CLOSED_STATUSES``; the list links use the action list's own filter names (``actions/filters.py``).
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from actions.models import CLOSED_STATUSES, OVERDUE_BANDS, Action, Status, mean_percent, percent_display
from actions.rag import Rag
from agencies.access import partnership_of
from reports.models import Meeting

from . import charts

UPCOMING_DAYS = 30


NO_REPORT = "Not linked to a report"


def actions_list_url(**params):
    """A link into the action list with its URL filters, e.g. ``actions_list_url(owner=3, overdue="on")``."""
    query = urlencode({key: value for key, value in params.items() if value is not None})
    return f"{reverse('actions:list')}?{query}" if query else reverse("actions:list")


@dataclass
class Summary:
    """Counts for one group of actions (all of them, a report, an agency)."""

    label: str
    by_status: Counter = field(default_factory=Counter)
    by_rag: Counter = field(default_factory=Counter)
    percents: list = field(default_factory=list)
    tracked: int = 0
    overdue: int = 0
    url: str = ""
    overdue_url: str = ""
    red_url: str = ""

    def add(self, action, today):
        self.by_status[action.status] += 1
        self.by_rag[action.rag] += 1
        if action.status != Status.NOT_APPLICABLE:
            self.tracked += 1
            self.percents.append(action.percent_complete)
        if action.is_overdue(today):
            self.overdue += 1

    @property
    def total(self):
        return sum(self.by_status.values())

    @property
    def complete(self):
        return self.by_status[Status.COMPLETE]

    @property
    def percent_complete(self):
        """The mean % complete reported on the actions still tracked (not applicable ones and those with no %
        reported are left out); None when none was reported."""
        return mean_percent(self.percents)[0]

    @property
    def percent_reported(self):
        return mean_percent(self.percents)[1]

    @property
    def percent_display(self):
        return percent_display(self.percent_complete)

    @property
    def progress_svg(self):
        return charts.progress_bar_svg(self.percent_complete, label=self.label)

    def rag_counts(self):
        return [(rag, self.by_rag[rag.value]) for rag in Rag]

    def status_counts(self):
        return [(status, self.by_status[status.value]) for status in Status]


@dataclass
class OverdueBand:
    key: str
    title: str
    low: int
    high: int | None
    items: list = field(default_factory=list)  # (action, days overdue), most overdue first

    def takes(self, days):
        return days >= self.low and (self.high is None or days <= self.high)


@dataclass
class Dashboard:
    today: datetime.date
    partnership: object
    meeting: Meeting | None
    overall: Summary
    reports: list
    agencies: list
    overdue_bands: list
    stale: list  # actions with no update since the last meeting
    upcoming: list  # (action, days until due), soonest first
    status_chart: str = ""
    rag_chart: str = ""

    @property
    def overdue_total(self):
        return sum(len(band.items) for band in self.overdue_bands)


def build_dashboard(user, today):
    """Everything the dashboard shows, scoped to the user's partnership, in a fixed number of queries."""
    partnership = partnership_of(user)
    meeting = Meeting.objects.last_for(partnership, today)
    since = meeting.started_at if meeting else None
    overall = Summary("All actions", url=actions_list_url())
    reports, agencies, order = {}, {}, {}
    bands = [OverdueBand(key, f"{label} overdue", low, high) for key, label, low, high in OVERDUE_BANDS]
    stale, upcoming = [], []
    for action in Action.objects.for_user(user).for_lists(today).order_by("due_date", "reference"):
        overall.add(action, today)
        for report in _reports_of(action):
            key = report.pk if report else None
            if key not in reports:
                label = report.short_title or report.title if report else NO_REPORT
                reports[key] = Summary(label, url=actions_list_url(report=key) if report else "")
                order[key] = (False, report.published_on or datetime.date.max, report.title) if report else (True,)
            reports[key].add(action, today)
        agency = action.owner
        if agency.pk not in agencies:
            agencies[agency.pk] = Summary(
                agency.short_name or agency.name,
                url=actions_list_url(owner=agency.pk),
                overdue_url=actions_list_url(owner=agency.pk, overdue="on"),
                red_url=actions_list_url(owner=agency.pk, rag=Rag.RED.value),
            )
        agencies[agency.pk].add(action, today)
        _sort_into(action, today, since, bands, stale, upcoming)
    for band in bands:
        band.items.sort(key=lambda item: (-item[1], item[0].reference))
    report_list = [reports[key] for key in sorted(reports, key=order.__getitem__)]
    agency_list = sorted(agencies.values(), key=lambda s: s.label.lower())
    return Dashboard(
        today=today,
        partnership=partnership,
        meeting=meeting,
        overall=overall,
        reports=report_list,
        agencies=agency_list,
        overdue_bands=bands,
        stale=stale,
        upcoming=upcoming,
        status_chart=charts.status_by_report_svg([(s.label, s.by_status) for s in report_list]),
        rag_chart=charts.rag_by_agency_svg([(s.label, s.by_rag) for s in agency_list]),
    )


def _reports_of(action):
    """The distinct source reports an action answers (in published order), or [None] if it answers none."""
    seen = {}
    for link in action.links.all():
        seen.setdefault(link.recommendation.report_id, link.recommendation.report)
    return list(seen.values()) or [None]


def _sort_into(action, today, since, bands, stale, upcoming):
    """Put one action into the overdue bands, the no-update list and the upcoming list, as it qualifies."""
    if action.status in CLOSED_STATUSES:
        return
    if action.is_overdue(today):
        days = (today - action.due_date).days
        next(band for band in bands if band.takes(days)).items.append((action, days))
    elif action.due_date is not None and action.due_date <= today + datetime.timedelta(days=UPCOMING_DAYS):
        upcoming.append((action, (action.due_date - today).days))
    if since is not None and (action.last_update is None or action.last_update < since):
        stale.append(action)
