"""Request and response guards that apply to every page: hostile addresses, session limits, two-factor, headers."""

import re
import time
from urllib.parse import unquote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control

#: Characters no address, field or cell of ours ever needs: C0 controls but tab, newline and carriage return, DEL,
#: and what XML (Word, Excel) cannot hold. PostgreSQL refuses NUL in text outright.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
#: In an address even tab and newline are hostile.
ADDRESS_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f]")

SESSION_LAST_SEEN = "last_seen"


class HostileInputMiddleware:
    """Answer 404 to an address (path or query string) holding a control character, before any view reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = unquote(request.META.get("QUERY_STRING", ""), errors="replace")
        if ADDRESS_CONTROL_CHARACTERS.search(request.path) or ADDRESS_CONTROL_CHARACTERS.search(query):
            raise Http404("No page has this address.")
        return self.get_response(request)


class SessionGuardMiddleware:
    """End a session after SESSION_IDLE_TIMEOUT seconds without a request (SESSION_COOKIE_AGE bounds it anyway).

    A deactivated user is already anonymous here (the backend's get_user refuses inactive users); their session is
    flushed so nothing of it lingers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None:
            now = int(time.time())
            last_seen = session.get(SESSION_LAST_SEEN)
            if not request.user.is_authenticated:
                if session.get("_auth_user_id"):  # signed in once, but the account is now inactive or gone
                    session.flush()
            elif last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, "You were signed out after a period without activity. Please sign in again.")
                return redirect(f"{reverse('login')}?{urlencode({'next': request.path})}")
            elif last_seen is None or now - last_seen >= 60:  # write the session at most once a minute
                session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Send a signed-in user who must use two-factor, and has not verified it this session, to do so first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from agencies.two_factor import needs_verification

        if needs_verification(request) and not request.path.startswith(_TWO_FACTOR_OPEN_PATHS()):
            return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': request.path})}")
        return self.get_response(request)


def _TWO_FACTOR_OPEN_PATHS():  # noqa: N802 - a constant computed once the URLs are loaded
    return (
        reverse("two_factor_verify"),
        reverse("two_factor_setup"),
        reverse("logout"),
        reverse("privacy"),
        reverse("healthz"),
        "/static/",
    )


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every response; no-store on everything a signed-in user receives."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
