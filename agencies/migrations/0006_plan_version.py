"""The plan's version becomes a counter per plan, incremented in the change's transaction (commit order), in place
of the newest id of a PlanChange mark (insert order). Each counter starts where the marks left off, so a version
is never reused."""

from django.db import migrations, models
from django.db.models import Max
from django.utils import timezone


def counters_from_marks(apps, schema_editor):
    PlanChange = apps.get_model("agencies", "PlanChange")
    PlanVersion = apps.get_model("agencies", "PlanVersion")
    newest = PlanChange.objects.order_by().values("partnership").annotate(newest=Max("id"), at=Max("at"))
    PlanVersion.objects.bulk_create(
        PlanVersion(
            scope="national" if row["partnership"] is None else str(row["partnership"]),
            number=row["newest"],
            changed_at=row["at"] or timezone.now(),
        )
        for row in newest
    )


class Migration(migrations.Migration):

    dependencies = [
        ("agencies", "0005_plan_changes"),
    ]

    operations = [
        migrations.CreateModel(
            name="PlanVersion",
            fields=[
                ("scope", models.CharField(max_length=20, primary_key=True, serialize=False)),
                ("number", models.BigIntegerField(default=0)),
                ("changed_at", models.DateTimeField()),
            ],
        ),
        migrations.RunPython(counters_from_marks, migrations.RunPython.noop),
        migrations.DeleteModel(name="PlanChange"),
    ]
