"""fixtures/east-ayrshire.json held to the paper it was transcribed from (Appendix 2 of the COG paper, 3 June 2009)."""

import datetime
import html
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command

from actions.models import Action, ActionRecommendation
from actions.timescales import due_date_from_timescale
from agencies.models import Agency, Partnership
from reports.models import Meeting
from tests.actions.conftest import plain

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "fixtures" / "README.md"
EA = "east-ayrshire"
JAR = "jar-haringey-2008"
D = datetime.date

#: (committee actions, single agency actions) printed in each recommendation's row, counted from the source.
#: The DCSF recommendation stands above the table and has no row; "GIFREC referral meeting" counts in 2 and 5.
ROW_COUNTS = {
    "DCSF": (0, 0),
    "1": (2, 0),
    "2": (5, 3),
    "3": (6, 1),
    "4": (6, 1),
    "5": (3, 0),
    "6": (1, 1),
    "7": (3, 0),
    "8": (5, 0),
    "9": (2, 0),
    "10": (5, 0),
    "11": (4, 0),
    "12": (2, 0),
    "GP1": (1, 0),
    "GP2": (1, 0),
}

STAFFING = (
    "Agencies to submit staffing level information on 6 monthly basis to CP Co-ordinator. Report to CPC October 2009."
)
MECHANISMS = "Agencies to submit details of mechanisms by September 2009."
OUTCOMES = "Outcome monitoring to be submitted to Performance and Audit on annual basis"
REFER = "Refer to assessing risks and needs self evaluation plan."
REVISED_MI = "Revised Management information to CPC from October 2009."
REASSURANCE = "Agency reassurance and details of monitoring submitted by September 2009"
DEVELOPMENT_DAY = "CPC to discuss chairing options for the CPC at development day 22.06.09."
WEST_OF_SCOTLAND = "Date to be confirmed 2009 for West of Scotland Procedures"

#: reference -> (primary recommendation, level, owner, timescale_text, due_date), for every action. Statuses are held
#: to the table of fixtures/README.md (test_each_status_is_the_readme_tables).
C, S = "committee", "single_agency"
ACTIONS = {
    "jar-1-c1": ("1", C, "cpc", "", None),
    "jar-1-c2": ("1", C, "cpc", WEST_OF_SCOTLAND, None),
    "jar-2-c1": ("2", C, "cpc", "In place", None),
    "jar-2-c2": ("2", C, "performance-audit", "Current plan ongoing from April 2009.", None),
    "jar-2-c3": ("2", C, "cp-coordinator", STAFFING, D(2009, 10, 31)),
    "jar-2-c4": ("2", C, "social-work", "", None),
    "jar-2-c5": ("2", C, "cpc", "IAF Implementation plan to be agreed May 2009", D(2009, 5, 31)),
    "jar-2-s1": ("2", S, "social-work", "", None),
    "jar-2-s2": ("2", S, "social-work", "", None),
    "jar-2-s3": ("2", S, "social-work", "", None),
    "jar-3-c1": ("3", C, "performance-audit", MECHANISMS, D(2009, 9, 30)),
    "jar-3-c2": ("3", C, "performance-audit", OUTCOMES, None),
    "jar-3-c3": ("3", C, "cpc", "", None),
    "jar-3-c4": ("3", C, "social-work", "", None),
    "jar-3-c5": (
        "3",
        C,
        "performance-audit",
        "Tool developed June 2009 and piloted in Social Services.",
        D(2009, 6, 30),
    ),
    "jar-3-c6": (
        "3",
        C,
        "social-work",
        "Information available for CPC from October 2009.",
        D(2009, 10, 31),
    ),
    "jar-3-s1": ("3", S, "performance-audit", MECHANISMS, D(2009, 9, 30)),
    "jar-4-c1": ("4", C, "performance-audit", "October 2009", D(2009, 10, 31)),
    "jar-4-c2": ("4", C, "performance-audit", REFER, None),
    "jar-4-c3": ("4", C, "health", "November 2009", D(2009, 11, 30)),
    "jar-4-c4": ("4", C, "health", "November 2009", D(2009, 11, 30)),
    "jar-4-c5": ("4", C, "cpc", "", None),
    "jar-4-c6": ("4", C, "cpc", REFER, None),
    "jar-4-s1": ("4", S, "health", "November 2009", D(2009, 11, 30)),
    "jar-5-c2": ("5", C, "cpc", "IAF Implementation plan being developed", None),
    "jar-5-c3": ("5", C, "social-work", "", None),
    "jar-6-c1": ("6", C, "cpc", "October 2009 and ongoing", D(2009, 10, 31)),
    "jar-6-s1": ("6", S, "cpc", "October 2009 and ongoing", D(2009, 10, 31)),
    "jar-7-c1": ("7", C, "cpc", "", None),
    "jar-7-c2": ("7", C, "performance-audit", "Plan developed implemented from May 2009.", None),
    "jar-7-c3": ("7", C, "performance-audit", REVISED_MI, D(2009, 10, 31)),
    "jar-8-c1": ("8", C, "cpc", "Ongoing", None),
    "jar-8-c2": ("8", C, "cpc", "Ongoing", None),
    "jar-8-c3": ("8", C, "cpc", "Ongoing", None),
    "jar-8-c4": ("8", C, "cpc", "Ongoing", None),
    "jar-8-c5": ("8", C, "cpc", "Ongoing", None),
    "jar-9-c1": ("9", C, "performance-audit", "", None),
    "jar-9-c2": ("9", C, "performance-audit", "Ongoing from June 2009.", None),
    "jar-10-c1": ("10", C, "cpc", "", None),
    "jar-10-c2": ("10", C, "cpc", "", None),
    "jar-10-c3": ("10", C, "police", "", None),
    "jar-10-c4": ("10", C, "cpc", "", None),
    "jar-10-c5": ("10", C, "council", "December 2009", D(2009, 12, 31)),
    "jar-11-c1": ("11", C, "cpc", REASSURANCE, D(2009, 9, 30)),
    "jar-11-c2": ("11", C, "cpc", REASSURANCE, D(2009, 9, 30)),
    "jar-11-c3": ("11", C, "cpc", "", None),
    "jar-11-c4": ("11", C, "cpc", "", None),
    "jar-12-c1": ("12", C, "cpc", DEVELOPMENT_DAY, D(2009, 6, 22)),
    "jar-12-c2": ("12", C, "cpc", "", None),
    "jar-gp1-c1": ("GP1", C, "council", "October 2009.", D(2009, 10, 31)),
    "jar-gp2-c1": ("GP2", C, "council", "October 2009", D(2009, 10, 31)),
}

