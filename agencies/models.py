from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, router

from .append_only import AppendOnlyModel, AppendOnlyQuerySet, pruning


class PartnershipQuerySet(models.QuerySet):
    def for_user(self, user):
        """The partnerships a user may see: the one their membership belongs to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(agencies__memberships__user=user).distinct()


class PartnershipManager(models.Manager.from_queryset(PartnershipQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Partnership(models.Model):
    """A local child protection area, such as East Ayrshire. Agencies, actions and papers belong to one."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    committee_name = models.CharField(
        max_length=200, blank=True, help_text="As printed, e.g. East Ayrshire Child Protection Committee."
    )
    archived_as_at = models.DateField(
        null=True,
        blank=True,
        help_text="Set when the plan is an archived record: read-only, always shown as at this day (its last "
        "meeting). Empty: the plan is live.",
    )
    archived_meeting = models.CharField(
        max_length=200, blank=True, help_text="The meeting it is shown as at, as the archive banner names it."
    )
    sso_only = models.BooleanField(
        "single sign-on only",
        default=False,
        help_text="Its people sign in only with their organisation's account: the password form refuses them. "
        "Administrators, and anyone given the permission “may sign in with a password when single sign-on is the "
        "only way” (break-glass), still may.",
    )

    objects = PartnershipManager()

    class Meta:
        ordering = ["name"]
        permissions = [
            ("password_when_sso_only", "May sign in with a password when single sign-on is the only way (break-glass)")
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    @property
    def is_archived(self):
        return self.archived_as_at is not None

    def refuse_if_archived(self):
        """The one rule of an archived plan: nothing is recorded on it (progress, plan edits, reminders)."""
        if self.is_archived:
            raise ValidationError(self.archived_message())

    def archived_message(self):
        meeting = self.archived_meeting or "its last meeting"
        return (
            f"The {self.name} plan is an archived record, shown as it stood at {meeting}: nothing can be recorded "
            "on it. The coordinator can reopen it, giving a reason."
        )


class AgencyQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(partnership__in=Partnership.objects.for_user(user))


class AgencyManager(models.Manager.from_queryset(AgencyQuerySet)):
    def get_by_natural_key(self, partnership_slug, slug):
        return self.get(partnership__slug=partnership_slug, slug=slug)


class Agency(models.Model):
    """An organisation or group that owns actions: a service, or a committee, sub group or post."""

    class Kind(models.TextChoices):
        AGENCY = "agency", "Agency"
        GROUP = "group", "Committee, group or post"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=80)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.AGENCY)
    email = models.EmailField(blank=True, help_text="Where reminders for this agency go, besides its members.")

    objects = AgencyManager()

    class Meta:
        ordering = ["partnership", "name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "slug"], name="agency_unique_slug"),
            models.UniqueConstraint(fields=["partnership", "name"], name="agency_unique_name"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (*self.partnership.natural_key(), self.slug)

    natural_key.dependencies = ["agencies.partnership"]

    @property
    def is_group(self):
        return self.kind == self.Kind.GROUP

    @property
    def has_active_member(self):
        """Whether someone of the agency can record its progress (an active member; readers cannot)."""
        return self.memberships.active_members().exists()


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(agency__partnership__in=Partnership.objects.for_user(user))

    def active_members(self):
        """Memberships of people who can update their own agency's actions now: members (and the coordinator,
        in their own agency) with an active account. Readers cannot."""
        return self.filter(role__in=[Membership.Role.MEMBER, Membership.Role.COORDINATOR], user__is_active=True)


class Membership(models.Model):
    """Ties a user to one agency of one partnership, with what they may do there.

    A user has at most one membership, so one partnership is all a user ever sees.
    """

    class Role(models.TextChoices):
        MEMBER = "member", "Member (updates own agency's actions)"
        COORDINATOR = "coordinator", "Coordinator (manages the partnership's plan)"
        READER = "reader", "Reader (read-only)"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    job_title = models.CharField(max_length=200, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["agency", "user__username"]

    def __str__(self):
        return f"{self.user} – {self.agency} ({self.get_role_display()})"

    @property
    def partnership(self):
        return self.agency.partnership

    @property
    def is_coordinator(self):
        return self.role == self.Role.COORDINATOR

    @property
    def is_reader(self):
        return self.role == self.Role.READER


class AuditEntryQuerySet(AppendOnlyQuerySet):
    """Audit entries are append-only: nothing in the application changes or deletes one.

    The one exception is ``prune``, run by ``manage.py prune_audit``, which removes entries older than the retention
    period the privacy notice promises.
    """

    def prune(self, *, before):
        """Delete the entries recorded before ``before``; returns how many. The delete goes through a plain
        ``QuerySet`` (this one refuses every delete) and inside ``pruning()``, which lets the database's trigger pass
        it."""
        using = self._db or router.db_for_write(self.model)
        old = models.QuerySet(self.model, query=self.filter(created_at__lt=before).query, using=using)
        with pruning(using):
            deleted, _ = old.delete()
        return deleted


class AuditEntry(AppendOnlyModel):
    """Who did what, from where, when (stored in UTC), to what, and whether it was allowed."""

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        LOCKED_OUT = "locked_out", "Locked out after failed sign-ins"
        UNLOCKED = "unlocked", "Sign-in lock removed"
        SIGN_OUT = "sign_out", "Signed out"
        TWO_FACTOR_ON = "two_factor_on", "Two-factor sign-in turned on"
        TWO_FACTOR_OFF = "two_factor_off", "Two-factor sign-in turned off"
        TWO_FACTOR_VERIFIED = "two_factor_ok", "Two-factor code accepted"
        TWO_FACTOR_FAILED = "two_factor_failed", "Two-factor code refused"
        RECOVERY_CODES = "recovery_codes", "Recovery codes made"
        REFUSED = "refused", "Refused (403)"
        EVIDENCE_UPLOAD = "evidence_upload", "Evidence uploaded"
        EVIDENCE_DOWNLOAD = "evidence_download", "Evidence downloaded"
        SPREADSHEET_IMPORT = "spreadsheet_import", "Spreadsheet imported"
        PAPER_ISSUE = "paper_issue", "Paper issued"
        PAPER_DOWNLOAD = "paper_download", "Paper downloaded"
        FIXTURE_LOAD = "fixture_load", "Recommendation sets loaded"
        SSO_REFUSED = "sso_refused", "Single sign-on refused"
        PASSWORD_REFUSED = "password_refused", "Password sign-in refused: single sign-on only"

    class Outcome(models.TextChoices):
        OK = "ok", "Done"
        REFUSED = "refused", "Refused"
        FAILED = "failed", "Failed"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True, help_text="Stored in UTC.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    username = models.CharField(max_length=150, blank=True, help_text="As typed or as it was at the time.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=30, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OK)
    path = models.CharField(max_length=300, blank=True)
    detail = models.TextField(blank=True)

    instead_of_deleting = "they are only pruned after the retention period"

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} UTC {self.username or '-'} {self.get_action_display()}"


class StoredFile(models.Model):
    """A file kept in the database (see agencies.storage.DatabaseStorage): every application server reads the same
    rows and every database backup holds the files."""

    name = models.CharField(max_length=300, unique=True)
    content = models.BinaryField()
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class InvitationQuerySet(models.QuerySet):
    def usable(self, now):
        """Invitations that can still be accepted: not used, not withdrawn, not expired."""
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    """An invitation by email to join an agency with a role. The link carries a random token; only its SHA-256
    is stored, so the database never holds a usable link. Accepted once, within its time."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=12, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    job_title = models.CharField(max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The account made when the invitation was accepted.",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} to {self.agency} ({self.get_role_display()})"


class MembershipEvent(AppendOnlyModel):
    """One change to a partnership's people: an invitation, a new member, a role or agency change, a deactivation.
    Append-only: written once, never edited or deleted (``agencies.append_only``)."""

    class Kind(models.TextChoices):
        PARTNERSHIP_CREATED = "partnership_created", "Partnership created"
        AGENCY_ADDED = "agency_added", "Agency added"
        INVITED = "invited", "Invited"
        INVITATION_WITHDRAWN = "invitation_withdrawn", "Invitation withdrawn"
        JOINED = "joined", "Joined"
        ROLE_CHANGED = "role_changed", "Role changed"
        AGENCY_CHANGED = "agency_changed", "Moved to another agency"
        DEACTIVATED = "deactivated", "Deactivated"
        REACTIVATED = "reactivated", "Reactivated"
        PLAN_ARCHIVED = "plan_archived", "Plan archived"
        PLAN_REOPENED = "plan_reopened", "Plan reopened"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="membership_events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who made the change (empty: the person themselves, accepting an invitation).",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Whose account changed, once there is one.",
    )
    email = models.EmailField(blank=True, help_text="For an invitation: the address invited.")
    detail = models.CharField(max_length=300, help_text="What changed, in words: from ... to ...")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.detail}"


class PlanVersion(models.Model):
    """The version of one partnership's plan (``scope`` is its id) or of the national recommendations every plan
    answers (``scope`` "national"): a counter that every change increments **in its own transaction**.

    The increment is an ``UPDATE`` of this one row, so it holds the row's lock until the change commits or rolls
    back: a second writer of the same plan waits for the first, and versions therefore follow the order in which
    changes *commit*, never the order in which they began. A page cached under a version (``agencies.plan_cache``)
    was built from data at least as new as that version, and any later commit makes a higher one.
    """

    NATIONAL = "national"

    scope = models.CharField(max_length=20, primary_key=True)
    number = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField()

    def __str__(self):
        return f"Plan version {self.number} ({self.scope})"
