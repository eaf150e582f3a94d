"""The load_recommendations command: atomic, idempotent, and precise about bad input."""

import json

import pytest
from django.core.management import CommandError, call_command

from actions.models import Action
from recommendations.models import Recommendation, SourceReport

pytestmark = pytest.mark.django_db

REPORT = {
    "model": "recommendations.sourcereport",
    "fields": {"slug": "new-report", "title": "A new report", "short_title": "New", "publisher": "HMSO"},
}


def rec(reference, position, **fields):
    return {
        "model": "recommendations.recommendation",
        "fields": {
            "report": ["new-report"],
            "reference": reference,
            "position": position,
            "text": f"Recommendation {reference}.",
            **fields,
        },
    }


def write(tmp_path, name, records):
    path = tmp_path / name
    path.write_text(json.dumps(records), encoding="utf-8")
    return str(path)


def test_it_loads_a_new_report_named_on_the_command_line(tmp_path):
    path = write(tmp_path, "new.json", [REPORT, rec("1", 1), rec("2", 2)])
    call_command("load_recommendations", path, verbosity=0)
    assert list(Recommendation.objects.filter(report__slug="new-report").values_list("reference", flat=True)) == [
        "1",
        "2",
    ]


def test_running_it_twice_creates_no_duplicates_and_applies_corrections(tmp_path):
    path = write(tmp_path, "new.json", [REPORT, rec("1", 1)])
    call_command("load_recommendations", path, verbosity=0)
    path = write(tmp_path, "new.json", [REPORT, rec("1", 1, text="Corrected text.")])
    call_command("load_recommendations", path, verbosity=0)
    assert Recommendation.objects.filter(report__slug="new-report").count() == 1
    assert Recommendation.objects.get(report__slug="new-report").text == "Corrected text."


@pytest.mark.parametrize(
    ("bad_record", "expected"),
    [
        (rec("3", "three"), ["record 3", 'field "position"', "must be an integer"]),
        (rec("3", 3, theme=["new-report", "no-such-theme"]), ["record 3", 'field "theme"', "no recommendations.theme"]),
        (rec("3", 3, colour="red"), ["record 3", 'field "colour"', "no such field"]),
        (rec("3", 3, text=""), ["record 3", 'field "text"', "cannot be blank"]),
        (rec("1", 3), ["record 3", "repeats the natural key", "record 2"]),
        ({"model": "recommendations.nothing", "fields": {}}, ["record 3", "unknown model"]),
    ],
)
def test_a_bad_record_names_file_record_and_field_and_changes_nothing(tmp_path, bad_record, expected):
    path = write(tmp_path, "broken.json", [REPORT, rec("1", 1), bad_record])
    with pytest.raises(CommandError) as error:
        call_command("load_recommendations", path, verbosity=0)
    message = str(error.value)
    assert "broken.json" in message
    for fragment in expected:
        assert fragment in message
    assert not SourceReport.objects.filter(slug="new-report").exists()


def test_a_bad_second_file_rolls_back_the_first(tmp_path):
    good = write(tmp_path, "good.json", [REPORT, rec("1", 1)])
    bad = write(tmp_path, "bad.json", [rec("2", "x")])
    with pytest.raises(CommandError, match="bad.json"):
        call_command("load_recommendations", good, bad, verbosity=0)
    assert not SourceReport.objects.filter(slug="new-report").exists()


def test_a_file_that_is_not_json_is_refused_with_its_name(tmp_path):
    path = tmp_path / "notes.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="notes.json: not valid JSON"):
        call_command("load_recommendations", str(path), verbosity=0)


def test_dry_run_checks_everything_and_saves_nothing(tmp_path, capsys):
    path = write(tmp_path, "new.json", [REPORT, rec("1", 1)])
    call_command("load_recommendations", path, "--dry-run")
    assert "Dry run" in capsys.readouterr().out
    assert not SourceReport.objects.filter(slug="new-report").exists()


def test_reloading_leaves_live_actions_as_members_left_them():
    call_command("load_recommendations", verbosity=0)
    action = Action.objects.get(reference="jar-2-c3")
    Action.objects.filter(pk=action.pk).update(status="in_progress", percent_complete=40)
    call_command("load_recommendations", verbosity=0)
    action.refresh_from_db()
    assert (action.status, action.percent_complete) == ("in_progress", 40)
    assert Action.objects.count() == 51


def test_a_national_load_never_reads_changes_or_adds_to_a_partnerships_own_report(tmp_path, partnership):
    from recommendations.own_reports import own_report_create

    own = own_report_create(partnership=partnership, kind=SourceReport.Kind.LEARNING_REVIEW, title="Review of Child Y",
                            short_title="Child Y", restricted=True, recommendations=["Confidential wording."])  # fmt: skip
    named = {**REPORT, "fields": {**REPORT["fields"], "slug": own.slug, "title": "A national title"}}
    for records in ([named], [{**rec("9", 9), "fields": {**rec("9", 9)["fields"], "report": [own.slug]}}]):
        with pytest.raises(CommandError) as refused:
            call_command("load_recommendations", write(tmp_path, "n.json", records), verbosity=0)
        assert "not national" in str(refused.value) and "Confidential wording" not in str(refused.value)
    own.refresh_from_db()
    assert own.title == "Review of Child Y" and own.recommendations.count() == 1
