"""Loading national recommendation sets (and a partnership's plan) from files: JSON fixtures or the XLSX template.

One path for the command line and the browser: ``load_sources`` reads every file into records (``spreadsheet``
turns a filled-in template into the same records a JSON fixture holds), then checks and saves them one by one
inside one transaction. A dry run does all of that and rolls back, which is how the browser's preview knows
exactly what confirming will do.
"""

import datetime
import hashlib
import json
import secrets
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import spreadsheet
from .models import RecommendationLoad, SourceReport
from .records import FixtureError, Place

DEFAULT_FIXTURES = ("laming-2009.json", "jar-haringey-2008.json", "east-ayrshire.json")

#: The models a file may hold. Anything else (users, permissions...) is refused by name.
LOADABLE_MODELS = {
    "recommendations.sourcereport",
    "recommendations.theme",
    "recommendations.recommendation",
    "recommendations.finding",
    "recommendations.applicabilitydecision",
    "agencies.partnership",
    "agencies.agency",
    "reports.meeting",
    "actions.action",
    "actions.actionrecommendation",
    "recommendations.reportsummary",
    "reports.paper",
}

#: Models whose existing rows a fixture never overwrites: once a plan is live it changes only in the
#: application, where every change is recorded.
LIVE_PLAN_MODELS = {
    "actions.action",
    "actions.actionrecommendation",
    "recommendations.applicabilitydecision",
    "reports.paper",
}

#: Models whose loads are written to their history (a corrected text keeps the wording it replaces).
HISTORY_ON_LOAD = {"recommendations.recommendation"}

#: Slugs a report may not take: they are the addresses of the loading pages.
RESERVED_SLUGS = {"load"}

MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass
class Source:
    """A file to load: its name (as the person knows it) and its bytes."""

    name: str
    content: bytes

    @property
    def sha256(self):
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class Change:
    field: str
    old: str
    new: str
    is_text: bool = False


@dataclass
class Item:
    """One record that a load creates or changes, as the preview shows it: what it is (``name``: "National review
    2022: recommendation 7"), the words a person checks it by (``text``: a recommendation's lead-in, text and
    sub-points; a finding's text; a theme's or report's title) and, for a change, each field's old and new value."""

    label: str
    name: str
    changes: list = field(default_factory=list)
    text: list = field(default_factory=list)


#: What a person calls each kind of record a load counts, (one, several), in the order a summary names them.
NOUNS = {
    "recommendations.sourcereport": ("report", "reports"),
    "recommendations.theme": ("theme", "themes"),
    "recommendations.recommendation": ("recommendation", "recommendations"),
    "recommendations.finding": ("finding", "findings"),
    "recommendations.reportsummary": ("report summary", "report summaries"),
    "agencies.partnership": ("partnership", "partnerships"),
    "agencies.agency": ("agency", "agencies"),
    "reports.meeting": ("meeting", "meetings"),
    "recommendations.applicabilitydecision": ("decision", "decisions"),
    "actions.action": ("action", "actions"),
    "actions.actionrecommendation": ("link of an action to a recommendation", "links of actions to recommendations"),
    "reports.paper": ("paper", "papers"),
}


def counted(counter):
    """ "1 report, 5 themes, 15 recommendations" for a Counter of model labels, in NOUNS order; "" for none."""
    order = list(NOUNS)
    labels = sorted(
        (label for label in counter if counter[label]),
        key=lambda label: (order.index(label) if label in order else len(order), label),
    )
    return ", ".join(f"{counter[label]} {_noun(label, counter[label])}" for label in labels)


