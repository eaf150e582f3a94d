"""The coordinator's locked accounts: a person locked by failures spread over browsers or addresses (which axes adds
up) is listed and can be unlocked, by their own partnership's coordinator only."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from agencies.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username, password, address="203.0.113.7", browser="Firefox/140.0"):
    data = {"username": username, "password": password}
    return client.post(reverse("login"), data, REMOTE_ADDR=address, HTTP_USER_AGENT=browser)


def fail_from_ten_browsers(client, username):
    for number in range(10):
        sign_in(client, username, "wrong-password", browser=f"Browser/{number}")


def fail_from_four_addresses(client, username):
    for number in range(10):
        sign_in(client, username, "wrong-password", address=f"198.51.100.{number % 4 + 1}")


SPREADS = [fail_from_ten_browsers, fail_from_four_addresses]


@pytest.mark.parametrize("spread", SPREADS)
def test_failures_spread_over_browsers_or_addresses_lock_and_the_coordinator_lists_and_unlocks(
    client, client_as, member, coordinator, spread
):
    spread(client, "member")
    assert not AccessAttempt.objects.filter(username="member", failures_since_start__gte=10).exists()
    assert sign_in(client, "member", PASSWORD, address="192.0.2.99", browser="Another/1").status_code == 429

    coordinator_client = client_as(coordinator)
    page = coordinator_client.get(reverse("locked_accounts")).content.decode()
    assert "Unlock member" in page and "No account of your partnership is locked" not in page
    assert coordinator_client.post(reverse("locked_accounts"), {"username": "member"}).status_code == 302

    assert AuditEntry.objects.filter(action=AuditEntry.Action.UNLOCKED, user=coordinator).count() == 1
    assert (
        "No account of your partnership is locked"
        in coordinator_client.get(reverse("locked_accounts")).content.decode()
    )
    assert sign_in(client, "member", PASSWORD).status_code == 302


@pytest.mark.parametrize("spread", SPREADS)
def test_another_partnerships_coordinator_can_neither_see_nor_unlock_them(client, client_as, member, outsider, spread):
    spread(client, "member")
    outsider_client = client_as(outsider)
    assert "member" not in outsider_client.get(reverse("locked_accounts")).content.decode()
    assert outsider_client.post(reverse("locked_accounts"), {"username": "member"}).status_code == 404
    assert sign_in(client, "member", PASSWORD).status_code == 429
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.UNLOCKED).exists()


def test_nine_spread_failures_lock_no_one_and_list_no_one(client, client_as, member, coordinator):
    for number in range(9):
        sign_in(client, "member", "wrong-password", browser=f"Browser/{number}")
    coordinator_client = client_as(coordinator)
    assert (
        "No account of your partnership is locked"
        in coordinator_client.get(reverse("locked_accounts")).content.decode()
    )
    coordinator_client.post(reverse("locked_accounts"), {"username": "member"})
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.UNLOCKED).exists()
    assert sign_in(client, "member", PASSWORD).status_code == 302


def test_a_lock_whose_cool_off_has_passed_is_not_listed_as_axes_lets_them_in(
    client, client_as, member, coordinator, settings
):
    fail_from_ten_browsers(client, "member")
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - settings.AXES_COOLOFF_TIME)
    page = client_as(coordinator).get(reverse("locked_accounts")).content.decode()
    assert "No account of your partnership is locked" in page
    assert sign_in(client, "member", PASSWORD).status_code == 302


def test_the_locked_list_takes_a_bounded_number_of_queries(
    client, client_as, member, other_agency_member, reader, coordinator, django_assert_max_num_queries
):
    for username in ["member", "other.member", "reader"]:
        fail_from_ten_browsers(client, username)
    coordinator_client = client_as(coordinator)
    with django_assert_max_num_queries(4 + 2 * 3):  # the page's own, then axes' two sums per locked person
        page = coordinator_client.get(reverse("locked_accounts")).content.decode()
    assert all(f"Unlock {name}" in page for name in ["member", "other.member", "reader"])
