"""Records the application keeps append-only (progress updates, the audit log, the people history): written once,
never changed, never deleted, neither one at a time nor in bulk. The refusals are ``TypeError``: a program error,
never something a person can do through a page.

The rule is held twice. Here, every ORM path that would change or delete a stored row refuses before any SQL runs.
On PostgreSQL, a trigger on each table (put there by ``refusing_trigger`` in each app's migration; the function it
runs by ``agencies/0007_append_only_in_the_database``) refuses ``UPDATE`` and ``DELETE`` from anywhere: raw SQL,
``psql``, a path the ORM grows later. The one sanctioned delete is the audit log's retention, which runs inside
``pruning()``. ``TRUNCATE`` is left alone: Django's test runner empties tables with it between transactional tests.
"""

import contextlib

from django.core import checks
from django.db import connections, migrations, models, transaction

#: The session setting (local to one transaction) that lets a prunable table's trigger pass a ``DELETE``.
PRUNING_SETTING = "append_only.pruning"


def _plural(model):
    return str(model._meta.verbose_name_plural).capitalize()


def _never_changed(model):
    return TypeError(f"{_plural(model)} are append-only: they are never changed.")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise _never_changed(self.model)

    def bulk_update(self, objs, fields, batch_size=None):
        raise _never_changed(self.model)

    def bulk_create(self, objs, batch_size=None, ignore_conflicts=False, update_conflicts=False, **kwargs):
        """Inserts, as many as you like; an insert that would update the row it conflicts with is refused.
        (``ignore_conflicts`` leaves that row as it was, so it stays allowed.)"""
        if update_conflicts:
            raise _never_changed(self.model)
        return super().bulk_create(objs, batch_size, ignore_conflicts, update_conflicts, **kwargs)

    def delete(self):
        raise TypeError(f"{_plural(self.model)} are append-only: {self.model.instead_of_deleting}.")

    def _update(self, values):
        raise _never_changed(self.model)

    def _raw_delete(self, using):
        raise TypeError(f"{_plural(self.model)} are append-only: {self.model.instead_of_deleting}.")


class AppendOnlyModel(models.Model):
    #: What happens to these records instead of being deleted, as the refusal says it.
    instead_of_deleting = "they are never deleted"

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise _never_changed(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{_plural(type(self))} are append-only: {self.instead_of_deleting}.")

    def _do_update(self, base_qs, using, pk_val, *args, **kwargs):
        """The ``UPDATE`` Django tries first when a row with a primary key is saved without ``save()``: a fixture
        or backup loaded with ``loaddata`` (``save_base(raw=True)``). A new row goes on to be inserted; a stored one
        is refused."""
        if base_qs.filter(pk=pk_val).exists():
            raise _never_changed(type(self))
        return False

    @classmethod
    def check(cls, **kwargs):
        """Every foreign key of an append-only record is ``PROTECT``: deleting what it points to is refused by the
        ORM with a ``ProtectedError`` naming the records, where ``CASCADE`` would delete history and ``SET_NULL``
        rewrite it (and the database's trigger would refuse either, less clearly)."""
        errors = super().check(**kwargs)
        for field in cls._meta.concrete_fields:
            if field.remote_field and field.remote_field.on_delete is not models.PROTECT:
                errors.append(
                    checks.Error(
                        f"{cls.__name__}.{field.name} must be on_delete=PROTECT: {_plural(cls).lower()} are "
                        "append-only.",
                        obj=field,
                        id="agencies.E001",
                    )
                )
        return errors


@contextlib.contextmanager
def pruning(using):
    """Let the database pass deletes from a prunable append-only table (the audit log), for the statements run
    inside this block only. A transaction of its own (a savepoint inside another): if the block fails, the setting
    rolls back with it; if it succeeds, it is switched off again before the surrounding transaction goes on."""
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor != "postgresql":
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [PRUNING_SETTING])
            yield
            cursor.execute("SELECT set_config(%s, 'off', true)", [PRUNING_SETTING])


def refusing_trigger(app_label, model_name, *, prunable=False):
    """The migration operation that puts the append-only trigger on a model's table (PostgreSQL; nothing on SQLite),
    and takes it off when migrated back. ``prunable``: a ``DELETE`` inside ``pruning()`` passes (the audit log's
    retention). The function it runs, ``append_only_refuse()``, is created by ``agencies/0007``."""

    def table(apps, schema_editor):
        return schema_editor.quote_name(apps.get_model(app_label, model_name)._meta.db_table)

    def add(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            arguments = "'prunable'" if prunable else ""
            schema_editor.execute(
                f"CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON {table(apps, schema_editor)} "
                f"FOR EACH ROW EXECUTE FUNCTION append_only_refuse({arguments})",
                params=None,
            )

    def remove(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS append_only ON {table(apps, schema_editor)}", params=None)

    return migrations.RunPython(add, remove)
