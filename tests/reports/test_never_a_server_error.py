"""Each address that once answered a server error, pinned: what it answers now (tests/test_no_server_errors.py
looks for more)."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from reports.models import Paper, PaperPdf
from tests.factories import UserFactory

from .conftest import at

pytestmark = pytest.mark.django_db

DOWNLOADS = ["paper_print", "paper_pdf", "paper_docx", "paper_csv", "paper_xlsx"]


def url(name, paper):
    return reverse(f"reports:{name}", args=[paper.pk])


# --- the action list as at a day, between two due dates -------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ({"due_before": "2026-09-02"}, ["due-2024"]),
        ({"due_after": "2025-01-01"}, ["due-2027"]),
        ({"due_after": "2023-06-01", "due_before": "2026-09-02"}, ["due-2024"]),
        ({"due_after": "2024-01-31", "due_before": "2024-01-31"}, ["due-2024"]),
    ],
)
def test_the_action_list_as_at_a_day_filters_on_due_dates(client_as, coordinator, make_action, query, listed):
    make_action(at(2022, 1, 1), reference="due-2024", due_date=datetime.date(2024, 1, 31))
    make_action(at(2022, 1, 1), reference="due-2027", due_date=datetime.date(2027, 1, 31))
    response = client_as(coordinator).get(reverse("actions:list"), {"as_at": "2023-03-03", **query})
    assert response.status_code == 200
    assert [a.reference for a in response.context["object_list"]] == listed


# --- a draft never generated ----------------------------------------------------------------------------------------


@pytest.fixture
def never_generated(partnership, meeting, coordinator, recommendation):
    """A draft saved but never generated, as the demo's East Ayrshire paper is loaded."""
    paper = Paper.objects.create(
        partnership=partnership,
        meeting=meeting,
        created_by=coordinator,
        title="Progress on the national recommendations",
        prepared_by_name="Susan Taylor",
        prepared_by_role="Chair of Child Protection Committee",
        signed_on=datetime.date(2009, 5, 25),
        as_at=datetime.date(2009, 6, 3),
    )
    paper.reports.set([recommendation.report])
    return paper


@pytest.mark.parametrize("name", DOWNLOADS)
def test_a_draft_never_generated_says_so_and_offers_to_generate_it_in_every_format(
    client_as, coordinator, never_generated, name
):
    response = client_as(coordinator).get(url(name, never_generated))
    assert response.status_code == 409
    page = response.content.decode()
    assert "This draft has not been generated yet" in page
    assert url("paper_regenerate", never_generated) in page


def test_once_generated_the_draft_downloads_in_every_format(client_as, coordinator, never_generated):
    client = client_as(coordinator)
    assert client.post(url("paper_regenerate", never_generated)).status_code == 302
    for name in ["paper_print", "paper_docx", "paper_csv", "paper_xlsx"]:
        assert client.get(url(name, never_generated)).status_code == 200, name
    assert "Prepare the PDF" in client.get(url("paper_pdf", never_generated)).content.decode()


def test_no_pdf_is_prepared_for_a_draft_never_generated(client_as, coordinator, never_generated):
    response = client_as(coordinator).post(url("paper_pdf_prepare", never_generated), follow=True)
    assert "has not been generated yet" in response.content.decode()
    assert not PaperPdf.objects.filter(paper=never_generated).exists()


# --- document properties as long as the form allows -----------------------------------------------------------------


def test_the_longest_prepared_by_role_and_title_are_cut_in_the_word_and_pdf_properties(
    client_as, coordinator, make_paper
):
    from docx import Document

    paper = make_paper(prepared_by_name="N" * 120, prepared_by_role="R" * 120, title="T" * 300)
    client = client_as(coordinator)
    response = client.get(url("paper_docx", paper))
    assert response.status_code == 200
    core = Document(io.BytesIO(response.content)).core_properties
    properties = paper.document_properties()
    assert (core.title, core.author, core.subject) == (properties["title"], properties["author"], properties["subject"])
    assert len(core.author) == 255 and core.author.endswith("…") and core.author.startswith("East Ayrshire: NNN")
    assert len(core.title) == 255 and core.last_modified_by == "N" * 120
    printed = client.get(url("paper_print", paper)).content.decode()
    assert f'<meta name="author" content="{properties["author"]}">' in printed


# --- the dashboard as at any day the date input accepts -------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("0001-01-01", "is before 1 January 1900, earlier than any plan"),
        ("1899-12-31", "is before 1 January 1900, earlier than any plan"),
        ("9999-12-31", "has not ended yet"),
        ("tomorrow", "has not ended yet"),
    ],
)
def test_a_day_before_any_plan_or_not_ended_yet_is_explained_and_today_is_shown(client_as, coordinator, day, message):
    if day == "tomorrow":
        day = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    for page in [reverse("reports:dashboard"), reverse("actions:list")]:
        response = client_as(coordinator).get(page, {"as_at": day})
        assert response.status_code == 200
        content = response.content.decode()
        assert f"“{day}” {message}: showing the plan today." in content
        assert "This page shows the past" not in content


def test_the_earliest_day_is_shown_as_it_stood(client_as, coordinator):
    response = client_as(coordinator).get(reverse("reports:dashboard"), {"as_at": "1900-01-01"})
    assert response.status_code == 200
    assert response.context["dashboard"].today == datetime.date(1900, 1, 1)


# --- the admin's two-factor devices ---------------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["config", "qrcode"])
def test_the_admin_never_shows_a_devices_secret_and_a_missing_device_is_no_server_error(db, view):
    administrator = UserFactory(username="ada", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=UserFactory(username="someone"), name="phone")
    client = Client(raise_request_exception=False)
    client.force_login(administrator)
    for pk in [device.pk, device.pk + 1000]:
        assert client.get(f"/admin/otp_totp/totpdevice/{pk}/{view}/").status_code == 403
