"""The Joint Area Review of Haringey (Appendix 2 of the source paper), held to the paper it was transcribed from.

The source is a PDF turned into markdown: its table rows are tab-separated cells holding HTML fragments, and rows
that ran over a page break continue the row above them. These tests read the source mechanically (strip tags,
decode entities, drop bullets and page artefacts) and compare it with what `load_recommendations` put in the
database.
"""

import re

import pytest
from django.core.management import call_command

from recommendations.models import Finding, Recommendation, SourceReport, Theme
from tests.source_paper import (
    GOOD_PRACTICE_LEAD_IN,
    TABLE_HEADER,
    appendix_2_lines,
    column_text,
    normalise,
    rows_by_recommendation,
    table_rows,
)

pytestmark = pytest.mark.django_db

SLUG = "jar-haringey-2008"

#: "Circumstance in Haringey" bullets beside each recommendation, counted by hand from the source.
CIRCUMSTANCES_PER_RECOMMENDATION = {
    "DCSF": 0,
    "1": 0,
    "2": 3,
    "3": 6,
    "4": 6,
    "5": 2,
    "6": 1,
    "7": 3,
    "8": 3,
    "9": 1,
    "10": 3,
    "11": 2,
    "12": 2,
    "GP1": 1,
    "GP2": 1,
}

#: Cells the PDF split across a page break, as (text before the break, text after it). The database holds them
#: joined with a single space. In the table, the other columns' cells sit between the two halves, so the joined
#: text cannot be a substring of the whole normalised appendix; it is checked here instead.
TABLE_JOINS = {
    ("recommendation", "4"): (
        "Ensure that managers and staff at all levels are accountable for casework decisions, and that they draw "
        "as necessary on the expertise of partner agencies to inform",
        "the decision making process.",
    ),
    ("recommendation", "7"): (
        "Establish rigorous arrangements for management of performance across all agencies, which ensure that the "
        "quality of practice is evaluated and reported regularly and reliably, and that accountability for each "
        "action is",
        "defined and monitored.",
    ),
    ("circumstance", 7): (
        "While some files demonstrate that children and young people were seen and spoken to and their views "
        "taken into account, this was not",
        "consistently demonstrated in assessments. Where the child had not been seen alone, there was limited "
        "evidence of managers addressing the reasons for this and enabling the child's voice to be heard.",
    ),
    ("circumstance", 11): (
        "Relevant information from",
        "ViSOR was not currently obtained to inform decision-making and risk assessment.",
    ),
    ("circumstance", 15): (
        "In some cases, children and young people are not consulted in order to establish their views about their "
        "child protection plan. While attendance at child protection",
        "conferences by children, young people, parents, carers, was monitored, the information was not collated "
        "and analysed by the local safeguarding children board, which limits its oversight and impedes "
        "improvement of the process.",
    ),
    ("circumstance", 20): (
        "Insufficient attention was given to evaluating the quality",
        "of front line practice and quantifying the impact of services upon children.",
    ),
    ("circumstance", 30): (
        "There were some good policies, but they are often not acted upon, such as the social care supervision "
        "policy, with the result that outcomes for children and young people",
        "are seriously compromised.",
    ),
}


# --- reading the source -------------------------------------------------------------------------------------


def section(source_text, start_heading, end_heading):
    """The lines of Appendix 2 strictly between two headings."""
    lines = appendix_2_lines(source_text)
    start = next(i for i, line in enumerate(lines) if start_heading in line)
    end = next(i for i, line in enumerate(lines) if i > start and end_heading in line)
    return lines[start + 1 : end]


def normalised_appendix_2(source_text):
    """Appendix 2 as running text, without the repeated table headers and the page markings between rows."""
    kept = []
    for line in appendix_2_lines(source_text):
        if line == TABLE_HEADER or line.strip().strip("*") == "DRAFT":
            continue
        line = re.sub(r"^(## |- )", "", line)
        kept.append(line)
    return normalise("\n".join(kept))


