"""Sign-in defences in a real Chromium: the lockout page, two-factor sign-in, and no page breaking the CSP."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from agencies.models import AuditEntry, Membership
from tests.factories import PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def csp_violations(page):
    found = []
    page.on(
        "console", lambda message: found.append(message.text) if "Content Security Policy" in message.text else None
    )
    return found


def test_ten_wrong_passwords_show_the_lockout_page(page, live_server, assert_accessible):
    MembershipFactory(user__username="health.member", role=Membership.Role.MEMBER)
    for _ in range(10):
        page.goto(live_server.url + reverse("login"))
        page.get_by_label("Username").fill("health.member")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in locked")
    expect(page.get_by_role("alert")).to_contain_text("locked after 10 failed sign-ins")
    assert_accessible("locked-out")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOCKED_OUT, username="health.member").exists()


def test_a_member_turns_on_two_factor_and_signs_in_with_a_code(page, live_server, login, assert_accessible):
    violations = csp_violations(page)
    user = MembershipFactory(user__username="two.factor", role=Membership.Role.MEMBER).user
    login(user)
    page.get_by_role("link", name="Two-factor sign-in").click()
    assert_accessible("two-factor-off")
    page.get_by_role("link", name="Turn two-factor sign-in on").click()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert_accessible("two-factor-setup")
    device = TOTPDevice.objects.get(user=user)
    page.get_by_label("Code").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible("recovery-codes")
    page.get_by_role("link", name=re.compile("continue")).click()
    page.get_by_role("button", name="Sign out").first.click()

    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill("two.factor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert_accessible("two-factor-verify")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("actions", re.I))
    assert violations == []


def test_the_privacy_notice_is_reached_from_the_sign_in_page_on_a_phone(page, live_server, assert_accessible):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server.url + reverse("login"))
    page.get_by_role("link", name=re.compile("Privacy notice: what the tracker holds")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    expect(page.get_by_role("heading", name="For how long")).to_be_visible()
    assert_accessible("privacy-narrow")
