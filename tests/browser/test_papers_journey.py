"""The coordinator's progress papers and dashboard in a real Chromium: prepare, preview, print, download, issue.

Every page of the journey is also checked with axe-core. The data is built with factories, never the demo fixtures.
"""

import csv
import datetime
import io
import re
from types import SimpleNamespace

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from actions.models import Action, Status
from actions.services import ProgressChange, action_record_progress
from reports import services
from reports.models import Meeting, Paper
from tests.factories import (
    ActionFactory,
    DecisionFactory,
    FindingFactory,
    MeetingFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceReportFactory,
    ThemeFactory,
)
from tests.pdf_pages import pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AUDIT = "Audit case files for multi-agency chronologies."
TRAINING = "Train duty social workers on the new referral route."
HEALTH = "Health visitors record the lead professional for every child on the register."
TITLE = "Progress on the Laming recommendations"


@pytest.fixture
def papers_plan(partnership, agency, other_agency, coordinator, member):
    """One national report with two recommendations, three actions with progress, a past and a coming meeting."""
    today = timezone.localdate()
    report = SourceReportFactory(
        slug="laming-2009", short_title="Laming 2009", title="The Protection of Children in England"
    )
    theme = ThemeFactory(report=report, title="Leadership and accountability")
    rec_a = RecommendationFactory(
        report=report, theme=theme, reference="1", position=1, text="Every agency reviews its case file audits."
    )
    rec_b = RecommendationFactory(
        report=report, theme=theme, reference="2", position=2, text="Health services name a lead professional."
    )
    FindingFactory(recommendation=rec_a, text="Chronologies were missing from most case files.")
    DecisionFactory(partnership=partnership, recommendation=rec_a, decided_on=today - datetime.timedelta(days=40))
    MeetingFactory(partnership=partnership, body=Meeting.Body.CPC, date=today - datetime.timedelta(days=30), title="")
    meeting = MeetingFactory(
        partnership=partnership, body=Meeting.Body.COG, date=today + datetime.timedelta(days=14), title="Autumn COG"
    )

    def make(reference, description, owner=agency, recs=(rec_a,), **kwargs):
        kwargs.setdefault("due_date", today + datetime.timedelta(days=60))
        return ActionFactory(
            partnership=partnership,
            owner=owner,
            reference=reference,
            description=description,
            recommendations=recs,
            **kwargs,
        )

    audit = make("sw-1", AUDIT, status=Status.IN_PROGRESS, percent_complete=20)
    ProgressUpdateFactory(action=audit, author=member, percent_after=20, note="Audit template agreed.")
    training = make("sw-2", TRAINING, level=Action.Level.SINGLE_AGENCY, due_date=today - datetime.timedelta(days=10))
    health = make(
        "nhs-1",
        HEALTH,
        owner=other_agency,
        recs=(rec_b,),
        status=Status.COMPLETE,
        percent_complete=100,
        due_date=today + datetime.timedelta(days=5),
    )
    return SimpleNamespace(
        today=today,
        partnership=partnership,
        report=report,
        meeting=meeting,
        audit=audit,
        training=training,
        health=health,
        coordinator=coordinator,
        member=member,
    )


def make_paper(data, **fields):
    values = {
        "meeting": data.meeting,
        "title": TITLE,
        "purpose": "To advise the Chief Officers Group of progress.",
        "proposals": "The plan is on course.\n\nSee the appendices.",
        "recommendation": "The Chief Officers Group is asked to note the contents of this report.",
        "prepared_by_name": "Susan Taylor",
        "prepared_by_role": "Chair of Child Protection Committee",
        "signed_on": data.today,
        "period_start": data.today - datetime.timedelta(days=29),
        "as_at": data.today,
    }
    values.update(fields)
    return services.paper_create(
        partnership=data.partnership, created_by=data.coordinator, reports=[data.report], **values
    )


def issued_paper(data, **fields):
    return services.paper_issue(paper=make_paper(data, **fields), issued_by=data.coordinator)


def url(live_server, name, *args):
    return f"{live_server.url}{reverse(name, args=args)}"


def appendix(page):
    return page.locator("section.appendix .plan")


