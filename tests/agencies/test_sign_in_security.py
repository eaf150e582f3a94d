"""Sign-in defences: throttling and lockout, password rules, idle and deactivated sessions."""

import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies.models import AuditEntry
from config.middleware import SESSION_LAST_SEEN
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_ten_wrong_passwords_lock_the_username_and_the_right_one_is_then_refused_with_a_clear_message(client, member):
    for _ in range(9):
        assert sign_in(client, "member", "wrong-password").status_code == 200
    assert sign_in(client, "member", "wrong-password").status_code == 429  # the tenth failure locks
    response = sign_in(client, "member", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "This account is locked after 10 failed sign-ins" in page
    assert "coordinator or an administrator" in page
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_from_another_address_too(client, member):
    for _ in range(10):
        sign_in(client, "member", "wrong-password", address="203.0.113.7")
    assert sign_in(client, "member", PASSWORD, address="198.51.100.20").status_code == 429


def test_nine_wrong_passwords_do_not_lock_and_a_success_clears_them(client, member):
    for _ in range(9):
        sign_in(client, "member", "wrong-password")
    assert sign_in(client, "member", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="member").exists()


def test_failures_and_the_lockout_are_in_the_audit_log_with_the_address(client, member):
    for _ in range(10):
        sign_in(client, "member", "wrong-password")
    failed = AuditEntry.objects.filter(action=AuditEntry.Action.SIGN_IN_FAILED, username="member")
    assert failed.count() == 10
    assert set(failed.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    lockout = AuditEntry.objects.get(action=AuditEntry.Action.LOCKED_OUT)
    assert (lockout.username, lockout.outcome) == ("member", "refused")


def test_a_successful_sign_in_is_audited(client, member):
    sign_in(client, "member", PASSWORD)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SIGN_IN)
    assert (entry.user, entry.ip_address, entry.outcome) == (member, "203.0.113.7", "ok")


def lock(client, username):
    for _ in range(10):
        sign_in(client, username, "wrong-password")


def test_the_coordinator_sees_and_unlocks_a_locked_member_of_their_partnership(client, client_as, member, coordinator):
    lock(client, "member")
    coordinator_client = client_as(coordinator)
    page = coordinator_client.get(reverse("locked_accounts")).content.decode()
    assert "Unlock member" in page
    response = coordinator_client.post(reverse("locked_accounts"), {"username": "member"})
    assert response.status_code == 302
    assert sign_in(client, "member", PASSWORD).status_code == 302
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UNLOCKED, user=coordinator).count() == 1


def test_a_coordinator_cannot_unlock_another_partnerships_person(client, client_as, coordinator, outsider):
    lock(client, "outsider")
    coordinator_client = client_as(coordinator)
    assert "outsider" not in coordinator_client.get(reverse("locked_accounts")).content.decode()
    coordinator_client.post(reverse("locked_accounts"), {"username": "outsider"})
    assert sign_in(client, "outsider", PASSWORD).status_code == 429


def test_only_the_coordinator_may_unlock(client_as, member):
    assert client_as(member).get(reverse("locked_accounts")).status_code == 403


def test_an_administrator_unlocks_by_deleting_the_attempt_in_the_admin(client, client_as, member, admin_user):
    lock(client, "member")
    attempt = AccessAttempt.objects.get(username="member")
    admin_client = client_as(admin_user)
    admin_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert sign_in(client, "member", PASSWORD).status_code == 302


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("sh0rt-pass!")  # 11
    validate_password("a-longer-pass")  # 13


def test_an_idle_session_ends_and_the_person_is_asked_to_sign_in_again(client_as, member, settings):
    client = client_as(member)
    session = client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    response = client.get(reverse("actions:my_actions"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    follow = client.get(response["Location"])
    assert "signed out after a period without activity" in follow.content.decode()


def test_an_active_session_is_not_ended(client_as, member, settings):
    client = client_as(member)
    session = client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT + 60
    session.save()
    assert client.get(reverse("actions:my_actions")).status_code == 200


def test_a_deactivated_users_live_session_ends_at_their_next_request(client_as):
    user = MembershipFactory().user
    client = client_as(user)
    assert client.get(reverse("actions:my_actions")).status_code == 200
    user.is_active = False
    user.save()
    response = client.get(reverse("actions:my_actions"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
