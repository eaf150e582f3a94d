"""What the migrations ask of the database beyond Django's fields: the compression of a paper's content on PostgreSQL
(0007, 0008)."""

from django.db import DatabaseError, transaction


def set_compression(method):
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
