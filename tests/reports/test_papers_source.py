"""The 3 June 2009 paper regenerated from the fixtures and held to the paper it was transcribed from.

Appendix 2 of the source is a table whose rows ran over page breaks; it is read here mechanically (strip tags,
decode entities, drop bullets) and each recommendation's row compared with the paper's action-plan appendix.
"""

import datetime
import html
import re

import pytest
from django.core.management import call_command

from agencies.models import Partnership
from recommendations.models import SourceReport
from reports import papers
from tests.source_paper import column_text as column
from tests.source_paper import normalise, read_source, rows_by_recommendation

pytestmark = pytest.mark.django_db

LAMING_THEMES = [
    "",
    "Leadership and accountability",
    "Support for children",
    "Interagency working",
    "Children's workforce",
    "Improvement and challenge",
    "Organisation and finance",
    "Legal",
]


def source_rows():
    """{reference: [five cells of each table row, continuation rows included]} from Appendix 2 of the source."""
    return rows_by_recommendation(read_source())


def paragraphs(cells_list, index):
    """The column's paragraphs (<p> or <li>), a paragraph split by a page break joined again with one space."""
    parts = []
    for cells in cells_list:
        found = re.findall(r"<(?:p|li)>(.*?)</(?:p|li)>", cells[index], re.S) or (
            [cells[index]] if cells[index] else []
        )
        parts.append([normalise(p) for p in found if normalise(p)])
    return parts


@pytest.fixture
def content(db):
    call_command("load_recommendations", verbosity=0)
    partnership = Partnership.objects.get(slug="east-ayrshire")
    return papers.generate(
        partnership=partnership, as_at=datetime.date(2009, 6, 3), reports=list(SourceReport.objects.all())
    )


def jar(content):
    return next(r for r in content["reports"] if r["short_title"] == "JAR Haringey")


def test_the_action_plan_appendix_has_a_row_for_every_row_of_the_source_in_printed_order(content):
    assert [row["reference"] for row in jar(content)["plan_rows"]] == list(source_rows())


def test_each_row_holds_the_recommendation_as_printed(content):
    for row in jar(content)["plan_rows"]:
        printed = column(source_rows()[row["reference"]], 0)
        mine = f"{row['reference']}. {row['text']}" if row["reference"].isdigit() else row["text"]
        assert normalise(mine) == printed


def test_each_row_holds_every_circumstance_in_haringey(content):
    for row in jar(content)["plan_rows"]:
        assert normalise(" ".join(row["circumstances"])) == column(source_rows()[row["reference"]], 1)


def test_each_row_holds_every_committee_and_single_agency_action_in_printed_order(content):
    for row in jar(content)["plan_rows"]:
        cells = source_rows()[row["reference"]]
        committee = normalise(" ".join(a["description"] for a in row["committee"]))
        single = normalise(" ".join(a["description"] for a in row["single"]))
        assert (committee, single) == (column(cells, 2), column(cells, 3)), row["reference"]


def test_each_row_holds_every_timescale_printed_in_it(content):
    """Every timescale paragraph of the row is one of the row's timescales. A paragraph that a page break split is
    checked in its two halves; the shared "GIFREC referral meeting" prints its "In place" in row 5 only."""
    for row in jar(content)["plan_rows"]:
        mine = " | ".join(normalise(t) for t in row["timescales"])
        for page in paragraphs(source_rows()[row["reference"]], 4):
            for paragraph in page:
                assert paragraph in mine, (row["reference"], paragraph)
        printed = column(source_rows()[row["reference"]], 4)
        extra = [t for t in row["timescales"] if normalise(t) not in printed]
        assert extra == [], (row["reference"], extra)


def test_each_action_carries_its_status_as_at_the_paper(content):
    statuses = {
        a["reference"]: a["status"] for row in jar(content)["plan_rows"] for a in row["committee"] + row["single"]
    }
    assert statuses["jar-1-c1"] == "complete"
    assert statuses["jar-2-c2"] == "in_progress"  # "completing self evaluation"
    assert statuses["jar-2-s3"] == "in_progress"
    assert statuses["jar-10-c3"] == "ongoing"  # JiIT interviews: a process in use
    assert len(statuses) == 51


def test_the_overarching_dcsf_recommendation_has_no_row_and_is_named_as_unanswered(content):
    assert jar(content)["unanswered"] == ["DCSF"]


def test_the_recommendations_appendix_lists_all_58_laming_recommendations_under_their_themes(content):
    laming = next(r for r in content["reports"] if r["short_title"] == "Laming 2009")
    assert [group["title"] for group in laming["themes"]] == LAMING_THEMES
    references = [rec["reference"] for group in laming["themes"] for rec in group["recommendations"]]
    assert references == [str(n) for n in range(1, 59)]
    first = laming["themes"][0]["recommendations"]
    assert [r["reference"] for r in first] == ["1", "2"]
    assert len(first[1]["sub_points"]) == 10
    assert {rec["decision_label"] for g in laming["themes"] for rec in g["recommendations"]} == {"No decision recorded"}


def test_the_rendered_appendix_holds_the_texts(content, client):
    from django.template.loader import render_to_string

    class PaperStub:
        title, purpose, proposals, recommendation = "Paper", "", "", ""
        prepared_by_name, prepared_by_role, signed_on, is_issued = "Susan Taylor", "Chair", None, False
        section_keys, as_printed, form = ["appendices", "statuses"], False, "progress"

    page = render_to_string("reports/_paper_body.html", {"paper": PaperStub(), "content": content, "heading": "H"})
    for row in jar(content)["plan_rows"]:
        for action in row["committee"] + row["single"]:
            assert html.escape(action["description"]) in page
        for circumstance in row["circumstances"]:
            assert html.escape(circumstance) in page
