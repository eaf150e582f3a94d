"""Secrets carried in a URL's path (an invitation's token, a password reset's token) never reach the audit log or
a log line.

One rule, asked by everything that writes a path down: ``mask_secrets(path)`` resolves the path against the URLconf
and, when the named pattern it matches is declared in ``SECRET_KWARGS``, replaces those keyword arguments' values by
``MASK``. ``mask_text`` applies it to every path or URL inside a line of text (a request line, a Referer).
``agencies.audit.record`` asks it for every entry; ``MaskSecretsFilter``, on every handler of ``settings.LOGGING``,
for every log record (Django's request, security and runserver loggers, gunicorn's access and error logs).

A new URL whose path carries a secret is declared here, by its name; tests/agencies/test_secrets_not_logged.py fails
on any URL with a token-like argument that is declared neither here nor in ``NOT_SECRET``.
"""

import copy
import logging
import re
from urllib.parse import quote, unquote

from django.urls import Resolver404, resolve

MASK = "[masked]"

#: URL name -> the keyword arguments that are secrets (whoever holds the path can use it).
SECRET_KWARGS = {
    "agencies:accept": ("token",),  # an invitation: the link chooses the password of a new account
    "agencies:accept_sso": ("token",),  # the same invitation, accepted through single sign-on
    "password_reset_confirm": ("token",),  # Django's password reset (django.contrib.auth.urls), wherever mounted
}
#: URL name -> the query parameters that are secrets: single sign-on's one-time code and its state come back from the
#: provider in the callback's query string.
SECRET_QUERY = {
    "sso_callback": ("code", "state"),
}
#: URL name -> why its token-like keyword arguments are no secret.
NOT_SECRET = {
    "recommendations:load_preview": "names an upload; only the administrator who uploaded it may open it",
    "recommendations:load_confirm": "names an upload; only the administrator who uploaded it may apply it",
}

# A URL (scheme or "//", host, then its path: group 1) or a bare path (group 2). Which of them carry a secret is
# not guessed here: each is resolved.
_PATH_IN_TEXT = re.compile(r"""(?:[a-z][a-z0-9+.-]*:)?//[^/\s'"<>]*(/[^\s'"<>]*)?|(/[^\s'"<>]*)""", re.IGNORECASE)


def mask_secrets(path):
    """``path`` (decoded or percent-encoded, with or without a query string) with the values of the secret keyword
    arguments of the URL pattern it resolves to replaced by MASK, wherever they appear in it; any other path as it
    is. A URLconf that cannot be read hides the whole path rather than risk a secret."""
    try:
        match = resolve(unquote(path.partition("?")[0].partition("#")[0]))
    except Resolver404:
        return path
    except Exception:  # noqa: BLE001 - a logging filter must never raise; hiding the path is the safe answer
        return MASK
    for name in SECRET_KWARGS.get(match.view_name, ()):
        if name in match.kwargs:
            path = _without(path, str(match.kwargs[name]))
    for name in SECRET_QUERY.get(match.view_name, ()):
        path = re.sub(rf"([?&]{re.escape(name)}=)[^&#\s]*", rf"\g<1>{MASK}", path)
    return path


def _without(path, secret):
    """``path`` with each of its segments (and query values) that is ``secret``, as typed or percent-encoded,
    replaced by MASK."""
    forms = {secret, quote(secret, safe=""), quote(secret)}
    if "/" in secret:  # a <path:...> argument spans segments
        for form in forms:
            path = path.replace(form, MASK)
        return path
    parts = re.split(r"([/?&=#])", path)
    return "".join(MASK if part in forms else part for part in parts)


def mask_text(text):
    """``text`` with every path and URL in it passed through ``mask_secrets``."""
    if "/" not in text:
        return text

    def masked(found):
        group = 1 if found.group(1) is not None else 2 if found.group(2) is not None else 0
        if not group:  # a URL without a path
            return found.group(0)
        return found.group(0)[: found.start(group) - found.start()] + mask_secrets(found.group(group))

    return _PATH_IN_TEXT.sub(masked, text)


def masked_request(request):
    """A copy of ``request`` whose path and META (request line, Referer, ...) are masked, for a log record's
    ``request`` (read by error emails and by formatters naming it); ``request`` itself is left untouched."""
    meta = {key: mask_text(value) if isinstance(value, str) else value for key, value in request.META.items()}
    path, path_info = mask_secrets(request.path), mask_secrets(request.path_info)
    if meta == request.META and (path, path_info) == (request.path, request.path_info):
        return request
    masked = copy.copy(request)
    masked.META, masked.path, masked.path_info = meta, path, path_info
    return masked


class MaskSecretsFilter(logging.Filter):
    """Masks a log record in place and keeps it. Installed first on every handler (settings.LOGGING), so that
    whichever handler sees a record first masks it for every handler after it, and for every formatter."""

    def filter(self, record):
        if not getattr(record, "secrets_masked", False):
            record.secrets_masked = True
            _mask_record(record)
        return True


def _mask_record(record):
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a malformed logging call: its template is logged as it is
        message = str(record.msg)
    # The arguments go: a mapping (gunicorn's access atoms) may hold the path without the message printing it.
    record.msg, record.args = mask_text(message), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        # The traceback goes into the message, as masked text; the exception itself (whose arguments and frames'
        # variables may hold the secret) goes, so that no handler can print it unmasked.
        record.msg = f"{record.msg}\n{mask_text(record.exc_text)}"
        record.exc_info = record.exc_text = None
    if record.stack_info:
        record.stack_info = mask_text(record.stack_info)
    request = getattr(record, "request", None)
    if hasattr(request, "META") and hasattr(request, "path"):
        record.request = masked_request(request)
