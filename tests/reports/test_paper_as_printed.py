"""The 3 June 2009 paper regenerated from the fixtures, as printed, held to the paper it was transcribed from.

The source is read as a reader reads it: outside the Appendix 2 table, in printed order; in the table, each
recommendation's row in order and, within the row, each column in order (its page splits joined). Our HTML, PDF
and Word files must hold every sentence of it in that order, and (in the *as printed* form) nothing else.

Texts are compared after one normalisation, the same for both sides: tags and markdown marks dropped, entities
decoded, ligatures folded, list numbers ("1.", "10.") dropped, whitespace after a hyphen dropped, whitespace
collapsed, case folded (the paper sets its headings in capitals with CSS, as the source prints them). Sentences end at . ; : ? or ! and at block boundaries.
"""

import datetime
import html
import io
import re
import unicodedata

import pytest
from django.core.management import call_command
from django.db import transaction

from reports import exports, papers, services, word
from reports.models import Paper
from tests.actions.conftest import APPENDIX_COLUMNS, parse_appendix_table
from tests.source_paper import TABLE_HEADER, read_source

pytestmark = pytest.mark.django_db

BLOCK_TAGS = r"</?(?:p|li|td|th|h[1-6]|div|tr|ul|ol|section|header|br|table|thead|tbody)\b[^>]*>"


def normalise(text):
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"<(https?://[^>\s]+)>", r"\1", text)  # the source's autolink
    text = re.sub(r"</?(?:em|strong|span|b|i)\b[^>]*>", "", text)  # inline: no word boundary
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text).replace("•", " ").replace("*", "").replace("#", "")
    text = re.sub(r"(?m)^\s*- ", " ", text)
    text = re.sub(r"(?<!\S)\d{1,2}\.(?=\s)", " ", text)
    text = re.sub(r"(?<=\w)-\s+(?=\w)", "-", text)  # a PDF line may break after a hyphen ("thoraco-/lumbar")
    return re.sub(r"\s+", " ", text).strip().casefold()


def sentences(text):
    return [s for s in re.split(r"(?<=[.;:!?])\s+", normalise(text)) if s]


def units(text_with_blocks):
    """The sentences of a text whose block boundaries are marked by blank lines: no sentence crosses a block."""
    found = []
    for block in re.split(r"\n\s*\n", text_with_blocks):
        found.extend(sentences(block))
    return found


# --- the source, as read ------------------------------------------------------------------------------------------


def source_streams():
    """[(name, [sentences])]: the text before the table as one stream, then each row's columns, in printed order.

    The table's header is printed once (the PDF repeated it on every page); the good-practice lead-in is printed
    once, before the first good-practice row.
    """
    source = read_source()
    before_table = source[: source.index(TABLE_HEADER)]
    streams = [("before the table", units(before_table.replace("\n", "\n\n")) + sentences(TABLE_HEADER))]
    lead_in = re.search(r"^Whilst not a mandatory requirement[^\n]*", source, re.M).group(0)
    for reference, row in parse_appendix_table(source).items():
        if reference == "GP1":
            streams.append(("lead-in", sentences(lead_in)))
        for column in APPENDIX_COLUMNS:
            items = row[column]
            streams.append((f"{reference} {column}", [s for item in items for s in sentences(item)]))
    return streams


def source_corpus():
    """Every text of the source, normalised: the paper as transcribed plus its table's cells joined across pages."""
    source = read_source()
    joined = " | ".join(
        item for row in parse_appendix_table(source).values() for items in row.values() for item in items
    )
    return f"{normalise(source)} | {normalise(joined)}"


def assert_in_order(streams, text):
    """Each stream's sentences are found in ``text`` in order; each row's columns start from where its
    recommendation starts, and each row after the one before."""
    position = 0
    row_start = 0
    for name, stream in streams:
        leads = name.endswith(" recommendation") or name in ("before the table", "lead-in")
        start = position if leads else row_start
        at = start
        for sentence in stream:
            found = text.find(sentence, at)
            assert found >= 0, f"{name}: not found in order: {sentence!r}"
            if at == start and (name.endswith(" recommendation") or name == "lead-in"):
                row_start = found
            at = found + len(sentence)
        if leads:
            position = at


