"""Pages shown "as at" a past day: the ``as_at`` parameter, its quick links and banner, and live actions wound back.

The dashboard, the report and recommendation pages and the action list take ``?as_at=YYYY-MM-DD`` and show the plan
as it stood at the end of that day, read by the papers' own history engine (``reports.history``): a page as at the
day of a paper shows what the paper showed. Without the parameter (or with today or a later day) they show the plan
as it stands.
"""

import datetime
import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.db import connection
from django.urls import Resolver404, resolve

from actions.models import ActionRecommendation
from actions.rag import action_rating
from agencies import plan_cache
from recommendations.models import ApplicabilityDecision, Recommendation

from .history import actions_as_at, decisions_as_at, end_of_day, last_updates, states_from_rows
from .models import Meeting, Paper
from .papers import long_date

#: The earliest day a page is shown as at. Pages count back from the day they show (a year overdue, the
#: reporting period before it), and no plan the tracker holds began before it.
EARLIEST = datetime.date(1900, 1, 1)


@dataclass
class AsAt:
    """The day a page shows (``day`` None: today, live), the quick links to other days, and any input problem."""

    today: datetime.date
    day: datetime.date | None = None
    error: str = ""
    links: list = field(default_factory=list)  # (label, ISO date or "" for today, is the current choice)
    last_meeting: Meeting | None = None
    archived_as_at: datetime.date | None = None  # an archived plan: always shown as at this day, or before it
    archived_meeting: str = ""

    @property
    def is_archived(self):
        return self.archived_as_at is not None

    @property
    def is_past(self):
        return self.day is not None

    @property
    def date(self):
        """The day the rules are applied at: the as-at day, or today."""
        return self.day or self.today

    @property
    def value(self):
        return self.day.isoformat() if self.day else ""


#: The pages that show the plan as at a day (``?as_at=``): a link to one of them from a page about the past keeps
#: that day (``on_day``); links to any other page (papers, people, settings) are about now and stay as they are.
AS_AT_PAGES = frozenset(
    {"reports:dashboard", "actions:list", "actions:detail", "recommendations:report", "recommendations:detail"}
)


def on_day(url, day):
    """The one way a link keeps the day its page shows: ``url`` with ``as_at=day`` (replacing any other day) when it
    leads to a page that shows the plan as at a day, else ``url`` as it is. ``day`` None (today): unchanged."""
    if not day or not url:
        return url
    parts = urlsplit(str(url))
    if parts.scheme or parts.netloc or not parts.path:  # another site, or this page's own query or anchor
        return url
    try:
        view_name = resolve(parts.path).view_name
    except Resolver404:
        return url
    if view_name not in AS_AT_PAGES:
        return url
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != "as_at"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("as_at", day.isoformat())])))


def read_as_at(request, partnership, today):
    """The as-at day asked for in the URL, validated, with the quick links for the partnership."""
    raw = request.GET.get("as_at", "").strip()
    as_at = AsAt(today=today)
    if raw:
        try:
            day = datetime.date.fromisoformat(raw)
        except ValueError:
            as_at.error = f"“{raw}” is not a date (use the date picker, or YYYY-MM-DD): showing the plan today."
        else:
            as_at.day, as_at.error = _day_shown(raw, day, today)
    if partnership is not None and partnership.is_archived:
        _archived(as_at, partnership)
    # kept with the plan's pages: a meeting's change and a paper's issue are changes of the plan (plan_changes)
    as_at.last_meeting, issued = plan_cache.cached(
        partnership, "as-at-links", [today], lambda: _last_meeting_and_issued_papers(partnership, today)
    )
    as_at.links = _quick_links(as_at, issued)
    return as_at


def _last_meeting_and_issued_papers(partnership, today):
    """(``Meeting.objects.last_for(partnership, today)``, [(meeting, as-at day) of each issued paper of the
    partnership, the latest as-at day first]), in one query: the partnership's meetings that are the last one or
    have an issued paper, once per issued paper. Every page with the as-at control asks, so the query is written
    once (``_links_sql``) rather than compiled from a queryset on each request."""
    if partnership is None:
        return None, []
    params = {"partnership": partnership.pk, "today": today, "issued": Paper.Status.ISSUED}
    meetings = list(Meeting.objects.raw(_links_sql(), params))
    last_meeting = next((meeting for meeting in meetings if meeting.is_last), None)
    return last_meeting, [(meeting, meeting.paper_as_at) for meeting in meetings if meeting.paper_as_at is not None]


@functools.cache
def _links_sql():
    meeting, paper = (connection.ops.quote_name(model._meta.db_table) for model in (Meeting, Paper))
    last = (
        f"(SELECT latest.id FROM {meeting} latest WHERE latest.partnership_id = %(partnership)s "  # noqa: S608 - a model's table
        "AND latest.date < %(today)s ORDER BY latest.date DESC LIMIT 1)"
    )
    return (
        f"SELECT m.id, m.partnership_id, m.body, m.date, m.title, p.as_at AS paper_as_at, m.id = {last} AS is_last "  # noqa: S608 - models' tables
        f"FROM {meeting} m LEFT OUTER JOIN {paper} p ON p.meeting_id = m.id AND p.partnership_id = %(partnership)s "
        "AND p.status = %(issued)s "
        f"WHERE m.partnership_id = %(partnership)s AND (p.id IS NOT NULL OR m.id = {last}) "
        "ORDER BY p.as_at IS NULL, p.as_at DESC"
    )


