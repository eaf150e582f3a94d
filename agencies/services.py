import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from .access import require_administrator, require_can_grant
from .models import Agency, Invitation, Membership, MembershipEvent, Partnership

#: (username, first name, last name, agency slug, role, superuser)
DEMO_ACCOUNTS = [
    ("admin", "Ada", "Administrator", "cpc", Membership.Role.READER, True),
    ("coordinator", "Colin", "Coordinator", "cp-coordinator", Membership.Role.COORDINATOR, False),
    ("social.work", "Sam", "Social Work", "social-work", Membership.Role.MEMBER, False),
    ("health", "Hannah", "Health", "health", Membership.Role.MEMBER, False),
    ("chief.officer", "Chris", "Chief Officer", "council", Membership.Role.READER, False),
]


@transaction.atomic
def create_demo_users(*, partnership_slug, password, accounts=DEMO_ACCOUNTS):
    """Create (or reset) the demo accounts of a partnership; returns the usernames."""
    User = get_user_model()
    for username, first, last, agency_slug, role, superuser in accounts:
        agency = Agency.objects.get(partnership__slug=partnership_slug, slug=agency_slug)
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name, user.email = first, last, f"{username}@example.org"
        user.is_staff = user.is_superuser = superuser
        user.is_active = True
        user.set_password(password)
        user.save()
        Membership.objects.update_or_create(user=user, defaults={"agency": agency, "role": role})
    return [account[0] for account in accounts]


@transaction.atomic
def prune_audit(*, now, retention_days, dry_run=False):
    """Delete audit entries and failed sign-in records older than the retention period, and ended sessions.

    Returns {what: how many}. The privacy notice promises this; cron runs it weekly (README).
    """
    from axes.models import AccessAttempt
    from django.contrib.sessions.models import Session

    from .models import AuditEntry

    before = now - datetime.timedelta(days=retention_days)
    entries = AuditEntry.objects.filter(created_at__lt=before)
    attempts = AccessAttempt.objects.filter(attempt_time__lt=before)
    sessions = Session.objects.filter(expire_date__lt=now)
    counts = {
        "audit entries": entries.count(),
        "failed sign-in records": attempts.count(),
        "ended sessions": sessions.count(),
    }
    if not dry_run:
        entries.prune(before=before)
        attempts.delete()
        sessions.delete()
    return counts


# --- Partnerships, agencies and people, managed in the application ----------------------------------------------


class InvitationError(Exception):
    """The invitation link cannot be used: unknown, used already, withdrawn or expired."""


def record_event(*, partnership, kind, actor, detail, subject=None, email=""):
    """One entry of the partnership's history (append-only): who did what to its people or its plan, and why."""
    return MembershipEvent.objects.create(
        partnership=partnership, kind=kind, actor=actor, subject=subject, email=email, detail=detail[:300]
    )



def _saved(obj):
    obj.full_clean()
    obj.save()
    return obj


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def partnership_create(*, actor, name, slug, committee_name, coordinator_email, coordinator_agency, base_url):
    """An administrator creates a partnership, the group its coordinator belongs to, and invites the coordinator."""
    require_administrator(actor)
    partnership = _saved(Partnership(name=name, slug=slug, committee_name=committee_name))
    record_event(partnership=partnership, kind=MembershipEvent.Kind.PARTNERSHIP_CREATED, actor=actor, detail=name)
    agency = agency_create(
        actor=actor,
        partnership=partnership,
        name=coordinator_agency,
        short_name=coordinator_agency[:60],
        kind=Agency.Kind.GROUP,
    )
    invitation_send(
        actor=actor, agency=agency, email=coordinator_email, role=Membership.Role.COORDINATOR, base_url=base_url
    )
    return partnership


@transaction.atomic
def agency_create(*, actor, partnership, name, short_name, kind, email=""):
    slug = slugify(short_name or name)[:80]
    agency = _saved(
        Agency(partnership=partnership, name=name, short_name=short_name, slug=slug, kind=kind, email=email)
    )
    record_event(partnership=partnership, kind=MembershipEvent.Kind.AGENCY_ADDED, actor=actor, detail=name)
    return agency


@transaction.atomic
def invitation_send(*, actor, agency, email, role, base_url, job_title=""):
    """Invite someone by email to an agency with a role no higher than the inviter's own; returns the Invitation.

    The email holds a single-use link valid for settings.INVITATION_VALID_HOURS; only the token's hash is kept.
    Inviting the same address again withdraws the earlier invitation.
    """
    require_can_grant(actor, role=role)
    email = email.strip().lower()
    if get_user_model().objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
        raise ValidationError({"email": "Someone already has an account with this email address."})
    now = timezone.now()
    Invitation.objects.usable(now).filter(email__iexact=email).update(withdrawn_at=now)
    token = secrets.token_urlsafe(32)
    invitation = _saved(
        Invitation(
            agency=agency,
            email=email,
            role=role,
            job_title=job_title,
            token_hash=token_hash(token),
            invited_by=actor,
            expires_at=now + datetime.timedelta(hours=settings.INVITATION_VALID_HOURS),
        )
    )
    detail = f"{email} invited to {agency.name} as {Membership.Role(role).label.split(' (')[0].lower()}"
    record_event(
        partnership=agency.partnership, kind=MembershipEvent.Kind.INVITED, actor=actor, email=email, detail=detail
    )
    link = base_url.rstrip("/") + reverse("agencies:accept", args=[token])
    transaction.on_commit(lambda: _send_invitation(invitation, actor, link))
    return invitation


