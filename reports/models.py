from django.db import models

from agencies.models import Partnership


class MeetingQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(partnership__in=Partnership.objects.for_user(user))


class MeetingManager(models.Manager.from_queryset(MeetingQuerySet)):
    def get_by_natural_key(self, partnership_slug, body, date):
        return self.get(partnership__slug=partnership_slug, body=body, date=date)


class Meeting(models.Model):
    """A meeting of a body that receives progress papers."""

    class Body(models.TextChoices):
        COG = "cog", "Chief Officers Group"
        CPC = "cpc", "Child Protection Committee"
        SUB_GROUP = "sub_group", "Performance and Audit Sub Group"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="meetings")
    body = models.CharField(max_length=12, choices=Body.choices)
    date = models.DateField()
    title = models.CharField(max_length=300, blank=True)

    objects = MeetingManager()

    class Meta:
        ordering = ["-date", "body"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "body", "date"], name="meeting_unique_body_date"),
        ]

    def __str__(self):
        return f"{self.get_body_display()}, {self.date:%-d %B %Y}"

    def natural_key(self):
        return (*self.partnership.natural_key(), self.body, self.date.isoformat())

    natural_key.dependencies = ["agencies.partnership"]
