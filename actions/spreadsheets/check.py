"""Checking each uploaded row against the action as it stands: what would change, and every problem by row."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError

from ..access import updatable_actions
from ..models import Action
from ..services import ProgressChange, progress_differs, validate_progress
from ..status import Status
from .columns import LARGEST_ID, READ_COLUMNS


@dataclass
class RowChange:
    """One row that changes one action: the action as it stands and what the row asks to record."""

    row: int
    action: Action
    version: int
    change: ProgressChange

    @property
    def status_changed(self):
        return self.change.status != self.action.status

    @property
    def percent_changed(self):
        return self.change.percent_complete != self.action.percent_complete

    @property
    def due_date_changed(self):
        return self.change.due_date != self.action.due_date

    @property
    def status_after_label(self):
        return Status(self.change.status).label


@dataclass
class RowProblem:
    row: int
    action_id: object
    message: str
    reference: str = ""


@dataclass
class BulkCheck:
    """What an upload would do: the changes, the problems (any one stops them all) and the unchanged rows."""

    changes: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    unchanged: int = 0

    @property
    def can_apply(self):
        return bool(self.changes) and not self.problems


def check_rows(*, user, rows):
    """Check every row against the actions as they stand, for this user. Writes nothing."""
    rows = [{"row": row["row"], **{name: row.get(name, "") for name in READ_COLUMNS}} for row in rows]
    ids = {_whole_number(row["id"]) for row in rows} - {None}
    updatable = {a.pk: a for a in updatable_actions(user).select_related("owner").filter(pk__in=ids)}
    visible = set(Action.objects.for_user(user).filter(pk__in=ids - updatable.keys()).values_list("pk", flat=True))
    result, first_row_of = BulkCheck(), {}
    for row in rows:
        number, action_id = row["row"], _whole_number(row["id"])
        if action_id is None or (action_id not in updatable and action_id not in visible):
            message = f"Unknown action id “{row['id']}”." if row["id"] != "" else "The row has no action id."
            result.problems.append(RowProblem(number, row["id"], message))
        elif action_id in visible:
            message = "You may not update this action: another agency owns it."
            result.problems.append(RowProblem(number, action_id, message))
        elif action_id in first_row_of:
            action = updatable[action_id]
            message = f"Action {action.reference} is also on row {first_row_of[action_id]}: give it one row only."
            result.problems.append(RowProblem(number, action_id, message, action.reference))
        else:
            first_row_of[action_id] = number
            _check_row(result, number, updatable[action_id], row)
    return result


def _check_row(result, number, action, row):
    """Add the row to the result's changes, problems or unchanged count."""
    problems, change, version = _parse_row(action, row)
    if change is not None and not problems and not progress_differs(action, change):
        result.unchanged += 1
        return
    if version is not None and version != action.version:
        problems.append(
            f"{action.reference} was changed by someone else after you downloaded the sheet (your version "
            f"{version}, now {action.version}). Download a fresh sheet and make this row's change there."
        )
    elif change is not None and not problems:
        try:
            validate_progress(action, change)
        except ValidationError as exc:
            problems.extend(f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items())
    if problems:
        result.problems.extend(RowProblem(number, action.pk, message, action.reference) for message in problems)
    else:
        result.changes.append(RowChange(number, action, version, change))


def _parse_row(action, row):
    """(problems, ProgressChange or None, version or None) read from one row's cells.

    Only reading happens here; the rules of a valid change are validate_progress's.
    """
    problems = []
    version = _whole_number(row["version"])
    if version is None:
        problems.append(f"version “{row['version']}” is not a number: leave the downloaded version as it is.")
    blank_percent = row["percent_complete"] is None or str(row["percent_complete"]).strip() == ""
    percent = None if blank_percent else _whole_number(row["percent_complete"])
    if percent is None and not blank_percent:
        problems.append(
            f"percent_complete “{row['percent_complete']}” is not a whole number from 0 to 100 "
            "(leave it empty if none is reported)."
        )
    sheet_due_date, readable = _date(row["due_date"])
    if not readable:
        problems.append(f"due_date “{row['due_date']}” is not a date (use YYYY-MM-DD).")
    elif sheet_due_date not in (None, action.due_date) and version == action.version:
        problems.append("due_date is there to read: put a new date in revised_due_date and say why.")
    revised, readable = _date(row["revised_due_date"])
    reason = str(row["revision_reason"]).strip()
    if not readable:
        problems.append(f"revised_due_date “{row['revised_due_date']}” is not a date (use YYYY-MM-DD).")
    elif revised is None and reason:
        problems.append("revision_reason is filled in but revised_due_date is empty: give the new date.")
    if percent is None and not blank_percent:
        return problems, None, version
    change = ProgressChange(
        status=_status_code(row["status"]),
        percent_complete=percent,
        note=str(row["note"]).strip(),
        due_date=revised or action.due_date,
        revision_reason=reason,
    )
    return problems, change, version


def _whole_number(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = value.strip().removesuffix("%").strip()
        value = int(value) if value.isascii() and value.isdigit() else None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= LARGEST_ID:
        return value
    return None


def _status_code(value):
    """The status code for a code or a label, any case; anything else as typed, for validate_progress to name."""
    text = str(value).strip()
    for code, label in Status.choices:
        if text.lower() in (code, label.lower()):
            return code
    return text


def _date(value):
    """(date or None, readable): an empty cell is (None, True); text must be in one of DATE_INPUT_FORMATS."""
    text = str(value).strip()
    if not text:
        return None, True
    for pattern in settings.DATE_INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date(), True
        except ValueError:
            continue
    return None, False
