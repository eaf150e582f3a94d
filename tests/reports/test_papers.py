"""Papers: generation as at a date, the period sections, issuing and freezing, and the outputs."""

import csv
import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from actions.models import Action
from reports import papers, services, tables, word
from reports.models import Paper
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    DecisionFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
)

from .conftest import at

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def history(make_action, record, coordinator, other_agency):
    """Actions and updates before, in and after the period 4 June to 2 September 2009."""
    a = make_action(at(2009, 5, 1), reference="a", description="Audit the case files", due_date=D(2009, 7, 31))
    record(a, at(2009, 5, 20), coordinator, status="in_progress", percent_complete=20, note="Started in May")
    record(a, at(2009, 7, 10), coordinator, due_date=D(2009, 10, 31), revision_reason="Auditors unavailable")
    record(a, at(2009, 8, 15), coordinator, status="complete", percent_complete=100, note="Audit report to CPC")
    b = make_action(at(2009, 7, 1), reference="b", description="Train the case conference chairs", owner=other_agency)
    record(b, at(2009, 9, 10), coordinator, status="in_progress", percent_complete=10, note="After the period")
    c = make_action(at(2009, 10, 1), reference="c", description="Written after the paper")
    return a, b, c


def generate(partnership, recommendation, **kwargs):
    kwargs.setdefault("as_at", D(2009, 9, 2))
    kwargs.setdefault("period_start", D(2009, 6, 4))
    return papers.generate(partnership=partnership, reports=[recommendation.report], **kwargs)


def refs(items):
    return [item["reference"] for item in items]


# --- as at ---------------------------------------------------------------------------------------------------------


def test_it_shows_each_action_as_it_stood_at_the_end_of_the_as_at_day(partnership, recommendation, history):
    content = generate(partnership, recommendation)
    agencies = {a["name"]: a["actions"] for a in content["agencies"]}
    states = {a["reference"]: a for actions in agencies.values() for a in actions}
    assert set(states) == {"a", "b"}  # c was created after the paper's date
    assert (states["a"]["status"], states["a"]["due"]) == ("complete", "31 October 2009")
    assert (states["b"]["status"], states["b"]["note"]) == ("not_started", "")  # its update came after


def test_an_earlier_as_at_date_winds_the_actions_back(partnership, recommendation, history):
    content = generate(partnership, recommendation, as_at=D(2009, 6, 1), period_start=None)
    [a] = content["agencies"][0]["actions"]
    assert (a["status"], a["percent"], a["due"], a["note"]) == ("in_progress", 20, "31 July 2009", "Started in May")


def test_an_action_saved_without_history_counts_from_its_creation_wound_back_through_later_updates(
    partnership, recommendation, agency, coordinator, record, frozen
):
    """This is how load_recommendations saves a plan's actions: raw, with created_at from the fixture."""
    action = ActionFactory(
        owner=agency, reference="raw", status="in_progress", percent_complete=40, recommendations=[recommendation]
    )
    action.history.all().delete()
    Action.objects.filter(pk=action.pk).update(created_at=at(2009, 6, 3, 0))
    record(action, at(2009, 7, 1), coordinator, status="complete", percent_complete=100)
    Action.history.filter(id=action.pk).update(history_date=at(2009, 7, 1))
    before = generate(partnership, recommendation, as_at=D(2009, 6, 3), period_start=None)
    assert [(a["status"], a["percent"]) for a in before["agencies"][0]["actions"]] == [("in_progress", 40)]
    assert generate(partnership, recommendation, as_at=D(2009, 6, 2))["agencies"] == []


def test_decisions_are_read_as_at_the_paper(partnership, recommendation, frozen):
    with frozen(at(2009, 6, 22)):
        DecisionFactory(partnership=partnership, recommendation=recommendation, decision="adapt")
    early = generate(partnership, recommendation, as_at=D(2009, 6, 3))["reports"][0]
    late = generate(partnership, recommendation, as_at=D(2009, 6, 30))["reports"][0]
    assert early["themes"][0]["recommendations"][0]["decision"] == "none"
    assert late["themes"][0]["recommendations"][0]["decision_label"] == "Adapt (Scottish equivalent)"
    assert {d["key"]: d["count"] for d in late["summary"]["by_decision"]}["adapt"] == 1


# --- the period ----------------------------------------------------------------------------------------------------


def test_status_changes_list_only_the_updates_made_in_the_period(partnership, recommendation, history):
    changes = generate(partnership, recommendation)["changes"]
    assert [(c["reference"], c["from"], c["to"], c["date"]) for c in changes["status_changes"]] == [
        ("a", "In progress", "Complete", "15 August 2009")
    ]


