"""What the signed-in user may do, for templates: the access modules decide, templates only ask ``can``."""

from actions.access import can_manage_plan, can_update_some_actions
from agencies.access import is_administrator, is_coordinator
from reports.access import can_prepare_papers, can_read_dashboard


def permissions(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can": {}}
    return {
        "can": {
            "manage_plan": can_manage_plan(user),
            "update_actions": can_update_some_actions(user),
            "prepare_papers": can_prepare_papers(user),
            "read_dashboard": can_read_dashboard(user),
            "manage_people": is_coordinator(user),
            "administer": is_administrator(user),
        }
    }
