"""Applying a checked upload: every change or none, each through the progress service."""

from django.db import transaction

from ..services import action_record_progress
from ..status import UpdateSource
from .check import check_rows


@transaction.atomic
def bulk_apply(*, user, rows):
    """Check the rows again and, if none has a problem, record every change; else record nothing.

    Returns the BulkCheck and the ProgressUpdates written (none when the check found problems). A ConflictError
    or ValidationError from any one action rolls back every update already written.
    """
    check = check_rows(user=user, rows=rows)
    if check.problems:
        return check, []
    return check, bulk_record_changes(author=user, changes=check.changes)


@transaction.atomic
def bulk_record_changes(*, author, changes):
    """One ProgressUpdate per RowChange, against the version the sheet was downloaded at; all or none."""
    return [
        action_record_progress(
            action=item.action,
            author=author,
            expected_version=item.version,
            change=item.change,
            source=UpdateSource.SPREADSHEET,
        )
        for item in changes
    ]
