"""The bulk-update sheet's columns and limits, and the error for an upload that cannot be read."""

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
LARGEST_ID = 2**63 - 1


class SpreadsheetError(Exception):
    """The upload as a whole cannot be read; the message says why, in words for the person who sent it."""
