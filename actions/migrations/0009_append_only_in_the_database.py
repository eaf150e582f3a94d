"""Progress updates become append-only in the database too (PostgreSQL; nothing on SQLite): a trigger refuses
every UPDATE and DELETE of their rows, whoever sends it. The function is ``agencies/0007``'s; no delete passes."""

from django.db import migrations

from agencies.append_only import refusing_trigger


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0008_action_sort_key"),
        ("agencies", "0007_append_only_in_the_database"),
    ]

    operations = [
        refusing_trigger("actions", "ProgressUpdate"),
    ]
