"""The national report template: written by a command, filled in, loaded with the same guarantees as JSON."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from recommendations.loading import default_fixture_paths, load_fixture_files
from recommendations.models import Finding, Recommendation, RecommendationLoad, SourceReport, Theme
from tests.factories import ActionRecommendationFactory, DecisionFactory
from tests.recommendations import template_report
from tests.recommendations.template_report import SLUG, fill, write

pytestmark = pytest.mark.django_db


def test_the_command_writes_a_template_with_a_help_sheet_headings_and_drop_downs(tmp_path):
    path = tmp_path / "template.xlsx"
    call_command("recommendation_template", str(path), verbosity=0)
    book = load_workbook(path)
    assert book.sheetnames == ["Help", "Report", "Themes", "Recommendations", "Findings"]
    assert [c.value for c in book["Recommendations"][1]] == [
        "Reference",
        "Theme",
        "Lead-in",
        "Text",
        "Sub-point",
        "Mandatory",
        "Addressed to",
        "Order",
    ]
    assert "Findings column heading" in [c.value for c in book["Report"][1]]
    lists = {
        (sheet, str(v.sqref)): v.formula1
        for sheet in ("Recommendations", "Findings")
        for v in book[sheet].data_validations.dataValidation
    }
    assert lists[("Recommendations", "B2:B1000")] == "Themes!$A$2:$A$1000"
    assert lists[("Recommendations", "F2:F1000")] == '"Yes,No"'
    assert lists[("Findings", "A2:A1000")] == '"Background,Key issue,Main finding,Circumstance"'
    assert any("asterisks" in str(row[0].value) for row in book["Help"].iter_rows())


def test_the_command_refuses_a_name_that_is_not_xlsx(tmp_path):
    with pytest.raises(CommandError, match="name it .xlsx"):
        call_command("recommendation_template", str(tmp_path / "template.csv"))


def test_a_report_written_only_through_the_template_loads_through_the_command(tmp_path):
    call_command("load_recommendations", write(tmp_path, fill()), verbosity=0)
    report = SourceReport.objects.get(slug=SLUG)
    assert (report.short_title, report.published_text, report.circumstance_heading) == (
        "National review 2022",
        "May 2022",
        "Circumstance in the review",
    )
    assert str(report.published_on) == "2022-05-26"
    assert list(Theme.objects.filter(report=report).values_list("position", "slug")) == [
        (1, "multi-agency-expertise"),
        (2, "leadership"),
        (3, "practice"),
    ]
    recs = list(Recommendation.objects.filter(report=report).order_by("position").select_related("theme"))
    assert [r.reference for r in recs] == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "GP1"]
    assert [r.position for r in recs] == list(range(1, 13))
    assert recs[0].theme is None and recs[5].theme.slug == "leadership"
    assert recs[1].sub_points == ["with police", "with health", "with social care"]
    assert recs[2].text == "Revise *Working Together to Safeguard Children* to set clear duties."
    assert [r.is_mandatory for r in recs].count(False) == 1 and not recs[-1].is_mandatory
    circumstances = Finding.objects.filter(report=report, kind="circumstance").order_by("position")
    assert [(f.recommendation.reference, f.position) for f in circumstances] == [("2", 1), ("9", 2)]
    assert Finding.objects.filter(report=report).count() == 5


def test_loading_the_same_template_again_changes_nothing(tmp_path):
    path = write(tmp_path, fill())
    load_fixture_files([path])
    report = load_fixture_files([path])
    assert not report.created and not report.updated
    assert report.unchanged["recommendations.recommendation"] == 12
    assert Recommendation.objects.filter(report__slug=SLUG).count() == 12


def test_emphasis_is_shown_in_italics_and_the_rest_escaped(client_as, member, tmp_path):
    call_command("load_recommendations", write(tmp_path, fill()), verbosity=0)
    page = client_as(member).get(f"/recommendations/{SLUG}/3/").content.decode()
    assert "Revise <em>Working Together to Safeguard Children</em> to set clear duties." in page


def test_a_loaded_report_written_back_to_the_template_reloads_unchanged(tmp_path):
    """The command and the template agree on the shipped JSON fixtures: a round trip changes nothing."""
    load_fixture_files(default_fixture_paths()[:2])
    paths = []
    for slug in ("laming-2009", "jar-haringey-2008"):
        path = tmp_path / f"{slug}.xlsx"
        call_command("recommendation_template", str(path), report=slug, verbosity=0)
        paths.append(str(path))
    report = load_fixture_files(paths)
    assert not report.created and not report.updated
    assert report.unchanged["recommendations.recommendation"] == 73
    assert report.unchanged["recommendations.finding"] == 63


def _set(sheet, row, column, value):
    def change(rows):
        rows[sheet][row - 2][column] = value

    return change


def _append(sheet, row):
    return lambda rows: rows[sheet].append(row)


BAD_ROWS = [
    (
        "blank text",
        _set("Recommendations", 6, 3, ""),
        ['sheet "Recommendations", row 6', 'column D ("Text")', "cannot be blank"],
    ),
    (
        "unknown theme",
        _set("Recommendations", 6, 1, "Housing"),
        ["row 6", 'column B ("Theme")', "no recommendations.theme"],
    ),
    (
        "mandatory not yes or no",
        _set("Recommendations", 6, 5, "Maybe"),
        ["row 6", 'column F ("Mandatory")', "True or False"],
    ),
    (
        "order not a number",
        lambda rows: rows["Recommendations"][4].append("third"),
        ["row 6", 'column H ("Order")', "must be an integer"],
    ),
    (
        "repeated reference",
        _set("Recommendations", 6, 0, "2"),
        ["row 6", "repeats the natural key", 'sheet "Recommendations", row 3'],
    ),
    (
        "sub-point with nothing above",
        lambda rows: rows["Recommendations"].insert(0, ["", "", "", "", "orphan", "", ""]),
        ["row 2", 'column A ("Reference")', "no reference and no text"],
    ),
    (
        "unknown kind of finding",
        _set("Findings", 3, 0, "Opinion"),
        ['sheet "Findings", row 3', 'column A ("Kind")', "not a valid choice"],
    ),
    ("circumstance without recommendation", _set("Findings", 5, 1, ""), ['sheet "Findings", row 5', "circumstance"]),
    (
        "finding of an unknown recommendation",
        _set("Findings", 5, 1, "99"),
        ["row 5", 'column B ("Recommendation")', "no recommendations.recommendation"],
    ),
    ("bad date", _set("Report", 2, 4, "26/05/2022"), ['sheet "Report", row 2', 'column E ("Date published")']),
    ("blank title", _set("Report", 2, 1, ""), ['sheet "Report", row 2', 'column B ("Title")', "cannot be blank"]),
    ("reserved slug", _set("Report", 2, 0, "load"), ['sheet "Report", row 2', 'column A ("Slug")', "reserved"]),
    ("two reports", _append("Report", template_report.REPORT_ROW), ['sheet "Report"', "exactly one row", "2 rows"]),
    ("text too long", _set("Themes", 2, 0, "x" * 201), ['sheet "Themes", row 2', 'column A ("Title")', "at most 200"]),
]


@pytest.mark.parametrize(("change", "expected"), [case[1:] for case in BAD_ROWS], ids=[case[0] for case in BAD_ROWS])
def test_every_kind_of_bad_row_is_refused_by_sheet_row_and_column_and_nothing_is_saved(tmp_path, change, expected):
    path = write(tmp_path, fill(change), name="broken.xlsx")
    with pytest.raises(CommandError) as error:
        call_command("load_recommendations", path, verbosity=0)
    message = str(error.value)
    assert message.startswith("Nothing was loaded.") and "broken.xlsx" in message
    for fragment in expected:
        assert fragment in message, message
    assert not SourceReport.objects.exists()
    assert not RecommendationLoad.objects.exists()


def _workbook_without(sheet=None, heading=None):
    book = load_workbook(io.BytesIO(fill()))
    if sheet:
        del book[sheet]
    if heading:
        book["Recommendations"]["D1"] = "Wording"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (lambda: _workbook_without(sheet="Recommendations"), 'no sheet "Recommendations"'),
        (lambda: _workbook_without(heading=True), 'sheet "Recommendations", row 1: no "Text" column'),
        (lambda: b"PK\x03\x04 not really a zip", "cannot be opened"),
        (lambda: b"name,text\n1,2\n", "not an Excel workbook"),
    ],
    ids=["missing sheet", "missing column", "damaged", "csv named xlsx"],
)
def test_a_workbook_that_is_not_the_template_is_refused_by_name(tmp_path, content, expected):
    with pytest.raises(CommandError, match=expected):
        call_command("load_recommendations", write(tmp_path, content(), name="odd.xlsx"), verbosity=0)
    assert not SourceReport.objects.exists()


def test_a_sheet_longer_than_the_row_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("recommendations.spreadsheet.MAX_ROWS", 40)  # the Help sheet has 35 rows

    def thirty_more(rows):
        rows["Recommendations"].extend([f"X{n}", "", "", "More text.", "", "Yes", ""] for n in range(30))

    with pytest.raises(CommandError, match='sheet "Recommendations" has more than 40 rows'):
        call_command("load_recommendations", write(tmp_path, fill(thirty_more)), verbosity=0)
    assert not SourceReport.objects.exists()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    monkeypatch.setattr("recommendations.spreadsheet.MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(CommandError, match="too large once unpacked"):
        call_command("load_recommendations", write(tmp_path, fill()), verbosity=0)
    assert zipfile.is_zipfile(io.BytesIO(fill()))


def test_a_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("recommendations.loading.MAX_FILE_BYTES", 100)
    with pytest.raises(CommandError, match="larger than"):
        call_command("load_recommendations", write(tmp_path, fill()), verbosity=0)


def test_a_report_in_use_is_never_renumbered(tmp_path):
    load_fixture_files([write(tmp_path, fill())])
    DecisionFactory(recommendation=Recommendation.objects.get(report__slug=SLUG, reference="5"))

    def swap(rows):
        rows["Recommendations"][0].append(20)  # recommendation 1 moves to place 20

    with pytest.raises(CommandError, match="in use .* cannot move from place 1 to 20"):
        call_command("load_recommendations", write(tmp_path, fill(swap), name="renumbered.xlsx"), verbosity=0)
    assert Recommendation.objects.get(report__slug=SLUG, reference="1").position == 1


def test_a_report_in_use_keeps_every_recommendation_a_file_leaves_out(tmp_path):
    load_fixture_files([write(tmp_path, fill())])
    ActionRecommendationFactory(recommendation=Recommendation.objects.get(report__slug=SLUG, reference="GP1"))

    def drop_last(rows):
        rows["Recommendations"].pop()

    load_fixture_files([write(tmp_path, fill(drop_last), name="shorter.xlsx")])
    assert Recommendation.objects.filter(report__slug=SLUG).count() == 12


def test_a_changed_text_keeps_its_earlier_wording_in_the_history(tmp_path):
    load_fixture_files([write(tmp_path, fill())])
    corrected = fill(_set("Recommendations", 9, 3, "Safeguarding partners must review their arrangements yearly."))
    load_fixture_files([write(tmp_path, corrected, name="corrected.xlsx")])
    rec = Recommendation.objects.get(report__slug=SLUG, reference="5")
    assert rec.text == "Safeguarding partners must review their arrangements yearly."
    wordings = list(rec.history.order_by("history_date").values_list("text", flat=True))
    assert wordings == [
        "Safeguarding partners should review their arrangements.",
        "Safeguarding partners must review their arrangements yearly.",
    ]
    assert rec.history.latest().history_change_reason == "Loaded from corrected.xlsx"


def test_the_recommendation_page_shows_its_earlier_wording(client_as, member, tmp_path):
    load_fixture_files([write(tmp_path, fill())])
    corrected = fill(_set("Recommendations", 9, 3, "Safeguarding partners must review their arrangements yearly."))
    load_fixture_files([write(tmp_path, corrected, name="corrected.xlsx")])
    page = client_as(member).get(f"/recommendations/{SLUG}/5/").content.decode()
    assert "Earlier wording (1)" in page
    assert "(Loaded from corrected.xlsx): Safeguarding partners should review their arrangements." in page
