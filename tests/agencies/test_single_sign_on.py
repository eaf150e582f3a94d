"""Single sign-on with OpenID Connect, against a real provider on a loopback port (tests/oidc_provider.py): real
HTTP, real RS256-signed ID tokens, the code flow with state, nonce and PKCE."""

import datetime

import jwt
import pytest
import requests
from axes.models import AccessAttempt
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from agencies import services
from agencies.models import AuditEntry, Invitation, Membership
from tests.factories import PASSWORD, MembershipFactory
from tests.oidc_provider import sign_in_through

pytestmark = pytest.mark.django_db
Action, Outcome = AuditEntry.Action, AuditEntry.Outcome


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def refusal(response, words):
    """The refusal is on the sign-in page, in an alert, and the one new audit entry says why."""
    assert response.redirect_chain[-1][0] == reverse("login")
    page = response.content.decode().replace("&#x27;", "'")
    assert words in page, page
    entry = AuditEntry.objects.get(action=Action.SSO_REFUSED)
    assert entry.outcome == Outcome.REFUSED
    assert not AuditEntry.objects.filter(action=Action.SIGN_IN).exists()
    return entry


def test_a_member_signs_in_with_their_organisations_account_matched_by_verified_email(client, sso_on, member):
    sso_on.identity = sso_on.person(email=member.email.upper())  # case aside
    response = sign_in_through(client, sso_on)
    assert signed_in_user(client) == member
    assert response.redirect_chain[-1][0] == reverse("actions:my_actions")
    entry = AuditEntry.objects.get(action=Action.SIGN_IN)
    assert (entry.user, entry.outcome, entry.detail) == (member, Outcome.OK, f"single sign-on: {sso_on.issuer}")
    assert entry.ip_address == "127.0.0.1"
    asked = sso_on.authorised[-1]
    assert asked["code_challenge_method"] == "S256" and asked["nonce"] and asked["state"]
    assert "email" in asked["scope"].split()


def test_the_sign_in_page_offers_single_sign_on_only_when_it_is_set_up(client, settings, sso_on):
    assert "Sign in with your organisation&#x27;s account" in client.get(reverse("login")).content.decode()
    settings.OIDC_ENABLED = False
    assert "Sign in with" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("sso_start")).status_code == 404
    assert client.get(reverse("sso_callback")).status_code == 404


def test_it_goes_back_to_the_page_asked_for(client, sso_on, member):
    sso_on.identity = sso_on.person(email=member.email)
    response = sign_in_through(client, sso_on, start=f"{reverse('sso_start')}?next={reverse('reports:dashboard')}")
    assert response.redirect_chain[-1][0] == reverse("reports:dashboard")


def test_a_token_for_another_application_is_refused(client, sso_on, member):
    sso_on.identity = sso_on.person(email=member.email)
    sso_on.tamper = {"aud": "another-application"}
    entry = refusal(sign_in_through(client, sso_on), "Single sign-on did not work this time")
    assert "audience" in entry.detail
    assert signed_in_user(client) is None


def test_an_expired_token_is_refused(client, sso_on, member):
    sso_on.identity = sso_on.person(email=member.email)
    now = int(timezone.now().timestamp())
    sso_on.tamper = {"iat": now - 900, "exp": now - 600}
    entry = refusal(sign_in_through(client, sso_on), "has expired: please sign in again")
    assert entry.detail == "the ID token has expired"
    assert signed_in_user(client) is None


def test_a_token_for_another_sign_in_is_refused(client, sso_on, member):
    sso_on.identity = sso_on.person(email=member.email)
    sso_on.tamper = {"nonce": "a-nonce-of-another-sign-in"}
    entry = refusal(sign_in_through(client, sso_on), "Single sign-on did not work this time")
    assert "nonce" in entry.detail
    assert signed_in_user(client) is None