def _noun(label, number):
    if label in NOUNS:
        return NOUNS[label][number != 1]
    meta = apps.get_model(label)._meta
    return str(meta.verbose_name if number == 1 else meta.verbose_name_plural)


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)
    seen: dict = field(default_factory=dict)  # natural key -> where it was first loaded
    new_items: list = field(default_factory=list)
    changed_items: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    in_use: dict = field(default_factory=dict)  # report pk -> bool
    itemise: bool = False  # name every record created or changed (for the preview; it costs queries)

    @property
    def unchanged_count(self):
        return sum(self.unchanged.values())

    def changes(self, *, done=True):
        """What the load writes, in words: ["1 report, 5 themes, 15 recommendations, 2 findings created", "3
        recommendations changed"] (``done``), or "... will be created" / "will be changed" (a preview, a dry run)."""
        verbs = ((self.created, "created", "will be created"), (self.updated, "changed", "will be changed"))
        return [f"{counted(c)} {past if done else future}" for c, past, future in verbs if counted(c)]

    def left_alone(self):
        """What the load finds already there: as the file says, or part of a live plan a load never overwrites."""
        said = ((self.unchanged, "already as the file says"), (self.kept, "already in the plan, kept as they are"))
        return [f"{counted(c)} {words}" for c, words in said if counted(c)]

    def lines(self, *, done=True):
        """Everything the load does and finds, one sentence a line (the history of loads, the command's output)."""
        return self.changes(done=done) + self.left_alone() or ["Nothing in the file"]

    def sentence(self, *, done=False):
        """The preview's summary: "1 report, 5 themes, 15 recommendations, 2 findings will be created; 3
        recommendations will be changed." """
        changes = self.changes(done=done)
        return "; ".join(changes) + "." if changes else "Nothing will be created or changed."


def default_fixture_paths():
    return [Path(settings.BASE_DIR) / "fixtures" / name for name in DEFAULT_FIXTURES]


def read_paths(paths):
    """The files named on the command line as Sources; FixtureError for one that cannot be read."""
    sources = []
    for path in map(Path, paths):
        try:
            sources.append(Source(name=str(path), content=path.read_bytes()))
        except FileNotFoundError:
            raise FixtureError(f"{path}: no such file.") from None
        except OSError as exc:
            raise FixtureError(f"{path}: cannot be read ({exc.strerror}).") from None
    return sources


def load_fixture_files(paths, *, dry_run=False):
    """Load the files at these paths in one transaction and record the load; FixtureError on the first bad record."""
    sources = read_paths(paths)
    report = load_sources(sources, dry_run=dry_run)
    if not dry_run:
        record_load(sources=sources, user=None, report=report)
    return report


class _DryRun(Exception):
    pass


def load_sources(sources, *, user=None, dry_run=False, collect=False):
    """Load the files in one transaction; nothing is saved if any record is bad, or on a dry run.

    Without ``collect`` the first bad record raises FixtureError. With ``collect`` (the preview) every problem is
    gathered in ``report.problems`` and everything is rolled back.
    """
    report = LoadReport(itemise=collect)
    try:
        with transaction.atomic():
            for source in sources:
                _load_source(source, report, user=user, collect=collect)
            if dry_run or report.problems:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _load_source(source, report, *, user, collect):
    try:
        records, problems = read_records(source)
    except FixtureError as exc:
        if not collect:
            raise
        report.problems.append(str(exc))
        return
    if problems and not collect:
        raise FixtureError(problems[0])
    report.problems.extend(problems)
    for number, record in enumerate(records, start=1):
        try:
            _load_record(source, number, record, report, user=user)
        except FixtureError as exc:
            if not collect:
                raise
            report.problems.append(str(exc))


def read_records(source):
    """The records of a file and the problems found reading it: (records, [problem, ...])."""
    if len(source.content) > MAX_FILE_BYTES:
        raise FixtureError(f"{source.name}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, the most a file may be.")
    if source.name.lower().endswith(".xlsx"):
        return spreadsheet.read_workbook(source)
    return _json_records(source), []


