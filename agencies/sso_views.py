"""Single sign-on pages: start a sign-in with the organisation's account, come back from it, accept an invitation
through it. Each answers 404 while single sign-on is off (``OIDC_RP_CLIENT_ID`` unset)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from . import audit, backends, services, sso

#: The invitation being accepted through single sign-on: its link's hash, never the link itself.
SESSION_INVITATION = "sso_invitation"


def _require_enabled():
    if not sso.enabled():
        raise Http404("Single sign-on is not set up here.")


@login_not_required
@never_cache
@require_safe
def start(request):
    """Send the browser to the provider, with a new state, nonce and PKCE challenge kept in the session."""
    _require_enabled()
    request.session.pop(SESSION_INVITATION, None)  # a plain sign-in, whatever an abandoned acceptance left
    return _to_provider(request)


def _to_provider(request):
    return OIDCAuthenticationRequestView.as_view()(request)


@login_not_required
@never_cache
@require_safe
def callback(request):
    """Back from the provider: sign the person in, or say on the sign-in page why not (and audit it)."""
    _require_enabled()
    digest = request.session.pop(SESSION_INVITATION, None)
    next_url = request.session.pop("oidc_login_next", None)
    try:
        nonce, code_verifier = _take_state(request)
        claims = sso.ProviderClient().claims(
            request, code=request.GET.get("code", ""), nonce=nonce, code_verifier=code_verifier
        )
        user = sso.accept_invitation(digest, claims) if digest else sso.person_for(claims)
    except sso.Refused as refusal:
        audit.record(
            request,
            audit.Action.SSO_REFUSED,
            outcome=audit.Outcome.REFUSED,
            username=refusal.email,
            detail=refusal.reason,
        )
        messages.error(request, refusal.message)
        return redirect("login")
    setattr(request, sso.REQUEST_MARK, claims.get("iss", True))
    login(request, user, backend=backends.PATH)
    return redirect(next_url or "home")


def _take_state(request):
    """This sign-in's nonce and PKCE verifier, used up (a state answers once), or ``Refused``."""
    states = request.session.get("oidc_states") or {}
    state = states.pop(request.GET.get("state", ""), None)
    request.session["oidc_states"] = states
    if request.GET.get("error"):
        raise sso.Refused(
            "Your organisation's account did not sign you in here"
            + (f": {request.GET['error_description'][:200]}" if request.GET.get("error_description") else ".")
            + " Try again, or ask your IT service desk.",
            reason=f"the provider answered {request.GET['error'][:100]!r}",
        )
    if state is None or not request.GET.get("code"):
        raise sso.Refused(sso.TRY_AGAIN, reason="unknown or used state (another browser, or a replayed answer)")
    return state["nonce"], state.get("code_verifier")


@login_not_required
@never_cache
@require_safe
def accept(request, token):
    """Accept an invitation by signing in with the organisation's account whose verified address was invited."""
    _require_enabled()
    try:
        services.invitation_for_token(token)
    except services.InvitationError as exc:
        return render(request, "agencies/invitation_invalid.html", {"reason": str(exc)}, status=410)
    request.session[SESSION_INVITATION] = services.token_hash(token)
    return _to_provider(request)
