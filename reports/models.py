import datetime
import functools
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from agencies.append_only import AppendOnlyModel, AppendOnlyQuerySet
from agencies.models import Partnership

from .content import unpack


def _json_parameter(value, encoder):
    """``value`` as a JSON query parameter without a cast (psycopg's ``Json``, not ``Jsonb``)."""
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    if is_psycopg3:
        from psycopg.types.json import Json
    else:
        from psycopg2.extras import Json
    return Json(value, dumps=functools.partial(json.dumps, cls=encoder))


class WrittenJSONField(models.JSONField):
    """JSON kept as it was written: on PostgreSQL a ``json`` column (the text, checked and stored), not ``jsonb``
    (parsed into a binary form, which only lookups inside the value need). A paper's content is written whole on
    every regeneration and read whole, never searched inside: at 0.7 MB a ``json`` column takes about 40 % of
    ``jsonb``'s time to write and a quarter of it to read (bench/RESULTS.md §14). Elsewhere, Django's JSONField."""

    def db_type(self, connection):
        return "json" if connection.vendor == "postgresql" else super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor != "postgresql":
            return super().get_db_prep_value(value, connection, prepared)
        if not prepared:
            value = self.get_prep_value(value)
        return _json_parameter(value, self.encoder)  # JSONField's is cast to jsonb, which a json column parses

    def from_db_value(self, value, expression, connection):
        if value is not None and not isinstance(value, str):
            return value  # psycopg decodes a json column itself (with the standard decoder, as JSONField's)
        return super().from_db_value(value, expression, connection)


class MeetingQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(partnership__in=Partnership.objects.for_user(user))

    def last_for(self, partnership, today):
        """The partnership's last meeting (any body) before ``today``, or None: the meeting that "no update since
        the last meeting" counts from. On a meeting's own day it is still the one before, so the dashboard, My
        actions and the paper for that meeting all count from the previous meeting."""
        if partnership is None:
            return None
        return self.filter(partnership=partnership, date__lt=today).order_by("-date").first()


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
            models.UniqueConstraint(
                fields=["partnership", "body", "date"],
                name="meeting_unique_body_date",
                violation_error_message="A meeting of this body on this date is already recorded.",
            ),
        ]

    def __str__(self):
        return f"{self.get_body_display()}, {self.date:%-d %B %Y}"

    def natural_key(self):
        return (*self.partnership.natural_key(), self.body, self.date.isoformat())

    natural_key.dependencies = ["agencies.partnership"]

    @property
    def started_at(self):
        """The moment the meeting's day began (local time): updates from then on count as "since the meeting"."""
        return timezone.make_aware(datetime.datetime.combine(self.date, datetime.time.min))


#: The fields of a paper the coordinator writes (its national reports are set apart).
PAPER_FIELDS = (
    "meeting",
    "title",
    "purpose",
    "proposals",
    "recommendation",
    "prepared_by_name",
    "prepared_by_role",
    "signed_on",
    "period_start",
    "as_at",
    "form",
    "sections",
)

#: The fields a new paper takes from the partnership's previous paper, unless the coordinator changes them.
PAPER_DEFAULT_FIELDS = ("purpose", "recommendation", "prepared_by_name", "prepared_by_role", "form", "sections")


class Section(models.TextChoices):
    """The parts of a paper after its covering report; the paper's form says which are printed."""

    SUMMARY = "summary", "Summary of progress (counts, % complete, overdue)"
    CHANGES = "changes", "Changes in the period (status changes, new actions)"
    CLOSURE = "closure", "Completed in the period: proposed for closure"
    SLIPPED = "slipped", "Slipped: due dates moved in the period"
    AGENCIES = "agencies", "Progress by agency (counts and chart)"
    AGENCY_ACTIONS = "agency_actions", "Each agency's actions listed again under the agency"
    APPENDICES = "appendices", "Appendices: each report's recommendations and the action plan"
    REPORT_SUMMARIES = "report_summaries", "The partnership's own summary of a report, before its action plan"
    STATUSES = "statuses", "Status, % complete and reference beside each action in the appendices"
    DECISIONS = "decisions", "The partnership's decision beside each recommendation"
    MEETING_DECISIONS = "meeting_decisions", "Decisions of the last meeting (matters arising): sign-offs and minutes"