def test_a_token_from_another_issuer_is_refused(client, sso_on, member):
    sso_on.identity = sso_on.person(email=member.email)
    sso_on.tamper = {"iss": "http://127.0.0.1:1"}
    assert "issuer" in refusal(sign_in_through(client, sso_on), "did not work").detail
    assert signed_in_user(client) is None


def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(client, sso_on, member):
    sso_on.identity = sso_on.person(email=member.email)
    sso_on.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert "Signature verification failed" in refusal(sign_in_through(client, sso_on), "did not work").detail
    assert signed_in_user(client) is None


def test_an_unverified_email_is_refused(client, sso_on, member):
    sso_on.identity = sso_on.person(email=member.email, verified=False)
    entry = refusal(sign_in_through(client, sso_on), f"has not verified the e-mail address {member.email}")
    assert (entry.username, entry.detail) == (member.email, "e-mail not verified (email_verified=False)")
    assert signed_in_user(client) is None


def test_an_unknown_person_is_refused(client, sso_on, member):
    sso_on.identity = sso_on.person(email="stranger@example.org")
    entry = refusal(sign_in_through(client, sso_on), "No one in any partnership here has the e-mail address")
    assert (entry.username, entry.detail) == ("stranger@example.org", "unknown person")
    assert not get_user_model().objects.filter(email="stranger@example.org").exists()


def test_an_account_without_a_membership_is_not_matched(client, sso_on, django_user_model):
    django_user_model.objects.create_user("loose", email="loose@example.org", password=PASSWORD)
    sso_on.identity = sso_on.person(email="loose@example.org")
    assert refusal(sign_in_through(client, sso_on), "No one in any partnership").detail == "unknown person"


def test_a_deactivated_member_is_refused(client, sso_on, member):
    member.is_active = False
    member.save()
    sso_on.identity = sso_on.person(email=member.email)
    entry = refusal(sign_in_through(client, sso_on), "Your account here has been deactivated")
    assert entry.detail == "deactivated member"
    assert signed_in_user(client) is None


def test_a_provider_that_refuses_is_said_so(client, sso_on):
    to_provider = client.get(reverse("sso_start"))
    state = dict(p.split("=") for p in to_provider["Location"].split("?")[1].split("&"))["state"]
    response = client.get(reverse("sso_callback"), {"state": state, "error": "access_denied"}, follow=True)
    assert "did not sign you in here" in response.content.decode().replace("&#x27;", "'")
    assert AuditEntry.objects.get(action=Action.SSO_REFUSED).detail == "the provider answered 'access_denied'"


def test_an_answer_replayed_or_from_another_browser_is_refused(client, sso_on, member):
    sso_on.identity = sso_on.person(email=member.email)
    to_provider = client.get(reverse("sso_start"))
    back = requests.get(to_provider["Location"], allow_redirects=False, timeout=5).headers["Location"]
    assert client.get(back).status_code == 302
    assert signed_in_user(client) == member
    client.post(reverse("logout"))
    replayed = client.get(back, follow=True)
    assert "did not work this time" in replayed.content.decode()
    entry = AuditEntry.objects.get(action=Action.SSO_REFUSED)
    assert entry.detail == "unknown or used state (another browser, or a replayed answer)"
    assert signed_in_user(client) is None


def test_refusals_count_toward_no_password_lockout(client, sso_on, member, settings):
    settings.AXES_FAILURE_LIMIT = 2
    sso_on.identity = sso_on.person(email=member.email, verified=False)
    for _ in range(3):
        sign_in_through(client, sso_on)
    assert not AccessAttempt.objects.exists()
    assert client.post(reverse("login"), {"username": member.username, "password": PASSWORD}).status_code == 302


# --- invitations ------------------------------------------------------------------------------------------------


@pytest.fixture
def invitation(coordinator, agency):
    return Invitation.objects.create(
        agency=agency,
        email="new.person@example.org",
        role=Membership.Role.MEMBER,
        job_title="Team leader",
        token_hash=services.token_hash("the-link-token"),
        invited_by=coordinator,
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )


