"""Progress updates become append-only in the database too (PostgreSQL; nothing on SQLite): a trigger refuses
every UPDATE and DELETE of their rows, whoever sends it. The function is ``agencies/0007``'s; no delete passes."""

from django.db import migrations


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("actions", "ProgressUpdate")._meta.db_table)
    schema_editor.execute(
        f"CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION append_only_refuse()",
        params=None,
    )


def remove_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("actions", "ProgressUpdate")._meta.db_table)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS append_only ON {table}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0008_action_sort_key"),
        ("agencies", "0007_append_only_in_the_database"),
    ]

    operations = [
        migrations.RunPython(add_trigger, remove_trigger),
    ]
