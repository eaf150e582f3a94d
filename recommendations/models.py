from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from agencies.models import Partnership

from .markup import plain


class SourceReportQuerySet(models.QuerySet):
    def national(self):
        return self.filter(partnership__isnull=True)

    def for_user(self, user):
        """The reports this person may read: the one visibility rule for reports and everything under them.

        Every national report; their own partnership's reports; of those marked restricted, only for the
        coordinator and the members of the agencies that own an action answering one of its recommendations
        (readers, and members of other agencies, do not read it). Nobody reads another partnership's report."""
        from agencies.access import membership_of

        membership = membership_of(user)
        national = Q(partnership__isnull=True)
        if membership is None:
            return self.filter(national)
        own = Q(partnership_id=membership.agency.partnership_id)
        if membership.is_coordinator:
            return self.filter(national | own)
        readable = Q(restricted=False)
        if membership.role == membership.Role.MEMBER:  # through the links' reverse name: actions sit above this app
            owned = Recommendation.objects.filter(
                report=models.OuterRef("pk"), action_links__action__owner_id=membership.agency_id
            )
            readable |= Q(models.Exists(owned))
        return self.filter(national | (own & readable))

    def for_partnership(self, partnership):
        """Every report the partnership's plan may answer: the national ones and its own (restricted or not)."""
        return self.filter(Q(partnership__isnull=True) | Q(partnership=partnership))

    def visibility_key(self, user):
        """What a cached page of the user's plan depends on beyond the plan itself: which of the partnership's
        restricted reports the person reads. Everyone reads the national and unrestricted reports; the coordinator
        reads every restricted one, readers none, and a member those their agency answers, so the agency stands for
        the set (no query). People with the same key may share a cached page; people with different keys never do."""
        from agencies.access import membership_of

        membership = membership_of(user)
        if membership is None:
            return "national"
        if membership.is_coordinator:
            return "coordinator"
        if membership.role == membership.Role.MEMBER:
            return f"agency:{membership.agency_id}"
        return "reader"


class SourceReportManager(models.Manager.from_queryset(SourceReportQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SourceReport(models.Model):
    """A report whose recommendations a partnership answers: a national one, shared by every partnership, or one
    partnership's own (a local learning review, an inspection of its services, an audit), read only there."""

    class Kind(models.TextChoices):
        NATIONAL = "national", "National report"
        LEARNING_REVIEW = "learning_review", "Local learning review"
        INSPECTION = "inspection", "Inspection of the partnership's services"
        AUDIT = "audit", "Audit (internal or multi-agency case file audit)"
        OTHER = "other", "Other report of the partnership's own"

    slug = models.SlugField(max_length=80, unique=True)
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="own_reports",
        help_text="Empty for a national report; the partnership whose own report it is otherwise.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NATIONAL)
    restricted = models.BooleanField(
        default=False,
        help_text="Read only by the coordinator and the members of the agencies that own its actions; printed "
        "only in the papers the coordinator chooses it for.",
    )
    title = models.CharField(max_length=300)
    short_title = models.CharField(max_length=80)
    publisher = models.CharField(max_length=300)
    published_on = models.DateField(null=True, blank=True)
    published_text = models.CharField(max_length=80, blank=True, help_text="The date as printed, e.g. March 2009.")
    reference = models.CharField(max_length=200, blank=True, help_text="E.g. HC 330.")
    url = models.URLField(max_length=500, blank=True)
    description = models.TextField(blank=True, help_text="Background paragraphs, as printed.")
    circumstance_heading = models.CharField(
        max_length=120,
        default="Circumstance",
        help_text="The heading of the findings column in the action-plan table, e.g. Circumstance in Haringey.",
    )

    objects = SourceReportManager()

    class Meta:
        ordering = ["published_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="national", partnership__isnull=True, restricted=False)
                | (~Q(kind="national") & Q(partnership__isnull=False)),
                name="report_national_or_own",
                violation_error_message="A national report belongs to no partnership and is never restricted; "
                "a partnership's own report names its partnership and its kind.",
            ),
        ]

    def __str__(self):
        return self.short_title or self.title

    def get_absolute_url(self):
        return reverse("recommendations:report", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @property
    def is_national(self):
        return self.partnership_id is None

    def is_in_use(self):
        """True once any partnership has decided on, or attached an action to, one of its recommendations."""
        return self.recommendations.filter(Q(decisions__isnull=False) | Q(action_links__isnull=False)).exists()


class ThemeQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(report__in=SourceReport.objects.for_user(user))


class ThemeManager(models.Manager.from_queryset(ThemeQuerySet)):
    def get_by_natural_key(self, report_slug, slug):
        return self.get(report__slug=report_slug, slug=slug)


class Theme(models.Model):
    """A heading that groups a report's recommendations, in printed order."""

    report = models.ForeignKey(SourceReport, on_delete=models.PROTECT, related_name="themes")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField()

    objects = ThemeManager()

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "slug"], name="theme_unique_slug"),
            models.UniqueConstraint(fields=["report", "position"], name="theme_unique_position"),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (*self.report.natural_key(), self.slug)

    natural_key.dependencies = ["recommendations.sourcereport"]


class RecommendationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(report__in=SourceReport.objects.for_user(user))

    def in_printed_order(self):
        return self.order_by("report__published_on", "report__title", "position")


class RecommendationManager(models.Manager.from_queryset(RecommendationQuerySet)):
    def get_by_natural_key(self, report_slug, reference):
        return self.get(report__slug=report_slug, reference=reference)


class Recommendation(models.Model):
    """A recommendation of a national or a partnership's own report, worded as printed."""

    report = models.ForeignKey(SourceReport, on_delete=models.PROTECT, related_name="recommendations")
    theme = models.ForeignKey(
        Theme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
        help_text="Empty where the recommendation stands before any heading.",
    )
    reference = models.CharField(
        max_length=20, help_text='As printed ("12"); for an unnumbered one, a short label such as GP1.'
    )
    position = models.PositiveIntegerField(help_text="Printed order within the report: 2 comes before 10.")
    lead_in = models.TextField(blank=True, help_text="Words printed before the recommendation, if any.")
    text = models.TextField()
    sub_points = models.JSONField(default=list, blank=True, help_text="Bullet sub-points, in printed order.")
    is_mandatory = models.BooleanField(default=True, help_text="Off for good-practice recommendations.")
    addressed_to = models.CharField(max_length=300, blank=True, help_text="Whom the text addresses, if it says.")

    history = HistoricalRecords()
    objects = RecommendationManager()

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "reference"], name="recommendation_unique_reference"),
            models.UniqueConstraint(fields=["report", "position"], name="recommendation_unique_position"),
        ]

    def __str__(self):
        return f"{self.report.short_title} {self.reference}"

    def get_absolute_url(self):
        return reverse("recommendations:detail", args=[self.report.slug, self.reference])

    def natural_key(self):
        return (*self.report.natural_key(), self.reference)

    natural_key.dependencies = ["recommendations.sourcereport", "recommendations.theme"]

    def opening_words(self, length=80):
        """The start of the wording as read (lead-in, then text; emphasis marks removed), cut at a word within
        ``length`` characters with "…": enough to know a recommendation by in a list of them."""
        words = " ".join(plain(" ".join(t for t in (self.lead_in, self.text) if t)).split())
        if len(words) <= length:
            return words
        cut = words[: length + 1].rsplit(" ", 1)[0] if " " in words[:length] else words[:length]
        return cut.rstrip(",;:.") + "…"

    def earlier_wordings(self):
        """The texts this recommendation had before its current one, newest first: [(text, replaced_at, why)]."""
        records = list(self.history.order_by("-history_date", "-history_id").only("text", "history_date"))
        wordings = []
        for newer, older in zip(records, records[1:], strict=False):
            if older.text != newer.text:
                wordings.append((older.text, newer.history_date, newer.history_change_reason or ""))
        return wordings

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.theme_id and self.report_id and self.theme.report_id != self.report_id:
            raise ValidationError({"theme": "The theme belongs to another report."})
        if not isinstance(self.sub_points, list) or not all(isinstance(p, str) for p in self.sub_points):
            raise ValidationError({"sub_points": "Sub-points must be a list of texts."})


class FindingQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(report__in=SourceReport.objects.for_user(user))


class FindingManager(models.Manager.from_queryset(FindingQuerySet)):
    def get_by_natural_key(self, report_slug, kind, position):
        return self.get(report__slug=report_slug, kind=kind, position=position)


