"""A Django storage that keeps files in the database (model StoredFile).

Why the database: evidence files are small (at most EVIDENCE_MAX_BYTES, 10 MB) and few (one per progress update at
most), and they are records of the same weight as the updates that cite them. Kept in PostgreSQL they are seen by
every application server at once, written in the same transaction as their update, and held by the one backup
(pg_dump) that already holds everything else; a restore brings the rows and their files back together. A shared
disk or an object store would need its own backup step and its own consistency with the database.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible


@deconstructible
class DatabaseStorage(Storage):
    def _model(self):
        from .models import StoredFile

        return StoredFile

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode:
            raise ValueError("Stored files are written through save(), never opened for writing.")
        row = self._model().objects.filter(name=name).only("content").first()
        if row is None:
            raise FileNotFoundError(name)
        file = ContentFile(bytes(row.content), name=name)
        return file

    def _save(self, name, content):
        content.seek(0)
        data = content.read()
        if isinstance(data, str):
            data = data.encode()
        self._model().objects.create(name=name, content=data, size=len(data))
        return name

    def exists(self, name):
        return self._model().objects.filter(name=name).exists()

    def delete(self, name):
        self._model().objects.filter(name=name).delete()

    def size(self, name):
        row = self._model().objects.filter(name=name).only("size").first()
        if row is None:
            raise FileNotFoundError(name)
        return row.size

    def url(self, name):
        raise NotImplementedError("Stored files are served only through views that check access.")
