"""Progress papers: the partnership's plan as it stood at the end of a day, as plain JSON-ready data.

``generate(partnership=..., as_at=..., period_start=..., reports=[...])`` reads the database in a fixed number of
queries (it does not grow with the number of actions or updates) and returns a dict holding every section of
the paper. Dates in it are already written out ("3 June 2009") beside their ISO form, so the same dict renders
the paper now and, stored on an issued paper, renders it identically for as long as the installation lives.

**What "as at" means** is written once, in ``reports.history``, which reads the plan as it stood.

RAG is ``actions.rag.rag_for`` applied to the as-at values with the as-at date as "today".
"""

import datetime
import functools
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from actions.models import Action, ActionRecommendation, ProgressUpdate
from actions.ordering import natural_sort_key
from actions.rag import RAG_LABELS, Rag, action_rag, rag_thresholds
from actions.status import STATUS_LABELS, Status, percent_display
from recommendations.models import ApplicabilityDecision, Finding, Recommendation, ReportSummary, SourceReport

from . import appendices, charts
from .history import (
    actions_as_at,
    decisions_as_at,
    end_of_day,
    last_updates_and_notes,
    start_of_day,
    states_from_rows,
)
from .models import Meeting, MeetingDecision, Paper, PlanSettings, standing_of
from .summary import classify, summarise

NO_DECISION = "none"
NO_DECISION_LABEL = "No decision recorded"
PERCENT_RULE = (
    "The mean of the % complete reported on {reported} of the {n} actions tracked as at {date} (complete actions "
    "count 100%; actions with no % reported and not-applicable actions are left out)."
)
NO_PERCENT_RULE = "No % complete was reported on any of the {n} actions tracked as at {date}."
UNLINKED = "Not linked to a national recommendation"


@functools.lru_cache(maxsize=4096)  # a paper writes the same few hundred days thousands of times
def long_date(value):
    return f"{value.day} {value:%B %Y}" if value else ""


def short_date(value):
    return f"{value:%d/%m/%Y}" if value else ""


# --- shaping ----------------------------------------------------------------------------------------------------


#: Levels' labels by value: a dictionary look-up, not an enum's, for each of a paper's actions.
LEVEL_LABELS = dict(Action.Level.choices)


def _action_item(row, state, agencies, as_at, note=None, thresholds=None):
    """One action as the paper prints it, from its as-at row and its ActionState; ``thresholds`` the RAG rule's
    settings, read once for the paper (``rag_thresholds``)."""
    rag = action_rag(state, as_at, thresholds)
    owner = agencies.get(row["owner_id"])
    return {
        "id": row["id"],
        "reference": row["reference"],
        "description": row["description"],
        "owner": owner.short_name if owner else "",
        "owner_name": owner.name if owner else "",
        "level": row["level"],
        "level_label": LEVEL_LABELS[row["level"]],
        "timescale": row["timescale_text"],
        "due": long_date(row["due_date"]),
        "due_iso": row["due_date"].isoformat() if row["due_date"] else "",
        "status": row["status"],
        "status_label": STATUS_LABELS[row["status"]],
        "percent": row["percent_complete"],
        "percent_display": percent_display(row["percent_complete"]),
        "rag": rag.rating.value,
        "rag_label": RAG_LABELS[rag.rating],
        "rag_explanation": rag.explanation,
        "overdue_days": state.overdue_days(as_at),
        "note": note[0] if note else "",
        "note_date": long_date(note[1]) if note else "",
    }


def _counts(counter, choices):
    return [{"key": value, "label": label, "count": counter.get(value, 0)} for value, label in choices]


def _summary(label, items, plan, recommendation_rows=None):
    """The paper's figures for these action items: the one summary engine over their as-at states."""
    summary = summarise([plan.classified[item["id"]] for item in items], today=plan.as_at, since=plan.since)
    by_id = {item["id"]: item for item in items}
    percent = summary.percent_complete
    result = {
        "label": label,
        "actions": summary.total,
        "by_status": _counts(summary.by_status, Status.choices),
        "by_rag": _counts(summary.by_rag, Rag.choices),
        "percent": percent,
        "percent_reported": summary.percent_reported,
        "percent_counted": summary.tracked,
        "percent_rule": _percent_rule(summary, plan.as_at),
        "overdue": [
            {"key": key, "label": band, "count": len(hits), "actions": [by_id[pk] for pk, _days in hits]}
            for key, band, hits in summary.overdue_bands()
        ],
        "overdue_total": len(summary.overdue),
        "lists": summary.counts(),
    }
    if recommendation_rows is not None:
        counter = Counter(r["decision"] for r in recommendation_rows)
        result["recommendations"] = len(recommendation_rows)
        choices = [*ApplicabilityDecision.Decision.choices, (NO_DECISION, NO_DECISION_LABEL)]
        result["by_decision"] = _counts(counter, choices)
    return result


