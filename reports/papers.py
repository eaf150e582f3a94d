"""Progress papers: the partnership's plan as it stood at the end of a day, as plain JSON-ready data.

``generate(partnership=..., as_at=..., period_start=..., reports=[...])`` reads the database in a fixed number of
queries (it does not grow with the number of actions or updates) and returns a dict holding every section of
the paper. Dates in it are already written out ("3 June 2009") beside their ISO form, so the same dict renders
the paper now and, stored on an issued paper, renders it identically for as long as the installation lives.

**What "as at" means.** The paper shows the plan at the end of its ``as_at`` day (Europe/London): the moment
``as_at + 1 day, 00:00``, exclusive. For each action of the partnership:

1. if the action has history (``Action.history``) recorded before that moment, its latest historical record
   is the action as it stood (a deletion record removes it);
2. otherwise, if its ``created_at`` is before that moment, it existed then but was saved without history.
   That is how ``load_recommendations`` saves a plan's actions (raw fixture records, ``created_at`` taken from
   the fixture: 3 June 2009 for East Ayrshire). Its description, owner and timescale are the current row's;
   its status, % complete and due date are wound back to the *before* values of its first progress update
   after the moment, if it has one (every change of those fields is recorded as a progress update);
3. otherwise it did not exist yet and is left out.

Applicability decisions follow the same rule (history first; a decision saved without history counts from its
``updated_at``). Links between actions and recommendations, agencies' names and the national reports' texts are
read as they stand now: they are not historied.

RAG is ``actions.rag.rag_for`` applied to the as-at values with the as-at date as "today".
"""

import datetime
import json
from collections import Counter, defaultdict

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from actions.models import CLOSED_STATUSES, OVERDUE_BANDS, Action, ActionRecommendation, ProgressUpdate, Status
from actions.rag import Rag, rag_for
from agencies.models import Agency
from recommendations.models import ApplicabilityDecision, Finding, Recommendation, Theme

from . import charts

NO_DECISION = "none"
NO_DECISION_LABEL = "No decision recorded"
PERCENT_RULE = (
    "The mean of the % complete recorded on each of the {n} actions as at {date} "
    "(complete actions count 100%; not-applicable actions are left out)."
)
UNLINKED = "Not linked to a national recommendation"


def long_date(value):
    return f"{value.day} {value:%B %Y}" if value else ""


def short_date(value):
    return f"{value:%d/%m/%Y}" if value else ""


