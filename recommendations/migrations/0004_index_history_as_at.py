"""The "as at" lookup of papers finds each decision's latest history row before a moment: an index on the
history's (id, history_date), created in SQL (simple-history builds the historical model; see actions 0005)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0003_recommendation_history_and_loads")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX history_decision_as_at ON recommendations_historicalapplicabilitydecision "
            "(id, history_date, history_id)",
            reverse_sql="DROP INDEX history_decision_as_at",
        ),
    ]