# --- our outputs ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outputs(django_db_setup, django_db_blocker):
    """The fixture paper of 3 June 2009, regenerated as printed and rendered once: HTML, PDF and Word."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_recommendations", verbosity=0)
        paper = Paper.objects.get(meeting__date=datetime.date(2009, 6, 3))
        paper = services.paper_regenerate(paper=paper)
        rendered = {
            "paper": paper,
            "content": paper.document,
            "html": exports.render_paper_html(paper),
            "docx": word.paper_docx(paper),
        }
        rendered["pdf"] = exports.render_pdf(rendered["html"])
        progress = services.paper_update(paper=paper, reports=list(paper.reports.all()), form=Paper.Form.PROGRESS)
        rendered["progress_html"] = exports.render_paper_html(progress)
        rendered["progress_docx"] = word.paper_docx(progress)
        transaction.set_rollback(True)
    return rendered


def html_body(page):
    """The text of the paper's <main>, block boundaries marked by blank lines."""
    main = page[page.index("<main>") : page.index("</main>")]
    return re.sub(BLOCK_TAGS, "\n\n", main)


def pdf_text(pdf):
    """The PDF's text as a reader reads it: its running heads (artifacts, on every page) left out, so that a
    sentence continued on the next page, as the source's table cells are, reads as one."""
    from pypdf import PdfReader

    from tests.pdf_pages import without_artifacts

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(without_artifacts(pdf))).pages)