def _send_invitation(invitation, actor, link):
    partnership = invitation.agency.partnership
    body = render_to_string(
        "agencies/email/invitation.txt",
        {
            "invitation": invitation,
            "inviter": actor,
            "link": link,
            "partnership": partnership,
            "hours": settings.INVITATION_VALID_HOURS,
        },
    )
    send_mail(f"Your invitation to {partnership.committee_name or partnership.name}", body, None, [invitation.email])


def invitation_for_token(token):
    """The invitation this link stands for, if it can still be accepted; InvitationError otherwise."""
    return invitation_for_digest(token_hash(token))


def invitation_for_digest(digest):
    """As ``invitation_for_token``, from the link's hash (what single sign-on keeps while the person signs in)."""
    invitation = Invitation.objects.select_related("agency__partnership").filter(token_hash=digest).first()
    if invitation is None or invitation.withdrawn_at:
        raise InvitationError("This invitation link is not valid. Ask your coordinator for a new invitation.")
    if invitation.accepted_at:
        raise InvitationError("This invitation has been used already. Sign in with your email address instead.")
    if invitation.expires_at <= timezone.now():
        raise InvitationError("This invitation has expired. Ask your coordinator to invite you again.")
    return invitation


@transaction.atomic
def invitation_accept(*, first_name, last_name, password, token=None, digest=None):
    """Make the invited person's account (username: their email) and membership; the link then stops working.

    From the link (``token``) with a password, or from its hash (``digest``) with ``password=None`` when the person
    signed in with their organisation's account (``agencies.sso``): then the account has no usable password."""
    invitation = invitation_for_digest(digest or token_hash(token))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.withdrawn_at:
        raise InvitationError("This invitation has been used already. Sign in with your email address instead.")
    user = get_user_model()(
        username=invitation.email, email=invitation.email, first_name=first_name, last_name=last_name
    )
    user.set_password(password)  # None: an unusable password
    _saved(user)
    _saved(Membership(user=user, agency=invitation.agency, role=invitation.role, job_title=invitation.job_title))
    invitation.accepted_at, invitation.user = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "user"])
    record_event(
        partnership=invitation.agency.partnership,
        kind=MembershipEvent.Kind.JOINED,
        actor=None,
        subject=user,
        email=invitation.email,
        detail=f"{user.get_full_name() or user.username} joined {invitation.agency.name}",
    )
    return user


@transaction.atomic
def membership_change(*, actor, membership, agency, role, job_title):
    """Set a member's agency, role and job title; each change of agency or role goes into the history."""
    membership = Membership.objects.select_for_update().select_related("user", "agency").get(pk=membership.pk)
    require_can_grant(actor, role=role, membership=membership)
    if agency.partnership_id != membership.agency.partnership_id:
        raise ValidationError({"agency": "Choose an agency of the same partnership."})
    before_agency, before_role = membership.agency, membership.role
    membership.agency, membership.role, membership.job_title = agency, role, job_title
    _saved(membership)
    who, partnership = membership.user, agency.partnership
    if before_agency != agency:
        record_event(
            partnership=partnership,
            kind=MembershipEvent.Kind.AGENCY_CHANGED,
            actor=actor,
            subject=who,
            detail=f"{who.get_full_name() or who.username}: {before_agency.name} → {agency.name}",
        )
    if before_role != role:
        labels = (Membership.Role(r).label.split(" (")[0].lower() for r in (before_role, role))
        record_event(
            partnership=partnership,
            kind=MembershipEvent.Kind.ROLE_CHANGED,
            actor=actor,
            subject=who,
            detail=f"{who.get_full_name() or who.username}: {' → '.join(labels)}",
        )
    return membership


@transaction.atomic
def account_set_active(*, actor, membership, active):
    """Deactivate (or reactivate) someone's account. Nothing they recorded changes: it stays attributed to them."""
    require_can_grant(actor, role=membership.role, membership=membership)
    user = get_user_model().objects.select_for_update().get(pk=membership.user_id)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    kind = MembershipEvent.Kind.REACTIVATED if active else MembershipEvent.Kind.DEACTIVATED
    record_event(
        partnership=membership.agency.partnership,
        kind=kind,
        actor=actor,
        subject=user,
        detail=user.get_full_name() or user.username,
    )
    return user