def _percent_rule(summary, as_at):
    if not summary.tracked:
        return "No action is tracked."
    rule = PERCENT_RULE if summary.percent_complete is not None else NO_PERCENT_RULE
    return rule.format(reported=summary.percent_reported, n=summary.tracked, date=long_date(as_at))


def _recommendation_item(rec, decisions):
    decision, reason, decided_on = decisions.get(rec.pk, (NO_DECISION, "", None))
    label = NO_DECISION_LABEL if decision == NO_DECISION else ApplicabilityDecision.Decision(decision).label
    return {
        "id": rec.pk,
        "reference": rec.reference,
        "lead_in": rec.lead_in,
        "text": rec.text,
        "sub_points": list(rec.sub_points),
        "is_mandatory": rec.is_mandatory,
        "decision": decision,
        "decision_label": label,
        "reason": reason,
        "decided_on": long_date(decided_on),
    }


def _themes(report, recs, themes):
    """The report's recommendations grouped under their themes in printed order (those before any heading first)."""
    groups = []
    for rec in recs:
        title = themes[rec["theme_id"]].title if rec["theme_id"] else ""
        if not groups or groups[-1]["theme_id"] != rec["theme_id"]:
            groups.append({"theme_id": rec["theme_id"], "title": title, "recommendations": []})
        groups[-1]["recommendations"].append(rec)
    return groups


def _distinct(values):
    seen = []
    for v in values:
        if v and v not in seen:
            seen.append(v)
    return seen


def _changing_updates(partnership, start, moment):
    """The period's progress updates that changed a status or a due date, oldest first, each with the day (in the
    current time zone) it was made: the database leaves out the notes that changed neither, and works the days."""
    due_moved = (
        Q(due_date_before__isnull=True, due_date_after__isnull=False)
        | Q(due_date_before__isnull=False, due_date_after__isnull=True)
        | (Q(due_date_before__isnull=False, due_date_after__isnull=False) & ~Q(due_date_before=F("due_date_after")))
    )
    updates = ProgressUpdate.objects.filter(
        ~Q(status_before=F("status_after")) | due_moved, action__partnership_id=partnership.pk, created_at__lt=moment
    )
    if start is not None:
        updates = updates.filter(created_at__gte=start)
    return updates.order_by("created_at", "pk").values_list(
        "action_id",
        TruncDate("created_at"),
        "status_before",
        "status_after",
        "note",
        "due_date_before",
        "due_date_after",
        "revision_reason",
    )


def _period_changes(partnership, start, moment, items, states):
    """The period's progress updates, shaped into status changes, completions and slipped dates. One query."""
    status_changes, completed, slipped = [], {}, []
    labels, dates = STATUS_LABELS, {}
    for action_id, when, before, after, note, due_before, due_after, reason in _changing_updates(
        partnership, start, moment
    ):
        item = items.get(action_id)
        if item is None:
            continue
        date = dates.get(when) or dates.setdefault(when, long_date(when))
        base = {
            "action_id": action_id,
            "reference": item["reference"],
            "description": item["description"],
            "owner": item["owner"],
        }
        if before != after:
            status_changes.append({**base, "date": date, "from": labels[before], "to": labels[after], "note": note})
            if after == Status.COMPLETE:
                completed[action_id] = {**item, "completed_on": date, "evidence": note}
        if due_before != due_after:
            slipped.append(
                {
                    **base,
                    "date": date,
                    "original": long_date(due_before) or "None set",
                    "new": long_date(due_after) or "None set",
                    "days": (due_after - due_before).days if due_before and due_after else None,
                    "reason": reason,
                }
            )
    new = [
        item
        for pk, item in items.items()
        if start is None or states[pk]["created_at"] >= start  # created in the period
    ]
    for item in new:
        if item["status"] == Status.COMPLETE and item["id"] not in completed:
            completed[item["id"]] = {**item, "completed_on": "", "evidence": ""}
    # proposed for closure: complete in the period and still complete at its end
    closing = [c for pk, c in completed.items() if items[pk]["status"] == Status.COMPLETE]
    by_ref = lambda a: natural_sort_key(a["reference"])  # noqa: E731
    return {
        "status_changes": status_changes,
        "new": sorted(new, key=by_ref),
        "proposed_for_closure": sorted(closing, key=by_ref),
        "slipped": slipped,
    }


