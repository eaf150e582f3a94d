"""Papers a council can publish: the 3 June 2009 paper (as printed and in the progress form) as a tagged,
accessible PDF and Word file; a draft marked on every page, an issued paper never; no page left nearly empty.

The PDF is read with pypdf and pikepdf (tests/pdf_pages.py) and checked with the ``pdfua`` checker (the
machine-checkable subset of PDF/UA-1 that it implements; veraPDF is not installable here: bench/RESULTS.md).
"""

import datetime
import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.db import transaction

from reports import exports, services, word
from reports.models import Paper
from tests.pdf_pages import catalog, pages, structure_roles, untagged_text
from tests.source_paper import read_source

pytestmark = pytest.mark.django_db

DRAFT_MARK = "DRAFT – not yet issued"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def papers(django_db_setup, django_db_blocker):
    """The 3 June 2009 paper, regenerated, as a draft (as printed and progress form) and issued (as printed)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_recommendations", verbosity=0)
        paper = services.paper_regenerate(paper=Paper.objects.get(meeting__date=datetime.date(2009, 6, 3)))
        rendered = {"as_printed": _outputs(paper)}
        progress = services.paper_update(paper=paper, reports=list(paper.reports.all()), form=Paper.Form.PROGRESS)
        rendered["progress"] = _outputs(progress)
        printed = services.paper_update(paper=progress, reports=list(paper.reports.all()), form=Paper.Form.AS_PRINTED)
        issued = services.paper_issue(paper=printed, issued_by=None)
        pdf = exports.render_pdf(issued.html)  # as the worker renders it from the frozen HTML
        rendered["issued"] = {"html": issued.html, "pdf": pdf, "docx": word.paper_docx(issued)}
        rendered["reports"] = [r["title"] for r in issued.document["reports"]]
        transaction.set_rollback(True)
    return rendered


def _outputs(paper):
    html = exports.render_paper_html(paper)
    pdf = exports.render_pdf(html)
    return {"html": html, "pdf": pdf, "pages": pages(pdf), "docx": word.paper_docx(paper)}


FORMS = ["as_printed", "progress"]


# --- a tagged, accessible PDF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", FORMS)
def test_the_pdf_is_tagged_in_british_english_and_shows_its_title(papers, form):
    assert catalog(papers[form]["pdf"]) == {"marked": True, "struct_tree": True, "lang": "en-GB", "display_title": True}


@pytest.mark.parametrize("form", FORMS)
def test_every_text_on_every_page_is_tagged_or_a_running_head_artifact(papers, form):
    assert untagged_text(papers[form]["pdf"]) == []


@pytest.mark.parametrize("form", FORMS)
def test_the_structure_holds_headings_tables_with_header_cells_and_lists(papers, form):
    roles = structure_roles(papers[form]["pdf"])
    for role in ("/H1", "/H2", "/H3", "/P", "/L", "/LI", "/Table", "/THead", "/TR", "/TH", "/TD"):
        assert roles.get(role), role


def test_each_header_cell_says_what_it_heads_and_each_chart_has_alternative_text(papers):
    import pikepdf

    with pikepdf.open(io.BytesIO(papers["progress"]["pdf"])) as pdf:
        elements = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/StructElem"]
        headers = [e for e in elements if e.get("/S") == "/TH"]
        figures = [e for e in elements if e.get("/S") == "/Figure"]
        assert headers and all(str(e.A.Scope) in ("/Column", "/Row") for e in headers)
        assert {str(e.A.Scope) for e in headers} == {"/Column", "/Row"}
        assert len(figures) == 2 and all(str(e.get("/Alt", "")).strip() for e in figures)
        cells = [e for e in elements if e.get("/S") == "/TD"]
        assert all(len(e.A.Headers) for e in cells if "/A" in e and "/Headers" in e.A)


def test_the_pdf_ua_checker_finds_no_error(papers, tmp_path):
    from pdfua import validate

    for form in FORMS:
        path = tmp_path / f"{form}.pdf"
        path.write_bytes(papers[form]["pdf"])
        report = validate(str(path))
        assert [(f.rule_id, f.message) for f in report.findings] == [], form


# --- drafts look like drafts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", FORMS)
def test_every_page_of_a_drafts_pdf_says_it_is_a_draft(papers, form):
    unmarked = [page.number for page in papers[form]["pages"] if DRAFT_MARK not in page.text]
    assert unmarked == []


@pytest.mark.parametrize("form", FORMS)
def test_a_drafts_word_file_says_so_in_the_header_of_every_section(papers, form):
    from docx import Document

    document = Document(io.BytesIO(papers[form]["docx"]))
    for section in document.sections:
        assert DRAFT_MARK in "\n".join(p.text for p in section.header.paragraphs)


def test_a_drafts_print_view_says_so_above_the_paper_and_on_every_printed_page(papers):
    html = papers["as_printed"]["html"]
    assert f'<p class="draft-banner">{DRAFT_MARK}</p>' in html
    assert re.search(r'@page \{ @top-left \{ content: "DRAFT – not yet issued"', html)


def test_an_issued_paper_never_says_draft_in_any_format(papers):
    from docx import Document

    issued = papers["issued"]
    assert "not yet issued" not in issued["html"]
    assert all("not yet issued" not in page.text for page in pages(issued["pdf"]))
    document = Document(io.BytesIO(issued["docx"]))
    assert all("not yet issued" not in p.text for s in document.sections for p in s.header.paragraphs)
    assert catalog(issued["pdf"])["marked"]  # rendered from its frozen HTML, tagged


# --- layout -----------------------------------------------------------------------------------------------------------


def _section_starts(papers):
    """The first words of the sections that start a new page by the source's layout: each appendix."""
    return [title.casefold()[:40] for title in papers["reports"]] + ["appendix"]