#: Every paragraph of every row's TIMESCALE cell, in printed order, page splits joined.
TIMESCALE_PARAGRAPHS = {
    "1": [WEST_OF_SCOTLAND],
    "2": ["Current plan ongoing from April 2009.", STAFFING, "IAF Implementation plan to be agreed May 2009"],
    "3": [
        MECHANISMS,
        OUTCOMES,
        "Tool developed June 2009 and piloted in Social Services.",
        "Information available for CPC from October 2009.",
    ],
    "4": ["October 2009", REFER, "November 2009", REFER],
    "5": ["In place", "IAF Implementation plan being developed"],
    "6": ["October 2009 and ongoing"],
    "7": ["Plan developed implemented from May 2009.", REVISED_MI],
    "8": ["Ongoing"],
    "9": ["Ongoing from June 2009."],
    "10": ["December 2009"],
    "11": [REASSURANCE],
    "12": [DEVELOPMENT_DAY],
    "GP1": ["October 2009."],
    "GP2": ["October 2009"],
}

#: Cells the PDF split across two pages: reference -> (end of the first page's text, start of the next page's).
SPLIT_DESCRIPTIONS = {
    "jar-3-c5": (
        "Staff supervision tool being developed to assist",
        "self evaluation- one area focus recording of views of the child",
    ),
    "jar-4-c2": (
        "Performance and audit sub group self evaluation of assessing risks and",
        "needs will look at multi agency working and impact on decision making",
    ),
    "jar-5-c3": (
        "The views of social workers requested for all carers' reviews. Robust system being put in place to "
        "follow up if SW views are not submitted. Concerns raised are investigated and outcomes recorded "
        "for the Care Commission. Social workers are",
        "routinely asked suitability of the placement at each child's LAAC review.",
    ),
    "jar-7-c3": (
        "Performance and audit sub group reviewing the format of the management information provided to the",
        "child protection committee to ensure that multi agency information is available",
    ),
    "jar-10-c5": ("Corporate Parenting plan", "developed and roll out of we can and must do better to be completed"),
    "jar-11-c4": (
        "Supervision to be of a high quality and focus on case planning, constructive challenge and professional",
        "development.",
    ),
    "jar-12-c2": (
        "Independent chairperson of child protection case conferences in place but managed by Service "
        "Manager Children and Families (adoption and fostering). Child Protection",
        "committee members to consider any possible restrictions this may place on independence.",
    ),
}
SPLIT_TIMESCALES = {
    "jar-4-c2": ("Refer to assessing risks and needs self", "evaluation plan."),
    "jar-7-c3": ("Revised Management information to CPC from", "October 2009."),
}

