from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from actions.models import Status
from actions.rag import Rag

from .access import require_dashboard_reader
from .dashboard import actions_list_url, build_dashboard


@require_safe
def dashboard(request):
    """The partnership's plan at a glance: progress per report, what is overdue, stale or due soon."""
    require_dashboard_reader(request.user)
    return render(
        request,
        "reports/dashboard.html",
        {
            "dashboard": build_dashboard(request.user, timezone.localdate()),
            "statuses": list(Status),
            "rags": list(Rag),
            "overdue_url": actions_list_url(overdue="on", sort="due"),
            "red_url": actions_list_url(rag="red"),
            "amber_url": actions_list_url(rag="amber"),
        },
    )