def test_an_invitation_is_accepted_by_signing_in_with_the_invited_address(client, sso_on, invitation):
    page = client.get(reverse("agencies:accept", args=["the-link-token"])).content.decode()
    assert '<a class="btn btn-primary" href="single-sign-on/">Accept by signing in with' in page  # beside the page
    assert reverse("agencies:accept_sso", args=["the-link-token"]).endswith("/the-link-token/single-sign-on/")
    sso_on.identity = sso_on.person(email="New.Person@example.org", given_name="Nia", family_name="Person")
    response = sign_in_through(client, sso_on, start=reverse("agencies:accept_sso", args=["the-link-token"]))
    user = signed_in_user(client)
    assert (user.username, user.get_full_name(), user.has_usable_password()) == (
        "new.person@example.org",
        "Nia Person",
        False,
    )
    assert (user.membership.agency, user.membership.job_title) == (invitation.agency, "Team leader")
    assert response.redirect_chain[-1][0] == reverse("actions:my_actions")
    invitation.refresh_from_db()
    assert invitation.accepted_at and invitation.user == user
    assert AuditEntry.objects.get(action=Action.SIGN_IN).user == user
    client.post(reverse("logout"))
    sign_in_through(client, sso_on)  # afterwards, an ordinary sign-in
    assert signed_in_user(client) == user


def test_an_invitation_is_not_accepted_by_another_address(client, sso_on, invitation):
    sso_on.identity = sso_on.person(email="someone.else@example.org")
    response = sign_in_through(client, sso_on, start=reverse("agencies:accept_sso", args=["the-link-token"]))
    entry = refusal(response, "The invitation was sent to new.person@example.org, but you signed in as")
    assert "the-link-token" not in entry.path
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_invitation_is_not_accepted_by_an_unverified_address(client, sso_on, invitation):
    sso_on.identity = sso_on.person(email="new.person@example.org", verified=False)
    sign_in_through(client, sso_on, start=reverse("agencies:accept_sso", args=["the-link-token"]))
    assert AuditEntry.objects.get(action=Action.SSO_REFUSED).detail.startswith("e-mail not verified")
    assert not get_user_model().objects.filter(email="new.person@example.org").exists()


def test_an_invitation_to_a_single_sign_on_only_partnership_offers_no_password(client, sso_on, invitation, partnership):
    partnership.sso_only = True
    partnership.save()
    page = client.get(reverse("agencies:accept", args=["the-link-token"])).content.decode()
    assert "Accept by signing in with" in page and "you need no password here" in page
    assert 'name="password1"' not in page


def test_an_abandoned_acceptance_leaves_a_later_sign_in_plain(client, sso_on, invitation, member):
    client.get(reverse("agencies:accept_sso", args=["the-link-token"]))  # never comes back from the provider
    sso_on.identity = sso_on.person(email=member.email)
    sign_in_through(client, sso_on)
    assert signed_in_user(client) == member
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_used_invitation_cannot_start_single_sign_on(client, sso_on, invitation):
    invitation.accepted_at = timezone.now()
    invitation.save()
    assert client.get(reverse("agencies:accept_sso", args=["the-link-token"])).status_code == 410


# --- partnerships that sign in only with single sign-on -------------------------------------------------------


def test_a_partnership_with_sso_only_refuses_its_members_passwords(client, sso_on, member, partnership):
    partnership.sso_only = True
    partnership.save()
    response = client.post(reverse("login"), {"username": member.username, "password": PASSWORD})
    page = response.content.decode().replace("&#x27;", "'")
    assert "East Ayrshire signs in with your organisation's account only" in page
    assert signed_in_user(client) is None
    entry = AuditEntry.objects.get(action=Action.PASSWORD_REFUSED)
    assert (entry.user, entry.outcome) == (member, Outcome.REFUSED)
    sso_on.identity = sso_on.person(email=member.email)
    sign_in_through(client, sso_on)
    assert signed_in_user(client) == member