#: The joined texts in full, written out.
JOINED_DESCRIPTIONS = {
    "jar-3-c5": (
        "Staff supervision tool being developed to assist self evaluation- one area focus recording of "
        "views of the child"
    ),
    "jar-4-c2": (
        "Performance and audit sub group self evaluation of assessing risks and needs will look at multi "
        "agency working and impact on decision making"
    ),
    "jar-5-c3": (
        "The views of social workers requested for all carers' reviews. Robust system being put in place to "
        "follow up if SW views are not submitted. Concerns raised are investigated and outcomes recorded "
        "for the Care Commission. Social workers are routinely asked suitability of the placement at each "
        "child's LAAC review."
    ),
    "jar-7-c3": (
        "Performance and audit sub group reviewing the format of the management information provided to the "
        "child protection committee to ensure that multi agency information is available"
    ),
    "jar-10-c5": "Corporate Parenting plan developed and roll out of we can and must do better to be completed",
    "jar-11-c4": (
        "Supervision to be of a high quality and focus on case planning, constructive challenge and "
        "professional development."
    ),
    "jar-12-c2": (
        "Independent chairperson of child protection case conferences in place but managed by Service "
        "Manager Children and Families (adoption and fostering). Child Protection committee members to "
        "consider any possible restrictions this may place on independence."
    ),
}

AGENCIES = {
    "cpc": ("East Ayrshire Child Protection Committee", "CPC", "group"),
    "performance-audit": ("Performance and Audit Sub Group", "P&A Sub Group", "group"),
    "cp-coordinator": ("Child Protection Co-ordinator", "CP Co-ordinator", "group"),
    "social-work": ("Social Work Services", "Social Work", "agency"),
    "health": ("NHS Ayrshire & Arran", "Health", "agency"),
    "police": ("Strathclyde Police", "Police", "agency"),
    "education": ("East Ayrshire Council Education", "Education", "agency"),
    "council": ("East Ayrshire Council", "Council", "agency"),
}


def plan_actions():
    return Action.objects.filter(partnership__slug=EA).select_related("owner__partnership")


def row_of(recommendation, level):
    """The descriptions linked to a recommendation at one level, in the row's printed order."""
    links = ActionRecommendation.objects.filter(
        recommendation__report__slug=JAR, recommendation__reference=recommendation, action__level=level
    ).order_by("position")
    return [link.action.description for link in links]


def page_split(before, after):
    """A cell text that ends one page's table row and is carried on in the first row of the next page."""
    return re.compile(
        re.escape(before) + r"\s*</(?:li|p)>[^\n]*\n\nRECOMMENDATION\t[^\n]*\n[^\n]*(?:<p>|\t)" + re.escape(after)
    )


def test_the_partnership_is_east_ayrshire_with_its_committee(loaded):
    partnership = Partnership.objects.get(slug=EA)

    assert partnership.name == "East Ayrshire"
    assert partnership.committee_name == "East Ayrshire Child Protection Committee"


def test_the_committee_name_is_printed_in_the_paper(source_text):
    assert "**EAST AYRSHIRE CHILD PROTECTION COMMITTEE**" in source_text
    assert "East Ayrshire Child Protection Committee on Tuesday 19 May 2009" in source_text


def test_the_agencies_and_groups_that_own_actions_are_loaded(loaded):
    agencies = {
        agency.slug: (agency.name, agency.short_name, agency.kind)
        for agency in Agency.objects.filter(partnership__slug=EA)
    }

    assert agencies == AGENCIES


def test_the_groups_the_paper_names_are_printed_in_it(plain_paper):
    text = plain_paper

    for name in (
        "Performance and Audit Sub Group",
        "Child Protection Co-ordinator",
        "CP Co-ordinator",
        "Social Services",
        "Social Work",
        "Health Visiting",
        "A&E",
    ):
        assert name in text, name


