"""Loading national recommendation sets (and a partnership's plan) from fixture files."""

import json
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

DEFAULT_FIXTURES = ("laming-2009.json", "jar-haringey-2008.json", "east-ayrshire.json")

#: Models whose existing rows a fixture never overwrites: once a plan is live it changes only in the
#: application, where every change is recorded.
LIVE_PLAN_MODELS = {
    "actions.action",
    "actions.actionrecommendation",
    "recommendations.applicabilitydecision",
    "reports.paper",
}


class FixtureError(Exception):
    """A fixture file cannot be loaded; the message names the file, the record and the field."""


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)
    seen: dict = field(default_factory=dict)  # natural key -> where it was first loaded

    def lines(self):
        labels = sorted(set(self.created) | set(self.updated) | set(self.kept))
        return [
            f"{label}: {self.created[label]} created, {self.updated[label]} updated, {self.kept[label]} kept"
            for label in labels
        ]


def default_fixture_paths():
    return [Path(settings.BASE_DIR) / "fixtures" / name for name in DEFAULT_FIXTURES]


class _DryRun(Exception):
    pass


def load_fixture_files(paths, *, dry_run=False):
    """Load fixture files in one transaction; on the first bad record raise FixtureError and save nothing."""
    report = LoadReport()
    try:
        with transaction.atomic():
            for path in paths:
                for number, record in enumerate(_read_records(Path(path)), start=1):
                    _load_record(Path(path), number, record, report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _read_records(path):
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FixtureError(f"{path}: no such file.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FixtureError(f"{path}: not valid JSON ({exc}).") from None
    if not isinstance(records, list):
        raise FixtureError(f"{path}: expected a JSON list of records.")
    return records


def _load_record(path, number, record, report):
    where = f"{path}: record {number}"
    model = _check_shape(where, record)
    label = model._meta.label_lower
    where = f"{where} ({label} {_describe(record)})"
    _check_fields(where, model, record["fields"])
    try:
        (deserialized,) = serializers.deserialize("python", [record], handle_forward_references=False)
    except (DeserializationError, ObjectDoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise FixtureError(f"{where}: {_cause(exc)}") from None
    obj = deserialized.object
    key = (label, tuple(obj.natural_key())) if hasattr(obj, "natural_key") else None
    if key in report.seen:
        raise FixtureError(f"{where}: repeats the natural key {list(key[1])} of {report.seen[key]}.")
    if key:
        report.seen[key] = f"record {number} of {path}"
    exists = obj.pk is not None
    if exists and label in LIVE_PLAN_MODELS:
        report.kept[label] += 1
        return
    obj._state.adding = not exists  # so uniqueness checks treat a known record as itself
    _stamp_missing_times(obj, record["fields"])
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise FixtureError(f"{where}: {_validation_message(exc)}") from None
    try:
        with transaction.atomic():
            deserialized.save()
    except IntegrityError as exc:
        raise FixtureError(f"{where}: the database refused it ({exc}).") from None
    (report.updated if exists else report.created)[label] += 1


def _stamp_missing_times(obj, fields):
    """A raw save skips auto_now/auto_now_add: stamp those a record leaves out with the time of loading."""
    now = timezone.now()
    for model_field in obj._meta.concrete_fields:
        automatic = getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False)
        if automatic and model_field.name not in fields and getattr(obj, model_field.attname) is None:
            setattr(obj, model_field.attname, now)


def _check_shape(where, record):
    if not isinstance(record, dict) or "model" not in record or not isinstance(record.get("fields"), dict):
        raise FixtureError(f'{where}: a record needs "model" and a "fields" object.')
    if "pk" in record:
        raise FixtureError(f'{where}: use natural keys, not "pk".')
    try:
        return apps.get_model(record["model"])
    except (LookupError, ValueError):
        raise FixtureError(f'{where}: unknown model "{record["model"]}".') from None


def _check_fields(where, model, fields):
    for name, value in fields.items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            raise FixtureError(f'{where}: field "{name}": {model._meta.label_lower} has no such field.') from None
        if model_field.is_relation:
            _check_reference(where, name, model_field, value)
        elif value is not None:
            try:
                model_field.to_python(value)
            except ValidationError as exc:
                raise FixtureError(f'{where}: field "{name}": {" ".join(exc.messages)}') from None


def _check_reference(where, name, model_field, value):
    if value is None:
        return
    target = model_field.related_model
    if not isinstance(value, list):
        raise FixtureError(f'{where}: field "{name}": give the natural key of a {target._meta.label_lower} as a list.')
    if model_field.many_to_many:
        if not all(isinstance(key, list) for key in value):
            raise FixtureError(f'{where}: field "{name}": give a list of natural keys, each a list.')
        for key in value:
            _check_one(where, name, target, key)
        return
    _check_one(where, name, target, value)


def _check_one(where, name, target, value):
    try:
        target._default_manager.db_manager().get_by_natural_key(*value)
    except (target.DoesNotExist, TypeError, ValueError, ValidationError):
        raise FixtureError(
            f'{where}: field "{name}": no {target._meta.label_lower} with key {json.dumps(value)} '
            "(is it defined earlier in this file or an earlier file?)."
        ) from None


def _describe(record):
    fields = record["fields"]
    for key in ("reference", "slug", "title", "name", "date"):
        if key in fields:
            return f"{key}={json.dumps(fields[key])}"
    return ""


def _validation_message(exc):
    if hasattr(exc, "message_dict"):
        return "; ".join(f'field "{name}": {" ".join(msgs)}' for name, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


def _cause(exc):
    original = getattr(exc, "__cause__", None) or exc
    if isinstance(original, ValidationError):
        return " ".join(original.messages)
    return str(original)