def docx_blocks(docx):
    """The Word file's body text in document order, one block per paragraph and per table cell (merged cells once)."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(docx))
    blocks = []
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            blocks.append(Paragraph(element, document).text)
        elif element.tag.endswith("}tbl"):
            seen = {}  # id -> element: holding each element keeps its id from being reused
            for row in Table(element, document).rows:
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen[id(cell._tc)] = cell._tc
                        blocks.extend(p.text for p in cell.paragraphs)
    return blocks


def docx_properties(docx):
    from docx import Document

    return Document(io.BytesIO(docx)).core_properties


# --- every sentence, in order -------------------------------------------------------------------------------------------


def test_the_source_is_read_as_a_few_hundred_sentences_in_streams():
    streams = source_streams()
    assert sum(len(s) for _, s in streams) > 300
    assert streams[0][1][0] == "east ayrshire chief officers group:"


def test_the_html_holds_every_sentence_of_the_source_in_order(outputs):
    assert_in_order(source_streams(), normalise(html_body(outputs["html"])))


def test_the_pdf_holds_every_sentence_of_the_source_in_order(outputs):
    assert_in_order(source_streams(), normalise(pdf_text(outputs["pdf"])))


def test_the_word_file_holds_every_sentence_of_the_source_in_order(outputs):
    assert_in_order(source_streams(), normalise("\n".join(docx_blocks(outputs["docx"]))))


# --- nothing else ---------------------------------------------------------------------------------------------------


def test_the_html_as_printed_says_nothing_the_source_does_not(outputs):
    corpus = source_corpus()
    extra = [unit for unit in units(html_body(outputs["html"])) if unit not in corpus]
    assert extra == []


def test_the_word_file_as_printed_says_nothing_the_source_does_not(outputs):
    corpus = source_corpus()
    extra = [unit for block in docx_blocks(outputs["docx"]) for unit in sentences(block) if unit not in corpus]
    assert extra == []


def test_the_as_printed_form_prints_no_status_reference_or_decision(outputs):
    page = html_body(outputs["html"])
    for words in ("Not started", "In progress", "jar-2-c1", "Decision:", "No decision recorded", "DCSF."):
        assert words not in page, words


def test_italic_titles_are_emphasised_in_html_and_word(outputs):
    assert "<em>Working Together to Safeguard Children</em>" in outputs["html"]
    assert "<em>Healthy lives, brighter futures</em>" in outputs["html"]
    from docx import Document

    document = Document(io.BytesIO(outputs["docx"]))
    italic = {run.text for p in document.paragraphs for run in p.runs if run.italic}
    assert {"Working Together to Safeguard Children", "Healthy lives, brighter futures"} <= italic


# --- Appendix 2 row for row -------------------------------------------------------------------------------------------


def jar(content):
    return next(r for r in content["reports"] if r["plan_rows"])


def test_appendix_2_is_the_source_table_row_for_row_with_its_repeated_lines(outputs):
    source_rows = parse_appendix_table(read_source())
    rows = jar(outputs["content"])["plan_rows"]
    assert [row["reference"] for row in rows] == list(source_rows)
    for row in rows:
        printed = source_rows[row["reference"]]
        number = f"{row['reference']}. " if row["reference"].isdigit() else ""
        mine = {
            "recommendation": [number + row["text"]],
            "circumstance": row["circumstances"],
            "committee": [a["description"] for a in row["committee"]],
            "single_agency": [a["description"] for a in row["single"]],
            "timescale": [t for line in row["lines"] for t in line["timescales"]],
        }
        assert mine == printed, row["reference"]


def test_row_4_prints_its_self_evaluation_timescale_twice_and_row_2_has_no_gifrec_in_place(outputs):
    rows = {row["reference"]: row for row in jar(outputs["content"])["plan_rows"]}
    refer = "Refer to assessing risks and needs self evaluation plan."
    assert rows["4"]["timescales"] == ["October 2009", refer, "November 2009", refer]
    assert "In place" not in rows["2"]["timescales"]
    assert rows["5"]["timescales"][0] == "In place"


def test_each_timescale_is_printed_beside_the_first_action_it_belongs_to(outputs):
    rows = {row["reference"]: row for row in jar(outputs["content"])["plan_rows"]}
    beside = {line["committee"]["reference"]: line["timescales"] for line in rows["4"]["lines"] if line["committee"]}
    assert beside["jar-4-c1"] == ["October 2009"]
    assert beside["jar-4-c2"] == ["Refer to assessing risks and needs self evaluation plan."]
    assert beside["jar-4-c3"] == ["November 2009"]
    assert beside["jar-4-c4"] == [] and beside["jar-4-c5"] == []
    assert beside["jar-4-c6"] == ["Refer to assessing risks and needs self evaluation plan."]


def test_the_good_practice_lead_in_is_printed_once_in_every_output(outputs):
    lead_in = "Whilst not a mandatory requirement, it would be good practice for the Local Authority to:"
    assert html_body(outputs["html"]).count(lead_in) == 1
    assert normalise(pdf_text(outputs["pdf"])).count(normalise(lead_in)) == 1
    assert [b for b in docx_blocks(outputs["docx"]) if b == lead_in] == [lead_in]


def test_the_appendices_come_in_the_order_the_covering_report_names_them(outputs):
    text = normalise(html_body(outputs["html"]))
    appendix_2 = text.index("appendix 2 east ayrshire child protection committee")
    assert text.index("complete list of recommendations") < appendix_2 < text.index("key recommendations")


# --- document properties ----------------------------------------------------------------------------------------------


def test_the_pdf_says_its_title_author_and_subject(outputs):
    from pypdf import PdfReader

    meta = PdfReader(io.BytesIO(outputs["pdf"])).metadata
    paper = outputs["paper"]
    assert meta.title == paper.title
    assert meta.author == "East Ayrshire: Susan Taylor, Chair of Child Protection Committee"
    assert meta.subject.startswith("Draft paper for the East Ayrshire Chief Officers Group, 3 June 2009")
    assert meta.creation_date.replace(tzinfo=None) == paper.generated_at.replace(tzinfo=None, microsecond=0)


def test_the_word_file_says_its_title_author_subject_and_when_it_was_made(outputs):
    properties = docx_properties(outputs["docx"])
    paper = outputs["paper"]
    assert properties.title == paper.title
    assert properties.author == "East Ayrshire: Susan Taylor, Chair of Child Protection Committee"
    assert "Chief Officers Group" in properties.subject
    assert properties.created.replace(tzinfo=None) == paper.generated_at.replace(tzinfo=None, microsecond=0)
    assert properties.author != "python-docx"


def test_the_meeting_is_asked_only_to_note_the_report(outputs):
    assert outputs["paper"].recommendation.endswith("i) note the contents of this report.")
    assert "proposed for closure" not in html_body(outputs["html"]).casefold()


def test_the_percent_rule_counts_only_reported_values(outputs):
    overall = outputs["content"]["overall"]
    assert (overall["percent"], overall["percent_reported"], overall["percent_counted"]) == (100, 8, 51)
    assert papers.long_date(datetime.date(2009, 6, 3)) in overall["percent_rule"]


# --- the progress form ------------------------------------------------------------------------------------------------


def test_a_progress_paper_prints_each_action_once_with_its_status(outputs):
    page = html_body(outputs["progress_html"])
    for row in jar(outputs["content"])["plan_rows"]:
        for action in row["committee"] + row["single"]:
            if action["reference"] == "jar-2-c1":
                continue  # GIFREC referral meeting: printed in rows 2 and 5, as the source prints it
            assert page.count(html.escape(action["description"])) == 1, action["reference"]
    assert page.count("Complete") >= 8 and "In progress (no % reported)" in page


def test_a_progress_paper_keeps_the_sections_of_todays_paper(outputs):
    text = normalise(html_body(outputs["progress_html"]))
    for heading in (
        "summary of progress as at 3 june 2009",
        "changes in the period",
        "slipped: due dates moved in the period",
        "progress by agency",
        "complete list of recommendations",
        "appendix 2: joint area review",
    ):
        assert heading in text, heading
    assert "no % complete was reported" not in text and "8 of 51" in text
