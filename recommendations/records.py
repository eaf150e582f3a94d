"""What loading a file deals in, shared by the JSON and the spreadsheet readers: the error a bad record raises,
and where in a workbook a record came from."""

from dataclasses import dataclass, field


class FixtureError(Exception):
    """A file cannot be loaded; the message names the file, the record (or sheet and row) and the field (column)."""


@dataclass(frozen=True)
class Place:
    """Where a record came from in a workbook: its sheet, its row and, per field, its column."""

    sheet: str
    row: int
    columns: dict = field(default_factory=dict, hash=False, compare=False)