def test_the_three_meetings_the_paper_names_exist(loaded):
    meetings = {(meeting.body, meeting.date): meeting.title for meeting in Meeting.objects.filter(partnership__slug=EA)}

    assert meetings == {
        ("cpc", D(2009, 5, 19)): "Child Protection Committee: consideration of the Laming and Haringey JAR reports",
        ("cog", D(2009, 6, 3)): (
            "Joint Area Review Haringey Children's Services Authority Area and The Protection "
            "of Children in England: A Progress Report"
        ),
        ("cpc", D(2009, 6, 22)): "Child Protection Committee development day",
    }


def test_the_meetings_dates_and_the_cog_title_are_printed_in_the_paper(source_text, plain_paper):
    assert "**EAST AYRSHIRE CHIEF OFFICERS GROUP: 3 JUNE 2009**" in source_text
    assert "considered by East Ayrshire Child Protection Committee on Tuesday 19 May 2009" in source_text
    assert "at development day 22.06.09." in source_text
    heading = plain_paper[: plain_paper.index("1. PURPOSE")]
    assert (
        "JOINT AREA REVIEW HARINGEY CHILDREN'S SERVICES AUTHORITY AREA AND THE PROTECTION OF CHILDREN IN "
        "ENGLAND: A PROGRESS REPORT" in heading
    )
    assert "2.2 Joint Area Review Haringey Children's Services Authority Area" in source_text
    assert "2.1 The Protection of Children in England: A Progress Report" in source_text


def test_the_cog_meets_on_3_june_not_the_2_june_of_the_draft_appendix_heading(loaded, source_text):
    assert "EAST AYRSHIRE CHIEF OFFICERS GROUP – 2 JUNE 2009" in source_text  # the discrepancy is in the source

    assert Meeting.objects.filter(partnership__slug=EA, body="cog", date=D(2009, 6, 3)).exists()
    assert not Meeting.objects.filter(partnership__slug=EA, body="cog", date=D(2009, 6, 2)).exists()


def test_each_recommendation_has_the_committee_and_single_agency_actions_printed_in_its_row(loaded):
    counts = {reference: (len(row_of(reference, C)), len(row_of(reference, S))) for reference in ROW_COUNTS}

    assert counts == ROW_COUNTS


def test_the_row_counts_are_the_bullets_of_the_source_table(appendix_rows):
    counts = {ref: (len(row["committee"]), len(row["single_agency"])) for ref, row in appendix_rows.items()}

    assert counts == {ref: count for ref, count in ROW_COUNTS.items() if ref != "DCSF"}


def test_the_plan_has_45_committee_and_6_single_agency_actions_with_52_links(loaded):
    levels = Counter(plan_actions().values_list("level", flat=True))

    assert levels == {C: 45, S: 6}
    assert ActionRecommendation.objects.filter(action__partnership__slug=EA).count() == 52
    assert sum(c + s for c, s in ROW_COUNTS.values()) == 52


def test_each_rows_actions_are_its_printed_bullets_in_printed_order(loaded, appendix_rows):
    for reference, row in appendix_rows.items():
        assert row_of(reference, C) == row["committee"], reference
        assert row_of(reference, S) == row["single_agency"], reference


def test_every_description_not_split_by_a_page_is_printed_verbatim_in_the_paper(loaded, plain_paper):
    text = plain_paper

    for action in plan_actions():
        if action.reference not in SPLIT_DESCRIPTIONS:
            assert action.description in text, action.reference


def test_the_descriptions_missing_from_the_plain_paper_are_exactly_the_page_splits(loaded, plain_paper):
    text = plain_paper

    missing = {action.reference for action in plan_actions() if action.description not in text}

    assert missing == set(SPLIT_DESCRIPTIONS)


def test_every_split_description_is_its_two_page_parts_joined_by_one_space(loaded, source_text):
    decoded = html.unescape(source_text)
    descriptions = dict(plan_actions().values_list("reference", "description"))

    for reference, (before, after) in SPLIT_DESCRIPTIONS.items():
        assert descriptions[reference] == JOINED_DESCRIPTIONS[reference] == f"{before} {after}"
        assert page_split(before, after).search(decoded), reference


