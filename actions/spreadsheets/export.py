"""The bulk-update sheet as CSV or XLSX: the actions the person may update, with a help sheet."""

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from config.tabular import csv_bytes, neutralise

from ..access import updatable_actions
from ..models import ActionRecommendation
from ..status import Status
from .columns import COLUMNS, EDITABLE_COLUMNS


def export_queryset(user):
    """The actions the user may update, in the sheet's order."""
    return updatable_actions(user).order_by("sort_key")


#: What a row prints of its action, read as values (no model object per action or link).
_FIELDS = ("pk", "version", "reference", "owner__short_name", "description", "timescale_text", "due_date", "status",
           "percent_complete")  # fmt: skip


def _recommendations(actions):
    """{action id: "JAR Haringey 2; JAR Haringey 5"}: the recommendations each action answers, primary first, in
    one query of values."""
    links = (
        ActionRecommendation.objects.filter(action__in=actions.order_by().values("pk"))
        .order_by("action_id", "-is_primary", "recommendation__report_id", "recommendation__position")
        .values_list("action_id", "recommendation__report__short_title", "recommendation__reference")
    )
    answered = {}
    for action_id, short_title, reference in links:
        answered.setdefault(action_id, []).append(f"{short_title} {reference}")
    return {action_id: "; ".join(names) for action_id, names in answered.items()}


def export_rows(actions):
    """One list of cell values per action, in COLUMNS order: dates as datetime.date, every text cell neutralised
    (``neutralise``: it is text people typed), the columns to fill in empty (``None``: an empty CSV field; no cell at
    all in the XLSX, but for a date's format). Two queries of values, whatever the number of actions."""
    recommendations = _recommendations(actions)
    n = neutralise
    for pk, version, reference, owner, description, timescale, due, status, percent in actions.values_list(*_FIELDS):
        answered = recommendations.get(pk, "")
        yield [pk, version, n(reference), n(owner), n(answered), n(description), n(timescale), due, status, percent,
               None, None, None]  # fmt: skip


def export_csv(actions):
    """The sheet as CSV bytes (UTF-8 with a byte order mark, formulas neutralised). The rows are written as
    ``export_rows`` makes them: their text is neutralised there, and the rest are numbers, status codes, None and
    dates (a DateField's, which the csv module writes in ISO form)."""
    return csv_bytes(COLUMNS, export_rows(actions), ready=True)


_HEADER_FONT = Font(bold=True)
_EDITABLE_FILL = PatternFill("solid", fgColor="FFF2CC")
_WIDTHS = {"description": 60, "recommendations": 28, "note": 50, "revision_reason": 40, "timescale": 24}


_DATE_COLUMNS = tuple(COLUMNS.index(name) for name in ("due_date", "revised_due_date"))


def export_xlsx(actions):
    """The sheet as XLSX bytes: an "Actions" sheet with drop-down statuses and a "Help" sheet.

    Written in openpyxl's write-only mode: each row goes to the file as it is appended, with no cell objects kept;
    widths, the frozen header and the header's styles are set before the first row, the validations after the
    last (they are written at the sheet's end)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Actions")
    _format_actions_sheet(sheet)
    # The two date columns carry their format on every row, an empty revised_due_date too (typed-in dates read
    # as dates): one styled cell per column, its value replaced row by row (a row is written as it is appended).
    date_cells = {index: _date_cell(sheet) for index in _DATE_COLUMNS}
    rows = 0
    for row in export_rows(actions):
        for index, cell in date_cells.items():  # the text is neutralised already (export_rows)
            cell.value = row[index]
            row[index] = cell
        sheet.append(row)
        rows += 1
    _add_validations(sheet, last_row=rows + 1 if rows else 2)
    _add_help_sheet(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _date_cell(sheet):
    cell = WriteOnlyCell(sheet)
    cell.number_format = "yyyy-mm-dd"
    return cell


def _header_cell(sheet, value, *, fill=None):
    cell = WriteOnlyCell(sheet, value)
    cell.font = _HEADER_FONT
    if fill is not None:
        cell.fill = fill
    return cell


def _format_actions_sheet(sheet):
    """Widths, the frozen panes and the header row: what write-only mode needs before the first data row."""
    for index, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(name, max(12, len(name) + 2))
    sheet.freeze_panes = "D2"
    sheet.append(
        [_header_cell(sheet, name, fill=_EDITABLE_FILL if name in EDITABLE_COLUMNS else None) for name in COLUMNS]
    )


def _add_validations(sheet, *, last_row):
    letters = {name: get_column_letter(index) for index, name in enumerate(COLUMNS, start=1)}
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
        sheet.data_validations.append(validation)  # what add_data_validation does; write-only sheets lack it
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
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 45
    sheet.append([_header_cell(sheet, "How to use this sheet")])
    for line in HELP_LINES:
        sheet.append([line])
    sheet.append([])
    sheet.append([_header_cell(sheet, "Status code"), _header_cell(sheet, "Meaning")])
    for code, label in Status.choices:
        sheet.append([code, label])