def test_new_actions_are_those_created_in_the_period(partnership, recommendation, history):
    assert refs(generate(partnership, recommendation)["changes"]["new"]) == ["b"]


def test_actions_completed_in_the_period_are_proposed_for_closure(partnership, recommendation, history):
    [closing] = generate(partnership, recommendation)["changes"]["proposed_for_closure"]
    assert (closing["reference"], closing["completed_on"], closing["evidence"]) == (
        "a",
        "15 August 2009",
        "Audit report to CPC",
    )


def test_slipped_lists_every_due_date_moved_in_the_period_with_days_and_reason(partnership, recommendation, history):
    [slip] = generate(partnership, recommendation)["changes"]["slipped"]
    assert (slip["original"], slip["new"], slip["days"], slip["reason"]) == (
        "31 July 2009",
        "31 October 2009",
        92,
        "Auditors unavailable",
    )


def test_a_period_that_ends_before_the_updates_shows_none_of_them(partnership, recommendation, history):
    changes = generate(partnership, recommendation, as_at=D(2009, 6, 30), period_start=D(2009, 6, 4))["changes"]
    assert changes["status_changes"] == changes["slipped"] == changes["proposed_for_closure"] == []


# --- the summary ---------------------------------------------------------------------------------------------------


def test_the_summary_counts_by_status_and_rag_and_says_how_the_percentage_was_computed(
    partnership, recommendation, agency
):
    today = datetime.date.today()
    for ref, status, percent, due in (
        ("x1", "complete", 100, today - datetime.timedelta(days=200)),
        ("x2", "in_progress", 50, today - datetime.timedelta(days=13)),
        ("x3", "not_started", 0, today - datetime.timedelta(days=124)),
        ("x4", "not_applicable", 0, None),
    ):
        ActionFactory(
            owner=agency,
            reference=ref,
            status=status,
            percent_complete=percent,
            due_date=due,
            recommendations=[recommendation],
        )
    summary = papers.generate(partnership=partnership, as_at=today, reports=[recommendation.report])
    s = summary["reports"][0]["summary"]
    assert {x["key"]: x["count"] for x in s["by_status"]}["in_progress"] == 1
    assert {x["key"]: x["count"] for x in s["by_rag"]} == {
        "red": 2,
        "amber": 0,
        "green": 0,
        "no_date": 0,
        "complete": 1,
        "not_applicable": 1,
    }
    assert s["percent"] == 50  # (100 + 50 + 0) / 3
    assert "mean of the % complete reported on 3 of the 3 actions tracked" in s["percent_rule"]
    assert [(b["label"], refs(b["actions"])) for b in s["overdue"]] == [
        ("Up to 30 days", ["x2"]),
        ("31 to 90 days", []),
        ("Over 90 days", ["x3"]),
    ]


def test_the_charts_are_inline_svg(partnership, recommendation, agency):
    ActionFactory(owner=agency, recommendations=[recommendation])
    content = papers.generate(partnership=partnership, as_at=datetime.date.today(), reports=[recommendation.report])
    for svg in content["charts"].values():
        assert svg.startswith("<svg") and 'role="img"' in svg


# --- issuing -------------------------------------------------------------------------------------------------------


def test_issuing_stores_the_html_and_pdf_and_later_changes_do_not_alter_them(history, make_paper, coordinator, record):
    paper = services.paper_issue(paper=make_paper(), issued_by=coordinator)
    paper.refresh_from_db()
    content, html, pdf = paper.content, paper.html, bytes(paper.pdf)
    assert paper.is_issued and paper.issued_by == coordinator and pdf.startswith(b"%PDF")
    a = history[0]
    record(a, at(2009, 8, 1), coordinator, note="Back-dated note, recorded after the issue")
    record(a, at(2009, 8, 2), coordinator, status="in_progress", percent_complete=80)
    paper.refresh_from_db()
    assert (paper.content, paper.html, bytes(paper.pdf)) == (content, html, pdf)


def test_an_issued_paper_cannot_be_saved_deleted_regenerated_or_issued_again(history, make_paper, coordinator):
    paper = services.paper_issue(paper=make_paper(), issued_by=coordinator)
    paper.refresh_from_db()
    paper.title = "Changed"
    with pytest.raises(TypeError):
        paper.save()
    with pytest.raises(TypeError):
        paper.delete()
    with pytest.raises(TypeError):
        Paper.objects.filter(pk=paper.pk).update(title="Changed")
    with pytest.raises(TypeError):
        Paper.objects.filter(pk=paper.pk).delete()
    for service in (services.paper_regenerate, services.paper_delete):
        with pytest.raises(services.PaperIssueError):
            service(paper=paper)
    with pytest.raises(services.PaperIssueError):
        services.paper_issue(paper=paper, issued_by=coordinator)
    assert Paper.objects.get(pk=paper.pk).title == "Progress on the national recommendations"


