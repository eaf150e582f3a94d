"""What the signed-in user may do, for templates: the access modules decide, templates only ask ``can``."""

import functools

from django.urls import get_script_prefix, reverse

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


#: The site-wide links of every page's header and footer (``templates/base.html``), by name.
NAV_URLS = {
    "home": "home",
    "two_factor": "two_factor",
    "password": "password_change",
    "logout": "logout",
    "my_actions": "actions:my_actions",
    "actions": "actions:list",
    "recommendations": "recommendations:report_list",
    "plan": "actions:plan",
    "dashboard": "reports:dashboard",
    "papers": "reports:paper_list",
    "partnerships": "agencies:partnership_list",
    "load": "recommendations:load",
    "accessibility": "accessibility",
    "privacy": "privacy",
}


@functools.lru_cache(maxsize=8)
def _nav(script_prefix):
    return {key: reverse(name) for key, name in NAV_URLS.items()}


def nav(request):
    """``nav``: the header's and footer's links, reversed once per process (and per script prefix, which is all they
    depend on) rather than 14 ``{% url %}`` tags a request, each costing more than the session's query."""
    return {"nav": _nav(get_script_prefix())}
