"""Reading an uploaded sheet into rows of text, refusing files that are not what they claim or too big.

A workbook is opened by ``config.workbooks.open_workbook`` (the one door for uploaded workbooks), which refuses a
sheet too long, too wide or too big before openpyxl reads it; a CSV file's rows are read as a stream and reading
stops at the row limit. Either way the work of an upload is bounded whatever the file holds.
"""

import csv
import datetime
import io

from config.middleware import CONTROL_CHARACTERS
from config.workbooks import WorkbookLimits, WorkbookRefused, open_workbook

from .columns import MAX_ROWS, MAX_UNPACKED_BYTES, MAX_UPLOAD_BYTES, READ_COLUMNS, REQUIRED_COLUMNS, SpreadsheetError

#: Rows read in all, empty ones included, before a sheet is refused: reading stops there whatever the file holds.
MAX_SCANNED_ROWS = 5 * MAX_ROWS
#: Columns a row may have; the sheet has 13.
MAX_COLUMNS = 100
#: What ``config.workbooks`` lets through as a sheet of actions, before openpyxl reads any of it.
LIMITS = WorkbookLimits(
    kind="a sheet of actions",
    rows=MAX_SCANNED_ROWS,
    columns=MAX_COLUMNS,
    file_bytes=MAX_UPLOAD_BYTES,
    unpacked_bytes=MAX_UNPACKED_BYTES,
)


def read_upload(upload):
    """The data rows of an uploaded XLSX or CSV file as dicts of READ_COLUMNS (plus "row", its sheet row number).

    Values are JSON-safe (text, numbers, ISO dates) so the rows can wait in the session between preview and
    apply. Raises SpreadsheetError for a file that is not a usable sheet. Rows are read as a stream and reading
    stops at the row limit, so the work is bounded whatever the file holds.
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
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    rows = _xlsx_rows(content) if name.endswith(".xlsx") else _csv_rows(content)
    try:
        return _records(rows)
    finally:
        rows.close()


def _xlsx_rows(content):
    """A generator of the first sheet's rows (the "Actions" sheet if there is one), at most MAX_COLUMNS wide."""
    try:
        workbook = open_workbook(content, limits=LIMITS)
    except WorkbookRefused as exc:
        raise SpreadsheetError(str(exc)) from exc
    return _stream_sheet(workbook)


def _stream_sheet(workbook):
    try:
        sheet = workbook["Actions"] if "Actions" in workbook.sheetnames else workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError("The workbook cannot be read: it is damaged or not an Excel workbook.") from exc
    finally:
        workbook.close()


def _csv_rows(content):
    """A generator of the CSV file's rows."""
    if content.startswith((b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")) or b"\x00" in content:
        raise SpreadsheetError("The file is not a CSV text file, whatever its name says.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # Excel's "CSV (Comma delimited)" on Windows
    return _stream_csv(text)


def _stream_csv(text):
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise SpreadsheetError(f"The CSV file cannot be read: {exc}.") from exc


def _records(rows):
    """The data rows as records; stops reading at MAX_ROWS rows of data or MAX_SCANNED_ROWS rows in all."""
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
        if number > MAX_SCANNED_ROWS:
            raise SpreadsheetError(
                f"The sheet has more than {MAX_SCANNED_ROWS} rows (counting empty ones); "
                f"upload at most {MAX_ROWS} actions at a time."
            )
        record = {name: _json_safe(cells[index] if index < len(cells) else None) for name, index in positions.items()}
        if not any(value != "" for value in record.values()):
            continue
        if len(records) == MAX_ROWS:
            raise SpreadsheetError(f"The sheet has more than {MAX_ROWS} rows; upload at most {MAX_ROWS} at a time.")
        _refuse_control_characters(number, record)
        records.append({"row": number, **record})
    if not records:
        raise SpreadsheetError("The sheet has no rows of actions under its first row.")
    return records


def _refuse_control_characters(number, record):
    for name, value in record.items():
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            raise SpreadsheetError(
                f"Row {number}, column {name}, holds a control character (such as a NUL byte); remove it and "
                "upload the sheet again."
            )


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
