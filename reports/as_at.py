"""Pages shown "as at" a past day: the ``as_at`` parameter, its quick links and banner, and live actions wound back.

The dashboard, the report and recommendation pages and the action list take ``?as_at=YYYY-MM-DD`` and show the plan
as it stood at the end of that day, read by the papers' own history engine (``reports.history``): a page as at the
day of a paper shows what the paper showed. Without the parameter (or with today or a later day) they show the plan
as it stands.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from actions.models import Action, ActionRecommendation, ProgressUpdate
from actions.rag import rag_for
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

    @property
    def query(self):
        """``as_at=...`` to carry the day into links to other as-at pages, or "" for today."""
        return f"as_at={self.value}" if self.day else ""


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
    as_at.last_meeting = Meeting.objects.last_for(partnership, today)
    as_at.links = _quick_links(partnership, as_at)
    return as_at


def _day_shown(raw, day, today):
    """(the past day to show, or None for today; the message saying why another day asked for is not shown)."""
    if day < EARLIEST:
        return None, f"“{raw}” is before {long_date(EARLIEST)}, earlier than any plan: showing the plan today."
    if day > today:
        return None, f"“{raw}” has not ended yet: showing the plan today."
    return (day if day < today else None), ""


def _quick_links(partnership, as_at):
    days = [("Today", None)]
    if as_at.last_meeting:
        days.append((f"Last meeting ({long_date(as_at.last_meeting.date)})", as_at.last_meeting.date))
    if partnership is not None:
        issued = Paper.objects.issued().filter(partnership=partnership).without_bodies().select_related("meeting")
        issued = issued.order_by("-as_at")
        days += [(f"Paper for the {paper.meeting} (as at {long_date(paper.as_at)})", paper.as_at) for paper in issued]
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
        action.rag = rag_for(
            status=state.status, percent_complete=state.percent_complete, due_date=state.due_date, today=day
        ).rating
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


def opening_day(partnership, today):
    """The day a partnership's dashboard opens at: its last meeting when its record has been closed for over a
    year (no change recorded since that meeting, held more than a year ago; East Ayrshire's 2009 plan), else
    today (None). A closed record read against today's clock is a wall of "overdue by thousands of days"."""
    meeting = Meeting.objects.last_for(partnership, today)
    if meeting is None or (today - meeting.date).days <= 365:
        return None
    since = end_of_day(meeting.date)
    actions = Action.objects.filter(partnership=partnership)
    changed = (
        actions.filter(created_at__gte=since).exists()
        or Action.history.filter(partnership_id=partnership.pk, history_date__gte=since).exists()
        or ProgressUpdate.objects.filter(action__partnership=partnership, created_at__gte=since).exists()
    )
    return None if changed else meeting.date
