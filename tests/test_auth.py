"""Signing in and out, and the rule that every page but the login page needs a signed-in user."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db

#: Open without signing in; "accept" is where an invited person (who has no account yet) chooses a password, or
#: ("accept_sso") signs in with their organisation's account; "sso_*" are the single sign-on round trip.
PUBLIC = {"login", "privacy", "healthz", "readyz", "accept", "accept_sso", "accessibility", "sso_start", "sso_callback"}


def our_url_patterns(resolver=None, prefix=""):
    """(name, example path) for every URL of the project outside the admin, with 1 for each argument."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            yield from our_url_patterns(entry, route)
        elif isinstance(entry, URLPattern):
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", "1", route).lstrip("^").rstrip("$")
            yield entry.name, path


def test_every_page_except_the_login_page_sends_an_anonymous_visitor_to_sign_in(client):
    checked = 0
    for name, path in our_url_patterns():
        if name in PUBLIC:
            continue
        response = client.get(path)
        assert response.status_code == 302, (name, path, response.status_code)
        assert response["Location"].startswith(reverse("login")), (name, path)
        checked += 1
    assert checked > 30


def test_the_login_page_is_open_to_anonymous_visitors(client):
    assert client.get(reverse("login")).status_code == 200


def test_a_wrong_password_is_refused_with_a_message(client):
    user = MembershipFactory().user
    response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("role", "landing"),
    [("member", "actions:my_actions"), ("coordinator", "reports:dashboard"), ("reader", "reports:dashboard")],
)
def test_signing_in_lands_each_role_on_its_own_page(client, role, landing):
    user = MembershipFactory(role=role).user
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1] == (reverse(landing), 302)
    assert response.status_code == 200
    assert client.get(reverse("home"))["Location"] == reverse(landing)


def test_signing_out_is_a_post(client):
    client.force_login(MembershipFactory().user)
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_signing_out_without_a_csrf_token_is_refused(client_as):
    client = client_as(MembershipFactory().user, enforce_csrf_checks=True)
    assert client.post(reverse("logout")).status_code == 403
    assert "_auth_user_id" in client.session


def test_every_user_can_change_their_password(client):
    user = MembershipFactory().user
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-long-passphrase")


def test_a_weak_new_password_is_refused_and_nothing_changes(client):
    user = MembershipFactory().user
    client.force_login(user)
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