@pytest.mark.parametrize("form", FORMS)
def test_no_page_is_under_half_full_but_the_last_before_a_section_that_starts_a_page(papers, form):
    measured = papers[form]["pages"]
    starts = _section_starts(papers)

    def ends_a_section(page, following):
        """The last page before a page that starts anew by the source's layout: an appendix, or the plan's
        landscape pages (a new page size), or the paper's last page."""
        if following is None or following.landscape != page.landscape:
            return True
        head = " ".join(line for line in following.text.casefold().splitlines()[:6] if "not yet issued" not in line)
        return any(start in head for start in starts)

    nearly_empty = [
        (page.number, round(page.fill, 2))
        for page, following in zip(measured, measured[1:] + [None], strict=True)
        if page.fill < 0.5 and not ends_a_section(page, following)
    ]
    assert nearly_empty == []
    plan = [p for p, f in zip(measured, measured[1:] + [None], strict=True) if p.landscape and not ends_a_section(p, f)]
    # the table fills its pages on average (a line of a row is kept whole, so a page may end early)
    assert plan and sum(p.fill for p in plan) / len(plan) > 0.8


def test_the_landscape_plan_begins_with_its_introduction_not_on_a_page_of_its_own(papers):
    measured = papers["as_printed"]["pages"]
    first_plan = next(page for page in measured if page.landscape)
    assert "KEY RECOMMENDATIONS" in first_plan.text and "Recommendation" in first_plan.text
    assert measured[first_plan.number - 2].fill > 0.5


@pytest.mark.parametrize("form", FORMS)
def test_the_running_header_keeps_the_meeting_date_on_one_line(papers, form):
    assert all("Chief Officers Group: 3 June 2009" in page.text for page in papers[form]["pages"])


# --- Word -------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", FORMS)
def test_every_word_table_has_its_first_row_marked_as_a_repeating_header(papers, form):
    from docx import Document

    document = Document(io.BytesIO(papers[form]["docx"]))
    assert document.tables
    for table in document.tables:
        header = table.rows[0]._tr
        assert header.find(f"{W}trPr/{W}tblHeader") is not None
        assert table._tbl.tblPr.find(f"{W}tblLook").get(f"{W}firstRow") == "1"
        assert table._tbl.tblPr.find(f"{W}tblCaption").get(f"{W}val")


@pytest.mark.parametrize("form", FORMS)
def test_the_word_file_uses_heading_styles_and_says_its_language(papers, form):
    from docx import Document

    document = Document(io.BytesIO(papers[form]["docx"]))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert {"1. Purpose", "2. Proposals", "3. Recommendation", "Leadership and accountability"} <= set(headings)
    if form == "as_printed":  # the form that prints the partnership's summary of the JAR
        assert "KEY RECOMMENDATIONS" in headings
        assert any(h.startswith("Appendix 2\nEAST AYRSHIRE CHILD PROTECTION COMMITTEE") for h in headings)
    lang = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}val") == "en-GB" and document.core_properties.language == "en-GB"


@pytest.mark.parametrize("form", FORMS)
def test_the_word_files_application_properties_name_this_application_and_claim_no_page_count(papers, form):
    app = zipfile.ZipFile(io.BytesIO(papers[form]["docx"])).read("docProps/app.xml").decode()
    assert "<Application>Child protection recommendations tracker</Application>" in app
    assert "Microsoft" not in app and "<Pages>" not in app and "<Words>" not in app


def test_the_word_file_ends_with_the_landscape_plan_not_an_empty_section(papers):
    from docx import Document
    from docx.enum.section import WD_ORIENT

    document = Document(io.BytesIO(papers["as_printed"]["docx"]))
    assert [s.orientation for s in document.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE]
    body = list(document.element.body)
    last_table = max(i for i, e in enumerate(body) if e.tag == f"{W}tbl")
    after = [e for e in body[last_table + 1 :] if e.tag == f"{W}p"]
    assert all(not "".join(t.text for t in p.iter(f"{W}t")) for p in after) and len(after) <= 1


# --- emphasis as printed ---------------------------------------------------------------------------------------------


def _source_italics():
    return set(re.findall(r"(?<!\*)\*([^*\n]+)\*(?!\*)", read_source()))


def test_only_what_the_source_italicises_is_italic_in_word(papers):
    from docx import Document

    for form in FORMS:
        document = Document(io.BytesIO(papers[form]["docx"]))
        paragraphs = list(document.paragraphs) + [
            p for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs
        ]
        italic = {r.text for p in paragraphs for r in p.runs if r.italic or (r.italic is None and p.style.font.italic)}
        assert italic == _source_italics(), form


def test_only_what_the_source_italicises_is_italic_in_html_and_pdf(papers):
    html = papers["as_printed"]["html"]
    assert set(re.findall(r"<em>(.*?)</em>", html)) == _source_italics()
    css = html[html.index("<style>") : html.index("</style>")]
    assert "italic" not in css  # nothing else is set in italics: the good-practice lead-in is printed upright
