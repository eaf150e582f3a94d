"""A paper's content is kept as written: a ``json`` column on PostgreSQL, not ``jsonb`` (``WrittenJSONField``).

Changing the type rewrites the column and forgets its compression, so LZ4 is asked for again (as in 0007: where the
server has it). Stored content is the same JSON either way: every issued paper reads as it did."""

from django.db import migrations

import reports.models

from reports.schema import set_compression


class Migration(migrations.Migration):
    dependencies = [("reports", "0007_paper_content_lz4")]

    operations = [
        migrations.AlterField(
            model_name="paper",
            name="content",
            field=reports.models.WrittenJSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(set_compression("lz4"), migrations.RunPython.noop),
    ]