def _archived(as_at, partnership):
    """An archived plan is shown as it stood at its last meeting, or at an earlier day asked for; never later."""
    as_at.archived_as_at, as_at.archived_meeting = partnership.archived_as_at, partnership.archived_meeting
    if as_at.day is None or as_at.day > as_at.archived_as_at:
        if as_at.day is not None or as_at.error:
            as_at.error = (
                f"This plan is an archived record, shown as it stood at {as_at.archived_meeting}: a later day has "
                "nothing more to show."
            )
        as_at.day = as_at.archived_as_at


def _day_shown(raw, day, today):
    """(the past day to show, or None for today; the message saying why another day asked for is not shown)."""
    if day < EARLIEST:
        return None, f"“{raw}” is before {long_date(EARLIEST)}, earlier than any plan: showing the plan today."
    if day > today:
        return None, f"“{raw}” has not ended yet: showing the plan today."
    return (day if day < today else None), ""


def _quick_links(as_at, issued):
    if as_at.is_archived:  # its "today" is the day it was archived as at
        days = [(f"The archived record ({long_date(as_at.archived_as_at)})", as_at.archived_as_at)]
    else:
        days = [("Today", None)]
    if as_at.last_meeting:
        days.append((f"Last meeting ({as_at.last_meeting})", as_at.last_meeting.date))
    days += [(f"Paper for the {meeting} (as at {long_date(day)})", day) for meeting, day in issued]
    seen, links = set(), []
    for label, day in days:
        if day not in seen and (day is None or day < as_at.today):
            seen.add(day)
            links.append((label, day.isoformat() if day else "", day == as_at.day))
    return links


def actions_as_they_stood(actions, partnership, day):
    """Live ``Action`` objects wound back to the end of ``day``, through the papers' history engine.

    Those that did not exist yet are left out; the others carry their status, % complete, due date, description,
    timescale, last update and RAG as they stood (RAG with ``day`` as today). The objects are for showing only:
    they are never saved.
    """
    moment = end_of_day(day)
    rows = actions_as_at(partnership, moment)
    states = states_from_rows(rows, last_updates(partnership, moment), {})
    result = []
    for action in actions:
        row, state = rows.get(action.pk), states.get(action.pk)
        if row is None:
            continue
        action.status, action.percent_complete, action.due_date = state.status, state.percent_complete, state.due_date
        action.description, action.timescale_text = row["description"], row["timescale_text"]
        action.last_update = state.last_update
        action.rag = action_rating(state, day)
        action.as_at = day
        result.append(action)
    return result


def decisions_as_they_stood(partnership, recommendations, day):
    """{recommendation id: unsaved ApplicabilityDecision} as the partnership's decisions stood at the end of ``day``."""
    report_ids = {rec.report_id for rec in recommendations}
    rows = decisions_as_at(partnership, end_of_day(day), report_ids) if partnership else {}
    wanted = {rec.pk for rec in recommendations}
    return {
        pk: ApplicabilityDecision(recommendation_id=pk, decision=d, reason=reason, decided_on=on)
        for pk, (d, reason, on) in rows.items()
        if pk in wanted
    }


def statuses_by_recommendation_as_at(partnership, recommendations, day):
    """{recommendation id: Counter(status -> actions)} as the partnership's actions stood at the end of ``day``."""
    counts = defaultdict(Counter)
    if partnership is None:
        return counts
    rows = actions_as_at(partnership, end_of_day(day))
    links = ActionRecommendation.objects.filter(
        recommendation__in=recommendations, action_id__in=list(rows)
    ).values_list("recommendation_id", "action_id")
    for rec_id, action_id in links:
        counts[rec_id][rows[action_id]["status"]] += 1
    return counts


def decision_counts(partnership, day=None):
    """{report id: [(decision label, recommendations)]}: the partnership's decisions on every national report,
    now or as at the end of ``day``; a recommendation with no decision recorded is under consideration."""
    Decision = ApplicabilityDecision.Decision
    recommendations = list(Recommendation.objects.values_list("pk", "report_id"))
    if partnership is None:
        decided = {}
    elif day:
        report_ids = {report_id for _, report_id in recommendations}
        decided = {pk: row[0] for pk, row in decisions_as_at(partnership, end_of_day(day), report_ids).items()}
    else:
        decided = dict(
            ApplicabilityDecision.objects.filter(partnership=partnership).values_list("recommendation_id", "decision")
        )
    counts = defaultdict(Counter)
    for pk, report_id in recommendations:
        counts[report_id][decided.get(pk, Decision.UNDER_CONSIDERATION)] += 1
    return {
        report_id: [(Decision(value).label, counter[value]) for value in Decision.values if counter[value]]
        for report_id, counter in counts.items()
    }


def opening_day(partnership):
    """The day a partnership's pages open at: an archived plan's day (its last meeting), else today (None). A plan
    is archived by a recorded decision (``reports.services.plan_archive``), never guessed from how quiet it is."""
    return partnership.archived_as_at if partnership is not None else None