def test_every_split_timescale_is_its_two_page_parts_joined_by_one_space(loaded, source_text):
    timescales = dict(plan_actions().values_list("reference", "timescale_text"))

    for reference, (before, after) in SPLIT_TIMESCALES.items():
        assert timescales[reference] == f"{before} {after}"
        assert page_split(before, after).search(source_text), reference
    assert timescales["jar-4-c2"] == "Refer to assessing risks and needs self evaluation plan."
    assert timescales["jar-7-c3"] == "Revised Management information to CPC from October 2009."


def test_every_timescale_not_split_by_a_page_is_printed_verbatim_in_the_paper(loaded, plain_paper):
    text = plain_paper

    for action in plan_actions().exclude(timescale_text=""):
        if action.reference not in SPLIT_TIMESCALES:
            assert action.timescale_text in text, action.reference


def test_every_timescale_is_a_paragraph_of_a_timescale_cell_of_its_own_rows(loaded):
    for action in plan_actions().exclude(timescale_text="").prefetch_related("links__recommendation"):
        rows = [link.recommendation.reference for link in action.links.all()]
        assert any(action.timescale_text in TIMESCALE_PARAGRAPHS[row] for row in rows), action.reference


def test_the_timescale_paragraphs_listed_are_the_paragraphs_of_the_source_table(appendix_rows):
    assert {ref: row["timescale"] for ref, row in appendix_rows.items()} == TIMESCALE_PARAGRAPHS


def test_every_paragraph_of_every_timescale_cell_belongs_to_an_action_of_its_row(loaded):
    for reference, paragraphs in TIMESCALE_PARAGRAPHS.items():
        given = set(
            ActionRecommendation.objects.filter(
                recommendation__report__slug=JAR, recommendation__reference=reference
            ).values_list("action__timescale_text", flat=True)
        )
        for paragraph in paragraphs:
            assert paragraph in given, (reference, paragraph)


def test_every_action_has_the_owner_timescale_due_date_and_status_recorded(loaded):
    actual = {
        action.reference: (
            action.links.get(is_primary=True).recommendation.reference,
            action.level,
            action.owner.slug,
            action.timescale_text,
            action.due_date,
        )
        for action in plan_actions()
    }

    assert actual == ACTIONS


def test_each_due_date_is_read_from_its_timescale_by_the_timescale_rule(loaded):
    for action in plan_actions():
        assert action.due_date == due_date_from_timescale(action.timescale_text), action.reference


def readme_status_table():
    """{reference: (status, [quoted source words])} from the status table of fixtures/README.md."""
    text = README.read_text(encoding="utf-8")
    table = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"jar-[\w]+-[cs]\d+", cells[0]):
            table[cells[0]] = (cells[1], re.findall(r"“([^”]+)”", cells[2]))
    return table


def test_each_status_is_the_readme_tables(loaded):
    table = readme_status_table()

    assert {a.reference: a.status for a in plan_actions()} == {ref: status for ref, (status, _) in table.items()}


def test_the_readme_table_justifies_every_status_with_words_printed_in_the_actions_bullet_or_timescale(
    loaded, source_text
):
    printed = plain(source_text)
    for action in plan_actions():
        status, words = readme_status_table()[action.reference]
        assert words, action.reference
        for phrase in words:
            assert phrase in f"{action.description} | {action.timescale_text}", (action.reference, phrase)
            assert phrase in printed, (action.reference, phrase)


def test_complete_actions_are_100_percent_and_no_other_percentage_is_claimed(loaded):
    for action in plan_actions():
        assert action.percent_complete == (100 if action.status == "complete" else None), action.reference


def test_the_gifrec_referral_meeting_is_one_action_linked_to_recommendations_2_and_5(loaded, appendix_rows):
    assert appendix_rows["2"]["committee"][0] == appendix_rows["5"]["committee"][0] == "GIFREC referral meeting"
    gifrec = Action.objects.get(partnership__slug=EA, description="GIFREC referral meeting")

    links = {
        link.recommendation.reference: (link.is_primary, link.position)
        for link in gifrec.links.select_related("recommendation")
    }

    assert gifrec.reference == "jar-2-c1"
    assert links == {"2": (True, 1), "5": (False, 1)}
    assert all(link.recommendation.report.slug == JAR for link in gifrec.links.all())


def test_no_other_description_is_printed_twice(loaded):
    counts = Counter(plan_actions().values_list("description", flat=True))

    assert [description for description, count in counts.items() if count > 1] == []


