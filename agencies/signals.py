"""Sign-in events go to the audit log. Connected in AgenciesConfig.ready()."""

import time

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from config.middleware import SESSION_LAST_SEEN

from . import audit, sso, two_factor


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs):
    issuer = getattr(request, sso.REQUEST_MARK, None)  # signed in with the organisation's account
    audit.record(request, audit.Action.SIGN_IN, user=user, detail=f"single sign-on: {issuer}" if issuer else "")
    session = getattr(request, "session", None)
    if session is not None:  # what the session guards then read without a query on every request
        session[SESSION_LAST_SEEN] = int(time.time())
        session[two_factor.SESSION_NEEDS_CODE] = (
            two_factor.has_two_factor(user) or two_factor.must_use_two_factor(user)
        ) and not (issuer and settings.OIDC_SATISFIES_TWO_FACTOR)  # the council's provider asked for its own


@receiver(user_logged_out)
def record_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(request, audit.Action.SIGN_OUT, user=user)


@receiver(user_login_failed)
def record_failed_sign_in(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")
    outcome = audit.Outcome.REFUSED if getattr(request, "axes_locked_out", False) else audit.Outcome.FAILED
    audit.record(request, audit.Action.SIGN_IN_FAILED, outcome=outcome, username=username)


@receiver(user_locked_out)
def record_lockout(sender, request, username, ip_address, **kwargs):
    audit.record(
        request, audit.Action.LOCKED_OUT, outcome=audit.Outcome.REFUSED, username=username, detail=ip_address or ""
    )
