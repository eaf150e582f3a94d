"""The plan as it stood at a moment: the one reader of history, for papers and for pages shown "as at" a day.

A page or paper "as at" a day shows the plan at the end of its ``as_at`` day (Europe/London): the moment
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

"""

import datetime

from django.db import connection
from django.db.models import Case, CharField, Exists, F, Max, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from actions.models import Action, ActionRecommendation, ProgressUpdate
from actions.states import ActionState
from recommendations.models import ApplicabilityDecision


def end_of_day(day):
    """The first moment after ``day`` ends, in the current time zone: the as-at moment (exclusive)."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def start_of_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


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
    which SQLite answers in time that grows with the square of the history. PostgreSQL sorts the records' keys once
    and keeps each object's first (``DISTINCT ON`` over the narrow keys, then the chosen records read whole: sorting
    whole records with their texts took twice as long); elsewhere each object's latest record is looked up by its
    id (the history table's id index), a lookup per record.
    """
    if connection.features.can_distinct_on_fields:
        rows = manager.filter(history_date__lt=moment, **filters)
        latest = rows.order_by("id", "-history_date", "-history_id").distinct("id").values("history_id")
        return manager.filter(history_id__in=latest).order_by()
    latest = (
        manager.filter(id=OuterRef("id"), history_date__lt=moment)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return manager.filter(history_date__lt=moment, history_id=Subquery(latest), **filters).order_by()


#: What the two halves of an "as at" read give besides the record's own fields: the kind of record ("+", "~" or
#: "-" for a deletion, as simple-history writes them; "+" for a row read from the table itself).
_KIND = Value("+", output_field=CharField())


def actions_as_at(partnership, moment, owners=False):
    """{action id: dict of ACTION_FIELDS} for the partnership's actions as they stood at ``moment``. One query: the
    latest historical records and the actions without history before ``moment``, wound back, as one UNION ALL.
    ``owners``: each row also says its owner's ``owner_name`` and ``owner_short_name`` (as the agency is named now)."""
    later = ProgressUpdate.objects.filter(action=OuterRef("pk"), created_at__gte=moment).order_by("created_at", "pk")
    history = _latest_history(Action.history, moment, partnership_id=partnership.pk).annotate(
        kind=F("history_type"), status_then=F("status"), percent_then=F("percent_complete"), due_then=F("due_date")
    )
    unhistoried = (
        Action.objects.filter(partnership_id=partnership.pk, created_at__lt=moment)
        .exclude(Exists(Action.history.filter(id=OuterRef("pk"), history_date__lt=moment)))
        .annotate(  # status, % and due date wound back to the "before" values of the first update after the moment
            kind=_KIND,
            status_then=Coalesce(Subquery(later.values("status_before")[:1]), F("status")),
            percent_then=Coalesce(Subquery(later.values("percent_before")[:1]), F("percent_complete")),
            due_then=Case(
                When(Exists(later), then=Subquery(later.values("due_date_before")[:1])), default=F("due_date")
            ),
        )
        .order_by()
    )
    columns = ("kind", "status_then", "percent_then", "due_then", *ACTION_FIELDS)
    if owners:
        names = {"owner_name": F("owner__name"), "owner_short_name": F("owner__short_name")}
        history, unhistoried = history.annotate(**names), unhistoried.annotate(**names)
        columns = (*columns, *names)
    states = {}
    for row in history.values(*columns).union(unhistoried.values(*columns), all=True):
        if row.pop("kind") == "-":
            continue
        row["status"], row["percent_complete"], row["due_date"] = (
            row.pop("status_then"),
            row.pop("percent_then"),
            row.pop("due_then"),
        )
        states[row["id"]] = row
    return states


def decisions_as_at(partnership, moment, report_ids):
    """{recommendation id: (decision, reason, decided_on)} as at ``moment``. One query: the latest historical
    records and the decisions saved without history (counted from their ``updated_at``), as one UNION ALL."""
    columns = ("kind", "recommendation_id", "decision", "reason", "decided_on")
    history = _latest_history(
        ApplicabilityDecision.history,
        moment,
        partnership_id=partnership.pk,
        recommendation__report_id__in=report_ids,
    ).annotate(kind=F("history_type"))
    unhistoried = (
        ApplicabilityDecision.objects.filter(
            partnership_id=partnership.pk, recommendation__report_id__in=report_ids, updated_at__lt=moment
        )
        .exclude(Exists(ApplicabilityDecision.history.filter(id=OuterRef("pk"))))
        .annotate(kind=_KIND)
        .order_by()
    )
    result = {}
    for row in history.values(*columns).union(unhistoried.values(*columns), all=True):
        if row["kind"] != "-":
            result[row["recommendation_id"]] = (row["decision"], row["reason"], row["decided_on"])
    return result


def last_updates_and_notes(partnership, moment):
    """(``last_updates``, ``latest_notes``) in one query: for each action of the partnership, the time of its
    latest progress update before ``moment``, and its latest note then (each a lookup on the
    ``update_action_latest`` index)."""
    before = ProgressUpdate.objects.filter(action=OuterRef("pk"), created_at__lt=moment).order_by("-created_at", "-pk")
    noted = before.exclude(note="")
    rows = (
        Action.objects.filter(partnership_id=partnership.pk)
        .annotate(
            last=Subquery(before.values("created_at")[:1]),
            note=Subquery(noted.values("note")[:1]),
            noted_at=Subquery(noted.values("created_at")[:1]),
        )
        .order_by()
        .values_list("pk", "last", "note", "noted_at")
    )  # an action with no update yet has None for all three (filtering them out would run the first lookup twice)
    last, notes = {}, {}
    for pk, when, note, noted_at in rows:
        if when is None:
            continue
        last[pk] = when
        if noted_at is not None:
            notes[pk] = (note, timezone.localtime(noted_at).date())
    return last, notes


def last_updates(partnership, moment):
    """{action id: the time of its latest progress update before ``moment``}. One query."""
    rows = (
        ProgressUpdate.objects.filter(action__partnership_id=partnership.pk, created_at__lt=moment)
        .values("action_id")
        .annotate(last=Max("created_at"))
        .order_by()
    )
    return {row["action_id"]: row["last"] for row in rows}


def report_ids_by_action(action_ids):
    """{action id: (report ids it answers, in link order)} for these actions. One query."""
    result = {}
    links = (
        ActionRecommendation.objects.filter(action_id__in=action_ids)
        .order_by("action_id", "-is_primary", "position", "pk")
        .values_list("action_id", "recommendation__report_id")
    )
    for action_id, report_id in links:
        result.setdefault(action_id, {})[report_id] = None
    return {action_id: tuple(reports) for action_id, reports in result.items()}


def states_from_rows(rows, last_update, report_ids):
    """ActionState records from ``actions_as_at`` rows and the two lookups above."""
    return {
        pk: ActionState(
            id=pk,
            reference=row["reference"],
            owner_id=row["owner_id"],
            status=row["status"],
            percent_complete=row["percent_complete"],
            due_date=row["due_date"],
            last_update=last_update.get(pk),
            report_ids=report_ids.get(pk, ()),
            created_at=row["created_at"],
        )
        for pk, row in rows.items()
    }


def action_states_as_at(partnership, day):
    """{action id: ActionState} for the partnership's plan as it stood at the end of ``day``. Four queries."""
    moment = end_of_day(day)
    rows = actions_as_at(partnership, moment)
    return states_from_rows(rows, last_updates(partnership, moment), report_ids_by_action(list(rows)))
