"""Bulk update of actions by spreadsheet: export, reading an upload, checking its rows, applying them.

The flow is download -> edit -> upload -> preview -> apply. Reading and checking are pure (nothing is written);
``bulk_apply`` checks every row again against the actions as they stand and then writes all changes in one
transaction through ``action_record_progress``, or none.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from .access import updatable_actions
from .models import Action, ActionRecommendation
from .services import ProgressChange, action_record_progress, progress_differs, validate_progress
from .status import Status, UpdateSource

#: Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"); tab and carriage return
#: are on OWASP's list too, because some programs strip them and then see the character after.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = (
    "id",
    "version",
    "reference",
    "owner",
    "recommendations",
    "description",
    "timescale",
    "due_date",
    "status",
    "percent_complete",
    "note",
    "revised_due_date",
    "revision_reason",
)
#: The columns an upload must have: which action and version, and what the person may change.
REQUIRED_COLUMNS = ("id", "version", "status", "percent_complete", "note", "revised_due_date", "revision_reason")
#: The columns read from an upload; the others are context for the person filling in the sheet.
READ_COLUMNS = (*REQUIRED_COLUMNS, "due_date")
EDITABLE_COLUMNS = ("status", "percent_complete", "note", "revised_due_date", "revision_reason")

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: An XLSX file is a zip: refuse one that would unpack to more than this (a "zip bomb").
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 2000
_LARGEST_ID = 2**63 - 1


class SpreadsheetError(Exception):
    """The upload as a whole cannot be read; the message says why, in words for the person who sent it."""


def neutralise(value):
    """The value with a leading single quote if it is text a spreadsheet would run as a formula.

    Use it on every text cell of every CSV or XLSX export of data people typed.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


# --- Export ----------------------------------------------------------------------------------------------------


def export_queryset(user):
    """The actions the user may update, with what the sheet prints, in a fixed number of queries."""
    links = ActionRecommendation.objects.select_related("recommendation__report").order_by(
        "-is_primary", "recommendation__report_id", "recommendation__position"
    )
    return (
        updatable_actions(user)
        .select_related("owner")
        .prefetch_related(Prefetch("links", queryset=links))
        .order_by("reference")
    )


def export_rows(actions):
    """One list of cell values per action, in COLUMNS order; dates as datetime.date, text not yet neutralised."""
    for action in actions:
        recommendations = "; ".join(
            f"{link.recommendation.report.short_title} {link.recommendation.reference}" for link in action.links.all()
        )
        yield [
            action.pk,
            action.version,
            action.reference,
            action.owner.short_name,
            recommendations,
            action.description,
            action.timescale_text,
            action.due_date,
            action.status,
            action.percent_complete,
            "",
            None,
            "",
        ]


def export_csv(actions):
    """The sheet as CSV bytes: UTF-8 with a byte order mark so that Excel reads the accents and dashes right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in export_rows(actions):
        writer.writerow([_csv_text(value) for value in row])
    return out.getvalue().encode("utf-8-sig")


def _csv_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(str(value))


_HEADER_FONT = Font(bold=True)
_EDITABLE_FILL = PatternFill("solid", fgColor="FFF2CC")
_WIDTHS = {"description": 60, "recommendations": 28, "note": 50, "revision_reason": 40, "timescale": 24}


def export_xlsx(actions):
    """The sheet as XLSX bytes: an "Actions" sheet with drop-down statuses and a "Help" sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Actions"
    sheet.append(COLUMNS)
    rows = list(export_rows(actions))
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    _format_actions_sheet(sheet, last_row=len(rows) + 1 if rows else 2)
    _add_help_sheet(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _format_actions_sheet(sheet, *, last_row):
    letters = {name: chr(ord("A") + index) for index, name in enumerate(COLUMNS)}
    for name, letter in letters.items():
        header = sheet[f"{letter}1"]
        header.font = _HEADER_FONT
        if name in EDITABLE_COLUMNS:
            header.fill = _EDITABLE_FILL
        sheet.column_dimensions[letter].width = _WIDTHS.get(name, max(12, len(name) + 2))
    for name in ("due_date", "revised_due_date"):
        for (cell,) in sheet[f"{letters[name]}2:{letters[name]}{last_row}"]:
            cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "D2"
    statuses = DataValidation(
        type="list",
        formula1='"' + ",".join(Status.values) + '"',
        showErrorMessage=True,
        errorTitle="Status",
        error="Choose a status code from the list (see the Help sheet).",
    )
    percent = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2="100",
        showErrorMessage=True,
        errorTitle="% complete",
        error="A whole number from 0 to 100.",
    )
    for validation, name in ((statuses, "status"), (percent, "percent_complete")):
        sheet.add_data_validation(validation)
        validation.add(f"{letters[name]}2:{letters[name]}{last_row}")


