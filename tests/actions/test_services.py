"""The writes to actions: atomic, version-checked, and an append-only history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from actions.models import ProgressUpdate, Status
from actions.services import (
    ConflictError,
    ProgressChange,
    action_create,
    action_record_progress,
    action_set_recommendations,
    action_update_plan,
)
from tests.factories import ActionFactory, ProgressUpdateFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(agency, recommendation):
    return ActionFactory(
        owner=agency,
        reference="JAR-2-C3",
        status=Status.IN_PROGRESS,
        percent_complete=20,
        due_date=datetime.date(2030, 10, 31),
        recommendations=[recommendation],
    )


def snapshot(action):
    action.refresh_from_db()
    return (action.status, action.percent_complete, action.due_date, action.version, action.history.count())


def change(action, **overrides):
    values = {"status": action.status, "percent_complete": action.percent_complete, "due_date": action.due_date}
    values.update(overrides)
    return ProgressChange(**values)


def record(action, author, **overrides):
    return action_record_progress(
        action=action, author=author, expected_version=action.version, change=change(action, **overrides)
    )


def test_recording_progress_writes_one_update_and_moves_the_action(action, member):
    version = action.version
    update = record(action, member, percent_complete=40, note="  Drafted.  ")
    action.refresh_from_db()
    assert (action.percent_complete, action.version) == (40, version + 1)
    assert (update.percent_before, update.percent_after, update.note) == (20, 40, "Drafted.")
    assert update.action_version == action.version
    assert action.history.first().history_change_reason == f"Progress update {update.pk}"


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"status": Status.COMPLETE, "percent_complete": 50}, id="complete-at-50"),
        pytest.param({"percent_complete": 101}, id="percent-101"),
        pytest.param({"status": "finished"}, id="unknown-status"),
        pytest.param({"due_date": datetime.date(2031, 1, 31)}, id="moved-without-reason"),
        pytest.param({}, id="nothing-to-record"),
        pytest.param({"note": "x", "evidence_link": "x" * 501}, id="update-fails-full-clean"),
    ],
)
def test_a_change_that_fails_validation_changes_nothing(action, member, overrides):
    before = snapshot(action)
    with pytest.raises(ValidationError):
        record(action, member, **overrides)
    assert snapshot(action) == before
    assert not ProgressUpdate.objects.exists()


def test_the_update_is_rolled_back_when_the_action_fails_to_save(action, member, monkeypatch):
    """The version is claimed and the update saved before the action: a late failure undoes both."""
    before = snapshot(action)

    def refuse(self, *args, **kwargs):
        raise ValidationError({"owner": "Refused for the test."})

    monkeypatch.setattr("actions.models.Action.full_clean", refuse)
    with pytest.raises(ValidationError):
        record(action, member, percent_complete=60, note="Rolled back")
    monkeypatch.undo()
    assert snapshot(action) == before
    assert not ProgressUpdate.objects.exists()


def test_a_stale_version_raises_a_conflict_and_writes_nothing(action, member, coordinator):
    seen = action.version
    record(action, coordinator, percent_complete=60, note="First")
    theirs = snapshot(action)
    with pytest.raises(ConflictError) as raised:
        action_record_progress(
            action=action, author=member, expected_version=seen, change=change(action, percent_complete=30, note="x")
        )
    assert raised.value.current.version == seen + 1
    assert raised.value.current.percent_complete == 60
    assert snapshot(action) == theirs
    assert list(ProgressUpdate.objects.values_list("note", flat=True)) == ["First"]


def test_the_plan_edit_checks_the_version_too(action, coordinator, other_agency):
    stale = action.version - 1
    before = snapshot(action)
    fields = {"owner": other_agency, "level": action.level, "description": "x", "timescale_text": ""}
    with pytest.raises(ConflictError):
        action_update_plan(
            action=action, editor=coordinator, expected_version=stale, **fields, due_date=action.due_date
        )
    assert snapshot(action) == before


def test_a_plan_edit_moving_the_date_without_a_reason_changes_nothing(action, coordinator, other_agency):
    before = snapshot(action)
    fields = {"owner": other_agency, "level": action.level, "description": "x", "timescale_text": ""}
    with pytest.raises(ValidationError, match="Give the reason the due date moved."):
        action_update_plan(
            action=action,
            editor=coordinator,
            expected_version=action.version,
            **fields,
            due_date=datetime.date(2031, 1, 1),
        )
    assert snapshot(action) == before
    assert not ProgressUpdate.objects.exists()


def test_a_plan_edit_moving_the_date_records_it_at_the_new_version(action, coordinator):
    fields = {"owner": action.owner, "level": action.level, "description": "x", "timescale_text": ""}
    updated = action_update_plan(
        action=action,
        editor=coordinator,
        expected_version=action.version,
        **fields,
        due_date=datetime.date(2031, 1, 1),
        revision_reason="Agreed at the CPC",
    )
    update = ProgressUpdate.objects.get()
    assert (update.source, update.revision_reason, update.due_date_after) == (
        "plan",
        "Agreed at the CPC",
        datetime.date(2031, 1, 1),
    )
    assert update.action_version == updated.version


def test_an_action_answers_at_least_one_recommendation(action):
    with pytest.raises(ValidationError):
        action_set_recommendations(action=action, recommendations=[])
    assert action.links.count() == 1


def test_relinking_keeps_one_primary_and_drops_the_rest(action, recommendation):
    other = RecommendationFactory(report=recommendation.report)
    action_set_recommendations(action=action, recommendations=[other, recommendation])
    assert {link.recommendation: link.is_primary for link in action.links.all()} == {
        other: True,
        recommendation: False,
    }
    action_set_recommendations(action=action, recommendations=[recommendation])
    assert {link.recommendation: link.is_primary for link in action.links.all()} == {recommendation: True}


# --- append-only ---------------------------------------------------------------------------------------------------


@pytest.fixture
def update(action, member):
    return ProgressUpdateFactory(action=action, author=member, note="As recorded")


def test_a_saved_progress_update_cannot_be_changed(update):
    update.note = "Rewritten"
    with pytest.raises(TypeError, match="append-only"):
        update.save()
    update.refresh_from_db()
    assert update.note == "As recorded"


def test_a_progress_update_cannot_be_deleted(update):
    with pytest.raises(TypeError, match="append-only"):
        update.delete()
    assert ProgressUpdate.objects.filter(pk=update.pk).exists()


def test_progress_updates_cannot_be_changed_or_deleted_in_bulk(update, action):
    with pytest.raises(TypeError, match="append-only"):
        ProgressUpdate.objects.filter(pk=update.pk).update(note="Rewritten")
    with pytest.raises(TypeError, match="append-only"):
        ProgressUpdate.objects.all().delete()
    with pytest.raises(TypeError, match="append-only"):
        action.updates.all().delete()
    update.note = "Rewritten"
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        ProgressUpdate.objects.bulk_update([update], ["note"])
    assert ProgressUpdate.objects.get().note == "As recorded"


def test_an_action_with_progress_cannot_be_deleted(update, action):
    with pytest.raises(ProtectedError):
        action.delete()
    assert ProgressUpdate.objects.count() == 1


def test_a_new_action_without_a_due_date_takes_it_from_its_timescale(agency, recommendation):
    action = action_create(
        partnership=agency.partnership,
        reference="new-1",
        owner=agency,
        level="committee",
        description="Review the guidance.",
        timescale_text="October 2009",
        recommendations=[recommendation],
    )
    assert action.due_date == datetime.date(2009, 10, 31)
