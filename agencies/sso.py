"""Single sign-on with OpenID Connect: a person signs in with their organisation's account (Microsoft Entra ID,
Google Workspace, any standard provider) and is matched to their membership by a **verified** e-mail address.

mozilla-django-oidc does the protocol: the authorisation request with state, nonce and PKCE
(``OIDCAuthenticationRequestView``), the code-for-token exchange and finding the provider's signing key in its JWKS.
This module checks what the library leaves unchecked (the ID token's audience, and its issuer) and decides who the
person is. It never makes an account, except for the invited person accepting their invitation, and never goes
through ``django.contrib.auth.authenticate``: a refusal here is no failed password and counts toward no
django-axes lockout (the provider throttles its own sign-ins). Every refusal is a ``Refused`` with a message for the
sign-in page and a reason for the audit log (``agencies.sso_views.callback``).
"""

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify

from . import services

#: Set on the request by the callback before it signs the person in: the audit entry and the two-factor rule read it
#: (``agencies.signals.record_sign_in``).
REQUEST_MARK = "single_sign_on"
#: Seconds of clock difference allowed between the provider and this server when reading a token's times.
LEEWAY = 60

TRY_AGAIN = "Single sign-on did not work this time: please try again. If it keeps failing, tell your IT service desk."


class Refused(Exception):
    """A sign-in through the organisation's account that is not let in: ``message`` for the person, ``reason`` for
    the audit log, ``email`` the address the provider gave (if any)."""

    def __init__(self, message, *, reason, email=""):
        super().__init__(message)
        self.message, self.reason, self.email = message, reason, email


def enabled():
    return settings.OIDC_ENABLED


def password_refused(user):
    """Whether the password form refuses this person: their partnership signs in only through single sign-on and
    they are no break-glass administrator (superusers, and anyone given the ``agencies.password_when_sso_only``
    permission)."""
    membership = getattr(user, "membership", None)
    if membership is None or not membership.agency.partnership.sso_only:
        return False
    return not user.has_perm("agencies.password_when_sso_only")


class ProviderClient(OIDCAuthenticationBackend):
    """mozilla-django-oidc's client for the code flow, with every claim of the ID token that says who it is for
    checked: signature (the provider's key from its JWKS), audience (this application's client id), issuer, expiry,
    nonce (this browser's sign-in)."""

    def claims(self, request, *, code, nonce, code_verifier):
        """The verified claims of the person the provider signed in, for this browser's sign-in (``nonce``)."""
        self.request = request
        try:
            tokens = self.get_token(
                {
                    "client_id": self.OIDC_RP_CLIENT_ID,
                    "client_secret": self.OIDC_RP_CLIENT_SECRET,
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": absolutify(request, reverse(settings.OIDC_AUTHENTICATION_CALLBACK_URL)),
                    "code_verifier": code_verifier,
                }
            )
            id_token = tokens.get("id_token") or ""
            payload = self._verify_jws(id_token, self.retrieve_matching_jwk(id_token))
            if payload.get("nonce") != nonce:
                raise Refused(TRY_AGAIN, reason="the ID token's nonce is not this sign-in's (a replayed token?)")
            if not settings.OIDC_OP_USER_ENDPOINT:
                return payload
            info = self.get_userinfo(tokens.get("access_token"), id_token, payload)
        except requests.RequestException as exc:
            raise Refused(TRY_AGAIN, reason=f"the provider could not be asked: {type(exc).__name__}") from exc
        except (SuspiciousOperation, jwt.InvalidTokenError, KeyError, ValueError) as exc:
            raise Refused(TRY_AGAIN, reason=f"the provider's answer is not valid: {exc}") from exc
        if info.get("sub") != payload.get("sub"):
            raise Refused(TRY_AGAIN, reason="the provider's user information is about someone else (sub differs)")
        return {**info, **payload}  # the signed ID token's claims win

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise Refused(TRY_AGAIN, reason=f"the ID token is signed with {header.get('alg')!r}, not the one expected")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER,
                leeway=LEEWAY,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Refused(
                "Your sign-in with your organisation's account took too long and has expired: please sign in again.",
                reason="the ID token has expired",
            ) from exc
        except jwt.InvalidAudienceError as exc:
            raise Refused(TRY_AGAIN, reason="the ID token was issued for another application (audience)") from exc
        except jwt.InvalidIssuerError as exc:
            raise Refused(TRY_AGAIN, reason="the ID token was issued by another provider (issuer)") from exc
        except jwt.InvalidTokenError as exc:
            raise Refused(TRY_AGAIN, reason=f"the ID token is not valid: {exc}") from exc


def verified_email(claims):
    """The e-mail address the provider vouches for, or ``Refused``: an address it has not verified could be anyone's."""
    email = str(claims.get("email") or "").strip()
    if not email:
        raise Refused(
            "Your organisation's account did not give an e-mail address, so you cannot be matched to your place in the "
            "partnership. Ask your IT service desk to release your e-mail address to this application.",
            reason="no e-mail claim",
        )
    verified = claims.get(settings.OIDC_EMAIL_VERIFIED_CLAIM)
    if verified is not True and str(verified).lower() != "true":
        raise Refused(
            f"Your organisation's account has not verified the e-mail address {email}, so it cannot be used to sign "
            "in here. Ask your IT service desk to verify it, or sign in with your password.",
            reason=f"e-mail not verified ({settings.OIDC_EMAIL_VERIFIED_CLAIM}={verified!r})",
            email=email,
        )
    return email


def person_for(claims):
    """The active member whose account has this verified e-mail address (case aside)."""
    email = verified_email(claims)
    people = list(get_user_model().objects.filter(email__iexact=email, membership__isnull=False)[:2])
    if not people:
        raise Refused(
            f"No one in any partnership here has the e-mail address {email}. If you should have access, ask your "
            "partnership's coordinator to invite you.",
            reason="unknown person",
            email=email,
        )
    if len(people) > 1:
        raise Refused(
            f"More than one account here has the e-mail address {email}, so single sign-on cannot tell which is "
            "yours. Sign in with your password, or ask an administrator.",
            reason="more than one account with this e-mail",
            email=email,
        )
    if not people[0].is_active:
        raise Refused(
            "Your account here has been deactivated, so you cannot sign in. If you still need access, ask your "
            "partnership's coordinator.",
            reason="deactivated member",
            email=email,
        )
    return people[0]


def accept_invitation(digest, claims):
    """The account made by accepting the invitation (stored under ``digest``, its link's hash) as the person the
    provider signed in, whose verified e-mail must be the invited address."""
    email = verified_email(claims)
    try:
        invitation = services.invitation_for_digest(digest)
    except services.InvitationError as exc:
        raise Refused(str(exc), reason="invitation not usable", email=email) from exc
    if email.lower() != invitation.email.lower():
        raise Refused(
            f"The invitation was sent to {invitation.email}, but you signed in as {email}. Sign in with the invited "
            "account, or ask your coordinator to invite this address.",
            reason=f"invitation was for {invitation.email}",
            email=email,
        )
    try:
        return services.invitation_accept(
            digest=digest,
            first_name=str(claims.get("given_name") or "")[:150],
            last_name=str(claims.get("family_name") or "")[:150],
            password=None,
        )
    except services.InvitationError as exc:
        raise Refused(str(exc), reason="invitation not usable", email=email) from exc
