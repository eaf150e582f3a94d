"""The one workbook opener (config/workbooks.py): every upload that opens a workbook comes through it, and a hostile
workbook is refused with a message, before openpyxl reads it, with nothing written, whichever door it came through."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.bulk_views import PENDING
from actions.models import ProgressUpdate
from config import workbooks
from config.workbooks import WorkbookLimits, WorkbookRefused, open_workbook
from recommendations.models import Recommendation, RecommendationLoad, SourceReport
from recommendations.spreadsheet import template_bytes
from tests.factories import UserFactory
from tests.helpers import words
from tests.hostile_files import HEADINGS, HOSTILE_WORKBOOKS, hostile_workbook, sheet_xml, text_row, workbook_xlsx

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIMITS = WorkbookLimits(kind="a test sheet", rows=100, columns=10)


@pytest.fixture
def opened(monkeypatch):
    """The calls made to openpyxl's load_workbook by the opener (still made: only recorded)."""
    calls = []
    real = workbooks.load_workbook

    def recorded(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(workbooks, "load_workbook", recorded)
    return calls


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ada", is_staff=True)


def shown(page, case):
    """Whether the page shows the case's message (a report's messages follow its file name in lower case)."""
    return HOSTILE_WORKBOOKS[case].lower() in words(page).lower()


# --- every door ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", HOSTILE_WORKBOOKS)
def test_the_bulk_sheet_upload_refuses_a_hostile_workbook_and_keeps_nothing(client_as, member, opened, case):
    client = client_as(member)
    file = SimpleUploadedFile("hostile.xlsx", hostile_workbook(case, "Actions"))
    page = client.post(reverse("actions:bulk_preview"), {"file": file})
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()
    assert shown(page, case)
    assert opened == []
    assert PENDING not in client.session
    assert not ProgressUpdate.objects.exists()


def stage(client, content):
    file = SimpleUploadedFile("hostile-report.xlsx", content, content_type=XLSX)
    response = client.post(reverse("recommendations:load"), {"file": file})
    assert response.status_code == 302
    return RecommendationLoad.objects.get()


@pytest.mark.parametrize("case", HOSTILE_WORKBOOKS)
def test_the_national_report_preview_refuses_a_hostile_workbook_and_offers_no_confirmation(
    client_as, admin_user, opened, case
):
    client = client_as(admin_user)
    load = stage(client, hostile_workbook(case, "Recommendations"))
    page = client.get(reverse("recommendations:load_preview", args=[load.token]))
    assert page.status_code == 200 and shown(page, case)
    assert "/confirm/" not in page.content.decode()
    assert opened == []
    assert not SourceReport.objects.exists()


@pytest.mark.parametrize("case", HOSTILE_WORKBOOKS)
def test_the_national_report_confirmation_refuses_a_hostile_workbook_and_loads_nothing(
    client_as, admin_user, opened, case
):
    client = client_as(admin_user)
    load = stage(client, hostile_workbook(case, "Recommendations"))
    page = client.post(reverse("recommendations:load_confirm", args=[load.token]), follow=True)
    assert "Nothing was loaded." in words(page) and shown(page, case)
    assert opened == []
    load.refresh_from_db()
    assert load.applied_at is None
    assert not SourceReport.objects.exists() and not Recommendation.objects.exists()


def test_a_file_over_the_size_limit_is_refused_at_each_upload_before_it_is_opened(client_as, member, admin_user):
    big = b"PK\x03\x04" + bytes(5 * 1024 * 1024)
    page = client_as(member).post(reverse("actions:bulk_preview"), {"file": SimpleUploadedFile("big.xlsx", big)})
    assert "The file is larger than 5 MB" in words(page)
    file = SimpleUploadedFile("big.xlsx", big, content_type=XLSX)
    page = client_as(admin_user).post(reverse("recommendations:load"), {"file": file})
    assert page.status_code == 400 and "The file is larger than 5 MB." in words(page)
    assert not RecommendationLoad.objects.exists()


# --- the opener itself ----------------------------------------------------------------------------------------------


def sheet_of(rows, *, dimension=None):
    header = text_row(1, ["a", "b", "c"])
    return workbook_xlsx({"Data": sheet_xml(header + b"<row><c><v>1</v></c></row>" * rows, dimension=dimension)})


def test_each_caller_passes_its_own_limits():
    content = sheet_of(150)
    with pytest.raises(WorkbookRefused, match='Sheet "Data" has more than 100 rows'):
        open_workbook(content, limits=LIMITS)
    workbook = open_workbook(content, limits=WorkbookLimits(kind="a test sheet", rows=200, columns=10))
    assert len(list(workbook["Data"].iter_rows(values_only=True))) == 151
    workbook.close()


def test_a_sheet_of_exactly_the_row_limit_is_opened():
    workbook = open_workbook(sheet_of(99), limits=LIMITS)
    assert len(list(workbook["Data"].iter_rows(values_only=True))) == 100
    workbook.close()


def test_a_sheet_without_a_dimension_is_opened_and_read_whole(opened):
    workbook = open_workbook(sheet_of(50), limits=LIMITS)
    rows = list(workbook["Data"].iter_rows(values_only=True))
    workbook.close()
    assert rows[0] == ("a", "b", "c") and len(rows) == 51
    with zipfile.ZipFile(io.BytesIO(opened[0][0].getvalue())) as archive:  # what openpyxl was given
        assert b'<dimension ref="A1"/><sheetData>' in archive.read("xl/worksheets/sheet1.xml")


def test_a_dimension_that_says_less_than_the_sheet_holds_is_not_believed():
    workbook = open_workbook(sheet_of(50, dimension="A1:A2"), limits=LIMITS)
    assert len(list(workbook["Data"].iter_rows(values_only=True))) == 51
    workbook.close()


def test_a_row_split_across_the_openers_reading_chunks_is_counted(monkeypatch):
    monkeypatch.setattr(workbooks, "_CHUNK", 7)  # every tag is cut somewhere
    with pytest.raises(WorkbookRefused, match="more than 100 rows"):
        open_workbook(sheet_of(150), limits=LIMITS)
    open_workbook(sheet_of(99), limits=LIMITS).close()


def test_a_workbook_larger_than_its_callers_file_limit_is_refused():
    limits = WorkbookLimits(kind="a test sheet", rows=100, columns=10, file_bytes=1024 * 1024)
    with pytest.raises(WorkbookRefused, match="larger than 1 MB, the most a test sheet may be"):
        open_workbook(b"PK\x03\x04" + bytes(1024 * 1024), limits=limits)


def test_the_real_template_opens_within_small_limits():
    workbook = open_workbook(template_bytes(), limits=LIMITS)
    assert "Recommendations" in workbook.sheetnames
    workbook.close()


@pytest.mark.parametrize("case", HOSTILE_WORKBOOKS)
def test_the_opener_refuses_each_hostile_workbook_before_openpyxl_reads_it(opened, case):
    limits = WorkbookLimits(kind="a test sheet", rows=3000, columns=len(HEADINGS["Actions"]))
    with pytest.raises(WorkbookRefused) as refusal:
        open_workbook(hostile_workbook(case, "Actions"), limits=limits)
    assert HOSTILE_WORKBOOKS[case].lower() in str(refusal.value).lower()
    assert opened == []
