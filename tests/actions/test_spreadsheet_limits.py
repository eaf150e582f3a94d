"""Hostile spreadsheets: the work of reading one is bounded, whatever it holds."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from actions.spreadsheets import MAX_ROWS, SpreadsheetError, read_upload
from actions.spreadsheets.columns import REQUIRED_COLUMNS
from actions.spreadsheets.read import MAX_COLUMNS, MAX_SCANNED_ROWS
from tests.hostile_files import million_row_xlsx


def upload(name, content):
    return SimpleUploadedFile(name, content)


def test_a_million_row_workbook_is_refused_before_openpyxl_reads_it(monkeypatch):
    content = million_row_xlsx()  # under both the 5 MB and the 50 MB unpacked limits
    assert len(content) < 5 * 1024 * 1024
    opened = []
    monkeypatch.setattr("config.workbooks.load_workbook", lambda *args, **kwargs: opened.append(args))
    with pytest.raises(SpreadsheetError, match="too large once unpacked to be a sheet of actions"):
        read_upload(upload("big.xlsx", content))
    assert opened == []  # refused by the workbook opener (its sheet unpacks to 26 MB); how fast: bench/workbooks.py


def test_a_workbook_of_many_rows_without_a_dimension_is_refused_by_its_count_before_openpyxl_reads_it(monkeypatch):
    content = million_row_xlsx(rows=MAX_SCANNED_ROWS + 1)
    opened = []
    monkeypatch.setattr("config.workbooks.load_workbook", lambda *args, **kwargs: opened.append(args))
    with pytest.raises(SpreadsheetError, match=f'Sheet "Actions" has more than {MAX_SCANNED_ROWS} rows'):
        read_upload(upload("long.xlsx", content))
    assert opened == []


def test_a_million_row_csv_is_refused_in_under_two_seconds_of_cpu():
    content = (",".join(REQUIRED_COLUMNS) + "\n" + "1\n" * 1_000_000).encode()
    assert len(content) < 5 * 1024 * 1024
    start = time.process_time()
    with pytest.raises(SpreadsheetError, match=f"more than {MAX_ROWS} rows"):
        read_upload(upload("big.csv", content))
    assert time.process_time() - start < 2


def test_a_workbook_without_a_dimension_element_is_still_read_row_by_row():
    rows = read_upload(upload("small.xlsx", million_row_xlsx(rows=3)))
    assert [(row["row"], row["id"]) for row in rows] == [(2, 1), (3, 1), (4, 1)]


def test_a_sheet_of_empty_rows_is_refused_once_reading_reaches_the_bound():
    content = (",".join(REQUIRED_COLUMNS) + "\n" + ",,,,,,\n" * 50_000 + "1,1,,,,,\n").encode()
    with pytest.raises(SpreadsheetError, match="counting empty ones"):
        read_upload(upload("empty.csv", content))


def workbook_with(*rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Actions"
    sheet.append(list(REQUIRED_COLUMNS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_exactly_the_row_limit_is_read():
    content = workbook_with(*([index, 1, "", 0, "", "", ""] for index in range(MAX_ROWS)))
    assert len(read_upload(upload("limit.xlsx", content))) == MAX_ROWS


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b"])
def test_a_control_character_in_a_csv_cell_is_refused_with_the_row_and_column(character):
    content = (",".join(REQUIRED_COLUMNS) + "\n" + f"1,1,,10,Met{character}them,,\n").encode()
    if character == "\x00":
        with pytest.raises(SpreadsheetError, match="not a CSV text file"):
            read_upload(upload("nul.csv", content))
    else:
        with pytest.raises(SpreadsheetError, match="Row 2, column note, holds a control character"):
            read_upload(upload("control.csv", content))


def test_a_very_wide_sheet_is_refused_with_the_sheets_name():
    content = workbook_with([1, 1, "", 5, "note", "", "", *(["x"] * 5000)])
    with pytest.raises(SpreadsheetError, match=f'Sheet "Actions" has more than {MAX_COLUMNS} columns'):
        read_upload(upload("wide.xlsx", content))


def test_a_sheet_as_wide_as_the_limit_is_read():
    content = workbook_with([1, 1, "", 5, "note", "", "", *(["x"] * (MAX_COLUMNS - len(REQUIRED_COLUMNS)))])
    assert read_upload(upload("wide.xlsx", content))[0]["note"] == "note"
