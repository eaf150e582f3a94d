"""The Laming 2009 fixture, held to the paper it was transcribed from (fixtures/source/)."""

import re

import pytest
from django.core.management import call_command

from recommendations import markup
from recommendations.models import Recommendation, SourceReport, Theme

pytestmark = pytest.mark.django_db

SECTION_START = "### COMPLETE LIST OF RECOMMENDATIONS"
REF_URL = "http://publications.everychildmatters.gov.uk/eOrderingDownload/HC-330.pdf"
SECTION_END = f"Ref: <{REF_URL}>"

# A paragraph that stops here, normalised, is followed by a bullet, a heading, the next number or the end.
PARAGRAPH_END = r"(?= - | ## | \d+\. |$)"


def laming_section(source_text):
    """The printed list of Laming's recommendations, from its heading to the Ref line."""
    start = source_text.index(SECTION_START) + len(SECTION_START)
    return source_text[start : source_text.index(SECTION_END, start)]


def normalise(text):
    """Drop markdown bold/italic markers and fold line breaks and runs of spaces into single spaces."""
    return " ".join(text.replace("*", "").split())


def laming():
    return Recommendation.objects.filter(report__slug="laming-2009")


def printed_numbers(section):
    return [int(n) for n in re.findall(r"(?m)^(\d+)\. ", section)]


def printed_headings(section):
    return [normalise(h) for h in re.findall(r"(?m)^## (.+)$", section)]


def printed_sub_point_counts(section):
    """Bullets ("- " lines) printed under each numbered paragraph, by number."""
    parts = re.split(r"(?m)^(\d+)\. ", section)
    return {
        int(number): len(re.findall(r"(?m)^- ", body)) for number, body in zip(parts[1::2], parts[2::2], strict=True)
    }


def printed_heading_of_each_number(section):
    heading, headings = None, {}
    for line in section.splitlines():
        if line.startswith("## "):
            heading = normalise(line[3:])
        elif match := re.match(r"^(\d+)\. ", line):
            headings[int(match.group(1))] = heading
    return headings


# --- the report ------------------------------------------------------------------------------------------


def test_it_loads_the_report_once_with_its_publication_details(loaded, source_text):
    report = SourceReport.objects.get(slug="laming-2009")

    assert SourceReport.objects.filter(slug="laming-2009").count() == 1
    assert report.title == "The Protection of Children in England: A Progress Report"
    assert report.short_title == "Laming 2009"
    assert report.reference == "HC 330"
    assert "HC 330" in report.publisher
    assert str(report.published_on) == "2009-03-12"
    assert report.published_text == "March 2009"
    assert report.url == REF_URL
    assert SECTION_END in source_text


def test_the_report_description_is_quoted_from_the_covering_report(loaded, source_text):
    description = SourceReport.objects.get(slug="laming-2009").description
    covering_report = normalise(source_text[source_text.index("2.1 The Protection") : source_text.index("2.2 ")])

    assert description.startswith("Following the tragic death of 'Baby P', The Lord Laming was commissioned")
    for paragraph in description.split("\n\n"):
        assert paragraph.strip()
        assert normalise(paragraph) in covering_report


# --- counts taken from the source --------------------------------------------------------------------------


def test_it_loads_as_many_recommendations_as_the_source_numbers_and_that_is_58(loaded, source_text):
    numbers = printed_numbers(laming_section(source_text))

    assert numbers == list(range(1, 59))
    assert laming().count() == len(numbers) == 58
    assert sorted(laming().values_list("reference", flat=True), key=int) == [str(n) for n in numbers]


def test_it_loads_as_many_themes_as_the_source_has_headings_and_that_is_7(loaded, source_text):
    headings = printed_headings(laming_section(source_text))
    themes = Theme.objects.filter(report__slug="laming-2009").order_by("position")

    assert len(headings) == 7
    assert themes.count() == len(headings)
    assert list(themes.values_list("title", flat=True)) == headings
    assert list(themes.values_list("position", flat=True)) == [1, 2, 3, 4, 5, 6, 7]
    assert list(themes.values_list("slug", flat=True)) == [
        "leadership-and-accountability",
        "support-for-children",
        "interagency-working",
        "childrens-workforce",
        "improvement-and-challenge",
        "organisation-and-finance",
        "legal",
    ]


