"""Who may do what. Every view asks these helpers; none filters by hand."""

from django.core.exceptions import PermissionDenied

from .models import Membership


def membership_of(user):
    """The user's membership (agency, role), or None for an anonymous user or one with no membership."""
    if not user.is_authenticated:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def partnership_of(user):
    membership = membership_of(user)
    return membership.agency.partnership if membership else None


def landing_url_name(user):
    """Where the user starts: members on My actions; the coordinator and readers, who update no agency's
    actions of their own, on the dashboard."""
    membership = membership_of(user)
    if membership is not None and (membership.is_coordinator or membership.is_reader):
        return "reports:dashboard"
    return "actions:my_actions"


def is_coordinator(user):
    membership = membership_of(user)
    return bool(membership and membership.is_coordinator)


def require_coordinator(user):
    """Raise 403 unless the user coordinates their partnership's plan."""
    if not is_coordinator(user):
        raise PermissionDenied("Only the coordinator manages the plan.")
    return membership_of(user)


def require_updater(user):
    """Raise 403 unless the user updates actions: members and coordinators, not readers."""
    membership = membership_of(user)
    if membership is None or not can_update_for_agency(user, membership.agency):
        raise PermissionDenied("Only members and coordinators update actions.")
    return membership


def can_update_for_agency(user, agency):
    """Members update their own agency's work; the coordinator updates all of the partnership's."""
    membership = membership_of(user)
    if membership is None or agency.partnership_id != membership.agency.partnership_id:
        return False
    if membership.is_coordinator:
        return True
    return membership.role == Membership.Role.MEMBER and membership.agency_id == agency.pk