# --- the database -------------------------------------------------------------------------------------------


def recommendations():
    return Recommendation.objects.filter(report__slug=SLUG).order_by("position")


def findings(kind):
    return Finding.objects.filter(report__slug=SLUG, kind=kind).order_by("position")


def recommendation(reference):
    return Recommendation.objects.get(report__slug=SLUG, reference=reference)


def circumstance(position):
    return Finding.objects.get(report__slug=SLUG, kind="circumstance", position=position)


# --- the report ---------------------------------------------------------------------------------------------


def test_the_report_is_recorded_with_its_title_publisher_and_date(loaded):
    report = SourceReport.objects.get(slug=SLUG)
    assert report.title == "Joint Area Review: Haringey Children's Services Authority Area"
    assert report.short_title == "JAR Haringey"
    assert report.publisher == "Ofsted, the Healthcare Commission and HM Inspectorate of Constabulary"
    assert report.published_on is None
    assert report.published_text == "November 2008"
    assert report.description == ""


def test_the_key_recommendations_sit_under_one_theme(loaded):
    assert list(Theme.objects.filter(report__slug=SLUG).values_list("slug", "title", "position")) == [
        ("key-recommendations", "Key recommendations", 1)
    ]


def test_loading_again_creates_no_duplicates(loaded):
    before = (Recommendation.objects.count(), Finding.objects.count(), Theme.objects.count())
    call_command("load_recommendations", verbosity=0)
    assert (Recommendation.objects.count(), Finding.objects.count(), Theme.objects.count()) == before
    assert SourceReport.objects.filter(slug=SLUG).count() == 1


# --- counts taken from the source ---------------------------------------------------------------------------


def test_the_database_holds_every_numbered_key_issue_in_the_source(loaded, source_text):
    numbered = [line for line in section(source_text, "## KEY ISSUES", "## ") if re.match(r"^\d+\. ", line)]
    assert len(numbered) == 10
    assert findings("key_issue").count() == len(numbered)


def test_the_database_holds_every_main_findings_bullet_in_the_source(loaded, source_text):
    lines = section(source_text, "MAIN FINDINGS", "## KEY RECOMMENDATIONS")
    bullets = [line for line in lines if line.startswith("- ")]
    assert len(bullets) == 10
    assert findings("main_finding").count() == len(bullets)


def test_the_database_holds_every_numbered_recommendation_cell_in_the_source(loaded, source_text):
    numbers = [re.match(r"^(\d+)\. ", normalise(cells[0])) for cells, _ in table_rows(source_text)]
    numbers = [m.group(1) for m in numbers if m]
    assert numbers == [str(n) for n in range(1, 13)]
    key = recommendations().filter(is_mandatory=True).exclude(reference="DCSF")
    assert list(key.values_list("reference", flat=True)) == numbers


def test_the_database_holds_both_good_practice_rows_of_the_source(loaded, source_text):
    rows = [cells for cells, after_lead_in in table_rows(source_text) if after_lead_in and normalise(cells[0])]
    assert len(rows) == 2
    good_practice = recommendations().filter(is_mandatory=False)
    assert [r.text for r in good_practice] == [normalise(cells[0]) for cells in rows]


def test_there_are_fifteen_recommendations_one_overarching_twelve_key_two_good_practice(loaded):
    references = list(recommendations().values_list("reference", flat=True))
    assert references == ["DCSF"] + [str(n) for n in range(1, 13)] + ["GP1", "GP2"]


def test_every_bullet_of_the_circumstance_column_is_a_circumstance(loaded, source_text):
    source_bullets = sum(cells[1].count("<li>") for cells, _ in table_rows(source_text))
    assert source_bullets == 34 == sum(CIRCUMSTANCES_PER_RECOMMENDATION.values())
    assert findings("circumstance").count() == source_bullets