def plan_row(page, description):
    return appendix(page).locator("td").filter(has_text=description)


def download(page, link_name, tmp_path, role="link"):
    with page.expect_download() as info:
        page.get_by_role(role, name=link_name, exact=True).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


# --- The coordinator's journey -------------------------------------------------------------------------------------


def test_the_coordinator_prepares_previews_prints_downloads_and_issues_a_paper(
    page, live_server, login, papers_plan, tmp_path
):
    data = papers_plan
    login(data.coordinator)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Papers", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress papers")
    expect(page.get_by_role("table")).to_contain_text("No papers yet.")
    page.get_by_role("link", name="Prepare a paper").click()

    # The form: every field filled.
    expect(page.get_by_role("heading", level=1)).to_have_text("Prepare a paper")
    page.get_by_role("combobox", name="Meeting").select_option(label=str(data.meeting))
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Purpose").fill("To advise the Chief Officers Group of progress since the last meeting.")
    page.get_by_label("Proposals").fill("Most actions are on course.\n\nTraining has slipped; see the appendix.")
    page.get_by_role("textbox", name="Recommendation").fill("The Chief Officers Group is asked to note this report.")
    page.get_by_label("Prepared by").fill("Susan Taylor")
    page.get_by_label("Role").fill("Chair of Child Protection Committee")
    page.get_by_label("Date of the report").fill(data.today.isoformat())
    laming = page.get_by_label("Laming 2009")
    expect(laming).to_be_checked()  # every report is offered, and ticked, by default
    laming.uncheck()
    laming.check()
    page.get_by_label("Period start").fill((data.today - datetime.timedelta(days=29)).isoformat())
    page.get_by_label("As at").fill(data.today.isoformat())
    page.get_by_role("button", name="Save and generate the draft").click()

    # The preview: covering report, summary, appendix.
    page.wait_for_url(re.compile(r"/reports/papers/\d+/$"))
    paper = Paper.objects.get()
    expect(page).to_have_url(url(live_server, "reports:paper_detail", paper.pk))
    expect(page.get_by_role("status").first).to_have_text("Draft paper generated. Check it, then issue it.")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    for heading in ("1. Purpose", "2. Proposals", "3. Recommendation"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Appendix 1: "))).to_be_visible()
    expect(page.get_by_role("heading", name=f"Summary of progress as at {data.today:%-d %B %Y}")).to_be_visible()
    expect(page.locator(".paper header")).to_contain_text("DRAFT – not yet issued")
    expect(page.get_by_text("Training has slipped; see the appendix.")).to_be_visible()
    for text in (AUDIT, TRAINING, HEALTH):
        expect(appendix(page)).to_contain_text(text)
    expect(plan_row(page, AUDIT)).to_contain_text("In progress, 20%")
    expect(page.locator("#summary + p")).to_contain_text(f"Reporting period: {paper.period_start:%-d %B %Y} to")

    # The print view: a standalone document with the print CSS and no navigation.
    expect(page.locator('link[rel="stylesheet"][href$="css/print.css"]')).to_have_count(1)
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("banner")).to_be_hidden()  # the site header, brand and all
    expect(page.get_by_role("region", name="About this paper")).to_be_hidden()
    expect(page.get_by_role("status")).to_be_hidden()  # the "Draft paper generated" message
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Print view").click()
    expect(page).to_have_url(url(live_server, "reports:paper_print", paper.pk))
    expect(page.get_by_role("heading", name="1. Purpose")).to_be_visible()
    expect(page.get_by_role("navigation")).to_have_count(0)
    expect(page.get_by_role("link")).to_have_count(0)
    assert page.evaluate(
        """() => [...document.styleSheets].some(sheet => [...sheet.cssRules].some(
                 rule => rule instanceof CSSPageRule && /a4/i.test(rule.style.getPropertyValue('size'))))"""
    ), "the print view has no @page rule for A4"
    expect(page.locator(".draft-banner")).to_have_text("DRAFT – not yet issued")
    page.emulate_media(media="print")
    expect(appendix(page)).to_contain_text(AUDIT)
    expect(page.locator(".draft-mark")).to_be_visible()
    # Every page the browser prints says it is a draft: the print view's @page header.
    printed = pages(page.pdf(prefer_css_page_size=True))
    assert printed and [p.number for p in printed if "DRAFT – not yet issued" not in p.text] == []
    page.emulate_media(media="screen")
    page.go_back()

    # The downloads. A draft's PDF is prepared in the background: the PDF link shows how it stands and offers to
    # prepare it; the tests' task backend runs the task at once, so the page then hands the file over.
    page.get_by_role("link", name="PDF", exact=True).click()
    pdf = download(page, "Prepare the PDF", tmp_path, role="button")
    page.goto(url(live_server, "reports:paper_detail", paper.pk))
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.name.endswith("-draft.pdf")

    docx = download(page, "Word (.docx)", tmp_path)
    document = Document(docx)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert {"1. Purpose", "2. Proposals", "3. Recommendation"} <= set(headings)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any(AUDIT in text for text in cells)

    rows = list(csv.DictReader(io.StringIO(download(page, "Action plan (CSV)", tmp_path).read_text("utf-8-sig"))))
    assert {row["Action"] for row in rows} == {AUDIT, TRAINING, HEALTH}
    assert next(row for row in rows if row["Action reference"] == "sw-1")["% complete"] == "20"

    sheet = openpyxl.load_workbook(download(page, "Action plan (Excel)", tmp_path)).active
    assert AUDIT in [cell.value for cell in sheet["G"]]

    # Issuing: a confirmation step, then the paper is frozen.
    page.get_by_role("link", name="Issue the paper…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Issue the paper")
    confirm = page.get_by_label("I have checked this paper.")
    page.get_by_role("button", name="Issue and freeze the paper").click()  # not confirmed: the browser refuses
    assert confirm.evaluate("box => box.validity.valueMissing")
    expect(page).to_have_url(url(live_server, "reports:paper_issue", paper.pk))
    paper.refresh_from_db()
    assert not paper.is_issued
    confirm.check()
    page.get_by_role("button", name="Issue and freeze the paper").click()
    expect(page).to_have_url(url(live_server, "reports:paper_detail", paper.pk))
    expect(page.get_by_role("status").first).to_have_text(
        "Paper issued. It is frozen; its PDF is being prepared and then stored."
    )
    about = page.get_by_role("region", name="About this paper")
    expect(about).to_contain_text(f"Issued {data.today:%-d %B %Y}")
    expect(about).to_contain_text("frozen")
    for control in ("Edit the draft", "Regenerate from the plan", "Issue the paper…", "Delete the draft"):
        expect(page.get_by_text(control)).to_have_count(0)
    expect(page.locator(".paper header")).not_to_contain_text("DRAFT")
    assert "not yet issued" not in page.request.get(url(live_server, "reports:paper_print", paper.pk)).text()
    paper.refresh_from_db()
    assert paper.is_issued and paper.issued_by == data.coordinator
    assert page.goto(url(live_server, "reports:paper_edit", paper.pk)).status == 403
    assert page.goto(url(live_server, "reports:paper_issue", paper.pk)).status == 403
    issued_pdf = bytes(paper.pdf)

    # Progress recorded after issuing does not change the issued paper; a new draft shows it.
    data.audit.refresh_from_db()
    action_record_progress(
        action=data.audit,
        author=data.member,
        expected_version=data.audit.version,
        change=ProgressChange(
            status=Status.IN_PROGRESS, percent_complete=80, note="Audit of 40 files done.", due_date=data.audit.due_date
        ),
    )
    page.goto(url(live_server, "reports:paper_detail", paper.pk))
    expect(plan_row(page, AUDIT)).to_contain_text("In progress, 20%")
    expect(appendix(page)).not_to_contain_text("Audit of 40 files done.")
    page.goto(url(live_server, "reports:paper_print", paper.pk))
    expect(plan_row(page, AUDIT)).to_contain_text("In progress, 20%")
    page.goto(url(live_server, "reports:paper_detail", paper.pk))
    assert download(page, "PDF", tmp_path).read_bytes() == issued_pdf
    rows = list(csv.DictReader(io.StringIO(download(page, "Action plan (CSV)", tmp_path).read_text("utf-8-sig"))))
    assert next(row for row in rows if row["Action reference"] == "sw-1")["% complete"] == "20"

    draft = make_paper(data, title="Next paper")
    page.goto(url(live_server, "reports:paper_detail", draft.pk))
    expect(plan_row(page, AUDIT)).to_contain_text("In progress, 80%")
    expect(appendix(page)).to_contain_text("Audit of 40 files done.")

    page.goto(url(live_server, "reports:paper_list"))
    issued_row = page.get_by_role("row").filter(has=page.get_by_role("link", name=TITLE, exact=True))
    expect(issued_row).to_contain_text(f"Issued {data.today:%-d %B %Y}")
    draft_row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Next paper", exact=True))
    expect(draft_row).to_contain_text("Draft")