def _meeting_decisions(plan, items, meeting):
    """Decisions of the last meeting (matters arising): the decisions recorded, before the paper's moment, of the
    partnership's latest meeting on or before its as-at day other than the one the paper is for, each with its
    action's state as at the paper's day. A decision on an action the paper does not cover (it answers only reports
    the paper leaves out) is not printed: the paper shows nothing of reports it was not chosen for."""
    own = getattr(meeting, "pk", None)
    last = next((m for m in plan.meetings if m.decided and m.pk != own), None)
    if last is None:  # no meeting on or before the paper's day recorded a decision before its moment
        return {"meeting": "", "items": []}
    covered = {r.pk for r in plan.reports}
    rows = list(  # the last meeting's decisions and every sign-off of the plan, with its settings: one query
        MeetingDecision.objects.filter(
            Q(meeting=last) | Q(partnership_id=plan.partnership.pk, kind__in=MeetingDecision.CLOSING_KINDS)
        )
        .recorded_before(plan.moment)
        .select_related("partnership__plan_settings", "meeting", "recommendation__report", "recorded_by")
        .order_by("recorded_at", "pk")
    )  # never empty: ``last`` decided something before the moment
    settings = PlanSettings.objects.of_loaded(rows[0].partnership)
    decisions = [row for row in rows if row.meeting_id == last.pk]
    standing = standing_of(row for row in rows if row.action_id in items)
    rows = []
    for d in decisions:
        if d.action_id is not None and d.action_id not in items:
            continue
        item = items.get(d.action_id)
        rec = d.recommendation
        if rec is not None and rec.report_id not in covered and rec.report.partnership_id is not None:
            rec = None  # a recommendation of the partnership's own report this paper does not print
        now = ""
        if item is not None:
            latest = standing.get(d.action_id)
            if latest is not None and latest.kind == MeetingDecision.Kind.SIGNED_OFF:
                now = f"Closed: signed off on {long_date(latest.meeting.date)}"
            elif item["status"] == Status.COMPLETE and settings.needs_sign_off(item["level"]):
                now = "Complete: proposed for closure again"
            else:
                now = f"{item['status_label']}, {item['percent_display']}"
        rows.append(
            {
                "kind": d.kind,
                "kind_label": d.get_kind_display(),
                "date": long_date(last.date),
                "reference": item["reference"] if item else "",
                "description": item["description"] if item else "",
                "owner": item["owner"] if item else "",
                "recommendation": f"{rec.report.short_title or rec.report.title} {rec.reference}" if rec else "",
                "text": d.text,
                "state_now": now,
            }
        )
    return {"meeting": f"{last.get_body_display()}, {long_date(last.date)}", "items": rows}


def default_period_start(partnership, as_at, exclude_pk=None):
    """The day after the as-at date of the partnership's latest issued paper before ``as_at``, or None."""

    previous = Paper.objects.issued().filter(partnership=partnership, as_at__lt=as_at).exclude(pk=exclude_pk)
    last = previous.order_by("-as_at").values_list("as_at", flat=True).first()
    return last + datetime.timedelta(days=1) if last else None


@dataclass
class _Plan:
    """Everything a paper reads from the database, loaded once, in a fixed number of queries."""

    partnership: object
    as_at: datetime.date
    moment: datetime.datetime
    since: datetime.datetime | None
    reports: list
    agencies: dict
    rows: dict  # {action id: its fields as at the moment} (reports.history.actions_as_at)
    states: dict  # {action id: ActionState}
    notes: dict
    links: list
    themes: dict
    recommendations: list
    circumstances: dict
    decisions: dict
    summaries: dict  # {report id: the partnership's summary of it} (reports.appendices.summaries)
    meetings: list  # the partnership's meetings on or before the day, latest first, annotated ``decided``
    classified: dict = None  # {action id: its state classified once at the as-at day} (reports.summary.classify)

    def __post_init__(self):
        records = classify(list(self.states.values()), today=self.as_at, since=self.since)
        self.classified = {record.state.id: record for record in records}


