"""An administrator loads a national report with only a browser; a coordinator invites a new member, who follows the
emailed link, chooses a password and records their first progress."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from actions.models import ProgressUpdate
from recommendations.loading import load_fixture_files
from recommendations.models import Recommendation, RecommendationLoad
from tests.factories import ActionFactory, UserFactory
from tests.recommendations.template_report import SLUG, fill, write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_loads_a_new_national_report_from_the_template(
    page, live_server, login, assert_accessible, tmp_path
):
    admin = UserFactory(username="ada", first_name="Ada", last_name="Admin", is_staff=True)
    login(admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Load a report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Load a national report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the national report template (.xlsx)").click()
    assert download.value.suggested_filename == "national-report-template.xlsx"
    assert_accessible("load-upload")

    page.get_by_label("Report file").set_input_files(write(tmp_path, fill()))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check national-review-2022.xlsx before loading")
    expect(page.get_by_role("status")).to_contain_text(
        "1 report, 3 themes, 12 recommendations, 5 findings will be created"
    )
    assert_accessible("load-preview")
    assert not Recommendation.objects.exists()

    page.get_by_role("button", name="Load national-review-2022.xlsx").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Loaded national-review-2022.xlsx: 1 report, 3 themes, 12 recommendations, 5 findings created."
    )
    expect(page.get_by_role("table")).to_contain_text("Ada Admin")
    assert RecommendationLoad.objects.get().uploaded_by == admin

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Recommendations").click()
    page.get_by_role("link", name=re.compile("National review into the murders")).click()
    page.get_by_role("link", name=re.compile("Revise Working Together")).click()
    expect(page.locator("blockquote em")).to_have_text("Working Together to Safeguard Children")

    # The command finds the database exactly as the browser left it: the same file changes nothing.
    report = load_fixture_files([write(tmp_path, fill())])
    assert not report.created and not report.updated and report.unchanged_count == 21


def test_an_administrator_sees_a_corrected_text_word_by_word_before_confirming(page, live_server, login, tmp_path):
    call_command("load_recommendations", write(tmp_path, fill()), verbosity=0)
    login(UserFactory(username="ada", is_staff=True))

    def correct(rows):
        rows["Recommendations"][7][3] = "Safeguarding partners must review their arrangements every year."

    page.goto(f"{live_server.url}/recommendations/load/")
    page.get_by_label("Report file").set_input_files(write(tmp_path, fill(correct), name="corrected.xlsx"))
    page.get_by_role("button", name="Upload and preview").click()
    change = page.locator(".word-diff")
    expect(change.locator("del")).to_have_text(["[removed: should]", "[removed: arrangements.]"])
    expect(change.locator("ins")).to_have_text(["[added: must]", "[added: arrangements every year.]"])
    page.get_by_role("button", name="Load corrected.xlsx").click()
    rec = Recommendation.objects.get(report__slug=SLUG, reference="5")
    assert rec.text.endswith("every year.") and rec.history.count() == 2


def test_an_invited_member_follows_the_email_link_and_records_their_first_progress(
    page, browser, live_server, login, assert_accessible, partnership, agency, coordinator
):
    action = ActionFactory(partnership=partnership, owner=agency, reference="sw-9", description="Audit chronologies.")
    login(coordinator)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("East Ayrshire: agencies and people")
    assert_accessible("people")
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Email").fill("nia.new@example.org")
    page.get_by_label("Agency").select_option(label="Social Work Services")
    page.get_by_label("Role").select_option(value="member")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status").first).to_have_text("Invitation sent to nia.new@example.org.")

    link = re.search(r"http://\S+/partnerships/invitations/\S+/", mail.outbox[-1].body).group(0)
    newcomer = browser.new_context(viewport={"width": 375, "height": 800}, locale="en-GB").new_page()
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Accept your invitation")
    newcomer.get_by_label("First name").fill("Nia")
    newcomer.get_by_label("Last name").fill("New")
    newcomer.get_by_label("Choose a password").fill("a-long-pass-phrase-2009")
    newcomer.get_by_label("Type the password again").fill("a-long-pass-phrase-2009")
    newcomer.get_by_role("button", name="Create my account").click()
    expect(newcomer.get_by_role("status").first).to_have_text("Welcome. Your username is nia.new@example.org.")
    expect(newcomer.get_by_role("heading", level=1)).to_contain_text("My actions")

    newcomer.get_by_role("link", name="SW 9").first.click()
    newcomer.get_by_role("link", name="Record progress").click()
    newcomer.get_by_label("Status").select_option(label="In progress")
    newcomer.get_by_label("% complete").fill("10")
    newcomer.get_by_label("Note").fill("Picked up from my predecessor; audit plan drafted.")
    newcomer.get_by_role("button", name="Save progress").click()
    expect(newcomer.get_by_role("status").first).to_have_text("Progress recorded on SW 9.")
    update = ProgressUpdate.objects.get(action=action)
    assert update.author.username == "nia.new@example.org" and update.percent_after == 10

    newcomer.goto(link)
    expect(newcomer.get_by_role("alert")).to_contain_text("has been used already")
    page.reload()
    expect(page.get_by_role("main")).to_contain_text("Nia New")
