from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from agencies.access import can_update_for_agency, is_coordinator, membership_of, plan_is_archived

from .models import Action


def can_update_action(user, action):
    return can_update_for_agency(user, action.owner)


def can_manage_plan(user):
    """The coordinator creates and edits actions and records decisions, until the plan is archived."""
    return is_coordinator(user) and not plan_is_archived(user)


def can_update_some_actions(user):
    """Members and coordinators record progress (on their agency's actions, or all); readers do not."""
    membership = membership_of(user)
    return bool(membership and not membership.is_reader) and not plan_is_archived(user)


def updatable_actions(user):
    """The actions a user may record progress on: their agency's, or all of the partnership's for a coordinator."""
    membership = membership_of(user)
    actions = Action.objects.for_user(user)
    if membership is None or membership.is_reader or plan_is_archived(user):
        return actions.none()
    if membership.is_coordinator:
        return actions
    return actions.filter(owner=membership.agency)


def get_action_for_user(request, pk, *, write=False):
    """The action, if the user's partnership owns it (else 404); for writing, only if they may update it (403)."""
    action = get_object_or_404(Action.objects.for_user(request.user).select_related("owner", "partnership"), pk=pk)
    if write and action.partnership.is_archived:
        raise PermissionDenied(action.partnership.archived_message())
    if write and not can_update_action(request.user, action):
        # Not "another agency owns it": a reader of the owning agency is refused too.
        who = (
            f"{action.owner.name} updates it"
            if action.owner.has_active_member and not action.owner.is_group
            else f"the coordinator updates it for {action.owner.name}"
        )
        raise PermissionDenied(f"You may read this action but not update it: {who}.")
    return action
