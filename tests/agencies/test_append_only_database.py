"""Append-only, held where no ORM path can go round it: on PostgreSQL a trigger on each table refuses UPDATE and
DELETE from any SQL (the audit log's retention the one delete it lets through); on both databases the ORM refuses
every path that would change a stored row, bulk inserts that update on conflict included."""

import pytest
from django.apps import apps
from django.core import serializers
from django.db import IntegrityError, connection, models, transaction
from django.db.models import ProtectedError
from django.test.utils import isolate_apps
from django.utils import timezone

from actions.models import ProgressUpdate
from agencies import audit
from agencies.append_only import AppendOnlyModel, pruning
from agencies.models import AuditEntry, MembershipEvent
from agencies.services import prune_audit
from tests.agencies.test_audit import recorded_days_ago
from tests.factories import ActionFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only triggers are PostgreSQL's; on SQLite the migrations add none and the ORM alone holds it",
)

#: each append-only record: (model, a text field to try rewriting)
RECORDS = {
    "audit entry": (AuditEntry, "detail"),
    "people history event": (MembershipEvent, "detail"),
    "progress update": (ProgressUpdate, "note"),
}


@pytest.fixture
def stored(partnership, agency, member, coordinator):
    """One stored record of each kind, as the application writes them."""
    return {
        "audit entry": audit.record(None, audit.Action.FIXTURE_LOAD, user=member, detail="As recorded"),
        "people history event": MembershipEvent.objects.create(
            partnership=partnership, kind="joined", actor=coordinator, subject=member, detail="As recorded"
        ),
        "progress update": ProgressUpdateFactory(
            action=ActionFactory(owner=agency, recommendations=[]), author=member, note="As recorded"
        ),
    }


def text_of(record, field):
    return type(record).objects.filter(pk=record.pk).values_list(field, flat=True).get()


def execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- the database (PostgreSQL) ------------------------------------------------------------------------------------


@postgresql_only
@pytest.mark.parametrize("kind", RECORDS)
def test_the_database_refuses_to_change_a_stored_record(stored, kind):
    model, field = RECORDS[kind]
    record = stored[kind]
    with pytest.raises(IntegrityError, match="append-only: UPDATE refused"), transaction.atomic():
        execute(f"UPDATE {model._meta.db_table} SET {field} = 'Rewritten' WHERE id = %s", [record.pk])
    assert text_of(record, field) == "As recorded"


@postgresql_only
@pytest.mark.parametrize("kind", RECORDS)
def test_the_database_refuses_to_delete_a_stored_record(stored, kind):
    model, _ = RECORDS[kind]
    with pytest.raises(IntegrityError, match="append-only: DELETE refused"), transaction.atomic():
        execute(f"DELETE FROM {model._meta.db_table}")
    assert model.objects.filter(pk=stored[kind].pk).exists()


@postgresql_only
@pytest.mark.parametrize("kind", ["people history event", "progress update"])
def test_only_the_audit_log_can_be_pruned_even_by_sql(stored, kind):
    model, _ = RECORDS[kind]
    with pytest.raises(IntegrityError, match="DELETE refused"), pruning("default"):
        execute(f"DELETE FROM {model._meta.db_table}")
    assert model.objects.filter(pk=stored[kind].pk).exists()


@postgresql_only
def test_pruning_still_deletes_old_audit_entries_and_the_guard_is_back_straight_after():
    old = recorded_days_ago(800)
    recent = audit.record(None, audit.Action.FIXTURE_LOAD)
    with transaction.atomic():  # as the prune command runs it: the guard must not stay open after the prune
        counts = prune_audit(now=timezone.now(), retention_days=730)
        with pytest.raises(IntegrityError, match="DELETE refused"), transaction.atomic():
            execute("DELETE FROM agencies_auditentry WHERE id = %s", [recent.pk])
    assert counts["audit entries"] == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AuditEntry.objects.filter(pk=old.pk).exists()


@postgresql_only
def test_every_append_only_model_has_its_trigger():
    """A new append-only model needs its trigger in a migration of its own: this says so."""
    models_ = [m for m in apps.get_models() if issubclass(m, AppendOnlyModel)]
    assert {AuditEntry, MembershipEvent, ProgressUpdate} <= set(models_)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'append_only' AND tgenabled = 'O'"
        )
        guarded = {table for (table,) in cursor.fetchall()}
    assert guarded == {m._meta.db_table for m in models_}


