from django.conf import settings
from django.db import models


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

    objects = PartnershipManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


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