def test_each_recommendation_has_as_many_sub_points_as_the_source_prints_bullets_under_it(loaded, source_text):
    printed = printed_sub_point_counts(laming_section(source_text))
    stored = {int(r.reference): len(r.sub_points) for r in laming()}

    assert stored == printed
    assert {n: count for n, count in printed.items() if count} == {2: 10, 19: 3, 24: 4, 26: 3}


def test_every_recommendation_is_mandatory_and_has_no_lead_in(loaded):
    assert set(laming().values_list("is_mandatory", flat=True)) == {True}
    assert set(laming().values_list("lead_in", flat=True)) == {""}


# --- wording against the source ----------------------------------------------------------------------------


def test_every_text_appears_in_the_source_once_line_breaks_and_markers_are_normalised(loaded, source_text):
    section = normalise(laming_section(source_text))

    for recommendation in laming():
        assert normalise(recommendation.text) in section, recommendation.reference
        for sub_point in recommendation.sub_points:
            assert normalise(sub_point) in section, (recommendation.reference, sub_point)


def test_every_text_and_sub_point_runs_whole_from_its_number_or_bullet_to_the_end_of_its_paragraph(loaded, source_text):
    section = normalise(laming_section(source_text))

    for recommendation in laming().order_by("position"):
        text = markup.plain(recommendation.text)
        match = re.search(re.escape(f"{recommendation.reference}. {text}") + PARAGRAPH_END, section)
        assert match, recommendation.reference
        cursor = match.end()
        for sub_point in recommendation.sub_points:
            # each bullet, whole, in printed order straight after the one before
            assert re.match(re.escape(f" - {sub_point}") + PARAGRAPH_END, section[cursor:]), (
                recommendation.reference,
                sub_point,
            )
            cursor += len(f" - {sub_point}")
        # nothing printed under this recommendation is left out
        assert not section[cursor:].startswith(" - "), recommendation.reference


def test_stored_texts_carry_no_markdown_markers_bullets_or_line_breaks(loaded):
    for recommendation in laming():
        for text in [recommendation.text, *recommendation.sub_points]:
            assert "*" not in markup.plain(text), recommendation.reference
            assert "\n" not in text and "  " not in text, recommendation.reference
            assert text == text.strip(), recommendation.reference
            assert not text.startswith(("- ", "• ")), recommendation.reference
            assert not re.match(r"\d+\. ", text), recommendation.reference


def test_paragraphs_the_pdf_split_across_pages_are_stored_whole(loaded, source_text):
    splits = {
        ("2", 7): ("of Serious\n\nCase Reviews", "the recommendations of Serious Case Reviews in partnership"),
        ("13", None): (
            "involved in their\n\nlives, take account",
            "the professionals involved in their lives, take account",
        ),
        ("53", None): (
            "systems and quality\n\nof services and practice",
            "the right systems and quality of services and practice",
        ),
    }
    for (reference, sub_point), (printed_split, whole) in splits.items():
        assert printed_split in source_text  # the split really is in the paper
        recommendation = laming().get(reference=reference)
        text = recommendation.text if sub_point is None else recommendation.sub_points[sub_point]
        assert whole in text

    assert laming().get(reference="2").sub_points[7] == (
        "supporting the implementation of the recommendations of Serious Case Reviews in partnership with "
        "Government Offices and Ofsted, and put in place systems to learn the lessons at local, regional and "
        "national level;"
    )
    assert laming().get(reference="13").text == (
        "Children's Trusts must ensure that all assessments of need for children and their families include "
        "evidence from all the professionals involved in their lives, take account of case histories and "
        "significant events (including previous assessments) and above all must include direct contact with the "
        "child."
    )
    assert laming().get(reference="53").text == (
        "Local Safeguarding Children Boards should report to the Children's Trust Board and publish an annual "
        "report on the effectiveness of safeguarding in the local area. Local Safeguarding Children Boards should "
        "provide robust challenge to the work of the Children's Trust and its partners in order to ensure that the "
        "right systems and quality of services and practice are in place so that children are properly "
        "safeguarded."
    )


