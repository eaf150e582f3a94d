"""Who may do what. Every view asks these helpers; none filters by hand."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Membership, Partnership


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


def plan_is_archived(user):
    """Whether the user's partnership's plan is an archived record (read-only: nothing is recorded on it)."""
    membership = membership_of(user)
    return bool(membership and membership.agency.partnership.is_archived)


def require_live_plan(user):
    """Raise 403, saying why, when the user's partnership's plan is an archived record."""
    if plan_is_archived(user):
        raise PermissionDenied(membership_of(user).agency.partnership.archived_message())


def require_plan_manager(user):
    """Raise 403 unless the user coordinates a live plan: the coordinator edits the plan until it is archived."""
    membership = require_coordinator(user)
    require_live_plan(user)
    return membership


def require_updater(user):
    """Raise 403 unless the user updates actions: members and coordinators, not readers; not on an archived plan."""
    require_live_plan(user)
    membership = membership_of(user)
    if membership is None or not can_update_for_agency(user, membership.agency):
        raise PermissionDenied("Only members and coordinators update actions.")
    return membership


def can_update_for_agency(user, agency):
    """Members update their own agency's work; the coordinator updates all of the partnership's."""
    membership = membership_of(user)
    if membership is None or agency.partnership_id != membership.agency.partnership_id:
        return False
    if plan_is_archived(user):
        return False
    if membership.is_coordinator:
        return True
    return membership.role == Membership.Role.MEMBER and membership.agency_id == agency.pk


# --- Administrators, and managing a partnership's people --------------------------------------------------------

#: What each kind of account may do, lowest first. Nobody grants a role above their own rank.
ROLE_RANK = {Membership.Role.READER: 0, Membership.Role.MEMBER: 1, Membership.Role.COORDINATOR: 2}
ADMINISTRATOR_RANK = 3
SUPERUSER_RANK = 4


def is_administrator(user):
    """Administrators load national reports and create partnerships: staff or superuser accounts."""
    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))


def role_title(user):
    """The role the header names: "Administrator" for an administrator whatever their membership says (their
    membership's role only places them in a partnership), else the membership's role ("Coordinator"), or ""."""
    if is_administrator(user):
        return "Administrator"
    membership = membership_of(user)
    return membership.get_role_display().split(" (")[0] if membership else ""


def require_administrator(user):
    if not is_administrator(user):
        raise PermissionDenied("Only an administrator may do this.")


def rank_of(user):
    """How much an account may do: superuser > administrator > coordinator > member > reader (-1: nothing)."""
    if user.is_superuser:
        return SUPERUSER_RANK
    if user.is_staff:
        return ADMINISTRATOR_RANK
    membership = membership_of(user)
    return ROLE_RANK[membership.role] if membership else -1


def get_partnership_for_manager(user, slug):
    """The partnership whose agencies and people this user manages: any for an administrator, their own for a
    coordinator. 404 for another partnership (it is not theirs to know of), 403 for members and readers."""
    if is_administrator(user):
        return get_object_or_404(Partnership, slug=slug)
    partnership = get_object_or_404(Partnership.objects.for_user(user), slug=slug)
    if not is_coordinator(user):
        raise PermissionDenied("Only the coordinator or an administrator manages the partnership's people.")
    return partnership


def grantable_roles(user):
    """The roles this user may give anyone: those no higher than their own."""
    return [role for role in Membership.Role if ROLE_RANK[role] <= rank_of(user)]


def can_manage_member(user, membership):
    """A manager changes others, never themselves, and only someone whose rights do not exceed their own."""
    return (
        membership.user_id != user.pk
        and rank_of(user) >= max(rank_of(membership.user), ROLE_RANK[Membership.Role.COORDINATOR])
        and (is_administrator(user) or membership.agency.partnership_id == partnership_of(user).pk)
    )


def require_can_grant(user, *, role, membership=None):
    """Raise 403 unless the user may give this role (to this member, if one is named)."""
    if role not in grantable_roles(user):
        raise PermissionDenied("You cannot give a role with more rights than your own.")
    if membership is not None and not can_manage_member(user, membership):
        raise PermissionDenied("You cannot change this person's account.")


def get_membership_for_manager(user, partnership, pk):
    """A membership of the partnership this user manages (see get_partnership_for_manager); 404 otherwise."""
    memberships = Membership.objects.select_related("user", "agency")
    return get_object_or_404(memberships, pk=pk, agency__partnership=partnership)