def test_each_recommendation_has_the_circumstances_printed_beside_it(loaded, source_text):
    in_db = {r.reference: r.findings.filter(kind="circumstance").count() for r in recommendations()}
    assert in_db == CIRCUMSTANCES_PER_RECOMMENDATION
    groups = rows_by_recommendation(source_text)
    in_source = {reference: sum(cells[1].count("<li>") for cells in rows) for reference, rows in groups.items()}
    assert in_source == {ref: n for ref, n in CIRCUMSTANCES_PER_RECOMMENDATION.items() if ref != "DCSF"}


def test_each_circumstance_is_printed_in_its_own_recommendations_row(loaded, source_text):
    groups = rows_by_recommendation(source_text)
    for reference, rows in groups.items():
        column = column_text(rows, 1)
        for finding in recommendation(reference).findings.filter(kind="circumstance"):
            assert finding.text in column, (reference, finding.position)


def test_the_background_holds_the_nine_narrative_paragraphs(loaded, source_text):
    texts = list(findings("background").values_list("text", flat=True))
    assert len(texts) == 9
    lines = section(source_text, "CIRCUMSTANCES OF BABY P'S DEATH", "## KEY ISSUES")
    circumstances_of_death = [line for line in lines if line.strip()]
    assert texts[:5] == [normalise(line) for line in circumstances_of_death]
    assert texts[5].startswith("A special joint area review was commissioned in November 2008")
    assert texts[6].startswith("The inspection commenced on 13 November 2008")
    assert texts[7].startswith("Ofsted has judged the quality of the serious case review")
    assert texts[8].startswith("The main findings of this inspection, described below, point to")


def test_only_circumstances_point_at_a_recommendation(loaded):
    assert not findings("circumstance").filter(recommendation__isnull=True).exists()
    for kind in ("background", "key_issue", "main_finding"):
        assert not findings(kind).filter(recommendation__isnull=False).exists()
    assert not recommendation("1").findings.exists()
    assert not recommendation("DCSF").findings.exists()


def test_finding_positions_run_from_one_without_gaps(loaded):
    for kind, count in (("background", 9), ("key_issue", 10), ("main_finding", 10), ("circumstance", 34)):
        assert list(findings(kind).values_list("position", flat=True)) == list(range(1, count + 1))


# --- every text is the source's text ------------------------------------------------------------------------


def _joined(key):
    before, after = TABLE_JOINS[key]
    return f"{before} {after}"


def test_every_text_appears_in_the_source(loaded, source_text):
    running = normalised_appendix_2(source_text)
    joined_recommendations = {ref for kind, ref in TABLE_JOINS if kind == "recommendation"}
    joined_circumstances = {pos for kind, pos in TABLE_JOINS if kind == "circumstance"}
    for rec in recommendations():
        if rec.reference in joined_recommendations:
            assert rec.text == _joined(("recommendation", rec.reference))
        else:
            assert rec.text in running, rec.reference
        assert rec.lead_in in running
    for finding in Finding.objects.filter(report__slug=SLUG):
        if finding.kind == "circumstance" and finding.position in joined_circumstances:
            assert finding.text == _joined(("circumstance", finding.position))
        else:
            assert finding.text in running, (finding.kind, finding.position)


def test_both_halves_of_every_split_cell_are_in_the_source(source_text):
    running = normalised_appendix_2(source_text)
    for key, (before, after) in TABLE_JOINS.items():
        assert before in running, key
        assert after in running, key
        assert f"{before} {after}" not in running, f"{key} is not split in the source after all"