def test_the_source_has_no_other_paragraph_split_across_pages(source_text):
    """Every non-blank line of the list starts a numbered paragraph, a bullet or a heading, but for the three."""
    continuations = [
        line
        for line in laming_section(source_text).splitlines()
        if line.strip() and not re.match(r"(\d+\. |- |## )", line)
    ]

    assert [line[:20] for line in continuations] == [
        "Case Reviews in part",
        "lives, take account ",
        "of services and prac",
    ]


# --- printed order and themes ------------------------------------------------------------------------------


def test_ordering_by_position_gives_the_printed_order_with_2_before_10(loaded):
    references = list(laming().order_by("position").values_list("reference", flat=True))

    assert references == [str(n) for n in range(1, 59)]
    assert references.index("2") < references.index("10")
    assert list(laming().in_printed_order().values_list("position", flat=True)) == list(range(1, 59))
    assert all(r.position == int(r.reference) for r in laming())


def test_each_recommendation_sits_under_the_heading_printed_above_it(loaded, source_text):
    printed = printed_heading_of_each_number(laming_section(source_text))
    stored = {int(r.reference): (r.theme.title if r.theme else None) for r in laming().select_related("theme")}

    assert stored == printed


def test_recommendations_1_and_2_stand_before_any_theme(loaded):
    assert list(laming().filter(theme__isnull=True).values_list("reference", flat=True)) == ["1", "2"]


@pytest.mark.parametrize(
    ("title", "first", "last"),
    [
        ("Leadership and accountability", 3, 9),
        ("Support for children", 10, 18),
        ("Interagency working", 19, 23),
        ("Children's workforce", 24, 36),
        ("Improvement and challenge", 37, 49),
        ("Organisation and finance", 50, 56),
        ("Legal", 57, 58),
    ],
)
def test_each_theme_holds_the_run_of_recommendations_printed_under_it(loaded, title, first, last):
    theme = Theme.objects.get(report__slug="laming-2009", title=title)

    assert list(theme.recommendations.order_by("position").values_list("position", flat=True)) == list(
        range(first, last + 1)
    )


# --- exact wording ------------------------------------------------------------------------------------------


def test_recommendation_1_is_worded_exactly_as_printed(loaded):
    assert laming().get(reference="1").text == (
        "The Home Secretary and the Secretaries of State for Children, Schools and Families, Health, and Justice "
        "must collaborate in the setting of explicit strategic priorities for the protection of children and young "
        "people and reflect these in the priorities of frontline services."
    )


def test_italic_titles_are_stored_as_the_source_marks_them_and_nothing_else_is(loaded, source_text):
    section = laming_section(source_text)
    emphasised = [m for r in laming() for m in re.findall(r"\*[^*]+\*", r.text)]
    assert sorted(set(emphasised)) == ["*Healthy lives, brighter futures*", "*Working Together to Safeguard Children*"]
    assert len(emphasised) == len(re.findall(r"(?<!\*)\*[^*\s][^*]*\*(?!\*)", section)) == 7


def test_recommendation_11_keeps_the_title_of_working_together_in_italics(loaded):
    assert laming().get(reference="11").text == (
        "The Department for Children, Schools and Families should revise *Working Together to Safeguard Children* to "
        "set out clear expectations at all points where concerns about a child's safety are received, ensuring "
        "intake/duty teams have sufficient training and expertise to take referrals and that staff have immediate, "
        "on-site support available from an experienced social worker. Local authorities should take appropriate "
        "action to implement these changes."
    )


def test_recommendation_33_keeps_the_en_dashes_of_the_age_ranges(loaded):
    assert laming().get(reference="33").text == (
        "The Department of Health should review the Healthy Child Programme for 0\u20135-year-olds to ensure that "
        "the role of health visitors in safeguarding and child protection is prioritised and has sufficient clarity, "
        "and ensure that similar clarity is provided in the Healthy Child Programme for 5\u201319-year-olds."
    )


