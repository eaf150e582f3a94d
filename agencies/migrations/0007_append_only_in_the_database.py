"""The audit log and the people history become append-only in the database too (PostgreSQL; nothing on SQLite): a
trigger refuses every UPDATE and DELETE of their rows, whoever sends it. The audit log's trigger lets a DELETE pass
inside ``agencies.append_only.pruning()`` (the retention of ``manage.py prune_audit``), and only there.

The function is shared: ``agencies.append_only.refusing_trigger`` puts the same trigger on every append-only table."""

from django.db import migrations

from agencies.append_only import refusing_trigger

REFUSE = """
CREATE OR REPLACE FUNCTION append_only_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_NARGS > 0 AND TG_ARGV[0] = 'prunable'
            AND current_setting('append_only.pruning', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Its rows are written once and never changed or deleted.';
END;
$$
"""

def add_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REFUSE, params=None)


def remove_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS append_only_refuse()", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0006_plan_version"),
    ]

    operations = [
        migrations.RunPython(add_function, remove_function),
        refusing_trigger("agencies", "AuditEntry", prunable=True),
        refusing_trigger("agencies", "MembershipEvent"),
    ]
