"""The audit log: one function, ``record``, that the rest of the application calls.

    from agencies import audit
    audit.record(request, audit.Action.EVIDENCE_DOWNLOAD, obj=update)

Entries are append-only (see AuditEntry). Times are stored in UTC; the admin reads and filters them. A secret a
path carries (an invitation's token) is masked before it is written (config.secrets_in_paths).
"""

import ipaddress

from django.conf import settings

from config.secrets_in_paths import mask_secrets, mask_text

from .models import AuditEntry

Action = AuditEntry.Action
Outcome = AuditEntry.Outcome
_CONTROL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127], "\N{REPLACEMENT CHARACTER}")


def client_ip(request):
    """The address a request came from: the connection's, or with TRUSTED_PROXY_COUNT proxies in front, the one
    the outermost trusted proxy saw (read from the right of X-Forwarded-For, never from what the client wrote)."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _clean(text, length):
    return str(text).translate(_CONTROL)[:length]


def record(request, action, *, obj=None, outcome=Outcome.OK, detail="", user=None, username=""):
    """Write one audit entry. ``request`` may be None (a management command); ``user`` overrides request.user."""
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    return AuditEntry.objects.create(
        user=user,
        username=_clean(username or (user.get_username() if user else ""), 150),
        ip_address=client_ip(request) if request is not None else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=_clean(obj, 200) if obj is not None else "",
        outcome=outcome,
        path=_clean(mask_secrets(request.path), 300) if request is not None else "",
        detail=_clean(mask_text(str(detail)), 2000),
    )
