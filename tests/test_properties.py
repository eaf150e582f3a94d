"""Property-based: whatever a signed-in person types into any form or spreadsheet, the answer is never a 500."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.spreadsheets import SpreadsheetError, check_rows, read_upload
from actions.spreadsheets.columns import READ_COLUMNS
from agencies.models import Membership
from tests.factories import ActionFactory, MembershipFactory, RecommendationFactory, SourceReportFactory

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
#: Any character but lone surrogates (which no browser can send): NUL, controls, RTL marks, emoji...
TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)
TRICKY = st.sampled_from(
    [
        "",
        "\x00",
        "\x01",
        "0",
        "-1",
        "100",
        "101",
        "99999999999999999999",
        "2009-02-30",
        "31/12/2009",
        "1e9",
        "NaN",
        "<script>alert(1)</script>",
        '=HYPERLINK("x")',
        "%00",
        "../../etc/passwd",
        " ",
        "\u202e",
        "😀" * 50,
    ]
)
VALUE = st.one_of(TEXT, TRICKY, st.lists(TRICKY, max_size=3))


@pytest.fixture
def world(db):
    """A coordinator, a member, an action and a recommendation of one partnership."""
    coordinator = MembershipFactory(role=Membership.Role.COORDINATOR).user
    agency = coordinator.membership.agency
    member = MembershipFactory(role=Membership.Role.MEMBER, agency=agency).user
    action = ActionFactory(owner=agency)
    recommendation = RecommendationFactory(report=SourceReportFactory(slug="laming-2009"), reference="12")
    return {"coordinator": coordinator, "member": member, "action": action, "recommendation": recommendation}


def form_pages(world):
    action, rec = world["action"], world["recommendation"]
    coordinator, member = world["coordinator"], world["member"]
    return {
        "sign in": (None, reverse("login")),
        "password change": (member, reverse("password_change")),
        "progress": (member, reverse("actions:record_progress", args=[action.pk])),
        "new action": (coordinator, reverse("actions:create")),
        "edit action": (coordinator, reverse("actions:edit", args=[action.pk])),
        "decision": (coordinator, reverse("recommendations:decision", args=[rec.report.slug, rec.reference])),
        "new meeting": (coordinator, reverse("reports:meeting_create")),
        "new paper": (coordinator, reverse("reports:paper_create")),
        "two-factor off": (member, reverse("two_factor_disable")),
        "two-factor setup": (member, reverse("two_factor_setup")),
    }


@pytest.mark.parametrize(
    "page",
    [
        "sign in",
        "password change",
        "progress",
        "new action",
        "edit action",
        "decision",
        "new meeting",
        "new paper",
        "two-factor off",
        "two-factor setup",
    ],
)
def test_no_form_answers_500_whatever_is_typed(client, world, page):
    user, url = form_pages(world)[page]
    if user is not None:
        client.force_login(user)
    fields = list(client.get(url).context["form"].fields)
    assert fields

    @EXAMPLES
    @given(st.fixed_dictionaries(dict.fromkeys(fields, VALUE)))
    def post_anything(data):
        response = client.post(url, data)
        assert response.status_code < 500, (page, data)

    post_anything()


def sheet(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(READ_COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


CELL = st.one_of(TEXT.filter(lambda t: "\x00" not in t), TRICKY.filter(lambda t: "\x00" not in t), st.integers())


def test_reading_and_checking_any_sheet_gives_rows_or_a_clear_refusal(world):
    action = world["action"]
    cell_or_id = st.one_of(CELL, st.just(action.pk), st.just(str(action.pk)))

    @EXAMPLES
    @given(st.lists(st.lists(cell_or_id, min_size=0, max_size=len(READ_COLUMNS) + 2), max_size=6))
    def read_and_check(rows):
        try:
            records = read_upload(SimpleUploadedFile("sheet.csv", sheet(rows)))
        except SpreadsheetError as exc:
            assert str(exc)
            return
        check = check_rows(user=world["member"], rows=records)
        assert len(check.changes) + len(check.problems) + check.unchanged >= 1

    read_and_check()


def test_the_upload_page_never_answers_500(client, world):
    client.force_login(world["member"])

    @EXAMPLES
    @given(st.binary(max_size=300), st.sampled_from(["s.csv", "s.xlsx", "s.txt", "s"]))
    def upload_anything(content, name):
        response = client.post(reverse("actions:bulk_preview"), {"file": SimpleUploadedFile(name, content)})
        assert response.status_code < 500

    upload_anything()