def test_a_draft_can_be_regenerated_and_shows_the_plan_as_it_now_stands(make_paper, make_action):
    paper = make_paper()
    assert paper.document["agencies"] == []
    make_action(at(2009, 7, 1), reference="late", description="Entered late, back-dated")
    paper = services.paper_regenerate(paper=paper)
    assert refs(paper.document["agencies"][0]["actions"]) == ["late"]


def test_regenerating_a_draft_read_before_someone_changed_it_regenerates_it_as_it_now_stands(
    make_paper, make_action, recommendation
):
    """The regeneration is written only over the draft it was generated for: a draft edited since it was read (a
    later as-at day here) is read again under its lock and regenerated from that, never overwritten with content
    for the day it had."""
    make_action(at(2009, 7, 1), reference="july")
    make_action(at(2009, 10, 1), reference="october")
    read_earlier = make_paper()  # as at 2 September 2009: "july" only
    services.paper_update(
        paper=Paper.objects.get(pk=read_earlier.pk), reports=[recommendation.report], as_at=datetime.date(2009, 11, 2)
    )
    regenerated = services.paper_regenerate(paper=read_earlier)
    stored = Paper.objects.get(pk=read_earlier.pk)
    assert stored.as_at == datetime.date(2009, 11, 2)
    assert refs(stored.document["agencies"][0]["actions"]) == ["july", "october"]
    assert regenerated.generated_at == stored.generated_at


def test_issuing_a_draft_the_plan_has_moved_under_regenerates_it_and_asks_for_a_second_look(
    make_paper, make_action, coordinator
):
    paper = make_paper()
    make_action(at(2009, 7, 1), reference="late")
    with pytest.raises(services.StaleDraftError):
        services.paper_issue(paper=paper, issued_by=coordinator)
    paper.refresh_from_db()
    assert not paper.is_issued and refs(paper.document["agencies"][0]["actions"]) == ["late"]
    assert services.paper_issue(paper=paper, issued_by=coordinator).is_issued


def test_a_paper_as_at_a_day_not_yet_ended_cannot_be_issued(make_paper, coordinator):
    paper = make_paper(as_at=datetime.date.today() + datetime.timedelta(days=2), period_start=None)
    with pytest.raises(services.PaperIssueError, match="has not ended yet"):
        services.paper_issue(paper=paper, issued_by=coordinator)


def test_the_period_defaults_to_the_day_after_the_previous_issued_paper(make_paper, coordinator, partnership):
    first = services.paper_issue(paper=make_paper(as_at=D(2009, 6, 3), period_start=None), issued_by=coordinator)
    second = make_paper(as_at=D(2009, 9, 2), period_start=None)
    assert first.document["period_display"] == "From the start of the plan to 3 June 2009"
    assert second.document["period_display"] == "4 June 2009 to 2 September 2009"


def test_a_period_starting_after_the_as_at_date_is_refused(make_paper):
    with pytest.raises(ValidationError):
        make_paper(period_start=D(2009, 9, 3))


# --- outputs -------------------------------------------------------------------------------------------------------


def squash(text):
    return re.sub(r"\s+", " ", text)


def test_the_pdf_is_a_valid_pdf_whose_text_holds_the_sections_and_the_action_texts(history, make_paper, coordinator):
    paper = services.paper_issue(paper=make_paper(), issued_by=coordinator)
    reader = PdfReader(io.BytesIO(bytes(paper.pdf)))
    text = squash(" ".join(page.extract_text() for page in reader.pages)).casefold()  # headings set in capitals
    for expected in (
        "1. Purpose",
        "Summary of progress as at 2 September 2009",
        "Changes in the period",
        "Slipped",
        "Progress by agency",
        "Appendix 1:",
        "Audit the case files",
        "Train the case conference chairs",
        "Page 1 of",
    ):
        assert expected.casefold() in text, expected
    assert "Written after the paper" not in text
    landscape = [page for page in reader.pages if page.mediabox.width > page.mediabox.height]
    assert landscape, "the action-plan appendix is landscape"


def test_the_word_document_opens_and_holds_the_same_sections(history, make_paper):
    document = Document(io.BytesIO(word.paper_docx(make_paper())))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for expected in (
        "1. Purpose",
        "2. Proposals",
        "3. Recommendation",
        "Summary of progress as at 2 September 2009",
        "Changes in the period",
        "Slipped: due dates moved in the period",
        "Progress by agency",
    ):
        assert expected in headings
    assert any(h.startswith("Appendix 1: ") for h in headings)
    cells = " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Audit the case files" in cells and "Auditors unavailable" in cells
    assert [s.orientation for s in document.sections] == [0, 1]  # portrait, the landscape appendix (and no empty last)


