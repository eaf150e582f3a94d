"""The audit log and the people history become append-only in the database too (PostgreSQL; nothing on SQLite): a
trigger refuses every UPDATE and DELETE of their rows, whoever sends it. The audit log's trigger lets a DELETE pass
inside ``agencies.append_only.pruning()`` (the retention of ``manage.py prune_audit``), and only there.

The function is shared: ``actions/0009_append_only_in_the_database`` puts the same trigger on progress updates."""

from django.db import migrations

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

TRIGGER = """
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION append_only_refuse({arguments})
"""

#: model name -> the trigger's argument ("prunable": the retention's delete may pass)
TABLES = {"AuditEntry": "'prunable'", "MembershipEvent": ""}


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(REFUSE, params=None)
    for name, arguments in TABLES.items():
        table = schema_editor.quote_name(apps.get_model("agencies", name)._meta.db_table)
        schema_editor.execute(TRIGGER.format(table=table, arguments=arguments), params=None)


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TABLES:
        table = schema_editor.quote_name(apps.get_model("agencies", name)._meta.db_table)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS append_only ON {table}", params=None)
    schema_editor.execute("DROP FUNCTION IF EXISTS append_only_refuse()", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0006_plan_version"),
    ]

    operations = [
        migrations.RunPython(add_triggers, remove_triggers),
    ]