def end_of_day(day):
    """The first moment after ``day`` ends, in the current time zone: the as-at moment (exclusive)."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def start_of_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- reading the database as at a moment ----------------------------------------------------------------------

ACTION_FIELDS = (
    "id",
    "reference",
    "owner_id",
    "level",
    "description",
    "timescale_text",
    "due_date",
    "status",
    "percent_complete",
    "created_at",
)


def _latest_history(manager, moment, **filters):
    """Each object's latest historical record before ``moment`` (deletion records included), in one query.

    simple-history's ``latest_of_each()`` compares every record with every later one under the same filters,
    which SQLite answers in time that grows with the square of the history; this looks up each object's latest
    record by its id instead (the history table's id index).
    """
    latest = (
        manager.filter(id=OuterRef("id"), history_date__lt=moment)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return manager.filter(history_date__lt=moment, history_id=Subquery(latest), **filters)


def actions_as_at(partnership, moment):
    """{action id: dict of ACTION_FIELDS} for the partnership's actions as they stood at ``moment``. Two queries."""
    history = _latest_history(Action.history, moment, partnership_id=partnership.pk)
    states = {row["id"]: row for row in history.values("history_type", *ACTION_FIELDS) if row["history_type"] != "-"}

    later = ProgressUpdate.objects.filter(action=OuterRef("pk"), created_at__gte=moment).order_by("created_at", "pk")
    unhistoried = (
        Action.objects.filter(partnership_id=partnership.pk, created_at__lt=moment)
        .exclude(Exists(Action.history.filter(id=OuterRef("pk"), history_date__lt=moment)))
        .annotate(
            has_later=Exists(later),
            status_then=Subquery(later.values("status_before")[:1]),
            percent_then=Subquery(later.values("percent_before")[:1]),
            due_then=Subquery(later.values("due_date_before")[:1]),
        )
        .values("has_later", "status_then", "percent_then", "due_then", *ACTION_FIELDS)
    )
    for row in unhistoried:
        if row["has_later"]:
            row["status"], row["percent_complete"] = row["status_then"], row["percent_then"]
            row["due_date"] = row["due_then"]
        states[row["id"]] = row
    return states


def decisions_as_at(partnership, moment, report_ids):
    """{recommendation id: (decision, reason, decided_on)} as at ``moment``. Two queries."""
    history = _latest_history(
        ApplicabilityDecision.history,
        moment,
        partnership_id=partnership.pk,
        recommendation__report_id__in=report_ids,
    ).values("history_type", "recommendation_id", "decision", "reason", "decided_on")
    result = {
        r["recommendation_id"]: (r["decision"], r["reason"], r["decided_on"])
        for r in history
        if r["history_type"] != "-"
    }
    unhistoried = ApplicabilityDecision.objects.filter(
        partnership_id=partnership.pk, recommendation__report_id__in=report_ids, updated_at__lt=moment
    ).exclude(Exists(ApplicabilityDecision.history.filter(id=OuterRef("pk"))))
    for d in unhistoried.values("recommendation_id", "decision", "reason", "decided_on"):
        result.setdefault(d["recommendation_id"], (d["decision"], d["reason"], d["decided_on"]))
    return result


def latest_notes(partnership, moment):
    """{action id: (note, date)}: each action's latest progress note written before ``moment``. One query."""
    latest = ProgressUpdate.objects.filter(action=OuterRef("pk"), created_at__lt=moment).exclude(note="")
    latest_ids = Action.objects.filter(partnership_id=partnership.pk).annotate(
        latest_note=Subquery(latest.order_by("-created_at", "-pk").values("pk")[:1])
    )
    rows = ProgressUpdate.objects.filter(pk__in=latest_ids.values("latest_note")).values(
        "action_id", "note", "created_at"
    )
    return {r["action_id"]: (r["note"], timezone.localtime(r["created_at"]).date()) for r in rows}


# --- shaping ----------------------------------------------------------------------------------------------------


def _action_item(state, agencies, as_at, note=None):
    rag = rag_for(
        status=state["status"],
        percent_complete=state["percent_complete"],
        due_date=state["due_date"],
        today=as_at,
    )
    owner = agencies.get(state["owner_id"])
    overdue = (
        (as_at - state["due_date"]).days
        if state["due_date"] and state["due_date"] < as_at and state["status"] not in CLOSED_STATUSES
        else 0
    )
    return {
        "id": state["id"],
        "reference": state["reference"],
        "description": state["description"],
        "owner": owner.short_name if owner else "",
        "owner_name": owner.name if owner else "",
        "level": state["level"],
        "level_label": Action.Level(state["level"]).label,
        "timescale": state["timescale_text"],
        "due": long_date(state["due_date"]),
        "due_iso": state["due_date"].isoformat() if state["due_date"] else "",
        "status": state["status"],
        "status_label": Status(state["status"]).label,
        "percent": state["percent_complete"],
        "rag": str(rag.rating),
        "rag_label": rag.label,
        "rag_explanation": rag.explanation,
        "overdue_days": overdue,
        "note": note[0] if note else "",
        "note_date": long_date(note[1]) if note else "",
    }


def _percent(items):
    counted = [a for a in items if a["status"] != Status.NOT_APPLICABLE]
    if not counted:
        return None
    return round(sum(a["percent"] for a in counted) / len(counted))


def _overdue_bands(items):
    bands = []
    for key, label, low, high in OVERDUE_BANDS:
        hits = [a for a in items if a["overdue_days"] >= low and (high is None or a["overdue_days"] <= high)]
        bands.append({"key": key, "label": label, "count": len(hits), "actions": hits})
    return bands


def _counts(items, field, choices):
    counter = Counter(a[field] for a in items)
    return [{"key": value, "label": label, "count": counter.get(value, 0)} for value, label in choices]


def _summary(label, items, as_at, recommendation_rows=None):
    percent = _percent(items)
    counted = sum(1 for a in items if a["status"] != Status.NOT_APPLICABLE)
    summary = {
        "label": label,
        "actions": len(items),
        "by_status": _counts(items, "status", Status.choices),
        "by_rag": _counts(items, "rag", Rag.choices),
        "percent": percent,
        "percent_rule": PERCENT_RULE.format(n=counted, date=long_date(as_at)) if percent is not None else "",
        "overdue": _overdue_bands(items),
        "overdue_total": sum(1 for a in items if a["overdue_days"] > 0),
    }
    if recommendation_rows is not None:
        counter = Counter(r["decision"] for r in recommendation_rows)
        choices = [*ApplicabilityDecision.Decision.choices, (NO_DECISION, NO_DECISION_LABEL)]
        summary["recommendations"] = len(recommendation_rows)
        summary["by_decision"] = [
            {"key": value, "label": label, "count": counter.get(value, 0)} for value, label in choices
        ]
    return summary


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


def _plan_rows(recs, links_by_rec, items, circumstances):
    rows, unanswered = [], []
    for rec in recs:
        actions = [items[a] for a in links_by_rec.get(rec["id"], []) if a in items]
        if not actions:
            unanswered.append(rec["reference"])
            continue
        rows.append(
            {
                **rec,
                "circumstances": circumstances.get(rec["id"], []),
                "committee": [a for a in actions if a["level"] == Action.Level.COMMITTEE],
                "single": [a for a in actions if a["level"] == Action.Level.SINGLE_AGENCY],
                "timescales": _distinct(a["timescale"] for a in actions),
            }
        )
    return rows, unanswered


def _period_changes(partnership, start, moment, items, states):
    """The period's progress updates, shaped into status changes, completions and slipped dates. One query."""
    updates = ProgressUpdate.objects.filter(action__partnership_id=partnership.pk, created_at__lt=moment)
    if start is not None:
        updates = updates.filter(created_at__gte=start)
    status_changes, completed, slipped = [], {}, []
    for u in updates.order_by("created_at", "pk").values():
        item = items.get(u["action_id"])
        if item is None:
            continue
        when = timezone.localtime(u["created_at"]).date()
        base = {"reference": item["reference"], "description": item["description"], "owner": item["owner"]}
        if u["status_before"] != u["status_after"]:
            status_changes.append(
                {
                    **base,
                    "date": long_date(when),
                    "from": Status(u["status_before"]).label,
                    "to": Status(u["status_after"]).label,
                    "note": u["note"],
                }
            )
            if u["status_after"] == Status.COMPLETE:
                completed[u["action_id"]] = {**item, "completed_on": long_date(when), "evidence": u["note"]}
        if u["due_date_before"] != u["due_date_after"]:
            before, after = u["due_date_before"], u["due_date_after"]
            slipped.append(
                {
                    **base,
                    "date": long_date(when),
                    "original": long_date(before) or "None set",
                    "new": long_date(after) or "None set",
                    "days": (after - before).days if before and after else None,
                    "reason": u["revision_reason"],
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
    by_ref = lambda a: a["reference"]  # noqa: E731
    return {
        "status_changes": status_changes,
        "new": sorted(new, key=by_ref),
        "proposed_for_closure": sorted(closing, key=by_ref),
        "slipped": slipped,
    }


def default_period_start(partnership, as_at, exclude_pk=None):
    """The day after the as-at date of the partnership's latest issued paper before ``as_at``, or None."""
    from .models import Paper

    previous = Paper.objects.issued().filter(partnership=partnership, as_at__lt=as_at).exclude(pk=exclude_pk)
    last = previous.order_by("-as_at").values_list("as_at", flat=True).first()
    return last + datetime.timedelta(days=1) if last else None


def generate(*, partnership, as_at, period_start=None, reports=()):
    """Every section of the paper, from the database as at the end of ``as_at``. A fixed number of queries."""
    moment = end_of_day(as_at)
    reports = sorted(reports, key=lambda r: (r.published_on or datetime.date.max, r.title))
    report_ids = [r.pk for r in reports]

    agencies = {a.pk: a for a in Agency.objects.filter(partnership_id=partnership.pk)}
    states = actions_as_at(partnership, moment)
    notes = latest_notes(partnership, moment)
    links = list(
        ActionRecommendation.objects.filter(action_id__in=list(states))  # the actions loaded: this partnership's
        .order_by("recommendation_id", "position", "pk")
        .values("action_id", "recommendation_id", "recommendation__report_id")
    )
    themes = {t.pk: t for t in Theme.objects.filter(report_id__in=report_ids)}
    recommendations = list(Recommendation.objects.filter(report_id__in=report_ids).order_by("report_id", "position"))
    circumstances = defaultdict(list)
    for f in Finding.objects.filter(report_id__in=report_ids, kind=Finding.Kind.CIRCUMSTANCE).order_by("position"):
        circumstances[f.recommendation_id].append(f.text)
    decisions = decisions_as_at(partnership, moment, report_ids)

    # the paper's actions: those answering a covered report, and those answering none
    linked_reports = defaultdict(set)
    links_by_rec = defaultdict(list)
    for link in links:
        linked_reports[link["action_id"]].add(link["recommendation__report_id"])
        links_by_rec[link["recommendation_id"]].append(link["action_id"])
    in_scope = {pk for pk in states if not linked_reports[pk] or linked_reports[pk] & set(report_ids)}
    items = {
        pk: _action_item(states[pk], agencies, as_at, notes.get(pk))
        for pk in sorted(in_scope, key=lambda pk: states[pk]["reference"])
    }

    recs_by_report = defaultdict(list)
    for rec in recommendations:
        recs_by_report[rec.report_id].append({**_recommendation_item(rec, decisions), "theme_id": rec.theme_id})

    report_sections = []
    for report in reports:
        recs = recs_by_report[report.pk]
        action_ids = _distinct(a for rec in recs for a in links_by_rec.get(rec["id"], []) if a in items)
        report_items = [items[pk] for pk in sorted(action_ids, key=lambda pk: items[pk]["reference"])]
        plan_rows, unanswered = _plan_rows(recs, links_by_rec, items, circumstances)
        report_sections.append(
            {
                "id": report.pk,
                "title": report.title,
                "short_title": report.short_title or report.title,
                "publisher": report.publisher,
                "published": report.published_text or long_date(report.published_on),
                "reference": report.reference,
                "circumstance_heading": "Circumstance in Haringey" if "haringey" in report.slug else "Circumstance",
                "summary": _summary(report.short_title or report.title, report_items, as_at, recs),
                "themes": _themes(report, recs, themes),
                "plan_rows": plan_rows,
                "unanswered": unanswered if plan_rows else [],
            }
        )
    unlinked = [item for pk, item in items.items() if not linked_reports[pk]]
    all_items = list(items.values())

    by_agency = []
    for agency in sorted(agencies.values(), key=lambda a: a.name):
        owned = [a for a in all_items if a["owner_name"] == agency.name]
        if owned:
            by_agency.append(
                {"name": agency.name, "short_name": agency.short_name, "summary": _summary(agency.name, owned, as_at)}
                | {"actions": owned}
            )

    start = start_of_day(period_start) if period_start else None
    changes = _period_changes(partnership, start, moment, items, states)
    status_rows = [(r["short_title"], _count_map(r["summary"]["by_status"])) for r in report_sections]
    if unlinked:
        status_rows.append((UNLINKED, _count_map(_summary(UNLINKED, unlinked, as_at)["by_status"])))
    rag_rows = [(a["short_name"], _count_map(a["summary"]["by_rag"])) for a in by_agency]
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
        "overall": _summary("All actions", all_items, as_at),
        "unlinked": unlinked,
        "changes": changes,
        "agencies": by_agency,
        "charts": {
            "status_by_report": _printable(charts.status_by_report_svg(status_rows)),
            "rag_by_agency": _printable(charts.rag_by_agency_svg(rag_rows)),
        },
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