def test_recommendation_and_circumstance_texts_read_on_down_their_column(loaded, source_text):
    """Read each column top to bottom across the page breaks: joined cells are whole there, in printed order."""
    rows = [cells for cells, _ in table_rows(source_text)]
    recommendation_column = column_text(rows, 0)
    circumstance_column = column_text(rows, 1)
    offset = 0
    for rec in recommendations().exclude(reference="DCSF"):
        found = recommendation_column.find(rec.text, offset)
        assert found >= offset, rec.reference
        offset = found + len(rec.text)
    offset = 0
    for finding in findings("circumstance"):
        found = circumstance_column.find(finding.text, offset)
        assert found >= offset, finding.position
        offset = found + len(finding.text)


def test_page_joins_use_one_space(loaded):
    assert recommendation("4").text == _joined(("recommendation", "4"))
    assert recommendation("4").text.endswith("expertise of partner agencies to inform the decision making process.")
    assert recommendation("7").text == _joined(("recommendation", "7"))
    assert recommendation("7").text.endswith("accountability for each action is defined and monitored.")
    assert circumstance(7).text == _joined(("circumstance", 7))
    assert circumstance(11).text == (
        "Relevant information from ViSOR was not currently obtained to inform decision-making and risk assessment."
    )
    assert circumstance(15).text == _joined(("circumstance", 15))
    assert circumstance(20).text == (
        "Insufficient attention was given to evaluating the quality of front line practice and quantifying the "
        "impact of services upon children."
    )
    assert circumstance(30).text.endswith("outcomes for children and young people are seriously compromised.")
    assert circumstance(7).recommendation.reference == "3"
    assert circumstance(11).recommendation.reference == "4"
    assert circumstance(15).recommendation.reference == "4"
    assert circumstance(20).recommendation.reference == "7"
    assert circumstance(30).recommendation.reference == "11"


def test_the_inspection_paragraph_split_by_a_page_break_is_joined(loaded):
    assert findings("background").get(position=7).text == (
        "The inspection commenced on 13 November 2008 and was completed by 26 November 2008. It was carried out by "
        "a multi-disciplinary team of seven Inspectors from Ofsted, the Healthcare Commission and Her Majesty's "
        "Inspectorate of Constabulary."
    )


def test_the_corporate_parenting_bullet_on_the_continuation_page_belongs_to_recommendation_ten(loaded):
    corporate = Finding.objects.get(report__slug=SLUG, kind="circumstance", text__startswith="Corporate parenting")
    assert corporate.recommendation.reference == "10"
    assert corporate.text == (
        "Corporate parenting arrangements are underdeveloped and there is currently a lack of shared "
        "responsibility across the council for this function."
    )


def test_no_text_carries_pdf_or_markup_artefacts(loaded):
    texts = [r.text for r in recommendations()] + [f.text for f in Finding.objects.filter(report__slug=SLUG)]
    for text in texts:
        assert text == text.strip()
        assert "  " not in text and "\n" not in text and "\t" not in text
        assert not re.search(r"[•<>]|&amp;|\*\*|DRAFT", text), text
        assert not re.match(r"^\d+\. ", text), text


# --- order and kind -----------------------------------------------------------------------------------------


def test_recommendations_are_in_printed_order(loaded):
    assert list(recommendations().values_list("reference", "position")) == (
        [("DCSF", 0)] + [(str(n), n) for n in range(1, 13)] + [("GP1", 13), ("GP2", 14)]
    )


def test_key_recommendations_are_mandatory_and_under_the_theme(loaded):
    for rec in recommendations().exclude(reference__startswith="GP"):
        assert rec.is_mandatory, rec.reference
        assert rec.theme.slug == "key-recommendations"
        assert rec.lead_in == ""
        assert rec.sub_points == []


def test_good_practice_recommendations_are_not_mandatory_and_carry_the_lead_in(loaded, source_text):
    assert GOOD_PRACTICE_LEAD_IN in appendix_2_lines(source_text)
    for reference in ("GP1", "GP2"):
        rec = recommendation(reference)
        assert not rec.is_mandatory
        assert rec.lead_in == GOOD_PRACTICE_LEAD_IN
        assert rec.addressed_to == "the Local Authority"
        assert rec.theme is None
        assert rec.sub_points == []


