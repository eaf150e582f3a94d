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