def test_a_member_reads_issued_papers_but_cannot_prepare_one(page, live_server, login, papers_plan):
    data = papers_plan
    issued = issued_paper(data)
    draft = make_paper(data, title="Work in progress")
    login(data.member)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Papers", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress papers")
    expect(page.get_by_role("link", name=re.compile("Prepare"))).to_have_count(0)
    table = page.get_by_role("table")
    expect(table).to_contain_text(TITLE)
    expect(table).not_to_contain_text("Work in progress")

    table.get_by_role("link", name=TITLE, exact=True).click()
    expect(page).to_have_url(url(live_server, "reports:paper_detail", issued.pk))
    expect(appendix(page)).to_contain_text(AUDIT)
    for control in ("Edit the draft", "Regenerate from the plan", "Issue the paper…", "Delete the draft"):
        expect(page.get_by_text(control)).to_have_count(0)

    page.goto(url(live_server, "reports:meeting_list"))
    expect(page.get_by_role("link", name=re.compile("Prepare|Record a meeting"))).to_have_count(0)
    for name, args in (
        ("reports:paper_create", ()),
        ("reports:meeting_create", ()),
        ("reports:paper_detail", (draft.pk,)),
        ("reports:paper_edit", (issued.pk,)),
        ("reports:dashboard", ()),
    ):
        response = page.goto(url(live_server, name, *args))
        assert response.status == 403, (name, response.status)