def test_only_the_dcsf_recommendation_names_its_addressee(loaded):
    assert recommendation("DCSF").addressed_to == "The Department for Children, Schools and Families"
    for n in range(1, 13):
        assert recommendation(str(n)).addressed_to == ""


# --- wording spot checks ------------------------------------------------------------------------------------


def test_the_overarching_recommendation_is_worded_as_printed(loaded):
    assert recommendation("DCSF").text == (
        "The Department for Children, Schools and Families should provide immediate appropriate support and "
        "challenge to the local authority to ensure that comprehensive and effective safeguarding arrangements for "
        "children and young people are established."
    )


def test_key_recommendations_are_worded_as_printed(loaded):
    assert recommendation("1").text == (
        "Improve governance of safeguarding arrangements. In particular, they should ensure full compliance with "
        "the guidance contained within 'Working Together to Safeguard Children' 2006 and embed the London protocol "
        "for inter-agency working to improve outcomes for children and young people"
    )
    assert recommendation("3").text == "Establish more systematic monitoring of the quality of practice."
    assert recommendation("8").text == (
        "Make explicit to all staff and elected members the expectations and standards required of front line "
        "child protection practice."
    )
    assert recommendation("12").text == (
        "Appoint an independent chairperson to the local safeguarding children board (LSCB)."
    )
    assert recommendation("GP1").text == "Ensure that all elected members have CRB checks"
    assert recommendation("GP2").text == "Ensure that all elected members undertake safeguarding training."


def test_key_issues_are_worded_as_printed(loaded):
    issues = list(findings("key_issue").values_list("text", flat=True))
    assert issues[0] == (
        "Baby P had been subject to a child protection plan from 22 December 2006, following concerns that he had "
        "been abused and neglected. He was still subject to this plan when he died."
    )
    assert issues[2] == (
        "Baby P was the fourth child in his family group – there had been no previous concerns in respect of the "
        "children prior to December 2006. (Parents separated 6 months before initial child protection concern "
        "raised)"
    )
    assert issues[8] == "Legal services advised case did not meet criteria for formal care proceedings."
    assert issues[9].startswith("During the last month of his life the mother presented her son to health")


def test_main_findings_are_worded_as_printed(loaded):
    main = list(findings("main_finding").values_list("text", flat=True))
    assert main[1] == (
        "There was a managerial failure to ensure full compliance with some requirements of the inquiry into the "
        "death of Victoria Climbié, such as the lack of written feedback to those making referrals to social care "
        "services."
    )
    assert main[6] == "Child protection plans were generally poor."
    assert main[7].startswith("Arrangements for scrutinising performance across the council")
    assert main[9].endswith("underlying quality of service provision and practice.")


def test_circumstances_are_worded_as_printed(loaded):
    assert circumstance(1).text == (
        "Inconsistencies in the application of the thresholds for access to children in need and child protection "
        "services."
    )
    assert circumstance(17).text == (
        "There are indications that police child abuse investigation teams were not always receiving required "
        "information in domestic violence cases"
    )
    assert circumstance(26).text.endswith(
        "who make up 51 of 121 established social worker posts. This resulted in "
        "lack of continuity for children and their families and of care planning."
    )
    assert circumstance(33).text == "Not all elected members had CRB check"
    assert circumstance(34).text == "Some elected members had not received child Protection or safeguarding training"


def test_the_background_keeps_ms_a_and_mrs_a_as_printed(loaded):
    death = findings("background").get(position=5).text
    assert death == (
        "Ms. A, Mr H and Mr G were charged with murder and causing or allowing the death of a child. On 11 "
        "November 2008 Mr H and Mr G were convicted of causing or allowing the death of baby P. Mrs A had already "
        "pled guilty to this charge."
    )
    assert findings("background").get(position=1).text.startswith("On 03.08.07 at approximately 11.30am Ms A")
