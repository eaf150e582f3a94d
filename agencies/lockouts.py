"""Who is locked out of signing in, and unlocking them, for the coordinator's locked-accounts page.

"Locked" is django-axes' own answer (``AxesProxyHandler.is_locked``, the question its sign-in check asks), put for
every client a username failed from within the cool-off: axes adds up failures by the AXES_LOCKOUT_PARAMETERS (the
username alone, the username from one address), so ten failures spread over ten browsers or addresses lock as ten
from one do, and this page sees the same lock.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_credentials
from axes.models import AccessAttempt
from axes.utils import reset
from django.http import HttpRequest
from django.utils import timezone


def locked_usernames(usernames):
    """Those of ``usernames`` that axes would refuse to sign in now, sorted."""
    now = timezone.now()
    attempts = AccessAttempt.objects.filter(username__in=list(usernames))
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=now - cool_off)
    clients = {}
    for username, ip_address, user_agent in attempts.values_list("username", "ip_address", "user_agent").distinct():
        clients.setdefault(username, []).append((ip_address, user_agent))
    return sorted(
        username
        for username, tried_from in clients.items()
        if any(_is_locked(username, ip_address, user_agent, now) for ip_address, user_agent in tried_from)
    )


def _is_locked(username, ip_address, user_agent, now):
    """Axes' answer for a sign-in as ``username`` from this client now."""
    request = HttpRequest()
    # The attributes axes reads from a sign-in's request (AxesProxyHandler.update_request), for this client.
    request.axes_updated, request.axes_locked_out, request.axes_attempt_time = True, False, now
    request.axes_ip_address, request.axes_user_agent = ip_address, user_agent
    request.axes_path_info = request.axes_http_accept = "<unknown>"
    request.axes_failures_since_start = request.axes_credentials = None
    return AxesProxyHandler.is_locked(request, get_credentials(username))


def unlock(username):
    """Forget the username's failed sign-ins (every client's): axes then lets it sign in."""
    return reset(username=username)