def _json_records(source):
    try:
        records = json.loads(source.content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FixtureError(f"{source.name}: not valid JSON ({exc}).") from None
    if not isinstance(records, list):
        raise FixtureError(f"{source.name}: expected a JSON list of records.")
    return records


@dataclass
class _Where:
    """How messages name a record and its fields: record number and field name, or sheet, row and column."""

    short: str
    text: str
    place: Place | None = None

    def field(self, name):
        column = self.place.columns.get(name) if self.place else None
        return f"column {column}" if column else f'field "{name}"'


def _where(source, number, record):
    place = record.get("place") if isinstance(record, dict) else None
    short = f'sheet "{place.sheet}", row {place.row}' if place else f"record {number}"
    return _Where(short, f"{source.name}: {short}", place)


def _load_record(source, number, record, report, *, user):
    where = _where(source, number, record)
    model = _check_shape(where, record)
    label = model._meta.label_lower
    where.text = f"{where.text} ({label} {_describe(record)})"
    _check_fields(where, model, record["fields"])
    try:
        (deserialized,) = serializers.deserialize(
            "python", [{"model": record["model"], "fields": record["fields"]}], handle_forward_references=False
        )
    except (DeserializationError, ObjectDoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise FixtureError(f"{where.text}: {_cause(exc)}") from None
    obj = deserialized.object
    _check_unique_in_load(where, label, obj, report, source)
    _check_national(where, label, obj)
    exists = obj.pk is not None
    if exists and label in LIVE_PLAN_MODELS:
        report.kept[label] += 1
        return
    current = model._default_manager.get(pk=obj.pk) if exists else None
    changes = _differences(obj, current) if exists else None
    if exists and not changes:
        report.unchanged[label] += 1
        return
    _check_in_use(where, label, obj, current, changes, report)
    obj._state.adding = not exists  # so uniqueness checks treat a known record as itself
    _stamp_missing_times(obj, record["fields"])
    if hasattr(obj, "fill_derived_fields"):  # a raw save skips save(), where these are otherwise filled
        obj.fill_derived_fields()
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise FixtureError(f"{where.text}: {_validation_message(exc, where)}") from None
    _save(where, deserialized, current, user=user, file_name=source.name)
    _count(report, label, obj, changes)


def _check_unique_in_load(where, label, obj, report, source):
    key = (label, tuple(obj.natural_key())) if hasattr(obj, "natural_key") else None
    if key in report.seen:
        raise FixtureError(f"{where.text}: repeats the natural key {list(key[1])} of {report.seen[key]}.")
    if key:
        report.seen[key] = f"{where.short} of {source.name}"
    if label == "recommendations.sourcereport" and obj.slug in RESERVED_SLUGS:
        raise FixtureError(f'{where.text}: {where.field("slug")}: "{obj.slug}" is reserved; choose another slug.')


#: The records of a report, and the field naming the report they belong to ("" for the report itself).
REPORT_RECORDS = {
    "recommendations.sourcereport": "",
    "recommendations.theme": "report",
    "recommendations.recommendation": "report",
    "recommendations.finding": "report",
}


def _check_national(where, label, obj):
    """A load is national: it never reads, changes or adds to a partnership's own report (whose slug it may name
    by chance). It says only that the slug is taken, never what the report holds: its preview shows nothing of it."""
    if label not in REPORT_RECORDS:
        return
    field = REPORT_RECORDS[label]
    if field:
        report_id = getattr(obj, f"{field}_id", None)
        own = report_id is not None and SourceReport.objects.filter(pk=report_id, partnership__isnull=False).exists()
    else:
        own = obj.pk is not None and SourceReport.objects.filter(pk=obj.pk, partnership__isnull=False).exists()
    if own:
        raise FixtureError(
            f"{where.text}: the report's slug is taken by a report that is not national; choose another slug."
        )


def _differences(obj, current):
    changes = []
    for model_field in obj._meta.concrete_fields:
        if model_field.primary_key or getattr(obj, model_field.attname) == getattr(current, model_field.attname):
            continue
        is_text = model_field.get_internal_type() == "TextField"
        changes.append(
            Change(model_field.name, _shown(current, model_field), _shown(obj, model_field), is_text=is_text)
        )
    return changes


def _shown(obj, model_field):
    value = getattr(obj, model_field.name)
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "\n".join(map(str, value))
    return str(value)


def _check_in_use(where, label, obj, current, changes, report):
    """A report in use is never renumbered: its recommendations keep their references and printed places."""
    if label != "recommendations.recommendation" or current is None:
        return
    if obj.report_id not in report.in_use:
        report.in_use[obj.report_id] = obj.report.is_in_use()
    moved = [change for change in changes if change.field == "position"]
    if moved and report.in_use[obj.report_id]:
        raise FixtureError(
            f"{where.text}: {where.field('position')}: the report is in use (decisions or actions are attached), "
            f"so recommendation {obj.reference} cannot move from place {moved[0].old} to {moved[0].new}."
        )


def _save(where, deserialized, current, *, user, file_name):
    try:
        with transaction.atomic():
            deserialized.save()
            if deserialized.object._meta.label_lower in HISTORY_ON_LOAD:
                _record_history(deserialized.object, current, user=user, file_name=file_name)
    except IntegrityError as exc:
        raise FixtureError(f"{where.text}: the database refused it ({exc}).") from None


def _record_history(obj, current, *, user, file_name):
    """A raw save writes no history: record the change, after a baseline of the text it replaces if none exists.

    The save stays raw so a record's own timestamps (an action's created_at) are kept as the file gives them.
    """
    history = type(obj).history
    if current is not None and not history.filter(id=current.pk).exists():
        history.bulk_history_create([current], default_change_reason="As first loaded")
    reason = f"Loaded from {Path(file_name).name}"
    history.bulk_history_create([obj], update=current is not None, default_user=user, default_change_reason=reason)


def _count(report, label, obj, changes):
    (report.created if changes is None else report.updated)[label] += 1
    if report.itemise:
        item = Item(label=label, name=_item_name(label, obj), changes=changes or [], text=_item_text(label, obj))
        (report.new_items if changes is None else report.changed_items).append(item)


def _item_name(label, obj):
    """What a person calls this record: "National review 2022: recommendation 7", "Theme 2", "Main finding 3"."""
    if label == "recommendations.recommendation":
        return f"{obj.report.short_title or obj.report.title}: recommendation {obj.reference}"
    if label == "recommendations.theme":
        return f"{obj.report.short_title or obj.report.title}: theme {obj.position}"
    if label == "recommendations.finding":
        return f"{obj.report.short_title or obj.report.title}: {obj.get_kind_display().lower()} {obj.position}"
    if label == "recommendations.sourcereport":
        return f"Report: {obj.short_title or obj.title}"
    return f"{_noun(label, 1).capitalize()} {obj}"


def _item_text(label, obj):
    """The words a person checks a record by, paragraph by paragraph (sub-points as "• ...")."""
    if label == "recommendations.recommendation":
        return [t for t in (obj.lead_in, obj.text) if t] + [f"• {point}" for point in obj.sub_points or []]
    if label == "recommendations.finding":
        return [obj.text]
    if label == "recommendations.theme":
        return [obj.title]
    if label == "recommendations.sourcereport":
        return [obj.title] + ([f"Published {obj.published_text}"] if obj.published_text else [])
    return []


def _stamp_missing_times(obj, fields):
    """A raw save skips auto_now/auto_now_add: stamp those a record leaves out with the time of loading."""
    now = timezone.now()
    for model_field in obj._meta.concrete_fields:
        automatic = getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False)
        if automatic and model_field.name not in fields and getattr(obj, model_field.attname) is None:
            setattr(obj, model_field.attname, now)


def _check_shape(where, record):
    if not isinstance(record, dict) or "model" not in record or not isinstance(record.get("fields"), dict):
        raise FixtureError(f'{where.text}: a record needs "model" and a "fields" object.')
    if "pk" in record:
        raise FixtureError(f'{where.text}: use natural keys, not "pk".')
    try:
        model = apps.get_model(record["model"])
    except (LookupError, ValueError, AttributeError):
        raise FixtureError(f'{where.text}: unknown model "{record["model"]}".') from None
    if model._meta.label_lower not in LOADABLE_MODELS:
        raise FixtureError(f'{where.text}: "{record["model"]}" cannot be loaded from a file.')
    return model


def _check_fields(where, model, fields):
    for name, value in fields.items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            raise FixtureError(
                f"{where.text}: {where.field(name)}: {model._meta.label_lower} has no such field."
            ) from None
        if model_field.is_relation:
            _check_reference(where, name, model_field, value)
        elif value is not None:
            try:
                model_field.to_python(value)
            except ValidationError as exc:
                raise FixtureError(f"{where.text}: {where.field(name)}: {' '.join(exc.messages)}") from None


def _check_reference(where, name, model_field, value):
    if value is None:
        return
    target = model_field.related_model
    if not isinstance(value, list):
        raise FixtureError(
            f"{where.text}: {where.field(name)}: give the natural key of a {target._meta.label_lower} as a list."
        )
    keys = value if model_field.many_to_many else [value]
    for key in keys:
        if not isinstance(key, list):
            raise FixtureError(f"{where.text}: {where.field(name)}: give a list of natural keys, each a list.")
        try:
            target._default_manager.db_manager().get_by_natural_key(*key)
        except (target.DoesNotExist, TypeError, ValueError, ValidationError):
            raise FixtureError(
                f"{where.text}: {where.field(name)}: no {target._meta.label_lower} with key {json.dumps(key)} "
                "(is it defined earlier in this file or an earlier file?)."
            ) from None


def _describe(record):
    fields = record["fields"]
    for key in ("slug", "reference", "title", "name", "date", "kind"):
        if key in fields:
            return f"{key}={json.dumps(fields[key])}"
    return ""


def _validation_message(exc, where):
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{where.field(name)}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


def _cause(exc):
    original = getattr(exc, "__cause__", None) or exc
    if isinstance(original, ValidationError):
        return " ".join(original.messages)
    return str(original)


# --- The history of loads --------------------------------------------------------------------------------------


def record_load(*, sources, user, report):
    """Write an applied load to the history: who, when, which file(s), what it did."""
    content = sources[0].content if len(sources) == 1 else b""
    return RecommendationLoad.objects.create(
        token=secrets.token_urlsafe(32),
        file_name=", ".join(Path(source.name).name for source in sources)[:255],
        content=content,
        sha256=sources[0].sha256 if len(sources) == 1 else "",
        uploaded_by=user,
        applied_at=timezone.now(),
        summary=report.lines(),
    )


# --- Loading in the browser: upload, preview, confirm ----------------------------------------------------------

#: How long an upload waits for its confirmation before it must be uploaded again.
PENDING_HOURS = 24


def load_stage(*, user, name, content):
    """Keep an uploaded file, unapplied, until its uploader confirms it; returns the RecommendationLoad."""
    source = Source(name=Path(name).name[:255], content=content)
    stale = timezone.now() - datetime.timedelta(hours=PENDING_HOURS)
    RecommendationLoad.objects.filter(applied_at__isnull=True, uploaded_at__lt=stale).delete()  # never confirmed
    return RecommendationLoad.objects.create(
        token=secrets.token_urlsafe(32),
        file_name=source.name,
        content=content,
        sha256=source.sha256,
        uploaded_by=user,
    )


def load_preview(load):
    """What confirming this load would do, with every problem in it; nothing is saved."""
    return load_sources([_staged_source(load)], dry_run=True, collect=True)


def load_confirm(*, load, user):
    """Apply a staged load all or nothing and write it to the history; FixtureError if it cannot be applied."""
    with transaction.atomic():
        try:
            load = RecommendationLoad.objects.select_for_update().get(pk=load.pk, applied_at__isnull=True)
        except RecommendationLoad.DoesNotExist:
            raise FixtureError(f"{load.file_name} has already been loaded.") from None
        report = load_sources([_staged_source(load)], user=user)
        load.applied_at = timezone.now()
        load.summary = report.lines(done=True)
        load.save(update_fields=["applied_at", "summary"])
    return report


def _staged_source(load):
    source = Source(name=load.file_name, content=bytes(load.content))
    if load.uploaded_at < timezone.now() - datetime.timedelta(hours=PENDING_HOURS):
        raise FixtureError(f"{load.file_name} was uploaded more than {PENDING_HOURS} hours ago: upload it again.")
    if not secrets.compare_digest(source.sha256, load.sha256):
        raise FixtureError(f"{load.file_name} has changed since it was uploaded: upload it again.")
    return source
