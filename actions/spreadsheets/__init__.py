"""Bulk update of actions by spreadsheet: export (``export``), reading an upload (``read``), checking its rows
(``check``) and applying them (``apply``), one module a job; the sheet's columns are in ``columns``.

The flow is download -> edit -> upload -> preview -> apply. Reading and checking are pure (nothing is written);
``bulk_apply`` checks every row again against the actions as they stand and then writes all changes in one
transaction through ``action_record_progress``, or none.
"""

from config.tabular import neutralise

from .apply import bulk_apply, bulk_record_changes
from .check import BulkCheck, RowChange, RowProblem, check_rows
from .columns import COLUMNS, EDITABLE_COLUMNS, MAX_ROWS, MAX_UNPACKED_BYTES, MAX_UPLOAD_BYTES, SpreadsheetError
from .export import export_csv, export_queryset, export_rows, export_xlsx
from .read import read_upload

__all__ = [
    "COLUMNS",
    "EDITABLE_COLUMNS",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "MAX_UPLOAD_BYTES",
    "BulkCheck",
    "RowChange",
    "RowProblem",
    "SpreadsheetError",
    "bulk_apply",
    "bulk_record_changes",
    "check_rows",
    "export_csv",
    "export_queryset",
    "export_rows",
    "export_xlsx",
    "neutralise",
    "read_upload",
]
