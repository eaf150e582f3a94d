import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from agencies.append_only import AppendOnlyModel, AppendOnlyQuerySet
from agencies.models import Agency, Membership, Partnership
from recommendations.models import Recommendation

from .ordering import display_reference, natural_sort_key
from .rag import action_rag, rag_expression
from .states import ActionState, due_soon_days
from .status import (  # noqa: F401 (re-exported)
    CLOSED_STATUSES,
    OVERDUE_BANDS,
    Status,
    UpdateSource,
    mean_percent,
    percent_display,
)


class ActionQuerySet(models.QuerySet):
    def for_user(self, user):
        """Every action of the user's partnership: the one scoping rule for reading actions."""
        return self.filter(partnership__in=Partnership.objects.for_user(user))

    def open(self):
        return self.exclude(status__in=CLOSED_STATUSES)

    def overdue(self, today):
        """The database twin of ``ActionState.is_overdue``."""
        return self.open().filter(due_date__lt=today)

    def due_soon(self, today, days=None):
        """The database twin of ``ActionState.is_due_soon``: open and due within ``days`` (DUE_SOON_DAYS)."""
        days = due_soon_days() if days is None else days
        return self.open().filter(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=days))

    def with_rag(self, today):
        return self.annotate(rag=rag_expression(today))

    #: What a list read as values (``for_summary(...).values(*SUMMARY_VALUES)``) needs of each action for its figures.
    SUMMARY_VALUES = (
        "pk", "reference", "owner_id", "description", "status", "percent_complete", "due_date", "created_at", "rag",
        "last_update",
    )  # fmt: skip

    def for_summary(self, today):
        """What the figures of a list need: RAG, owner and the time of the last progress update, in one query.
        The reports each action answers come from ``report_ids()``."""
        return self.with_rag(today).select_related("owner").with_last_update()

    def with_last_update(self):
        """Each action's ``last_update``: the time of its latest progress update (None: never updated)."""
        # A subquery, not Max() over a join: no GROUP BY over every update, and a page of 50 looks up 50 times
        # in the (action, created_at) index.
        latest_update = (
            ProgressUpdate.objects.filter(action=models.OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
        )
        return self.annotate(last_update=models.Subquery(latest_update))

    def for_lists(self, today, user):
        """What every list of actions shows: ``for_summary`` and the recommendations answered (primary first) of
        the reports ``user`` reads, in two queries however many actions there are."""
        return self.for_summary(today).prefetch_related(answered_links_for(user))

    def report_ids(self):
        """{action id: the ids of the national reports it answers, its primary recommendation's first} for these
        actions, in one query and without a model object per link (what the figures need of the links)."""
        links = (
            ActionRecommendation.objects.filter(action__in=self.order_by().values("pk"))
            .order_by("action_id", "-is_primary", "pk")
            .values_list("action_id", "recommendation__report_id")
        )
        result = {}
        for action_id, report_id in links:
            result.setdefault(action_id, {})[report_id] = None
        return {action_id: tuple(ids) for action_id, ids in result.items()}

    def without_update_since(self, moment):
        """The database twin of ``ActionState.is_without_update_since``: open, created before ``moment``, no
        update since it."""
        return self.open().filter(created_at__lt=moment).exclude(updates__created_at__gte=moment)

    def owners_without_active_member(self):
        """The agencies owning any of these open actions that have no active member to update them (readers and
        inactive accounts do not update): the coordinator records their progress, and should find them someone."""
        members = Membership.objects.active_members().filter(agency=models.OuterRef("owner"))
        owners = self.open().exclude(models.Exists(members)).values("owner")
        # committees, sub groups and posts answer to the coordinator, who updates their actions: only
        # organisations are expected to have members of their own
        return Agency.objects.filter(pk__in=owners, kind=Agency.Kind.AGENCY)


def answered_links_for(user, lookup="links"):
    """The prefetch of the links an action shows (``Action.answered_links``): only those to recommendations of
    reports ``user`` reads (``SourceReport.objects.for_user``), so no list names a report its reader may not read."""
    from recommendations.models import SourceReport

    links = (
        ActionRecommendation.objects.filter(recommendation__report__in=SourceReport.objects.for_user(user))
        .select_related("recommendation__report")
        .order_by("-is_primary")
    )
    # a plain list: reading it builds no queryset (500 actions: 40 ms less)
    return models.Prefetch(lookup, queryset=links, to_attr="loaded_links")


class ActionManager(models.Manager.from_queryset(ActionQuerySet)):
    def get_by_natural_key(self, partnership_slug, reference):
        return self.get(partnership__slug=partnership_slug, reference=reference)


class Action(models.Model):
    """What the partnership will do in answer to one or more national recommendations."""

    class Level(models.TextChoices):
        COMMITTEE = "committee", "Committee-wide"
        SINGLE_AGENCY = "single_agency", "Single agency"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="actions")
    reference = models.SlugField(max_length=40, help_text="Short stable reference, e.g. JAR-2-C3.")
    sort_key = models.CharField(
        max_length=200, editable=False, blank=True, help_text="The reference padded for natural order (2 before 10)."
    )
    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="actions")
    level = models.CharField(max_length=15, choices=Level.choices)
    description = models.TextField()
    recommendations = models.ManyToManyField(Recommendation, through="ActionRecommendation", related_name="actions")
    timescale_text = models.TextField(blank=True, help_text="The timescale exactly as printed.")
    due_date = models.DateField(null=True, blank=True, help_text="Read from the timescale where one can be.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    percent_complete = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        default=None,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="As reported by the owner; empty when nobody has reported one (not the same as 0).",
    )
    version = models.PositiveIntegerField(default=1, help_text="Raised on every change; guards against lost updates.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ActionManager()

    class Meta:
        ordering = ["partnership", "sort_key"]
        indexes = [models.Index(fields=["partnership", "sort_key"], name="action_natural_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "reference"],
                name="action_unique_reference",
                violation_error_message="The partnership already has an action with this reference.",
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0) & Q(percent_complete__lte=100),
                name="action_percent_complete_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="complete") | Q(percent_complete=100),
                name="action_complete_is_100_percent",
            ),
        ]

    def __str__(self):
        return f"{self.display_reference}: {self.description[:70]}"

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        if kwargs.get("update_fields") is not None and "reference" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("actions:detail", args=[self.pk])

    def fill_derived_fields(self):
        """Fields computed from others; ``save()`` calls it, and so does the fixture loader, which saves raw."""
        self.sort_key = natural_sort_key(self.reference)

    @property
    def display_reference(self):
        """The reference as the plan prints it: "jar-3-c6" reads "JAR 3 · C6"."""
        return display_reference(self.reference)

    def natural_key(self):
        return (*self.partnership.natural_key(), self.reference)

    natural_key.dependencies = ["agencies.partnership", "agencies.agency"]

    def clean(self):
        if self.owner_id and self.partnership_id and self.owner.partnership_id != self.partnership_id:
            raise ValidationError({"owner": "The owner agency belongs to another partnership."})
        if self.status == Status.COMPLETE and self.percent_complete != 100:
            raise ValidationError({"percent_complete": "A complete action is 100% complete."})

    @property
    def answered_links(self):
        """The links to the recommendations this action answers that its reader reads, primary first: the list
        ``for_lists`` (``answered_links_for(user)``) loaded with it. Never read without a reader: an action not
        loaded so shows none (a list must say whose reports it shows)."""
        return getattr(self, "loaded_links", [])

    @property
    def state(self):
        """This action as the one set of list rules sees it (``actions.states``)."""
        return ActionState.of(self)

    @property
    def percent_display(self):
        return percent_display(self.percent_complete)

    def is_overdue(self, today):
        return self.state.is_overdue(today)

    def overdue_days(self, today):
        return self.state.overdue_days(today)

    def rag_result(self, today):
        return action_rag(self, today)