# --- Accessibility of every page of the papers and the dashboard ----------------------------------------------------


def _coordinator(name, make=None, with_pk=False):
    """The coordinator opens the page, after ``make(data)`` built what it shows (its pk in the URL if with_pk)."""

    def visit(page, live_server, login, data):
        made = make(data) if make else None
        login(data.coordinator, next_path=reverse(name, args=[made.pk] if with_pk else []))

    return visit


def _draft_and_issued(data):
    issued_paper(data, title="Summer progress paper")
    return make_paper(data)


def _failed_paper_form(page, live_server, login, data):
    login(data.coordinator, next_path=reverse("reports:paper_create"))
    page.get_by_label("As at").fill(data.today.isoformat())
    page.get_by_label("Period start").fill((data.today + datetime.timedelta(days=3)).isoformat())
    page.locator("main form").evaluate("form => form.noValidate = true")
    page.get_by_role("button", name="Save and generate the draft").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Nothing was saved")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile("^Period start"))).to_be_visible()


def _failed_meeting_form(page, live_server, login, data):
    login(data.coordinator, next_path=reverse("reports:meeting_create"))
    page.get_by_label("Body").select_option(label="Chief Officers Group")
    page.get_by_label("Date").fill(data.meeting.date.isoformat())  # that body already meets that day
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    assert Meeting.objects.count() == 2


def _member_issued(page, live_server, login, data):
    paper = issued_paper(data)
    login(data.member, next_path=reverse("reports:paper_detail", args=[paper.pk]))


def _narrow(visit):
    def visit_narrow(page, live_server, login, data):
        page.set_viewport_size({"width": 375, "height": 740})
        visit(page, live_server, login, data)

    return visit_narrow


