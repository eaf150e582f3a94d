"""Account security pages (two-factor sign-in, unlocking), the privacy notice and the health check."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login

from . import audit, lockouts, two_factor
from .access import require_coordinator
from .forms import CodeForm, PasswordConfirmForm
from .models import Membership


def _next_url(request, default="actions:my_actions"):
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)


@require_safe
def two_factor_settings(request):
    return render(
        request,
        "registration/two_factor.html",
        {"enabled": two_factor.has_two_factor(request.user), "required": two_factor.must_use_two_factor(request.user)},
    )


@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Show a new secret as a QR code; a first correct code turns two-factor on and shows the recovery codes."""
    if two_factor.has_two_factor(request.user):
        return redirect("two_factor")
    device = two_factor.unconfirmed_totp_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token("".join(form.cleaned_data["code"].split())):
            with transaction.atomic():
                device.confirmed = True
                device.save()
                codes = two_factor.new_recovery_codes(request.user)
                audit.record(request, audit.Action.TWO_FACTOR_ON, obj=request.user)
            otp_login(request, device)
            return render(request, "registration/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
        form.add_error("code", "That code is not the one your app shows now. Check the app and try again.")
    uri = device.config_url.replace("otpauth://totp/", f"otpauth://totp/{settings.OTP_TOTP_ISSUER}:", 1)
    context = {"form": form, "qr": segno.make(uri).svg_data_uri(scale=5), "secret": _spaced(device.bin_key)}
    return render(request, "registration/two_factor_setup.html", context)


def _spaced(key):
    from base64 import b32encode

    text = b32encode(key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of signing in: a code from the app, or a recovery code (used up)."""
    if not two_factor.has_two_factor(request.user):
        return redirect("two_factor_setup")  # required by the setting but not set up yet
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            audit.record(request, audit.Action.TWO_FACTOR_VERIFIED, detail=device.persistent_id)
            return redirect(_next_url(request))
        audit.record(request, audit.Action.TWO_FACTOR_FAILED, outcome=audit.Outcome.FAILED)
        form.add_error("code", "That code was not accepted. Enter the code your app shows now, or a recovery code.")
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
def two_factor_disable(request):
    if two_factor.must_use_two_factor(request.user):
        raise PermissionDenied("Coordinators and administrators must keep two-factor sign-in on.")
    form = PasswordConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            two_factor.remove_two_factor(request.user)
            audit.record(request, audit.Action.TWO_FACTOR_OFF, obj=request.user)
        messages.success(request, "Two-factor sign-in is off.")
        return redirect("two_factor")
    return render(request, "registration/two_factor_disable.html", {"form": form})


@require_POST
def recovery_codes(request):
    if not two_factor.has_two_factor(request.user):
        return redirect("two_factor")
    with transaction.atomic():
        codes = two_factor.new_recovery_codes(request.user)
        audit.record(request, audit.Action.RECOVERY_CODES, obj=request.user)
    return render(request, "registration/recovery_codes.html", {"codes": codes, "next": reverse("two_factor")})


@require_http_methods(["GET", "POST"])
def locked_accounts(request):
    """The coordinator's list of their partnership's people locked out after failed sign-ins, to unlock."""
    membership = require_coordinator(request.user)
    people = Membership.objects.filter(agency__partnership=membership.agency.partnership).select_related("user")
    usernames = {m.user.username: m.user for m in people}
    locked = lockouts.locked_usernames(usernames)
    if request.method == "POST":
        username = request.POST.get("username", "")
        if username not in usernames:
            raise Http404("No one of your partnership has that username.")
        if username not in locked:
            messages.error(request, "That account is not locked.")
        else:
            lockouts.unlock(username)
            audit.record(request, audit.Action.UNLOCKED, obj=usernames[username])
            messages.success(request, f"{username} may sign in again.")
        return redirect("locked_accounts")
    return render(request, "registration/locked_accounts.html", {"locked": [usernames[name] for name in locked]})


@login_not_required
@require_safe
def privacy(request):
    return render(
        request,
        "privacy.html",
        {"retention_days": settings.AUDIT_RETENTION_DAYS, "session_hours": settings.SESSION_COOKIE_AGE // 3600},
    )


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """For the load balancer: 200 when this server can query the database, 503 when it cannot."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this instead of signing in a locked username (AXES_LOCKOUT_CALLABLE)."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)


def password_change(request, *args, **kwargs):
    """Change one's password; refused to someone whose partnership signs in by single sign-on only (a password
    they could not use), break-glass administrators apart (``sso.password_refused``)."""
    from django.contrib.auth import views as auth_views

    from .sso import password_refused

    if request.user.is_authenticated and password_refused(request.user):
        raise PermissionDenied(
            "Your partnership signs in with your organisation's account only: there is no password here to change."
        )
    return auth_views.PasswordChangeView.as_view()(request, *args, **kwargs)