class ActionRecommendationManager(models.Manager):
    def get_by_natural_key(self, partnership_slug, action_reference, report_slug, recommendation_reference):
        return self.get(
            action__partnership__slug=partnership_slug,
            action__reference=action_reference,
            recommendation__report__slug=report_slug,
            recommendation__reference=recommendation_reference,
        )


class ActionRecommendation(models.Model):
    """Links an action to a recommendation it answers, with its place in that recommendation's row."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="links")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="action_links")
    is_primary = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0, help_text="Printed order within the recommendation's row.")
    shows_timescale = models.BooleanField(
        default=True,
        help_text="Whether the action's timescale is printed in this recommendation's row (an action answering "
        "several rows may have its timescale printed in one of them only).",
    )

    objects = ActionRecommendationManager()

    class Meta:
        ordering = ["recommendation", "position"]
        verbose_name = "action–recommendation link"
        constraints = [
            models.UniqueConstraint(fields=["action", "recommendation"], name="link_unique_pair"),
            models.UniqueConstraint(
                fields=["action"], condition=Q(is_primary=True), name="link_one_primary_per_action"
            ),
        ]

    def __str__(self):
        return f"{self.action.reference} → {self.recommendation}"

    def natural_key(self):
        return (*self.action.natural_key(), *self.recommendation.natural_key())

    natural_key.dependencies = ["actions.action", "recommendations.recommendation"]


def private_storage():
    """Evidence lives in the database (see agencies.storage): every server sees it, every backup holds it, and only
    a view that checks access serves it."""
    from agencies.storage import DatabaseStorage

    return DatabaseStorage()


def evidence_upload_to(instance, filename):
    return f"{instance.action.partnership.slug}/{instance.action.reference}/{filename}"


class ProgressUpdateQuerySet(AppendOnlyQuerySet):
    def for_user(self, user):
        return self.filter(action__in=Action.objects.for_user(user))


class ProgressUpdate(AppendOnlyModel):
    """A dated, attributed record of a change to an action. The history is the audit trail."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status_before = models.CharField(max_length=20, choices=Status.choices)
    status_after = models.CharField(max_length=20, choices=Status.choices)
    percent_before = models.PositiveSmallIntegerField(null=True, blank=True)
    percent_after = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    evidence_file = models.FileField(upload_to=evidence_upload_to, storage=private_storage, blank=True, max_length=300)
    evidence_link = models.CharField(
        max_length=500, blank=True, help_text="A reference or link to evidence held elsewhere."
    )
    due_date_before = models.DateField(null=True, blank=True)
    due_date_after = models.DateField(null=True, blank=True)
    revision_reason = models.TextField(blank=True, help_text="Why the due date moved.")
    source = models.CharField(max_length=20, choices=UpdateSource.choices, default=UpdateSource.FORM)
    action_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The action's version once this update was made."
    )

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["action", "-created_at"], name="update_action_latest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_before__lte=100) & Q(percent_after__lte=100),
                name="update_percent_range",
            ),
        ]

    def __str__(self):
        return f"{self.action.reference} update of {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def percent_before_display(self):
        return percent_display(self.percent_before)

    @property
    def percent_after_display(self):
        return percent_display(self.percent_after)

    @property
    def due_date_revised(self):
        return self.due_date_before != self.due_date_after

    @property
    def status_changed(self):
        return self.status_before != self.status_after
