"""The bulk-update sheet as CSV or XLSX: the actions the person may update, with a help sheet."""

import io

import xlsxwriter

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


_EDITABLE_FILL = "#FFF2CC"
_WIDTHS = {"description": 60, "recommendations": 28, "note": 50, "revision_reason": 40, "timescale": 24}


def export_xlsx(actions):
    """The sheet as XLSX bytes: an "Actions" sheet with drop-down statuses and a "Help" sheet.

    Written by XlsxWriter, which writes a cell's XML in about a third of openpyxl's time (the bulk sheet is written
    again after every change to the plan: bench/RESULTS.md §13). Every text cell is written as text
    (``write_string``: a neutralised formula stays text, and nothing is turned into a number or a link), numbers
    as numbers, the two date columns as dates in the yyyy-mm-dd format on every row (an empty revised_due_date too:
    a date typed in is read as a date)."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    editable = workbook.add_format({"bold": True, "bg_color": _EDITABLE_FILL, "pattern": 1})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet("Actions")
    for index, name in enumerate(COLUMNS):
        sheet.set_column(index, index, _WIDTHS.get(name, max(12, len(name) + 2)))
        sheet.write_string(0, index, name, editable if name in EDITABLE_COLUMNS else bold)
    sheet.freeze_panes(1, 3)  # the header row and the id, version and reference columns
    writers = _cell_writers(sheet, date)
    row_number = 0
    for row_number, row in enumerate(export_rows(actions), start=1):  # the text is neutralised already
        for index, write in writers:
            write(row_number, index, row[index])
    _add_validations(sheet, last_row=max(row_number, 1))
    _add_help_sheet(workbook, bold)
    workbook.close()
    return out.getvalue()


#: How each column's cells are written (``export_rows`` gives each column one kind of value); the columns to fill in
#: are left without a cell but the revised date's, which carries the date format.
_KINDS = {"id": "number", "version": "number", "due_date": "date", "percent_complete": "number",
          "revised_due_date": "date", "note": None, "revision_reason": None}  # fmt: skip


def _cell_writers(sheet, date):
    """[(column index, write(row, column, value))] for the data rows, in COLUMNS order."""

    def number(row, column, value):
        if value is not None:
            sheet.write_number(row, column, value)

    def day(row, column, value):
        if value is None:
            sheet.write_blank(row, column, None, date)
        else:
            sheet.write_datetime(row, column, value, date)

    kinds = {"number": number, "date": day, "text": sheet.write_string}
    return [
        (index, kinds[kind])
        for index, name in enumerate(COLUMNS)
        if (kind := _KINDS.get(name, "text")) is not None
    ]


def _add_validations(sheet, *, last_row):
    """The status drop-down and the whole-number % complete, on the data rows (``last_row``: 0-based)."""
    status, percent = COLUMNS.index("status"), COLUMNS.index("percent_complete")
    sheet.data_validation(
        1, status, last_row, status,
        {"validate": "list", "source": list(Status.values), "error_title": "Status",
         "error_message": "Choose a status code from the list (see the Help sheet)."},
    )  # fmt: skip
    sheet.data_validation(
        1, percent, last_row, percent,
        {"validate": "integer", "criteria": "between", "minimum": 0, "maximum": 100, "error_title": "% complete",
         "error_message": "A whole number from 0 to 100."},
    )  # fmt: skip


HELP_LINES = (
    "Change only the shaded columns: status, percent_complete, note, revised_due_date, revision_reason.",
    "Leave id and version as they are: they say which action a row is and which version of it you downloaded.",
    "The other columns are there to read; changes to them are not uploaded.",
    "A due date moves only through revised_due_date (YYYY-MM-DD), and then revision_reason must say why.",
    "A complete action is 100% complete. Rows you leave unchanged are skipped.",
    "Then upload the file on the same page. You will see every change before anything is saved.",
)


def _add_help_sheet(workbook, bold):
    sheet = workbook.add_worksheet("Help")
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 1, 45)
    sheet.write_string(0, 0, "How to use this sheet", bold)
    for row, line in enumerate(HELP_LINES, start=1):
        sheet.write_string(row, 0, line)
    heading = len(HELP_LINES) + 2  # a blank row, then the codes
    sheet.write_string(heading, 0, "Status code", bold)
    sheet.write_string(heading, 1, "Meaning", bold)
    for row, (code, label) in enumerate(Status.choices, start=heading + 1):
        sheet.write_string(row, 0, code)
        sheet.write_string(row, 1, label)