@postgresql_only
def test_the_database_refuses_to_delete_a_person_history_points_to(stored, member):
    """No ON DELETE CASCADE in the database either: the foreign key itself refuses."""
    with pytest.raises(IntegrityError), transaction.atomic():
        execute("SET CONSTRAINTS ALL IMMEDIATE")
        execute("DELETE FROM agencies_membership WHERE user_id = %s", [member.pk])
        execute("DELETE FROM auth_user WHERE id = %s", [member.pk])
    assert AuditEntry.objects.filter(user=member).exists()


# --- the ORM (both databases) --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", RECORDS)
def test_a_bulk_insert_that_would_update_a_stored_record_is_refused(stored, kind):
    model, field = RECORDS[kind]
    record = stored[kind]
    copy = model.objects.get(pk=record.pk)
    setattr(copy, field, "Rewritten")
    with pytest.raises(TypeError, match="append-only"):
        model.objects.bulk_create([copy], update_conflicts=True, unique_fields=["id"], update_fields=[field])
    assert text_of(record, field) == "As recorded"


@pytest.mark.parametrize("kind", RECORDS)
def test_a_bulk_insert_that_ignores_conflicts_leaves_a_stored_record_as_it_was(stored, kind):
    model, field = RECORDS[kind]
    copy = model.objects.get(pk=stored[kind].pk)
    setattr(copy, field, "Rewritten")
    model.objects.bulk_create([copy], ignore_conflicts=True)
    assert text_of(stored[kind], field) == "As recorded"


@pytest.mark.parametrize("kind", RECORDS)
def test_every_other_orm_write_to_a_stored_record_is_refused(stored, kind):
    model, field = RECORDS[kind]
    record = stored[kind]
    queryset = model.objects.filter(pk=record.pk)
    setattr(record, field, "Rewritten")
    refused = [
        lambda: model.objects.bulk_update([record], [field]),
        lambda: model.objects.update_or_create(pk=record.pk, defaults={field: "Rewritten"}),
        lambda: queryset._update([(model._meta.get_field(field), None, "Rewritten")]),
        lambda: queryset._raw_delete(connection.alias),
    ]
    for write in refused:
        with pytest.raises(TypeError, match="append-only"), transaction.atomic():
            write()
    assert text_of(record, field) == "As recorded"
    assert queryset.exists()


@pytest.mark.parametrize("kind", RECORDS)
def test_loading_a_changed_copy_of_a_stored_record_is_refused_and_a_new_one_is_inserted(stored, kind):
    """``loaddata`` saves with ``save_base(raw=True)``, past ``save()``: the UPDATE it tries first is refused for a
    stored row, and a row the database does not have yet is inserted as before."""
    model, field = RECORDS[kind]
    record = stored[kind]
    dumped = serializers.serialize("json", [record])
    (changed,) = serializers.deserialize("json", dumped.replace("As recorded", "Rewritten"))
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        changed.save()
    assert text_of(record, field) == "As recorded"
    (copy,) = serializers.deserialize("json", dumped)
    copy.object.pk = model.objects.order_by("pk").last().pk + 100
    copy.save()
    assert text_of(copy.object, field) == "As recorded"


def test_a_person_cannot_be_unlinked_from_their_audit_entries(stored, member):
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        member.audit_entries.clear()
    assert AuditEntry.objects.filter(user=member).exists()


def test_deleting_what_history_points_to_is_refused_by_the_orm_naming_the_history(stored, member, partnership):
    """Every foreign key of an append-only record is PROTECT: no cascade deletes history, no SET_NULL rewrites it."""
    parents = {
        "audit entry": member,
        "progress update": stored["progress update"].action,
        "people history event": partnership,
    }
    for kind, parent in parents.items():
        with pytest.raises(ProtectedError) as refused, transaction.atomic():
            parent.delete()
        assert stored[kind] in refused.value.protected_objects
    assert all(type(record).objects.filter(pk=record.pk).exists() for record in stored.values())


def test_every_foreign_key_of_an_append_only_record_protects_it():
    for model in (AuditEntry, MembershipEvent, ProgressUpdate):
        assert model.check() == []


@isolate_apps("agencies")
def test_a_foreign_key_that_would_cascade_into_an_append_only_record_fails_the_checks():
    class Note(AppendOnlyModel):
        partnership = models.ForeignKey("agencies.Partnership", on_delete=models.CASCADE)
        author = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True)

        class Meta:
            app_label = "agencies"

    errors = [error for error in Note.check() if error.id == "agencies.E001"]
    assert [(error.id, error.obj.name) for error in errors] == [
        ("agencies.E001", "partnership"),
        ("agencies.E001", "author"),
    ]
