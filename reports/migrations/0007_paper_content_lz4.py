"""A paper's content is compressed with LZ4 on PostgreSQL (14 and later, where the server was built with it).

A 500-action paper's content is 0.7 MB of JSON, written on every regeneration and read on every first view of the
paper: the default compression (pglz) costs about as much as the write itself. LZ4 halves the write; the content is
the same. Values already stored keep their compression until they are next written. A server without LZ4 keeps
pglz (the statement is tried in a savepoint), and SQLite has no such setting."""

from django.db import DatabaseError, migrations, transaction


def _set_compression(method):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql" or connection.pg_version < 140000:
            return
        table = schema_editor.quote_name(apps.get_model("reports", "Paper")._meta.db_table)
        try:
            with transaction.atomic(using=connection.alias):
                schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN content SET COMPRESSION {method}")
        except DatabaseError:
            pass  # a server built without LZ4: the content stays compressed as before

    return run


class Migration(migrations.Migration):
    dependencies = [("reports", "0006_meeting_decisions_and_sign_off")]

    operations = [migrations.RunPython(_set_compression("lz4"), _set_compression("pglz"))]