def test_recommendation_58_is_worded_exactly_as_printed(loaded):
    assert laming().get(reference="58").text == (
        "The Ministry of Justice should appoint an independent person to undertake a review of the impact of court "
        "fees in the coming months. In the absence of incontrovertible evidence that the fees had not acted as a "
        "deterrent, they should then be abolished from 2010/11 onwards."
    )


def test_recommendation_24_keeps_its_lead_sentence_and_its_four_bullets_with_their_punctuation(loaded):
    recommendation = laming().get(reference="24")

    assert recommendation.text == "The Social Work Task Force should:"
    assert recommendation.sub_points == [
        "develop the basis for a national children's social worker supply strategy that will address recruitment "
        "and retention difficulties, to be implemented by the Department for Children, Schools and Families. This "
        "should have a particular emphasis on child protection social workers;",
        "work with the Children's Workforce Development Council and other partners to implement, on a national "
        "basis, clear progression routes for children's social workers;",
        "develop national guidelines setting out maximum case-loads of children in need and child protection cases, "
        "supported by a weighting mechanism to reflect the complexity of cases, that will help plan the workloads of "
        "children's social workers; and",
        "develop a strategy for remodelling children's social work which delivers shared ownership of cases, "
        "administrative support and multi-disciplinary support to be delivered nationally.",
    ]


def test_recommendation_2_has_its_two_lead_sentences_and_ends_its_bullets_as_printed(loaded):
    recommendation = laming().get(reference="2")

    assert recommendation.text == (
        "A National Safeguarding Delivery Unit be established to report directly to the Cabinet Sub-Committee on "
        "Families, Children and Young People. It should have a remit that includes:"
    )
    assert len(recommendation.sub_points) == 10
    assert recommendation.sub_points[0].startswith("working with the Cabinet Sub-Committee")
    assert all(point.endswith(";") for point in recommendation.sub_points[:8])
    assert recommendation.sub_points[8].endswith("implementing robust arrangements nationally; and")
    assert recommendation.sub_points[9].endswith("responsible for safeguarding and child protection.")


def test_every_recommendation_with_bullets_ends_its_lead_sentence_with_a_colon(loaded):
    for recommendation in laming():
        assert recommendation.text.endswith(":") == bool(recommendation.sub_points), recommendation.reference


# --- whom each recommendation addresses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "addressed_to"),
    [
        (
            "1",
            "The Home Secretary and the Secretaries of State for Children, Schools and Families, Health, and Justice",
        ),
        ("2", ""),
        ("10", "Ofsted"),
        ("19", "The Department for Children, Schools and Families; Children's Trusts"),
        ("26", "The General Social Care Council, together with relevant government departments"),
        (
            "54",
            "The Department for Children, Schools and Families, the Department of Health, and the Home Office, "
            "together with HM Treasury",
        ),
        ("56", ""),
        ("57", "The Ministry of Justice"),
    ],
)
def test_addressed_to_names_whom_the_recommendation_addresses(loaded, reference, addressed_to):
    assert laming().get(reference=reference).addressed_to == addressed_to


def test_every_addressee_is_named_in_the_words_of_its_recommendation(loaded):
    for recommendation in laming():
        for addressee in filter(None, recommendation.addressed_to.split("; ")):
            spellings = {addressee, addressee[0].lower() + addressee[1:], addressee[0].upper() + addressee[1:]}
            assert any(spelling in recommendation.text for spelling in spellings), (recommendation.reference, addressee)


# --- loading again -----------------------------------------------------------------------------------------


def test_loading_again_creates_no_duplicates_and_restores_corrected_text(loaded):
    counts = (
        SourceReport.objects.filter(slug="laming-2009").count(),
        Theme.objects.filter(report__slug="laming-2009").count(),
        laming().count(),
    )
    laming().filter(reference="13").update(text="mistyped")

    call_command("load_recommendations", verbosity=0)

    assert counts == (1, 7, 58)
    assert (
        SourceReport.objects.filter(slug="laming-2009").count(),
        Theme.objects.filter(report__slug="laming-2009").count(),
        laming().count(),
    ) == counts
    assert laming().get(reference="13").text.startswith("Children's Trusts must ensure")