class PaperQuerySet(models.QuerySet):
    def defaults_for(self, partnership):
        """What a new paper starts from: the covering report's standing words of the partnership's latest paper."""
        previous = self.filter(partnership=partnership).without_bodies().order_by("-as_at", "-pk").first()
        if previous is None:
            return {}
        return {name: getattr(previous, name) for name in PAPER_DEFAULT_FIELDS} | {
            "reports": list(previous.reports.values_list("pk", flat=True))
        }

    def for_user(self, user):
        """Every paper of the user's partnership (drafts included: the views decide who reads a draft)."""
        return self.filter(partnership__in=Partnership.objects.for_user(user))

    def issued(self):
        return self.filter(status=Paper.Status.ISSUED)

    def without_bodies(self):
        """Papers without their large columns (a 500-action paper's content is 2.6 MB, its PDF about 1 MB): for
        lists, links and checks that never show a paper's body."""
        return self.defer("content", "html", "pdf")

    def update(self, **kwargs):
        if self.filter(status=Paper.Status.ISSUED).exists():
            raise TypeError("An issued paper is frozen: it is never changed.")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status=Paper.Status.ISSUED).exists():
            raise TypeError("An issued paper is frozen: it is never deleted.")
        return super().delete()

    def update_drafts(self, **kwargs):
        """Update the drafts among these papers, in one statement that leaves out issued ones by itself (no check
        before it). Returns the number of drafts written."""
        return models.QuerySet.update(self.exclude(status=Paper.Status.ISSUED), **kwargs)

    def store_issued_pdf(self, pdf):
        """The one write an issued paper takes after issuing: its PDF, rendered from its frozen HTML, stored once.
        Returns the number of papers written (0 if the PDF was already stored: it then never changes)."""
        return models.QuerySet.update(self.filter(status=Paper.Status.ISSUED, pdf__isnull=True), pdf=pdf)


class PaperManager(models.Manager.from_queryset(PaperQuerySet)):
    def get_by_natural_key(self, partnership_slug, body, date, title):
        return self.get(partnership__slug=partnership_slug, meeting__body=body, meeting__date=date, title=title)