class Finding(models.Model):
    """A report's statement of fact: background, a key issue, a main finding, or a circumstance."""

    class Kind(models.TextChoices):
        BACKGROUND = "background", "Background"
        KEY_ISSUE = "key_issue", "Key issue"
        MAIN_FINDING = "main_finding", "Main finding"
        CIRCUMSTANCE = "circumstance", "Circumstance"

    report = models.ForeignKey(SourceReport, on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        help_text="For a circumstance: the recommendation it stands beside.",
    )
    position = models.PositiveIntegerField(help_text="Printed order among the report's findings of this kind.")
    text = models.TextField()

    objects = FindingManager()

    class Meta:
        ordering = ["report", "kind", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind", "position"], name="finding_unique_position"),
            models.CheckConstraint(
                condition=Q(kind="circumstance", recommendation__isnull=False) | ~Q(kind="circumstance"),
                name="finding_circumstance_has_recommendation",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.position}: {self.text[:60]}"

    def natural_key(self):
        return (*self.report.natural_key(), self.kind, self.position)

    natural_key.dependencies = ["recommendations.recommendation"]

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.recommendation_id and self.report_id and self.recommendation.report_id != self.report_id:
            raise ValidationError({"recommendation": "The recommendation belongs to another report."})


class ApplicabilityDecisionQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(partnership__in=Partnership.objects.for_user(user))


class ApplicabilityDecision(models.Model):
    """A partnership's decision on whether and how a national recommendation applies to it."""

    class Decision(models.TextChoices):
        UNDER_CONSIDERATION = "under_consideration", "Under consideration"
        ADOPT = "adopt", "Adopt"
        ADAPT = "adapt", "Adapt (Scottish equivalent)"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="decisions")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.UNDER_CONSIDERATION)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ApplicabilityDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "recommendation__report", "recommendation__position"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "recommendation"], name="decision_unique_per_partnership"),
        ]

    def __str__(self):
        return f"{self.recommendation}: {self.get_decision_display()}"

    def clean(self):
        from django.core.exceptions import ValidationError

        decided = self.decision != self.Decision.UNDER_CONSIDERATION
        if decided and not self.reason.strip():
            raise ValidationError({"reason": "Give the reason for the decision."})


class ReportSummaryManager(models.Manager):
    def get_by_natural_key(self, partnership_slug, report_slug):
        return self.get(partnership__slug=partnership_slug, report__slug=report_slug)


class ReportSummary(models.Model):
    """A partnership's own summary of a national report, printed before the report's action plan in its papers.

    East Ayrshire's Performance and Audit Sub Group summarised the Haringey review for its Chief Officers Group
    (Appendix 2 of the 3 June 2009 paper): headings, the circumstances of Baby P's death, key issues, main
    findings and the key recommendations. ``body`` is that text as printed, in the paper text markup of
    ``recommendations.markup``: headed sections of paragraphs and lists, emphasis as the source marks it.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="report_summaries")
    report = models.ForeignKey(SourceReport, on_delete=models.PROTECT, related_name="summaries")
    heading = models.TextField(blank=True, help_text="The lines printed above the summary, one a line, as printed.")
    body = models.TextField(
        help_text="The summary as printed. Blank lines separate paragraphs; “## ” starts a heading; “- ” a bullet; "
        "“1. ” a numbered item; *words* between asterisks are printed in italics."
    )

    objects = ReportSummaryManager()

    class Meta:
        ordering = ["partnership", "report"]
        verbose_name_plural = "report summaries"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "report"], name="summary_unique_per_partnership"),
        ]

    def __str__(self):
        return f"{self.partnership}: summary of {self.report}"

    def natural_key(self):
        return (*self.partnership.natural_key(), *self.report.natural_key())

    natural_key.dependencies = ["agencies.partnership", "recommendations.sourcereport"]

    @property
    def heading_lines(self):
        return [line.strip() for line in self.heading.splitlines() if line.strip()]


class RecommendationLoadQuerySet(models.QuerySet):
    def applied(self):
        return self.filter(applied_at__isnull=False).order_by("-applied_at")

    def pending_for(self, user):
        return self.filter(applied_at__isnull=True, uploaded_by=user)


class RecommendationLoad(models.Model):
    """One file loaded (or waiting to be loaded) into the national recommendation sets.

    A file uploaded in the browser waits here, keyed by a random token, between its preview and its confirmation,
    so what is applied is byte for byte what was previewed (the SHA-256 is checked again). Once applied, the row
    is the history of the load: who, when, which file, what it did. Loads from the command line are recorded too.
    """

    token = models.CharField(max_length=64, unique=True)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=list, blank=True, help_text="What the load created and changed, as lines.")

    objects = RecommendationLoadQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.file_name

    @property
    def by_command(self):
        return self.uploaded_by_id is None