class _Owner(NamedTuple):
    name: str
    short_name: str


def _load(partnership, as_at, reports):
    moment = end_of_day(as_at)
    chosen = reports.values("pk") if isinstance(reports, QuerySet) else [r.pk for r in reports]
    summary = ReportSummary.objects.filter(partnership_id=partnership.pk, report=OuterRef("pk"))
    reports = sorted(  # the reports with the partnership's summary of each (reports.appendices), in one query
        SourceReport.objects.filter(pk__in=chosen).annotate(
            summary_heading=Subquery(summary.values("heading")[:1]), summary_body=Subquery(summary.values("body")[:1])
        ),
        key=lambda r: (r.published_on or datetime.date.max, r.title),
    )
    report_ids = [r.pk for r in reports]
    rows = actions_as_at(partnership, moment, owners=True)
    links = list(  # the plan's links (those of actions made after the moment are left out where they are used)
        ActionRecommendation.objects.filter(action__partnership_id=partnership.pk)
        .order_by("recommendation_id", "position", "pk")
        .values("action_id", "recommendation_id", "recommendation__report_id", "shows_timescale")
    )
    report_ids_of = defaultdict(dict)
    for link in links:
        report_ids_of[link["action_id"]][link["recommendation__report_id"]] = None
    meetings = list(  # the partnership's meetings up to the day, latest first, each saying whether it decided anything
        Meeting.objects.filter(partnership_id=partnership.pk, date__lte=as_at)
        .annotate(decided=Exists(MeetingDecision.objects.filter(meeting=OuterRef("pk"), recorded_at__lt=moment)))
        .order_by("-date", "-pk")
    )
    meeting = next((m for m in meetings if m.date < as_at), None)  # Meeting.objects.last_for
    recommendations = list(
        Recommendation.objects.filter(report_id__in=report_ids)
        .select_related("theme")
        .order_by("report_id", "position")
    )  # with their themes, in one query
    circumstances = defaultdict(list)
    for f in Finding.objects.filter(report_id__in=report_ids, kind=Finding.Kind.CIRCUMSTANCE).order_by("position"):
        circumstances[f.recommendation_id].append(f.text)
    last_update, notes = last_updates_and_notes(partnership, moment)
    return _Plan(
        partnership=partnership,
        as_at=as_at,
        moment=moment,
        since=meeting.started_at if meeting else None,
        meetings=meetings,
        reports=reports,
        agencies={row["owner_id"]: _Owner(row["owner_name"], row["owner_short_name"]) for row in rows.values()},
        rows=rows,
        states=states_from_rows(rows, last_update, {pk: tuple(r) for pk, r in report_ids_of.items()}),
        notes=notes,
        links=links,
        themes={rec.theme_id: rec.theme for rec in recommendations if rec.theme_id},
        recommendations=recommendations,
        circumstances=circumstances,
        decisions=decisions_as_at(partnership, moment, report_ids),
        summaries={
            r.pk: appendices.summary(r.summary_heading, r.summary_body) for r in reports if r.summary_body is not None
        },
    )


def _items(plan):
    """{action id: item} for the paper's actions: those answering a covered report, and those answering none."""
    covered = {r.pk for r in plan.reports}
    in_scope = [pk for pk, state in plan.states.items() if not state.report_ids or set(state.report_ids) & covered]
    thresholds = rag_thresholds()
    return {
        pk: _action_item(plan.rows[pk], plan.states[pk], plan.agencies, plan.as_at, plan.notes.get(pk), thresholds)
        for pk in sorted(in_scope, key=lambda pk: natural_sort_key(plan.rows[pk]["reference"]))
    }