def test_each_action_has_exactly_one_primary_link_to_the_row_its_reference_names(loaded):
    for action in plan_actions():
        primary = action.links.filter(is_primary=True)
        assert primary.count() == 1, action.reference
        recommendation = primary.get().recommendation
        assert recommendation.report.slug == JAR
        assert action.reference.startswith(f"jar-{recommendation.reference.lower()}-"), action.reference


def test_references_number_each_column_of_a_row_in_printed_order(loaded):
    for action in plan_actions():
        primary = action.links.get(is_primary=True)
        match = re.fullmatch(r"jar-(\w+)-([cs])(\d+)", action.reference)
        assert match, action.reference
        assert match.group(2) == {"committee": "c", "single_agency": "s"}[action.level], action.reference
        committee_count = ROW_COUNTS[primary.recommendation.reference][0]
        offset = 0 if action.level == C else committee_count
        assert primary.position == offset + int(match.group(3)), action.reference


def test_link_positions_number_each_row_from_1_with_committee_actions_first(loaded):
    positions = defaultdict(list)
    for link in ActionRecommendation.objects.filter(action__partnership__slug=EA).select_related(
        "action", "recommendation"
    ):
        positions[link.recommendation.reference].append((link.position, link.action.level))

    for reference, entries in positions.items():
        entries.sort()
        assert [position for position, _ in entries] == list(range(1, len(entries) + 1)), reference
        levels = [level for _, level in entries]
        assert levels == sorted(levels, key=[C, S].index), reference


def test_owner_agencies_belong_to_east_ayrshire(loaded):
    for action in plan_actions():
        assert action.owner.partnership.slug == EA, action.reference
        assert action.partnership.slug == EA


def test_authors_spellings_are_kept(loaded):
    descriptions = " ".join(plan_actions().values_list("description", flat=True))

    for word in ("GIFREC", "JiIT", "HMle", "cp1s", "A&E", "A & E", "CPCC", "LAAC"):
        assert word in descriptions, word
    assert "&amp;" not in descriptions and "•" not in descriptions and "<" not in descriptions


def test_loading_the_fixtures_again_creates_no_duplicates(loaded):
    before = (
        Action.objects.count(),
        ActionRecommendation.objects.count(),
        Agency.objects.count(),
        Meeting.objects.count(),
        Partnership.objects.count(),
    )

    call_command("load_recommendations", verbosity=0)

    after = (
        Action.objects.count(),
        ActionRecommendation.objects.count(),
        Agency.objects.count(),
        Meeting.objects.count(),
        Partnership.objects.count(),
    )
    assert after == before == (51, 52, 8, 3, 1)


def test_east_ayrshires_summary_of_the_review_holds_the_jar_findings_word_for_word_in_printed_order(loaded):
    from recommendations.models import Finding, Recommendation, ReportSummary

    summary = ReportSummary.objects.get(partnership__slug=EA, report__slug=JAR)
    texts = [
        *Finding.objects.filter(report__slug=JAR, kind="background", position__lte=5).values_list("text", flat=True),
        *Finding.objects.filter(report__slug=JAR, kind="key_issue").values_list("text", flat=True),
        *Finding.objects.filter(report__slug=JAR, kind="background", position__gt=5).values_list("text", flat=True),
        *Finding.objects.filter(report__slug=JAR, kind="main_finding").values_list("text", flat=True),
        Recommendation.objects.get(report__slug=JAR, reference="DCSF").text,
    ]
    positions = [summary.body.find(text) for text in texts]
    assert -1 not in positions and positions == sorted(positions)
    assert summary.heading_lines[-2:] == ["EAST AYRSHIRE CHIEF OFFICERS GROUP – 2 JUNE 2009", "DRAFT"]


def test_the_paper_of_3_june_2009_is_loaded_as_printed_asking_the_group_to_note_it(loaded):
    paper = Meeting.objects.get(partnership__slug=EA, body="cog", date=D(2009, 6, 3)).papers.get()

    assert paper.form == "as_printed" and paper.as_at == D(2009, 6, 3)
    assert paper.recommendation == "3.1 The Chief Officers Group is asked to:\n\ni) note the contents of this report."
    assert (paper.prepared_by_name, paper.signed_on) == ("Susan Taylor", D(2009, 5, 25))
    assert sorted(paper.reports.values_list("slug", flat=True)) == ["jar-haringey-2008", "laming-2009"]
