from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from actions.models import Status
from actions.rag import Rag
from agencies.access import partnership_of
from agencies.plan_cache import cached

from .access import require_dashboard_reader
from .as_at import read_as_at
from .dashboard import actions_list_url, build_dashboard


@require_safe
def dashboard(request):
    """The partnership's plan at a glance: progress per report, what is overdue, stale or due soon. The part below
    the "as at" control is the same for every reader, so it is built once per version of the plan and day."""
    require_dashboard_reader(request.user)
    partnership = partnership_of(request.user)
    as_at = read_as_at(request, partnership, timezone.localdate())

    def body():
        return render_to_string(
            "reports/_dashboard_body.html",
            {
                "dashboard": build_dashboard(request.user, as_at.today, as_at=as_at.day),
                "statuses": list(Status),
                "rags": list(Rag),
                "overdue_url": actions_list_url(overdue="on", sort="due"),
                "red_url": actions_list_url(rag="red"),
                "amber_url": actions_list_url(rag="amber"),
            },
        )

    context = {
        "partnership": partnership,
        "as_at": as_at,
        "body": cached(partnership, "dashboard", [as_at.today, as_at.day], body),
    }
    return render(request, "reports/dashboard.html", context)
