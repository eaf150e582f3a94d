from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from actions.models import Status
from actions.rag import Rag
from agencies.access import partnership_of
from agencies.plan_cache import rendered
from recommendations.models import SourceReport

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

    def body_context():
        return {
            "dashboard": build_dashboard(request.user, as_at.today, as_at=as_at.day),
            "as_at": as_at,  # its day only: the key holds it
            "statuses": list(Status),
            "rags": list(Rag),
            "overdue_url": actions_list_url(overdue="on", sort="due"),
            "red_url": actions_list_url(rag="red"),
            "amber_url": actions_list_url(rag="amber"),
        }

    parts = [as_at.today, as_at.day, SourceReport.objects.visibility_key(request.user)]
    body = rendered(partnership, "reports/_dashboard_body.html", parts, body_context)
    context = {"partnership": partnership, "as_at": as_at, "body": body}
    return render(request, "reports/dashboard.html", context)