PAPER_PAGES = {
    "dashboard": _coordinator("reports:dashboard"),
    "dashboard-narrow": _narrow(_coordinator("reports:dashboard")),
    "paper-list": _coordinator("reports:paper_list", _draft_and_issued),
    "paper-form": _coordinator("reports:paper_create"),
    "paper-form-failed": _failed_paper_form,
    "paper-preview": _coordinator("reports:paper_detail", make_paper, with_pk=True),
    "paper-issue": _coordinator("reports:paper_issue", make_paper, with_pk=True),
    "paper-print": _coordinator("reports:paper_print", make_paper, with_pk=True),
    "paper-issued-member": _member_issued,
    "meeting-list": _coordinator("reports:meeting_list"),
    "meeting-form": _coordinator("reports:meeting_create"),
    "meeting-form-failed": _failed_meeting_form,
}


@pytest.mark.parametrize("name", PAPER_PAGES)
def test_paper_page_has_no_serious_accessibility_violations(
    name, page, live_server, login, papers_plan, assert_accessible
):
    PAPER_PAGES[name](page, live_server, login, papers_plan)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(name)


def test_on_a_phone_the_papers_prose_tables_read_as_cards_each_cell_named(page, live_server, login, papers_plan):
    """At 375 px the tables of prose (here each agency's actions) are a card per row, each
    cell under its column's name and the whole width of the card; at 1280 px they are tables as printed."""
    from reports.models import Section

    paper = make_paper(papers_plan, form=Paper.Form.CUSTOM, sections=list(Section.values))
    login(papers_plan.coordinator, next_path=reverse("reports:paper_detail", args=[paper.pk]))
    agency_rows = page.locator("section[aria-labelledby=agencies] > table ~ table tbody tr")
    expect(agency_rows.first).to_be_visible()
    cell = agency_rows.first.locator("td").nth(1)

    def shape():
        return cell.evaluate(
            """td => ({display: getComputedStyle(td.parentElement).display,
                       label: getComputedStyle(td, '::before').content,
                       width: td.getBoundingClientRect().width})"""
        )

    wide = shape()
    assert wide["display"] == "table-row" and wide["label"] in ("none", "normal")
    page.set_viewport_size({"width": 375, "height": 740})
    narrow = shape()
    assert narrow["display"] == "block"
    assert narrow["label"] == '"Status: "'
    assert narrow["width"] > 300  # the card's width, not a column a few letters wide
    assert cell.inner_text().strip() in {label for _, label in Status.choices}  # the value, after its name
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing pushes the page sideways


#: The words of these cells that the browser broke across lines (a break after a hyphen is a hyphen's), and the cells
#: whose content is wider than they are.
BROKEN_WORDS = """cells => cells.flatMap(cell => {
  const broken = [];
  const upwards = getComputedStyle(cell).writingMode.startsWith("vertical");
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/[^\\s-]+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(upwards ? r.left : r.top)));
      if (lines.size > 1) broken.push(match[0]);
    }
  }
  if (cell.scrollWidth > cell.clientWidth + 1) broken.push(`wider than its cell: ${cell.innerText}`);
  return broken;
})"""


def test_on_a_phone_the_papers_tables_of_figures_break_no_word(page, live_server, login, papers_plan):
    """At 375 px the summary's tables and the agencies' overview keep every word whole (their headings are written
    upwards, each column as wide as its figures) and nothing pushes the page sideways."""
    from reports.models import Section

    paper = make_paper(papers_plan, form=Paper.Form.CUSTOM, sections=list(Section.values))
    page.set_viewport_size({"width": 375, "height": 740})
    login(papers_plan.coordinator, next_path=reverse("reports:paper_detail", args=[paper.pk]))
    figures = page.locator(
        "section[aria-labelledby=summary] table :is(th, td), section[aria-labelledby=agencies] > table:first-of-type "
        ":is(th, td)"
    )
    expect(figures.first).to_be_visible()
    assert figures.count() > 40
    assert figures.evaluate_all(BROKEN_WORDS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # an upward heading as long as "Ongoing – embedded in routine practice" takes a few short lines, not one tall one
    heading = page.locator("section[aria-labelledby=summary] thead th", has_text="embedded in routine").first
    box = heading.bounding_box()
    assert box["height"] <= 12 * 16, box
    assert box["width"] < 80, box  # still written upwards, a few lines wide