def test_the_spreadsheets_neutralise_cells_that_a_spreadsheet_would_run(
    partnership, recommendation, agency, make_paper
):
    ActionFactory(
        owner=agency,
        reference="f",
        description='=HYPERLINK("http://evil")',
        timescale_text="@SUM(A1)",
        recommendations=[recommendation],
    )
    paper = make_paper(as_at=datetime.date.today(), period_start=None)
    rows = list(csv.reader(io.StringIO(tables.plan_csv(paper).decode("utf-8-sig"))))
    assert rows[0][:2] == ["Report", "Recommendation"]
    assert rows[1][6] == '\'=HYPERLINK("http://evil")' and rows[1][8] == "'@SUM(A1)"
    sheet = load_workbook(io.BytesIO(tables.plan_xlsx(paper))).active
    values = [cell.value for cell in sheet[2]]
    assert values[6] == '\'=HYPERLINK("http://evil")' and values[8] == "'@SUM(A1)"


# --- queries -------------------------------------------------------------------------------------------------------

QUERY_BOUND = 10  # the reports with their summaries, the actions as at the day, links, meetings, recommendations (with
# their themes), findings, last updates and notes, decisions, the period's changes; the last meeting's decisions


def _plan(partnership, agencies, size):
    recommendations = RecommendationFactory.create_batch(3)
    for n in range(size):
        action = ActionFactory(
            owner=agencies[n % len(agencies)], reference=f"q-{n}", recommendations=[recommendations[n % 3]]
        )
        ProgressUpdateFactory.create_batch(2, action=action, note=f"note {n}")
    for rec in recommendations:
        DecisionFactory(partnership=partnership, recommendation=rec)
    return list({r.report for r in recommendations})


@pytest.mark.parametrize("size", [2, 40])
def test_generation_takes_the_same_number_of_queries_however_many_actions(
    partnership, agency, other_agency, size, django_assert_max_num_queries
):
    reports = _plan(partnership, [agency, other_agency, AgencyFactory(partnership=partnership)], size)
    with django_assert_max_num_queries(QUERY_BOUND):
        content = papers.generate(partnership=partnership, as_at=datetime.date.today(), reports=reports)
    assert content["overall"]["actions"] == size


@pytest.mark.parametrize("size", [2, 40])
def test_regenerating_a_draft_takes_the_same_requests_queries_however_many_actions(
    partnership, agency, other_agency, coordinator, client_as, size
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from recommendations.models import ReportSummary
    from reports.models import MeetingDecision
    from tests.factories import MeetingFactory

    reports = _plan(partnership, [agency, other_agency], size)
    ReportSummary.objects.create(partnership=partnership, report=reports[0], heading="Summary", body="The report.")
    last = MeetingFactory(partnership=partnership, date=datetime.date.today() - datetime.timedelta(days=30))
    MeetingDecision.objects.create(  # matters arising: the last meeting's decisions, read with the sign-offs
        partnership=partnership, meeting=last, kind=MeetingDecision.Kind.MINUTE, text="Chronologies to be audited.",
        action=Action.objects.filter(partnership=partnership).first(), recorded_by=coordinator,
    )  # fmt: skip
    meeting = MeetingFactory(partnership=partnership, date=datetime.date.today())
    paper = services.paper_create(
        partnership=partnership, created_by=coordinator, reports=reports, meeting=meeting, title="Progress",
        purpose="P.", proposals="P.", recommendation="Note.", prepared_by_name="A", prepared_by_role="Chair",
        signed_on=meeting.date, as_at=meeting.date,
    )  # fmt: skip
    client = client_as(coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/reports/papers/{paper.pk}/regenerate/")
    assert response.status_code == 302
    # 3 to know the user and find the paper (the session, the user with their membership, the paper); 2 for what it
    # covers (the previous issued paper's date; its reports with the partnership's summaries); 9 to read the plan
    # (the actions as at the day, their links, the meetings, the recommendations with their themes, the findings,
    # each action's last update and note, the decisions as at the day, the period's changes, the last meeting's
    # decisions with the sign-offs); 1 to write it. Nothing locked, no check before the write: the UPDATE checks.
    assert len(queries) == 15, "\n".join(q["sql"][:120] for q in queries)
    document = Paper.objects.get(pk=paper.pk).document
    assert [d["text"] for d in document["meeting_decisions"]["items"]] == ["Chronologies to be audited."]
    summarised = {r["id"]: r["partnership_summary"] for r in document["reports"]}[reports[0].pk]
    assert summarised == {"heading": ["Summary"], "body": "The report."}
    bodies = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and '"reports_paper"."content"' in q["sql"]]
    assert bodies == []  # the paper's stored content is written, never read