class Paper(models.Model):
    """A progress paper prepared for a meeting, generated from the plan as at a date, then issued and frozen.

    ``content`` is the generated data (``reports.papers.generate``) as plain JSON. A draft's content is rebuilt on
    every regeneration; once the paper is issued, ``content`` and ``html`` (the paper as issued, a standalone
    document) never change again, and the row can be neither saved nor deleted. The ``pdf`` is rendered from that
    HTML in the background (``reports.tasks``) and stored once (``store_issued_pdf``); then it never changes either.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"

    class Form(models.TextChoices):
        AS_PRINTED = "as_printed", "As printed: the covering report and the appendices, nothing added"
        PROGRESS = "progress", "Progress report: summary, changes, slipped dates, agencies, appendices with statuses"
        CUSTOM = "custom", "Choose the sections"

    #: The sections each form prints; a custom paper prints those stored on it.
    FORM_SECTIONS = {
        Form.AS_PRINTED: (Section.APPENDICES, Section.REPORT_SUMMARIES),
        Form.PROGRESS: (
            Section.SUMMARY,
            Section.MEETING_DECISIONS,
            Section.CHANGES,
            Section.SLIPPED,
            Section.AGENCIES,
            Section.APPENDICES,
            Section.STATUSES,
            Section.DECISIONS,
        ),
    }

    #: The sections the progress form gained with meetings' decisions: a paper generated before prints without them.
    SECTIONS_SINCE_SIGN_OFF = (Section.MEETING_DECISIONS,)

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="papers")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="papers")
    title = models.CharField(max_length=300)
    purpose = models.TextField(help_text="1. Purpose: what the paper is for.")
    proposals = models.TextField(
        help_text="2. Proposals: the body of the covering report. Blank lines separate paragraphs."
    )
    recommendation = models.TextField(
        help_text="3. Recommendation: what the meeting is asked to do, one item a line "
        '(e.g. "note the contents of this report.").'
    )
    prepared_by_name = models.CharField("prepared by", max_length=200)
    prepared_by_role = models.CharField("role", max_length=200, help_text="E.g. Chair of Child Protection Committee.")
    signed_on = models.DateField("date of the report", help_text="The date under the signature.")
    reports = models.ManyToManyField(
        "recommendations.SourceReport",
        related_name="papers",
        help_text="The national reports the paper covers, in their appendices and summary.",
    )
    period_start = models.DateField(
        null=True,
        blank=True,
        help_text="First day of the reporting period. Empty: the day after the previous paper's as-at date, "
        "or the start of the plan if there is none.",
    )
    as_at = models.DateField("as at", help_text="The paper shows the plan as it stood at the end of this day.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    content = WrittenJSONField(default=dict, blank=True, editable=False)
    generated_at = models.DateTimeField(null=True, blank=True, editable=False)
    html = models.TextField(blank=True, editable=False, help_text="The paper as issued: a standalone HTML document.")
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    form = models.CharField(
        "form of the paper",
        max_length=12,
        choices=Form.choices,
        default=Form.PROGRESS,
        help_text="What the paper prints after its covering report.",
    )
    sections = models.JSONField(
        default=list, blank=True, help_text="For a paper whose sections are chosen: the sections it prints."
    )

    objects = PaperManager()

    class Meta:
        ordering = ["-as_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(issued_at__isnull=False),
                name="paper_issued_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.meeting})"

    def save(self, *args, **kwargs):
        if self.pk is not None and Paper.objects.filter(pk=self.pk, status=self.Status.ISSUED).exists():
            raise TypeError("An issued paper is frozen: it is never changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reports:paper_detail", args=[self.pk])

    def natural_key(self):
        return (*self.meeting.natural_key(), self.title)

    natural_key.dependencies = ["reports.meeting", "recommendations.sourcereport"]

    @property
    def document(self):
        """The generated document the stored ``content`` holds (``reports.content``): what every output renders.
        Read once per content: assigning new content reads the new one."""
        content = self.content
        read = self.__dict__.get("_document")
        if read is None or read[0] is not content:
            read = (content, unpack(content))
            self.__dict__["_document"] = read
        return read[1]

    @property
    def section_keys(self):
        """The sections this paper prints (its form's, or those chosen for it)."""
        if self.form == self.Form.CUSTOM:
            return [s for s in Section.values if s in self.sections]
        keys = [str(s) for s in self.FORM_SECTIONS[self.Form(self.form)]]
        if "meeting_decisions" not in (self.content or {}):  # the document's sections, packed or not
            # generated before meetings' decisions were recorded: printed with the sections its form had then
            keys = [k for k in keys if k not in self.SECTIONS_SINCE_SIGN_OFF]
        return keys

    @property
    def as_printed(self):
        return self.form == self.Form.AS_PRINTED

    #: The longest text a document property may hold in every format a paper is written in: Word's core
    #: properties take 255 characters; a PDF's (written by WeasyPrint from the HTML head) take thousands.
    PROPERTY_MAX_CHARS = 255

    def document_properties(self):
        """What the PDF and Word files say about themselves: title, author (the partnership and the person who
        prepared the paper), subject, the person who last changed it, and when the document was made (its issue;
        a draft: its generation). Each text is cut to ``PROPERTY_MAX_CHARS``, so that every format says the same."""
        meeting = self.meeting
        created = self.issued_at if self.is_issued else self.generated_at
        texts = {
            "title": self.title,
            "author": f"{self.partnership.name}: {self.prepared_by_name}, {self.prepared_by_role}",
            "subject": f"{'Paper' if self.is_issued else 'Draft paper'} for the {self.partnership.name} "
            f"{meeting.get_body_display()}, {meeting.date.day} {meeting.date:%B %Y}; the plan as at "
            f"{self.as_at.day} {self.as_at:%B %Y}",
            "last_modified_by": self.prepared_by_name,
            "generator": "Child protection recommendations tracker",
        }
        return {**{name: _cut(text, self.PROPERTY_MAX_CHARS) for name, text in texts.items()}, "created": created}

    def delete(self, *args, **kwargs):
        if self.is_issued or Paper.objects.filter(pk=self.pk, status=self.Status.ISSUED).exists():
            raise TypeError("An issued paper is frozen: it is never deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_issued(self):
        return self.status == self.Status.ISSUED

    @property
    def is_generated(self):
        """Whether the paper has content to show and download (a draft loaded or saved but never generated has none)."""
        return self.is_issued or self.generated_at is not None

    def clean(self):
        errors = {}
        if self.meeting_id and self.partnership_id and self.meeting.partnership_id != self.partnership_id:
            errors["meeting"] = "The meeting belongs to another partnership."
        if self.period_start and self.as_at and self.period_start > self.as_at:
            errors["period_start"] = "The reporting period must start on or before the as-at date."
        unknown = [s for s in self.sections or [] if s not in Section.values]
        if not isinstance(self.sections, list) or unknown:
            errors["sections"] = f"Unknown sections: {', '.join(map(str, unknown))}. Choose from the list."
        elif self.form == self.Form.CUSTOM and not self.sections:
            errors["sections"] = "Choose at least one section, or choose a form of paper."
        if errors:
            raise ValidationError(errors)


def _cut(text, limit):
    """``text`` in at most ``limit`` characters, an ellipsis saying where it was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class PaperPdfQuerySet(models.QuerySet):
    def current_for(self, paper):
        """The latest request for the paper's PDF as it stands (the issued paper's, or the draft as last
        generated), without its bytes."""
        requests = self.filter(paper=paper, issued=paper.is_issued).defer("pdf").order_by("-pk")
        if not paper.is_issued:
            requests = requests.filter(generated_at=paper.generated_at)
        return requests.first()

    def state_for(self, paper, now):
        """(status shown, request) of the paper's PDF as it stands; status None when nobody asked for it yet."""
        if paper.is_issued and paper.pdf is not None:
            return PaperPdf.Status.READY, None
        request = self.current_for(paper)
        return (request.shown_status(now) if request else None), request

    def rendering_now(self, since):
        return self.filter(status=PaperPdf.Status.RENDERING, started_at__gt=since)


class PaperPdf(models.Model):
    """A paper's PDF, rendered in the background (``reports.tasks``): the request, its progress and its outcome.

    A draft's PDF is kept here, for the content it was rendered from (``generated_at``); an issued paper's goes
    to ``Paper.pdf``, stored once. A request that waited or rendered longer than ``PDF_RENDER_TIMEOUT`` (its worker
    stopped) counts as failed, so the coordinator can ask again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be prepared"
        RENDERING = "rendering", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="pdf_requests")
    issued = models.BooleanField(default=False, help_text="Renders the issued paper's frozen HTML into Paper.pdf.")
    generated_at = models.DateTimeField(null=True, blank=True, help_text="For a draft: the content it renders.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PaperPdfQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = "paper PDF"
        indexes = [models.Index(fields=["status", "started_at"], name="paperpdf_status_started")]

    def __str__(self):
        return f"PDF of {self.paper_id} ({self.get_status_display()})"

    def stalled(self, now):
        """Queued or rendering for longer than any render takes: its worker stopped or never started it."""
        if self.status not in (self.Status.QUEUED, self.Status.RENDERING):
            return False
        since = self.started_at or self.requested_at
        return now - since > datetime.timedelta(seconds=settings.PDF_RENDER_TIMEOUT)

    def shown_status(self, now):
        """What the coordinator is told: a stalled request shows as failed, with a retry."""
        return self.Status.FAILED if self.stalled(now) else self.status


class PlanSettingsQuerySet(models.QuerySet):
    def of(self, partnership):
        """The partnership's settings: its row, or the defaults (not saved) when it never changed them."""
        return self.filter(partnership=partnership).first() or PlanSettings(partnership=partnership)

    def of_loaded(self, partnership):
        """``of(partnership)`` for a partnership read with ``select_related("plan_settings")``: no query."""
        try:
            return partnership.plan_settings
        except PlanSettings.DoesNotExist:
            return PlanSettings(partnership=partnership)


class PlanSettings(models.Model):
    """How a partnership runs its plan: which actions close only when the body that owns the plan signs them off.

    An action that needs sign-off and is marked complete is *proposed for closure*: the paper lists it, and the
    meeting signs it off (closed on the meeting's date) or not (back to its owner with the reason)."""

    partnership = models.OneToOneField(Partnership, on_delete=models.PROTECT, related_name="plan_settings")
    committee_actions_need_sign_off = models.BooleanField(
        "committee-wide actions need sign-off to close",
        default=True,
        help_text="A committee-wide action marked complete is proposed for closure; the meeting signs it off.",
    )
    agency_actions_need_sign_off = models.BooleanField(
        "single-agency actions need sign-off to close",
        default=False,
        help_text="A single-agency action marked complete is proposed for closure; the meeting signs it off.",
    )

    objects = PlanSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = "plan settings"
        verbose_name_plural = "plan settings"

    def __str__(self):
        return f"Settings of {self.partnership}"

    def needs_sign_off(self, level):
        """Whether an action of this level (``Action.Level``) closes only when a meeting signs it off."""
        return self.committee_actions_need_sign_off if level == "committee" else self.agency_actions_need_sign_off


class MeetingDecisionQuerySet(AppendOnlyQuerySet):
    def for_user(self, user):
        return self.filter(partnership__in=Partnership.objects.for_user(user))

    def recorded_before(self, moment):
        return self.filter(recorded_at__lt=moment) if moment is not None else self

    def sign_offs(self):
        return self.filter(kind__in=MeetingDecision.CLOSING_KINDS)

    def standing(self, action_ids, moment=None):
        """{action id: its latest sign-off, refusal or reopening recorded before ``moment``}: where each action
        stands with the body that owns the plan (one query)."""
        rows = (
            self.sign_offs()
            .recorded_before(moment)
            .filter(action_id__in=action_ids)
            .select_related("meeting", "recorded_by")
            .order_by("action_id", "recorded_at", "pk")
        )
        return standing_of(rows)


def standing_of(decisions):
    """{action id: the latest of ``decisions`` (in the order recorded) that says where the action stands}: its
    latest sign-off, refusal or reopening. The one rule behind ``MeetingDecisionQuerySet.standing``."""
    return {d.action_id: d for d in decisions if d.kind in MeetingDecision.CLOSING_KINDS}


class MeetingDecision(AppendOnlyModel):
    """A decision a meeting took, recorded after it against the paper it received: an action proposed for closure
    signed off (closed on the meeting's date) or not (back to its owner, with the reason), a signed-off action
    reopened, or any other decision as a dated minute, tied to an action or a recommendation if it concerns one.
    Never changed or deleted: a decision changed later is a later decision."""

    class Kind(models.TextChoices):
        SIGNED_OFF = "signed_off", "Signed off"
        NOT_SIGNED_OFF = "not_signed_off", "Not signed off"
        REOPENED = "reopened", "Reopened"
        MINUTE = "minute", "Minute"

    #: The kinds that say where an action stands with the body that owns the plan (the latest one holds).
    CLOSING_KINDS = (Kind.SIGNED_OFF, Kind.NOT_SIGNED_OFF, Kind.REOPENED)

    instead_of_deleting = "a decision changed is recorded as a later decision"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="meeting_decisions")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    paper = models.ForeignKey(
        Paper,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        help_text="The paper the meeting received, if the decision was taken on it.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    action = models.ForeignKey(
        "actions.Action", on_delete=models.PROTECT, null=True, blank=True, related_name="meeting_decisions"
    )
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_decisions",
    )
    text = models.TextField(blank=True, help_text="The reason (not signed off, reopened) or the minute's words.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = MeetingDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["meeting__date", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="minute") | Q(action__isnull=False),
                name="meeting_decision_closing_names_action",
                violation_error_message="A sign-off, refusal or reopening names its action.",
            ),
            models.CheckConstraint(
                condition=Q(kind="signed_off") | ~Q(text=""),
                name="meeting_decision_has_reason",
                violation_error_message="Give the reason, or the words of the minute.",
            ),
        ]

    def __str__(self):
        return f"{self.meeting}: {self.get_kind_display()}"

    @property
    def decided_on(self):
        """The day the decision was taken: the meeting's."""
        return self.meeting.date
