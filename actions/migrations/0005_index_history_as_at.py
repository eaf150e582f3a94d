"""The "as at" lookup of papers (reports.papers._latest_history) finds each action's latest history row before a
moment: an index on the history's (id, history_date) answers it without reading every row of the partnership.

simple-history builds the historical model itself (no Meta.indexes to declare it on), so the index is created in
SQL and left out of the migration state.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("actions", "0004_index_latest_update_per_action")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX history_action_as_at ON actions_historicalaction (id, history_date, history_id)",
            reverse_sql="DROP INDEX history_action_as_at",
        ),
    ]
