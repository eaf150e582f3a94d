"""Records the application keeps append-only (progress updates, the audit log, the people history): written once,
never changed, never deleted, neither one at a time nor in bulk. The refusals are ``TypeError``: a program error,
never something a person can do through a page."""

from django.db import models


def _plural(model):
    return str(model._meta.verbose_name_plural).capitalize()


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{_plural(self.model)} are append-only: they are never changed.")

    def delete(self):
        raise TypeError(f"{_plural(self.model)} are append-only: {self.model.instead_of_deleting}.")


class AppendOnlyModel(models.Model):
    #: What happens to these records instead of being deleted, as the refusal says it.
    instead_of_deleting = "they are never deleted"

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError(f"{_plural(type(self))} are append-only: they are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{_plural(type(self))} are append-only: {self.instead_of_deleting}.")