def test_a_wrong_password_of_such_a_member_is_still_a_wrong_password(client, member, partnership):
    partnership.sso_only = True
    partnership.save()
    response = client.post(reverse("login"), {"username": member.username, "password": "wrong"})
    assert "did not match" in response.content.decode()
    assert not AuditEntry.objects.filter(action=Action.PASSWORD_REFUSED).exists()


def test_break_glass_administrators_still_sign_in_with_a_password(client, partnership, agency):
    from django.contrib.auth.models import Permission

    partnership.sso_only = True
    partnership.save()
    superuser = MembershipFactory(agency=agency, user__username="admin", user__is_superuser=True).user
    given = MembershipFactory(agency=agency, user__username="it.admin").user
    given.user_permissions.add(Permission.objects.get(codename="password_when_sso_only"))
    for user in (superuser, given):
        assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
        assert signed_in_user(client) == user
        client.post(reverse("logout"))


def test_members_of_other_partnerships_still_use_passwords(client, partnership, outsider):
    partnership.sso_only = True
    partnership.save()
    assert client.post(reverse("login"), {"username": outsider.username, "password": PASSWORD}).status_code == 302


# --- two-factor -------------------------------------------------------------------------------------------------


def test_single_sign_on_satisfies_the_coordinators_two_factor_rule_by_default(client, sso_on, coordinator, settings):
    settings.OTP_REQUIRED_FOR_COORDINATORS = True
    sso_on.identity = sso_on.person(email=coordinator.email)
    sign_in_through(client, sso_on)
    assert client.get(reverse("actions:plan")).status_code == 200


def test_without_it_a_coordinator_gives_a_code_after_single_sign_on(client, sso_on, coordinator, settings):
    settings.OTP_REQUIRED_FOR_COORDINATORS = True
    settings.OIDC_SATISFIES_TWO_FACTOR = False
    sso_on.identity = sso_on.person(email=coordinator.email)
    sign_in_through(client, sso_on)
    assert client.get(reverse("actions:plan"))["Location"].startswith(reverse("two_factor_verify"))


def test_a_password_sign_in_still_needs_the_code(client, sso_on, coordinator, settings):
    settings.OTP_REQUIRED_FOR_COORDINATORS = True
    client.post(reverse("login"), {"username": coordinator.username, "password": PASSWORD})
    assert client.get(reverse("actions:plan"))["Location"].startswith(reverse("two_factor_verify"))


def test_the_settings_need_every_endpoint_once_a_client_id_is_set(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import config.settings

    monkeypatch.setenv("OIDC_RP_CLIENT_ID", "tracker")
    with pytest.raises(ImproperlyConfigured, match="OIDC_RP_CLIENT_SECRET, OIDC_OP_ISSUER"):
        importlib.reload(config.settings)
    monkeypatch.delenv("OIDC_RP_CLIENT_ID")
    importlib.reload(config.settings)
    assert config.settings.OIDC_ENABLED is False


def test_the_id_token_is_really_signed_by_the_provider(sso_on):
    """The provider under test signs as a real one does: its JWKS verifies its tokens."""
    sso_on.identity = sso_on.person(email="x@example.org")
    token = jwt.encode({"sub": "1"}, sso_on.key, algorithm="RS256", headers={"kid": sso_on.kid})
    key = jwt.PyJWK(sso_on.jwks()["keys"][0])
    assert jwt.decode(token, key, algorithms=["RS256"]) == {"sub": "1"}


def test_a_member_of_such_a_partnership_has_no_password_to_change(client_as, member, partnership, agency):
    url = reverse("password_change")
    assert client_as(member).get(url).status_code == 200
    partnership.sso_only = True
    partnership.save()
    refused = client_as(member).post(
        url, {"old_password": PASSWORD, "new_password1": "x" * 20, "new_password2": "x" * 20}
    )
    assert refused.status_code == 403 and "no password here to change" in refused.content.decode()
    superuser = MembershipFactory(agency=agency, user__username="admin", user__is_superuser=True).user
    assert client_as(superuser).get(url).status_code == 200  # break-glass
