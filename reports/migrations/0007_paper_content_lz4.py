"""A paper's content is compressed with LZ4 on PostgreSQL (14 and later, where the server was built with it).

A 500-action paper's content is 0.7 MB of JSON, written on every regeneration and read on every first view of the
paper: the default compression (pglz) costs about as much as the write itself. LZ4 halves the write; the content is
the same. Values already stored keep their compression until they are next written. A server without LZ4 keeps
pglz (the statement is tried in a savepoint), and SQLite has no such setting."""

from django.db import migrations

from reports.schema import set_compression


class Migration(migrations.Migration):
    dependencies = [("reports", "0006_meeting_decisions_and_sign_off")]

    operations = [migrations.RunPython(set_compression("lz4"), set_compression("pglz"))]
