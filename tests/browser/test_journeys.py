"""The journeys people take through the tracker, in a real Chromium, with axe-core checking every main page."""

import datetime
import re
from types import SimpleNamespace

import openpyxl
import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import Action, ProgressUpdate, Status
from recommendations.models import ApplicabilityDecision
from tests.factories import (
    ActionFactory,
    MeetingFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceReportFactory,
    ThemeFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RAG_LABELS = {"Red", "Amber", "Green", "Complete", "Not applicable"}


def bulk_feature_present():
    try:
        reverse("actions:bulk")
    except NoReverseMatch:
        return False
    return True


@pytest.fixture
def plan(partnership, agency, other_agency, member, coordinator):
    """A small plan: one report with a theme, and actions of the member's agency in every state My actions shows."""
    today = timezone.localdate()
    report = SourceReportFactory(
        slug="laming-2009", short_title="Laming 2009", title="The Protection of Children in England"
    )
    theme = ThemeFactory(report=report, title="Leadership and accountability")
    rec = RecommendationFactory(report=report, theme=theme, reference="12", position=12)
    other_rec = RecommendationFactory(report=report, theme=theme, reference="13", position=13)
    MeetingFactory(partnership=partnership, date=today - datetime.timedelta(days=14))

    def make(reference, owner=agency, recs=(rec,), **kwargs):
        return ActionFactory(partnership=partnership, owner=owner, reference=reference, recommendations=recs, **kwargs)

    overdue = make("sw-1", description="Audit case files for multi-agency chronologies.")
    due_soon = make(
        "sw-2",
        description="Train duty social workers on the new referral route.",
        due_date=today + datetime.timedelta(days=10),
        status=Status.IN_PROGRESS,
        percent_complete=20,
    )
    ProgressUpdateFactory(action=due_soon, author=member, note="Two of five sessions booked.")
    stale = make(
        "sw-3",
        description="Publish the revised supervision policy.",
        due_date=today + datetime.timedelta(days=120),
        status=Status.IN_PROGRESS,
        percent_complete=60,
        recs=(other_rec,),
    )
    done = make(
        "sw-4",
        description="Appoint a lead officer for child protection.",
        status=Status.COMPLETE,
        percent_complete=100,
    )
    theirs = make("nhs-1", owner=other_agency, level=Action.Level.SINGLE_AGENCY, description="Health audit.")
    return SimpleNamespace(
        today=today,
        report=report,
        rec=rec,
        overdue=overdue,
        due_soon=due_soon,
        stale=stale,
        done=done,
        theirs=theirs,
        member=member,
        coordinator=coordinator,
        agency=agency,
    )


def url(live_server, name, *args, query=""):
    return f"{live_server.url}{reverse(name, args=args)}{query}"


def section(page, heading):
    return page.locator("section").filter(has=page.get_by_role("heading", name=re.compile(f"^{heading}")))


# --- Journeys ---------------------------------------------------------------------------------------------------


def test_a_member_records_progress_on_an_overdue_action_and_sees_it_everywhere(page, live_server, login, plan):
    login(plan.member)
    expect(page).to_have_url(url(live_server, "actions:my_actions"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("My actions")
    expect(section(page, "Overdue")).to_contain_text("SW 1")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Actions", exact=True).click()
    page.get_by_label("Owner agency").select_option(label=plan.agency.name)
    page.get_by_label("Overdue only").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status")).to_contain_text("1 action found with these filters")
    table = page.get_by_role("table")
    expect(table).to_contain_text("SW 1")
    expect(table).not_to_contain_text("NHS 1")  # overdue, but another agency's
    expect(table).not_to_contain_text("SW 2")  # my agency's, but not overdue

    table.get_by_role("link", name="SW 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Action SW 1")
    page.get_by_role("link", name="Record progress").click()

    new_due = plan.today + datetime.timedelta(days=90)
    page.get_by_label("Status").select_option(label="In progress")
    page.get_by_label("% complete").fill("40")
    page.get_by_label("Note").fill("Chronology template agreed with Health; audit starts next month.")
    page.get_by_label("Due date").fill(new_due.isoformat())
    page.get_by_label("Reason for the revised date").fill("The audit waits for the national template.")
    page.get_by_role("button", name="Save progress").click()

    expect(page).to_have_url(url(live_server, "actions:detail", plan.overdue.pk))
    expect(page.get_by_role("status").first).to_have_text("Progress recorded on SW 1.")
    latest = page.locator("article.history-item").first
    expect(latest).to_contain_text("Chronology template agreed with Health")
    expect(latest).to_contain_text("Status: Not started → In progress")
    expect(latest).to_contain_text("% complete: 0% → 40%")
    expect(latest).to_contain_text(f"31 October 2009 → {new_due:%-d %B %Y}")
    expect(latest).to_contain_text("Reason: The audit waits for the national template.")

    page.get_by_role("link", name="My actions").click()
    expect(section(page, "Overdue")).not_to_contain_text("SW 1")
    expect(section(page, "Overdue")).to_contain_text("None.")
    row = section(page, "All other actions").get_by_role("row").filter(has_text="SW 1")
    expect(row).to_contain_text("In progress")
    expect(row).to_contain_text("40%")
    expect(row).to_contain_text(f"{new_due:%-d %b %Y}")


def test_a_coordinator_records_an_applicability_decision(page, live_server, login, plan):
    login(plan.coordinator)
    page.get_by_role("link", name="Recommendations").click()
    page.get_by_role("link", name=plan.report.title).click()
    page.get_by_role("link", name="12", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Laming 2009: recommendation 12")
    expect(page.locator("#decision-heading + p")).to_have_text("Under consideration: no decision recorded yet.")

    page.get_by_role("link", name="Record decision").click()
    page.get_by_label("Adopt", exact=True).check()
    page.get_by_label("Reason").fill("Applies in Scotland through the national child protection guidance.")
    page.get_by_role("button", name="Save decision").click()

    expect(page).to_have_url(url(live_server, "recommendations:detail", "laming-2009", "12"))
    expect(page.get_by_role("status").first).to_contain_text("Decision recorded for Laming 2009 12")
    decision = page.locator("section").filter(has=page.get_by_role("heading", name="Our decision"))
    expect(decision).to_contain_text("Adopt")
    expect(decision).to_contain_text("Applies in Scotland through the national child protection guidance.")
    expect(decision).to_contain_text(plan.coordinator.get_full_name())

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Laming 2009").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="12", exact=True))
    expect(row).to_contain_text("Adopt")
    other = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="13", exact=True))
    expect(other).to_contain_text("Under consideration")


def test_a_revised_due_date_without_a_reason_is_refused_and_nothing_is_saved(page, live_server, login, plan):
    login(plan.member, next_path=reverse("actions:record_progress", args=[plan.overdue.pk]))
    page.get_by_label("Note").fill("Started the audit.")
    page.get_by_label("Due date").fill((plan.today + datetime.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Save progress").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Nothing was saved")
    expect(summary).to_be_focused()
    reason = page.get_by_label("Reason for the revised date")
    expect(reason).to_have_attribute("aria-invalid", "true")
    error = page.get_by_text("Give the reason the due date moved.", exact=True).last
    expect(error).to_be_visible()
    expect(page.get_by_label("Note")).to_have_value("Started the audit.")  # the person's input is kept

    summary.get_by_role("link", name="Give the reason the due date moved.").click()
    expect(reason).to_be_focused()
    expect(reason).to_be_in_viewport()

    plan.overdue.refresh_from_db()
    assert plan.overdue.due_date == datetime.date(2009, 10, 31)
    assert plan.overdue.version == 1
    assert not ProgressUpdate.objects.filter(action=plan.overdue).exists()


@pytest.mark.skipif(not bulk_feature_present(), reason="bulk feature not present")
def test_a_spreadsheet_round_trip_updates_an_action(page, live_server, login, plan, tmp_path, assert_accessible):
    login(plan.member)
    page.goto(url(live_server, "actions:bulk"))
    assert_accessible("bulk")
    with page.expect_download() as download_info:
        page.locator(f'a[href="{reverse("actions:bulk_export_xlsx")}"]').click()
    workbook_path = tmp_path / "actions.xlsx"
    download_info.value.save_as(workbook_path)

    workbook = openpyxl.load_workbook(workbook_path)
    sheet = workbook["Actions"] if "Actions" in workbook.sheetnames else workbook.active
    header_row, columns = _find_header(sheet)
    row = next(
        r
        for r in range(header_row + 1, sheet.max_row + 1)
        if sheet.cell(r, columns["reference"]).value == plan.stale.reference
    )
    sheet.cell(row, columns["percent"]).value = 80
    sheet.cell(row, columns["note"]).value = "Policy approved by the Chief Officers Group."
    workbook.save(workbook_path)

    upload = page.locator('input[type="file"]')
    upload.set_input_files(workbook_path)
    page.locator("form").filter(has=upload).locator('button[type="submit"]').click()
    preview = page.get_by_role("table").filter(has_text=plan.stale.display_reference)
    expect(preview).to_contain_text("60%")
    expect(preview).to_contain_text("80%")
    expect(preview).to_contain_text("Policy approved by the Chief Officers Group.")
    assert_accessible("bulk-preview")
    assert not ProgressUpdate.objects.filter(action=plan.stale).exists()  # a preview saves nothing

    page.locator(f'form[action="{reverse("actions:bulk_apply")}"]').get_by_role("button").click()
    expect(page.get_by_role("status").first).to_contain_text(plan.stale.reference)

    page.goto(url(live_server, "actions:detail", plan.stale.pk))
    latest = page.locator("article.history-item").first
    expect(latest).to_contain_text("Policy approved by the Chief Officers Group.")
    expect(latest).to_contain_text("% complete: 60% → 80%")


def _find_header(sheet):
    """The header row and the columns of reference, % complete and note, found by their titles."""
    wanted = {"reference": ("ref",), "percent": ("%", "percent"), "note": ("note",)}
    for row in sheet.iter_rows(min_row=1, max_row=10):
        titles = {cell.column: str(cell.value or "").strip().lower() for cell in row}
        columns = {
            key: next((col for col, title in titles.items() if any(title.startswith(w) for w in words)), None)
            for key, words in wanted.items()
        }
        if all(columns.values()):
            return row[0].row, columns
    raise AssertionError("No header row with Reference, % complete and Note columns in the export.")


# --- Keyboard and colour -------------------------------------------------------------------------------------------


def _focused_outline(page):
    return page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return {tag: document.activeElement.tagName, text: document.activeElement.textContent.trim(),
                           style: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow}; }"""
    )


def test_keyboard_focus_is_visible_and_the_skip_link_reaches_the_content(page, live_server, login, plan):
    login(plan.member)
    page.keyboard.press("Tab")
    focused = _focused_outline(page)
    assert focused["text"] == "Skip to main content"
    assert focused["style"] != "none" and focused["width"] >= 2, focused
    expect(page.get_by_role("link", name="Skip to main content")).to_be_in_viewport()

    page.keyboard.press("Tab")
    focused = _focused_outline(page)
    assert focused["tag"] == "A" and focused["style"] != "none" and focused["width"] >= 2, focused

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.goto(url(live_server, "actions:record_progress", plan.overdue.pk))
    page.get_by_label("Status").focus()
    for _ in range(2):
        page.keyboard.press("Tab")
        focused = _focused_outline(page)
        assert focused["style"] != "none" and focused["width"] >= 2, focused


def test_rag_status_is_shown_as_text_not_only_colour(page, live_server, login, plan):
    login(plan.member)
    page.goto(url(live_server, "actions:list"))
    badges = page.locator(".badge-rag")
    expect(badges).to_have_count(5)
    assert set(badges.all_inner_texts()) == {"Red", "Amber", "Green", "Complete"}
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="SW 1", exact=True))
    expect(row.locator(".badge-rag")).to_have_text("Red")

    page.goto(url(live_server, "actions:detail", plan.overdue.pk))
    expect(page.locator(".badge-rag")).to_have_text(re.compile(r"^Red: overdue by \d+ days$"))


# --- Accessibility of every main page --------------------------------------------------------------------------


def _failed_progress(page, live_server, login, plan):
    login(plan.member, next_path=reverse("actions:record_progress", args=[plan.overdue.pk]))
    page.get_by_label("Due date").fill((plan.today + datetime.timedelta(days=30)).isoformat())
    page.get_by_label("% complete").fill("140")
    page.get_by_role("button", name="Save progress").click()
    expect(page.get_by_role("alert")).to_be_visible()


def _as(role, name, *args, query=""):
    def visit(page, live_server, login, plan):
        login(getattr(plan, role), next_path=reverse(name, args=args) + query)

    return visit


def _rec(role, name, *tail):
    def visit(page, live_server, login, plan):
        login(getattr(plan, role), next_path=reverse(name, args=["laming-2009", *tail]))

    return visit


def _narrow(visit):
    """The same page on a phone-sized screen, where the main navigation folds behind a Menu button."""

    def visit_narrow(page, live_server, login, plan):
        page.set_viewport_size({"width": 375, "height": 740})
        visit(page, live_server, login, plan)

    return visit_narrow


def _anonymous_login(page, live_server, login, plan):
    page.goto(url(live_server, "login"))


def _action(role, name):
    def visit(page, live_server, login, plan):
        login(getattr(plan, role), next_path=reverse(name, args=[plan.due_soon.pk]))

    return visit


def _statement(page, live_server, login, plan):
    page.goto(url(live_server, "accessibility"))


PAGES = {
    "login": _anonymous_login,
    "accessibility": _statement,
    "dashboard": _as("coordinator", "reports:dashboard"),
    "my-actions": _as("member", "actions:my_actions"),
    "action-list": _as("member", "actions:list", query="?sort=due"),
    "action-detail": _action("member", "actions:detail"),
    "record-progress": _action("member", "actions:record_progress"),
    "record-progress-failed": _failed_progress,
    "report-list": _as("member", "recommendations:report_list"),
    "report": _rec("member", "recommendations:report"),
    "recommendation": _rec("coordinator", "recommendations:detail", "12"),
    "decision-form": _rec("coordinator", "recommendations:decision", "12"),
    "plan": _as("coordinator", "actions:plan"),
    "password-change": _as("member", "password_change"),
}
PAGES |= {f"{name}-narrow": _narrow(visit) for name, visit in list(PAGES.items())}


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_violations(name, page, live_server, login, plan, assert_accessible):
    PAGES[name](page, live_server, login, plan)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(name)
    if name.endswith("-narrow"):  # 375 px: everything reflows, nothing behind a sideways scroll (WCAG 1.4.10)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the page scrolls sideways"
    if name == "decision-form":  # nothing was written by looking
        assert not ApplicabilityDecision.objects.exists()
