"""A paper's content is stored with each action once (``reports.content``) and its body rendered in parts kept for
what they show (``reports.paper_parts``): neither may change a word of any output.

The world is the fictional demo partnership (a year of progress notes, slipped dates, completions and sign-offs),
so every section a paper has is filled."""

import datetime
import json
import re

import pytest
from django.core.cache import caches
from django.core.management import call_command

from actions.models import Action, Status
from actions.services import ProgressChange, action_record_progress
from reports import content, exports, services
from reports.models import Paper
from reports.paper_parts import digests, parts, sources
from tests.conftest import kept_for_module
from tests.factories import MeetingFactory
from tests.reports.test_issued_papers_unchanged import outputs

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 2)  # the demo's day: its dates are fixed, whatever day the test runs


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The national sets and the demo partnership, built once for the module's tests (each rolled back after it)."""
    from django.test import override_settings

    from reports.demo import build_demo_partnership

    def build():
        call_command("load_recommendations", verbosity=0)
        with override_settings(DEBUG=True):  # the demo's accounts are made only where DEBUG says this is no live site
            return build_demo_partnership(today=TODAY, password="unused-in-this-file")[0]

    yield from kept_for_module(django_db_blocker, build)


@pytest.fixture
def demo(demo_world, db):
    return demo_world


def stored(value):
    """As the database gives it back: JSON, so keys are strings and tuples lists."""
    return json.loads(json.dumps(value, default=str))


def a_paper(demo):
    return Paper.objects.filter(partnership=demo).latest("as_at")


@pytest.fixture(scope="module")
def document(demo_world, django_db_blocker):
    """A demo paper's document as generated (plain JSON), read once for the tests that read it."""
    with django_db_blocker.unblock():
        paper = a_paper(demo_world)
        return stored(services._generate(paper, list(paper.reports.all())))


def test_the_document_comes_back_from_the_stored_content_as_generated(document):
    packed = stored(content.pack(document))
    assert content.unpack(packed) == document
    assert content.read(packed) == document
    assert set(document["changes"]) and document["changes"]["status_changes"]  # the demo fills what is checked


def test_each_action_is_stored_once_however_many_sections_show_it(document):
    packed = content.pack(document)
    packed.pop("meeting_decisions")  # a decision of the last meeting names its action in its own words: not counted
    whole, packed = json.dumps(document), json.dumps(packed)
    descriptions = [a["description"] for agency in document["agencies"] for a in agency["actions"]]
    assert descriptions
    repeated = [d for d in descriptions if whole.count(json.dumps(d)) > 1]
    assert repeated  # the document shows an action in several places...
    for description in repeated:
        assert packed.count(json.dumps(description)) == 1  # ...and stores it once
    assert len(packed) < len(whole)


def test_a_paper_stored_packed_says_exactly_what_the_same_paper_stored_whole_says(demo):
    paper = a_paper(demo)
    document = stored(services._generate(paper, list(paper.reports.all())))
    Paper.objects.filter(pk=paper.pk).update(content=document)
    whole = outputs(Paper.objects.get(pk=paper.pk))
    caches["papers"].clear()
    parts.clear()
    Paper.objects.filter(pk=paper.pk).update(content=content.pack(document))
    packed = Paper.objects.get(pk=paper.pk)
    assert "actions" in packed.content
    assert outputs(packed) == whole


def test_a_part_is_rendered_again_when_and_only_when_what_it_shows_changes(demo, django_user_model):
    from reports.demo import _moment, clock

    paper = Paper.objects.get(partnership=demo, status=Paper.Status.DRAFT)
    paper.as_at = TODAY  # the draft reports the demo's day, on which the note below is written
    paper.save(update_fields=["as_at"])
    paper = services.paper_regenerate(paper=paper)
    before = paper.content["parts"]
    exports.paper_body_html(paper)
    kept = set(parts.entries)
    assert kept

    in_the_period = {change["@base"] for change in paper.content["changes"]["status_changes"] if "@base" in change}
    action = (
        Action.objects.filter(pk__in=in_the_period, status=Status.IN_PROGRESS, recommendations__isnull=False)
        .order_by("pk")
        .first()
    )  # an action the period's changes name: a note on it is still not a change of the period
    author = django_user_model.objects.filter(is_superuser=False).first()
    change = ProgressChange(status=Status.IN_PROGRESS, percent_complete=95, note="Nearly there: one audit left.",
                            due_date=action.due_date)  # fmt: skip
    with clock(_moment(TODAY, 0, 23)):
        action_record_progress(action=action, author=author, expected_version=action.version, change=change)
    paper = services.paper_regenerate(paper=Paper.objects.get(pk=paper.pk))

    changed = {name for name, digest in paper.content["parts"].items() if before.get(name) != digest}
    assert any(name.startswith("agency/") for name in changed)  # its agency's table
    assert any(name.startswith("row/") for name in changed)  # its row of the plan
    assert len(changed) < len(before) / 4  # and not the rest:
    assert not {"changes", "slipped"} & changed  # a note that moves no status or date is not a change of the period

    served = exports.paper_body_html(paper)
    rendered_again = {key[1] for key in set(parts.entries) - kept}
    assert rendered_again and rendered_again <= changed
    assert "Nearly there: one audit left." in served

    caches["papers"].clear()
    parts.clear()
    assert exports.paper_body_html(Paper.objects.get(pk=paper.pk)) == served  # no part was shown stale


