"""Evidence files that earlier versions kept on disk (PRIVATE_MEDIA_ROOT) move into the database."""

from pathlib import Path

from django.conf import settings
from django.db import migrations


def move_files(apps, schema_editor):
    ProgressUpdate = apps.get_model("actions", "ProgressUpdate")
    StoredFile = apps.get_model("agencies", "StoredFile")
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    names = ProgressUpdate.objects.exclude(evidence_file="").values_list("evidence_file", flat=True)
    for name in names.iterator():
        path = root / name
        if StoredFile.objects.filter(name=name).exists() or not path.is_file():
            continue
        data = path.read_bytes()
        StoredFile.objects.create(name=name, content=data, size=len(data))


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0002_audit_entry_and_stored_file"),
        ("actions", "0002_action_unique_message"),
    ]

    operations = [migrations.RunPython(move_files, migrations.RunPython.noop)]
