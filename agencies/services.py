import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Agency, Membership

#: (username, first name, last name, agency slug, role, superuser)
DEMO_ACCOUNTS = [
    ("admin", "Ada", "Administrator", "cpc", Membership.Role.READER, True),
    ("coordinator", "Colin", "Coordinator", "cp-coordinator", Membership.Role.COORDINATOR, False),
    ("social.work", "Sam", "Social Work", "social-work", Membership.Role.MEMBER, False),
    ("health", "Hannah", "Health", "health", Membership.Role.MEMBER, False),
    ("chief.officer", "Chris", "Chief Officer", "council", Membership.Role.READER, False),
]


@transaction.atomic
def create_demo_users(*, partnership_slug, password):
    """Create (or reset) the demo accounts of a partnership; returns the usernames."""
    User = get_user_model()
    for username, first, last, agency_slug, role, superuser in DEMO_ACCOUNTS:
        agency = Agency.objects.get(partnership__slug=partnership_slug, slug=agency_slug)
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name, user.email = first, last, f"{username}@example.org"
        user.is_staff = user.is_superuser = superuser
        user.is_active = True
        user.set_password(password)
        user.save()
        Membership.objects.update_or_create(user=user, defaults={"agency": agency, "role": role})
    return [account[0] for account in DEMO_ACCOUNTS]


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