HELP_LINES = (
    "Change only the shaded columns: status, percent_complete, note, revised_due_date, revision_reason.",
    "Leave id and version as they are: they say which action a row is and which version of it you downloaded.",
    "The other columns are there to read; changes to them are not uploaded.",
    "A due date moves only through revised_due_date (YYYY-MM-DD), and then revision_reason must say why.",
    "A complete action is 100% complete. Rows you leave unchanged are skipped.",
    "Then upload the file on the same page. You will see every change before anything is saved.",
)


def _add_help_sheet(workbook):
    sheet = workbook.create_sheet("Help")
    sheet.append(["How to use this sheet"])
    sheet["A1"].font = _HEADER_FONT
    for line in HELP_LINES:
        sheet.append([line])
    sheet.append([])
    sheet.append(["Status code", "Meaning"])
    for cell in sheet[sheet.max_row]:
        cell.font = _HEADER_FONT
    for code, label in Status.choices:
        sheet.append([code, label])
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 45


# --- Reading an upload -----------------------------------------------------------------------------------------


def read_upload(upload):
    """The data rows of an uploaded XLSX or CSV file as dicts of READ_COLUMNS (plus "row", its sheet row number).

    Values are JSON-safe (text, numbers, ISO dates) so the rows can wait in the session between preview and
    apply. Raises SpreadsheetError for a file that is not a usable sheet.
    """
    name = (upload.name or "").lower()
    if not name.endswith((".xlsx", ".csv")):
        raise SpreadsheetError("Upload the sheet as an Excel workbook (.xlsx) or a CSV file (.csv).")
    if not upload.size:
        raise SpreadsheetError("The file is empty.")
    if upload.size > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(
            f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB, the most a sheet may be."
        )
    content = upload.read()
    rows = _xlsx_rows(content) if name.endswith(".xlsx") else _csv_rows(content)
    return _records(rows)


def _xlsx_rows(content):
    if not content.startswith(b"PK\x03\x04"):
        raise SpreadsheetError("The file is not a real Excel workbook (.xlsx), whatever its name says.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise SpreadsheetError("The workbook is too large once unpacked to be a sheet of actions.")
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except SpreadsheetError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file; each means the same here
        raise SpreadsheetError("The workbook cannot be opened: it is damaged or not an Excel workbook.") from exc
    try:
        sheet = workbook["Actions"] if "Actions" in workbook.sheetnames else workbook.worksheets[0]
        sheet.reset_dimensions()  # read every row, whatever size the file claims
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:
        raise SpreadsheetError("The workbook cannot be read: it is damaged or not an Excel workbook.") from exc
    finally:
        workbook.close()


def _csv_rows(content):
    if content.startswith((b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")) or b"\x00" in content:
        raise SpreadsheetError("The file is not a CSV text file, whatever its name says.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # Excel's "CSV (Comma delimited)" on Windows
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise SpreadsheetError(f"The CSV file cannot be read: {exc}.") from exc


def _records(rows):
    rows = iter(rows)
    header = next(rows, None)
    names = [str(cell).strip().lower() if cell is not None else "" for cell in header or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise SpreadsheetError(
            f"The first row must name the columns; it has no {', '.join(missing)} column"
            f"{'s' if len(missing) > 1 else ''}. Download a fresh sheet and fill that in."
        )
    positions = {name: names.index(name) for name in READ_COLUMNS if name in names}
    records = []
    for number, cells in enumerate(rows, start=2):
        record = {name: _json_safe(cells[index] if index < len(cells) else None) for name, index in positions.items()}
        if not any(value != "" for value in record.values()):
            continue
        if len(records) == MAX_ROWS:
            raise SpreadsheetError(f"The sheet has more than {MAX_ROWS} rows; upload at most {MAX_ROWS} at a time.")
        records.append({"row": number, **record})
    if not records:
        raise SpreadsheetError("The sheet has no rows of actions under its first row.")
    return records


def _json_safe(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | str):
        return value
    return str(value)


# --- Checking rows ---------------------------------------------------------------------------------------------


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
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _LARGEST_ID:
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


# --- Applying --------------------------------------------------------------------------------------------------


@transaction.atomic
def bulk_apply(*, user, rows):
    """Check the rows again and, if none has a problem, record every change; else record nothing.

    Returns the BulkCheck and the ProgressUpdates written (none when the check found problems). A ConflictError
    or ValidationError from any one action rolls back every update already written.
    """
    check = check_rows(user=user, rows=rows)
    if check.problems:
        return check, []
    return check, bulk_record_changes(author=user, changes=check.changes)


@transaction.atomic
def bulk_record_changes(*, author, changes):
    """One ProgressUpdate per RowChange, against the version the sheet was downloaded at; all or none."""
    return [
        action_record_progress(
            action=item.action,
            author=author,
            expected_version=item.version,
            change=item.change,
            source=UpdateSource.SPREADSHEET,
        )
        for item in changes
    ]
