"""Reading an uploaded sheet into rows of text, refusing files that are not what they claim or too big."""

import csv
import datetime
import io
import zipfile

from openpyxl import load_workbook

from .columns import MAX_ROWS, MAX_UNPACKED_BYTES, MAX_UPLOAD_BYTES, READ_COLUMNS, REQUIRED_COLUMNS, SpreadsheetError


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