def _report_section(plan, report, items, links_by_rec):
    recs = [
        {**_recommendation_item(rec, plan.decisions), "theme_id": rec.theme_id}
        for rec in plan.recommendations
        if rec.report_id == report.pk
    ]
    action_ids = _distinct(a for rec in recs for a, _shows in links_by_rec.get(rec["id"], []) if a in items)
    report_items = [items[pk] for pk in sorted(action_ids, key=lambda pk: natural_sort_key(items[pk]["reference"]))]
    plan_rows, unanswered = appendices.plan_rows(recs, links_by_rec, items, plan.circumstances)
    return {
        "id": report.pk,
        "title": report.title,
        "short_title": report.short_title or report.title,
        "publisher": report.publisher,
        "published": report.published_text or long_date(report.published_on),
        "reference": report.reference,
        "url": report.url,
        "partnership_summary": plan.summaries.get(report.pk),
        "circumstance_heading": report.circumstance_heading,
        "summary": _summary(report.short_title or report.title, report_items, plan, recs),
        "themes": _themes(report, recs, plan.themes),
        "plan_rows": plan_rows,
        "unanswered": unanswered if plan_rows else [],
    }


def _agency_sections(plan, items):
    sections = []
    for agency in sorted(plan.agencies.values(), key=lambda a: a.name):
        owned = [a for a in items.values() if a["owner_name"] == agency.name]
        if owned:
            sections.append(
                {
                    "name": agency.name,
                    "short_name": agency.short_name,
                    "summary": _summary(agency.name, owned, plan),
                    "actions": owned,
                }
            )
    return sections


def _charts(plan, report_sections, unlinked, by_agency):
    status_rows = [(r["short_title"], _count_map(r["summary"]["by_status"])) for r in report_sections]
    if unlinked:
        status_rows.append((UNLINKED, _count_map(_summary(UNLINKED, unlinked, plan)["by_status"])))
    rag_rows = [(a["short_name"], _count_map(a["summary"]["by_rag"])) for a in by_agency]
    return {
        "status_by_report": _printable(charts.status_by_report_svg(status_rows)),
        "rag_by_agency": _printable(charts.rag_by_agency_svg(rag_rows)),
    }


def generate(*, partnership, as_at, period_start=None, reports=(), meeting=None):
    """Every section of the paper, from the database as at the end of ``as_at``. A fixed number of queries.
    ``meeting``: the meeting the paper is for (its own decisions are not "the last meeting's")."""
    plan = _load(partnership, as_at, reports)
    items = _items(plan)
    links_by_rec = defaultdict(list)
    for link in plan.links:
        links_by_rec[link["recommendation_id"]].append((link["action_id"], link["shows_timescale"]))
    report_sections = [_report_section(plan, report, items, links_by_rec) for report in plan.reports]
    unlinked = [item for pk, item in items.items() if not plan.states[pk].report_ids]
    by_agency = _agency_sections(plan, items)
    start = start_of_day(period_start) if period_start else None
    return {
        "as_at": as_at.isoformat(),
        "as_at_display": long_date(as_at),
        "period_start": period_start.isoformat() if period_start else "",
        "period_display": (
            f"{long_date(period_start)} to {long_date(as_at)}"
            if period_start
            else f"From the start of the plan to {long_date(as_at)}"
        ),
        "generated_at": timezone.now().isoformat(),
        "reports": report_sections,
        "overall": _summary("All actions", list(items.values()), plan),
        "unlinked": unlinked,
        "changes": _period_changes(partnership, start, plan.moment, items, plan.rows),
        "meeting_decisions": _meeting_decisions(plan, items, meeting),
        "agencies": by_agency,
        "charts": _charts(plan, report_sections, unlinked, by_agency),
        "as_at_rule": (
            f"The plan as it stood at the end of {long_date(as_at)}: each action's latest recorded state before "
            "then; actions loaded from the published plan without history count from the date they were "
            "created, wound back through later progress updates."
        ),
    }


def _printable(svg):
    """The chart's markup without its inline ``height: auto``: WeasyPrint (70) then sizes an inline SVG far taller
    than its viewBox, leaving a blank half page in the PDF. The width/height attributes keep it to scale."""
    return str(svg).replace("; height: auto", "")


def _count_map(rows):
    return {r["key"]: r["count"] for r in rows}


def content_equal(a, b):
    """Whether two generated contents say the same thing (the moment of generation aside)."""

    def strip(content):
        return json.loads(json.dumps({k: v for k, v in content.items() if k != "generated_at"}, cls=DjangoJSONEncoder))

    return strip(a) == strip(b)
