"""Two-factor sign-in: turning it on with an authenticator app, signing in with a code, recovery codes, the rule."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device):
    """The code an authenticator app would show now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def turn_on(client, user):
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_factor_setup"), {"code": code_for(device)})
    assert response.status_code == 200
    return device, response.context["codes"]


def sign_in(client, user, password=PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def test_a_member_turns_it_on_and_gets_ten_recovery_codes(client_as, member):
    device, codes = turn_on(client_as(member), member)
    device.refresh_from_db()
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert AuditEntry.objects.filter(action=AuditEntry.Action.TWO_FACTOR_ON, user=member).count() == 1


def test_a_wrong_first_code_leaves_it_off(client_as, member):
    client = client_as(member)
    client.get(reverse("two_factor_setup"))
    response = client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert "not the one your app shows" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=member, confirmed=True).exists()


def test_with_it_on_signing_in_asks_for_a_code_before_any_page(client, client_as, member):
    device, _ = turn_on(client_as(member), member)
    response = sign_in(client, member)
    assert response.status_code == 302
    page = client.get(reverse("actions:my_actions"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("two_factor_verify"))
    wrong = client.post(reverse("two_factor_verify"), {"code": "000000", "next": "/actions/mine/"})
    assert "not accepted" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # django-otp slows down guessing after a failure; reset for the test
    device.throttling_failure_timestamp = None
    device.last_t = -1  # the setup code was this step's; an app shows a new one every 30 seconds
    device.save()
    right = client.post(reverse("two_factor_verify"), {"code": code_for(device), "next": "/actions/mine/"})
    assert right.status_code == 302 and right["Location"] == "/actions/mine/"
    assert client.get(reverse("actions:my_actions")).status_code == 200
    actions = list(AuditEntry.objects.filter(user=member).values_list("action", flat=True))
    assert "two_factor_failed" in actions and "two_factor_ok" in actions


def test_a_recovery_code_signs_in_once(client, client_as, member):
    _, codes = turn_on(client_as(member), member)
    sign_in(client, member)
    assert client.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 302
    assert client.get(reverse("actions:my_actions")).status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    client.post(reverse("logout"))
    sign_in(client, member)
    assert "not accepted" in client.post(reverse("two_factor_verify"), {"code": codes[0]}).content.decode()


def test_a_next_address_elsewhere_is_not_followed(client, client_as, member):
    _, codes = turn_on(client_as(member), member)
    sign_in(client, member)
    response = client.post(reverse("two_factor_verify"), {"code": codes[1], "next": "https://evil.example/"})
    assert response["Location"] == reverse("actions:my_actions")


def test_turning_it_off_needs_the_password_and_is_audited(client_as, member):
    client = client_as(member)
    turn_on(client, member)
    assert "not your password" in client.post(reverse("two_factor_disable"), {"password": "nope"}).content.decode()
    assert TOTPDevice.objects.filter(user=member).exists()
    client.post(reverse("two_factor_disable"), {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.TWO_FACTOR_OFF, user=member).count() == 1


def test_when_the_setting_requires_it_a_coordinator_must_set_it_up_first(client, coordinator, settings):
    settings.OTP_REQUIRED_FOR_COORDINATORS = True
    sign_in(client, coordinator)
    response = client.get(reverse("actions:plan"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert client.get(response["Location"])["Location"] == reverse("two_factor_setup")
    device, _ = turn_on(client, coordinator)
    assert client.get(reverse("actions:plan")).status_code == 200
    assert client.get(reverse("two_factor_disable")).status_code == 403


def test_when_the_setting_requires_it_a_member_still_may_choose(client, member, settings):
    settings.OTP_REQUIRED_FOR_COORDINATORS = True
    sign_in(client, member)
    assert client.get(reverse("actions:my_actions")).status_code == 200


def test_new_recovery_codes_replace_the_old_ones(client_as, member):
    client = client_as(member)
    _, old = turn_on(client, member)
    new = client.post(reverse("recovery_codes")).context["codes"]
    assert set(old).isdisjoint(new)
    assert set(StaticToken.objects.filter(device__user=member).values_list("token", flat=True)) == set(new)


def test_the_settings_page_says_whether_it_is_on(client_as, member):
    client = client_as(member)
    assert "Status: off" in client.get(reverse("two_factor")).content.decode()
    turn_on(client, member)
    assert "Status: on" in client.get(reverse("two_factor")).content.decode()
