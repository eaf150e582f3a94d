"""Two people save at the same moment on one action: exactly one wins, the other is told of the conflict.

Real concurrent transactions need a server database: these tests run on PostgreSQL (CI runs the suite on both).
"""

import datetime
import threading

import pytest
from django.db import connection

from actions.models import Action, ProgressUpdate, Status
from actions.services import ConflictError, ProgressChange, action_record_progress, action_update_plan
from tests.factories import ActionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent transactions need PostgreSQL; run with DATABASE_URL=postgres://... (CI does)",
    ),
]


def race(*writers):
    """Run each writer(seen) in its own thread and connection, all having read the action before any writes."""
    barrier = threading.Barrier(len(writers), timeout=10)
    outcomes = [None] * len(writers)

    def run(index, writer, pk):
        try:
            seen = Action.objects.get(pk=pk)
            barrier.wait()
            writer(seen)
            outcomes[index] = "saved"
        except ConflictError:
            outcomes[index] = "conflict"
        except Exception as exc:  # reported in the assertion, not lost in the thread
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    return run, outcomes


def run_race(action, *writers):
    run, outcomes = race(*writers)
    threads = [threading.Thread(target=run, args=(i, writer, action.pk)) for i, writer in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a writer is stuck"
    return outcomes


def progress(author, percent):
    def write(seen):
        action_record_progress(
            action=seen,
            author=author,
            expected_version=seen.version,
            change=ProgressChange(
                status=Status.IN_PROGRESS, percent_complete=percent, due_date=seen.due_date, note=f"{percent}%"
            ),
        )

    return write


@pytest.mark.parametrize("attempt", range(3))
def test_two_people_recording_progress_at_once_one_wins_and_one_gets_a_conflict(agency, member, coordinator, attempt):
    action = ActionFactory(owner=agency, status=Status.IN_PROGRESS, percent_complete=10)
    version = action.version

    outcomes = run_race(action, progress(member, 40), progress(coordinator, 70))

    assert sorted(outcomes) == ["conflict", "saved"], outcomes
    update = ProgressUpdate.objects.get()
    action.refresh_from_db()
    assert action.version == version + 1
    assert action.percent_complete == update.percent_after
    assert update.percent_before == 10
    assert update.author == (member, coordinator)[outcomes.index("saved")]


def test_a_plan_edit_and_a_progress_update_at_once_do_not_overwrite_each_other(
    agency, other_agency, member, coordinator
):
    action = ActionFactory(
        owner=agency, status=Status.IN_PROGRESS, percent_complete=10, due_date=datetime.date(2030, 1, 31)
    )
    version = action.version

    def edit(seen):
        action_update_plan(
            action=seen,
            editor=coordinator,
            expected_version=seen.version,
            owner=other_agency,
            level=seen.level,
            description="Edited",
            timescale_text="",
            due_date=seen.due_date,
        )

    outcomes = run_race(action, progress(member, 40), edit)

    assert sorted(outcomes) == ["conflict", "saved"], outcomes
    action.refresh_from_db()
    assert action.version == version + 1
    if outcomes[0] == "saved":
        assert (action.percent_complete, action.owner, ProgressUpdate.objects.count()) == (40, agency, 1)
    else:
        assert (action.percent_complete, action.owner, ProgressUpdate.objects.count()) == (10, other_agency, 0)
