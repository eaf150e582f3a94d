"""Single sign-on in a real browser: Chromium goes from the sign-in page to the local OpenID Connect provider
(tests/oidc_provider.py) and back, then the member records progress."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actions.models import ProgressUpdate
from agencies.models import AuditEntry
from tests.factories import ActionFactory, RecommendationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_signs_in_with_their_organisations_account_and_records_progress(
    page, live_server, sso_on, partnership, agency, member, assert_accessible
):
    action = ActionFactory(
        partnership=partnership,
        owner=agency,
        reference="sw-1",
        description="Audit case files for multi-agency chronologies.",
        recommendations=(RecommendationFactory(reference="12", position=12),),
    )
    sso_on.identity = sso_on.person(email=member.email)

    page.goto(f"{live_server.url}{reverse('login')}")
    assert_accessible("sign-in-with-single-sign-on")
    page.get_by_role("link", name="Sign in with your organisation's account").click()
    page.wait_for_url(f"{live_server.url}{reverse('actions:my_actions')}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("My actions")
    assert sso_on.authorised, "the browser went through the provider"

    page.get_by_role("link", name="SW 1").first.click()
    page.get_by_role("link", name="Record progress").click()
    page.get_by_label("Status").select_option(label="In progress")
    page.get_by_label("% complete").fill("30")
    page.get_by_label("Note").fill("Signed in with the council account; audit of case files started.")
    page.get_by_role("button", name="Save progress").click()
    expect(page.get_by_role("status").first).to_have_text("Progress recorded on SW 1.")

    update = ProgressUpdate.objects.get(action=action)
    assert (update.author, update.percent_after) == (member, 30)
    sign_in = AuditEntry.objects.get(action=AuditEntry.Action.SIGN_IN)
    assert (sign_in.user, sign_in.detail) == (member, f"single sign-on: {sso_on.issuer}")


def test_an_unknown_person_is_told_why_on_the_sign_in_page(page, live_server, sso_on, assert_accessible):
    sso_on.identity = sso_on.person(email="stranger@example.org")
    page.goto(f"{live_server.url}{reverse('login')}")
    page.get_by_role("link", name="Sign in with your organisation's account").click()
    page.wait_for_url(f"{live_server.url}{reverse('login')}")
    expect(page.get_by_role("alert")).to_contain_text(
        "No one in any partnership here has the e-mail address stranger@example.org"
    )
    assert_accessible("single-sign-on-refused")
    assert AuditEntry.objects.get(action=AuditEntry.Action.SSO_REFUSED).detail == "unknown person"
