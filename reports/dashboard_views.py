from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from actions.models import Status
from actions.rag import Rag
from agencies.access import membership_of

from .dashboard import UPCOMING_DAYS, actions_list_url, build_dashboard


def require_dashboard_reader(user):
    """The coordinator and the read-only chief officers see the whole plan; members have "My actions"."""
    membership = membership_of(user)
    if membership is None or not (membership.is_coordinator or membership.is_reader):
        raise PermissionDenied("The dashboard is for the coordinator and chief officers.")
    return membership


@require_safe
def dashboard(request):
    """The partnership's plan at a glance: progress per report, what is overdue, stale or due soon."""
    require_dashboard_reader(request.user)
    data = build_dashboard(request.user, timezone.localdate())
    return render(
        request,
        "reports/dashboard.html",
        {
            "dashboard": data,
            "upcoming_days": UPCOMING_DAYS,
            "statuses": list(Status),
            "rags": list(Rag),
            "overdue_url": actions_list_url(overdue="on", sort="due"),
            "red_url": actions_list_url(rag="red"),
            "amber_url": actions_list_url(rag="amber"),
        },
    )