def test_a_part_digest_moves_with_any_field_of_an_action_it_shows(document):
    packed = stored(content.pack(document))
    pk, item = next(iter(packed["actions"].items()))
    before = digests(packed)
    item["note"] = (item.get("note") or "") + " (corrected)"
    after = digests(packed)
    moved = {name for name in before if before[name] != after[name]}
    assert moved
    refers = re.compile(rf'"@(base)?": {pk}\b')
    assert all(refers.search(json.dumps(value)) for name, value in sources(packed).items() if name in moved)


def test_the_content_is_json_as_written_compressed_with_lz4_on_postgresql(db):
    """On PostgreSQL the content is a ``json`` column (kept as written, never parsed into ``jsonb``: the type change
    of 0008 keeps 0007's LZ4), and what the app writes there is sent as JSON, not cast to ``jsonb`` on the way."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("column types and compression are PostgreSQL's; run with DATABASE_URL=postgres://... (CI does)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression, format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = 'reports_paper'::regclass AND attname = 'content'"
        )
        assert cursor.fetchone() == ("l", "json")  # l: LZ4 (the server here is built with it)
    meeting = MeetingFactory()
    paper = Paper.objects.create(
        partnership=meeting.partnership, meeting=meeting, title="A draft", prepared_by_name="A", prepared_by_role="B",
        signed_on=datetime.date(2009, 5, 25), as_at=datetime.date(2009, 6, 3),
    )  # fmt: skip
    document = {"format": 2, "text": 'A "quoted" note – with a dash', "n": [1, None, 2.5], "b": {"z": 1, "a": 2}}
    with CaptureQueriesContext(connection) as ctx:
        Paper.objects.filter(pk=paper.pk).update(content=document)
    assert "::jsonb" not in ctx.captured_queries[-1]["sql"]
    stored = Paper.objects.get(pk=paper.pk).content
    assert stored == document
    assert list(stored["b"]) == ["z", "a"]  # as written: jsonb would have sorted the keys


def _body(paper, packed):
    """The paper's body as rendered from this packed content (its parts from the cache where their digests match)."""
    from django.template.loader import render_to_string

    paper.content = {**packed, "parts": digests(packed)}
    return render_to_string("reports/_paper_body.html", exports.paper_context(paper))


def test_no_part_is_shown_stale_whichever_field_of_an_action_changes(demo):
    """A part holds only what it shows (the overdue bands the reference, owner and due date of each action; an
    agency's table its rows in parts): change any field of an action shown in every kind of place, and the body
    rendered from the parts kept is the body rendered afresh."""
    paper, packed = next(
        (paper, packed)
        for paper in Paper.objects.filter(partnership=demo).order_by("as_at")
        for packed in [stored(content.pack(services._generate(paper, list(paper.reports.all()))))]
        if packed["changes"]["proposed_for_closure"] and packed["overall"]["overdue_total"]
    )  # a paper of the demo's with actions proposed for closure and actions overdue
    overdue = {a["@"] for band in packed["overall"]["overdue"] for a in band["actions"]}
    closing = {a["@"] for a in packed["changes"]["proposed_for_closure"]}
    changed = {c["@base"] for c in packed["changes"]["status_changes"] if "@base" in c}
    chosen = [min(overdue), min(closing), min(changed - overdue - closing)]
    assert len(set(chosen)) == 3  # the demo fills each kind of place
    fields = sorted(packed["actions"][str(chosen[0])])
    for pk in chosen:
        for field in fields:
            parts.clear()
            _body(paper, packed)  # every part kept as it was
            edited = json.loads(json.dumps(packed))
            item = edited["actions"][str(pk)]
            item[field] = f"{item[field]} (edited)" if isinstance(item[field], str) else 987
            kept = _body(paper, edited)
            parts.clear()
            assert kept == _body(paper, edited), (pk, field)


def test_a_note_on_an_overdue_action_renders_one_part_of_its_agency_table_again(demo):
    paper = a_paper(demo)
    packed = stored(content.pack(services._generate(paper, list(paper.reports.all()))))
    overdue = min(a["@"] for band in packed["overall"]["overdue"] for a in band["actions"])
    edited = json.loads(json.dumps(packed))
    edited["actions"][str(overdue)]["note"] = "A new note."
    before, after = digests(packed), digests(edited)
    moved = {name for name in before if before[name] != after[name]}
    assert "summary" not in moved and "agencies" not in moved  # the bands show no note
    assert len([name for name in moved if name.startswith("agency/")]) == 1  # one part of its agency's table


def test_what_the_summary_parts_leave_out_is_printed_nowhere_in_the_body():
    """The summary and agency parts hold a summary without its ``lists`` (``paper_parts.UNPRINTED``): safe only
    while the body prints none of them."""
    from pathlib import Path

    from django.conf import settings

    from reports.paper_parts import UNPRINTED

    body = Path(settings.BASE_DIR, "templates", "reports", "_paper_body.html").read_text()
    for key in UNPRINTED:
        assert f".{key}" not in body and f"{key}." not in body
