"""The bulk-update sheet as CSV or XLSX: the actions the person may update, with a help sheet."""

import io

from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from config.tabular import csv_bytes, neutralise

from ..access import updatable_actions
from ..models import ActionRecommendation
from ..status import Status
from .columns import COLUMNS, EDITABLE_COLUMNS


def export_queryset(user):
    """The actions the user may update, with what the sheet prints, in a fixed number of queries."""
    links = ActionRecommendation.objects.select_related("recommendation__report").order_by(
        "-is_primary", "recommendation__report_id", "recommendation__position"
    )
    return (
        updatable_actions(user)
        .select_related("owner")
        .prefetch_related(Prefetch("links", queryset=links, to_attr="loaded_links"))
        .order_by("sort_key")
    )


def export_rows(actions):
    """One list of cell values per action, in COLUMNS order; dates as datetime.date, text not yet neutralised."""
    for action in actions:
        recommendations = "; ".join(
            f"{link.recommendation.report.short_title} {link.recommendation.reference}"
            for link in action.answered_links
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
    """The sheet as CSV bytes (UTF-8 with a byte order mark, formulas neutralised)."""
    return csv_bytes(COLUMNS, export_rows(actions))


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
