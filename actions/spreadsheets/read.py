"""Reading an uploaded sheet into rows of text, refusing files that are not what they claim or too big.

Rows are read as a stream and reading stops at the row limit, so the work of an upload is bounded whatever the file
holds (a million-row workbook is refused in a fraction of a second).
"""

import csv
import datetime
import io
import re
import zipfile

from openpyxl import load_workbook

from config.middleware import CONTROL_CHARACTERS

from .columns import MAX_ROWS, MAX_UNPACKED_BYTES, MAX_UPLOAD_BYTES, READ_COLUMNS, REQUIRED_COLUMNS, SpreadsheetError

#: Rows read in all, empty ones included, before a sheet is refused: reading stops there whatever the file holds.
MAX_SCANNED_ROWS = 5 * MAX_ROWS
#: Columns read from each row; the sheet has 13.
MAX_COLUMNS = 100
#: openpyxl reads a workbook's shared text table whole before the first row; a sheet of actions needs far less.
MAX_SHARED_STRINGS_BYTES = 20 * 1024 * 1024


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
    if not content.startswith(b"PK\x03\x04"):
        raise SpreadsheetError("The file is not a real Excel workbook (.xlsx), whatever its name says.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            shared_strings = sum(
                info.file_size for info in archive.infolist() if "sharedstrings" in info.filename.lower()
            )
        if unpacked > MAX_UNPACKED_BYTES:
            raise SpreadsheetError("The workbook is too large once unpacked to be a sheet of actions.")
        if shared_strings > MAX_SHARED_STRINGS_BYTES:  # openpyxl reads this table whole before the first row
            raise SpreadsheetError("The workbook holds more text than a sheet of actions can.")
        workbook = load_workbook(io.BytesIO(_with_dimensions(content)), read_only=True, data_only=True)
    except SpreadsheetError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file; each means the same here
        raise SpreadsheetError("The workbook cannot be opened: it is damaged or not an Excel workbook.") from exc
    return _stream_sheet(workbook)


_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData\b")


def _with_dimensions(content):
    """The workbook, with a <dimension> element added to any worksheet that lacks one.

    openpyxl looks for a sheet's dimension when it opens the workbook and, if there is none, parses the whole sheet
    to the end looking for it: a million-row sheet took half a minute before a row was read. Excel, LibreOffice and
    this application write the element; a sheet without it gets one here, so opening costs nothing and reading
    stops at the row limit.
    """
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml")]
        lacking = [name for name in sheets if not _has_dimension(archive, name)]
        if not lacking:
            return content
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
            for info in archive.infolist():
                data = archive.read(info)
                if info.filename in lacking:
                    data = _SHEET_DATA.sub(lambda m: b'<%sdimension ref="A1"/>' % (m[1] or b"") + m[0], data, count=1)
                copy.writestr(info.filename, data)
    return out.getvalue()


def _has_dimension(archive, name):
    """Whether the sheet names its dimension before its data (read from the sheet's first bytes only)."""
    head = b""
    with archive.open(name) as part:
        while not _SHEET_DATA.search(head) and len(head) < MAX_UNPACKED_BYTES:
            chunk = part.read(64 * 1024)
            if not chunk:
                break
            head += chunk
    match = _SHEET_DATA.search(head)
    return match is not None and re.search(rb"<(\w+:)?dimension\b", head[: match.start()]) is not None


def _stream_sheet(workbook):
    try:
        sheet = workbook["Actions"] if "Actions" in workbook.sheetnames else workbook.worksheets[0]
        sheet.reset_dimensions()  # read every row, whatever size the file claims
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
