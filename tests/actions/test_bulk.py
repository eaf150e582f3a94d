"""Bulk update of actions by spreadsheet: download, edit, upload, preview, apply."""

import csv
import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from actions.bulk_views import PENDING
from actions.models import Action, ProgressUpdate, Status
from actions.services import ConflictError, ProgressChange, action_record_progress
from actions.spreadsheets import COLUMNS, bulk_record_changes, check_rows, neutralise
from tests.factories import ActionFactory, RecommendationFactory, SourceReportFactory, UserFactory
from tests.helpers import words as text

pytestmark = pytest.mark.django_db

BULK = reverse("actions:bulk")
EXPORT_XLSX = reverse("actions:bulk_export_xlsx")
EXPORT_CSV = reverse("actions:bulk_export_csv")
PREVIEW = reverse("actions:bulk_preview")
APPLY = reverse("actions:bulk_apply")


# --- helpers ---------------------------------------------------------------------------------------------------


def download_xlsx(client):
    response = client.get(EXPORT_XLSX)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def download_csv(client):
    response = client.get(EXPORT_CSV)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_bytes(workbook):
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, fieldnames=COLUMNS):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fieldnames)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def edit_xlsx(workbook, action, **values):
    """Set cells on the row of ``action`` in the Actions sheet, by column name."""
    sheet = workbook["Actions"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == action.pk:
            for name, value in values.items():
                row[header.index(name)].value = value
            return
    raise AssertionError(f"{action.reference} is not in the sheet")


def csv_row(rows, action):
    return next(row for row in rows if row["id"] == str(action.pk))


def upload(client, name, content):
    return client.post(PREVIEW, {"file": SimpleUploadedFile(name, content)})


def apply(client, response):
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)
    return client.post(APPLY, {"token": token})


def record_elsewhere(action, author, **values):
    """A progress update made through the ordinary form's service, as someone else would make it."""
    change = ProgressChange(due_date=action.due_date, **values)
    action_record_progress(action=action, author=author, expected_version=action.version, change=change)


@pytest.fixture
def jar(db):
    report = SourceReportFactory(slug="jar-haringey", short_title="JAR Haringey")
    return [
        RecommendationFactory(report=report, reference="2", position=2),
        RecommendationFactory(report=report, reference="5", position=5),
    ]


@pytest.fixture
def actions(agency, jar):
    first = ActionFactory(owner=agency, reference="jar-2-c1", recommendations=jar, status=Status.NOT_STARTED)
    second = ActionFactory(
        owner=agency, reference="jar-2-c2", recommendations=jar[:1], status=Status.IN_PROGRESS, percent_complete=30
    )
    third = ActionFactory(owner=agency, reference="jar-2-c3", recommendations=jar[1:], due_date=None)
    return first, second, third


# --- download --------------------------------------------------------------------------------------------------


def test_the_xlsx_download_lists_the_members_agencys_actions_with_every_column(
    client_as, member, actions, other_agency
):
    other = ActionFactory(owner=other_agency, reference="health-1")
    workbook = download_xlsx(client_as(member))
    sheet = workbook["Actions"]
    assert tuple(cell.value for cell in sheet[1]) == COLUMNS
    rows = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {action.pk for action in actions}
    assert other.pk not in rows
    first = rows[actions[0].pk]
    assert first["version"] == 1
    assert first["reference"] == "jar-2-c1"
    assert first["owner"] == "Social Work"
    assert first["recommendations"] == "JAR Haringey 2; JAR Haringey 5"
    assert first["due_date"].date() == datetime.date(2009, 10, 31)
    assert sheet.cell(row=2, column=COLUMNS.index("due_date") + 1).number_format == "yyyy-mm-dd"
    assert first["status"] == "not_started"
    assert first["percent_complete"] == 0
    assert first["note"] is None and first["revised_due_date"] is None and first["revision_reason"] is None


def test_the_xlsx_download_offers_the_status_codes_as_a_list_and_on_a_help_sheet(client_as, member, actions):
    workbook = download_xlsx(client_as(member))
    validations = workbook["Actions"].data_validations.dataValidation
    status_list = next(v for v in validations if v.type == "list")
    assert status_list.formula1 == '"not_started,in_progress,complete,ongoing,not_applicable"'
    assert "I2:I4" in str(status_list.sqref)
    help_cells = list(workbook["Help"].iter_rows(values_only=True))
    for code, label in Status.choices:
        assert (code, label) in help_cells


def test_the_csv_download_has_the_same_columns_and_iso_dates(client_as, member, actions):
    rows = download_csv(client_as(member))
    assert list(rows[0]) == list(COLUMNS)
    first = csv_row(rows, actions[0])
    assert first["due_date"] == "2009-10-31"
    assert first["recommendations"] == "JAR Haringey 2; JAR Haringey 5"
    assert first["status"] == "not_started"
    assert csv_row(rows, actions[2])["due_date"] == ""


def test_a_coordinator_downloads_every_action_of_the_partnership_and_no_other(
    client_as, coordinator, actions, other_agency, outsider
):
    other = ActionFactory(owner=other_agency)
    foreign = ActionFactory(owner=outsider.membership.agency)
    ids = {row["id"] for row in download_csv(client_as(coordinator))}
    assert ids == {str(a.pk) for a in (*actions, other)}
    assert str(foreign.pk) not in ids


def test_the_downloads_are_attachments_that_are_not_cached(client_as, member, actions):
    client = client_as(member)
    for url, extension in ((EXPORT_XLSX, "xlsx"), (EXPORT_CSV, "csv")):
        response = client.get(url)
        assert response["Content-Disposition"].startswith('attachment; filename="actions-east-ayrshire-')
        assert response["Content-Disposition"].endswith(f'.{extension}"')
        assert "no-store" in response["Cache-Control"]


def test_neutralise_prefixes_text_that_a_spreadsheet_would_run():
    for dangerous in ("=1+1", "+44 1563", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert neutralise(dangerous) == "'" + dangerous
    assert neutralise("Review the policy") == "Review the policy"
    assert neutralise("a=b") == "a=b"
    assert neutralise(-5) == -5
    assert neutralise(None) is None


def test_formula_text_is_neutralised_in_both_downloads(client_as, member, agency):
    action = ActionFactory(
        owner=agency, description='=HYPERLINK("http://evil.example","Click")', timescale_text="@SUM(1+1)"
    )
    client = client_as(member)
    row = csv_row(download_csv(client), action)
    assert row["description"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert row["timescale"] == "'@SUM(1+1)"
    sheet = download_xlsx(client)["Actions"]
    description = sheet.cell(row=2, column=COLUMNS.index("description") + 1)
    assert description.data_type == "s"
    assert description.value == '\'=HYPERLINK("http://evil.example","Click")'
    assert sheet.cell(row=2, column=COLUMNS.index("timescale") + 1).value == "'@SUM(1+1)"


@pytest.mark.parametrize("count", [5, 50])
def test_the_downloads_take_the_same_number_of_queries_for_5_or_50_actions(
    client_as, member, agency, jar, count, django_assert_max_num_queries
):
    for _ in range(count):
        ActionFactory(owner=agency, recommendations=jar)
    client = client_as(member)
    for url in (EXPORT_XLSX, EXPORT_CSV):
        with django_assert_max_num_queries(5):  # 4, + 1 for the plan's version (agencies/plan_cache.py)
            response = client.get(url)
        assert response.status_code == 200
    assert len(download_csv(client)) == count


# --- upload, preview and apply ---------------------------------------------------------------------------------


def test_an_xlsx_round_trip_previews_then_records_one_update_per_changed_action(client_as, member, actions):
    first, second, third = actions
    client = client_as(member)
    workbook = download_xlsx(client)
    edit_xlsx(workbook, first, status="in_progress", percent_complete=40, note="Audit begun in May.")
    edit_xlsx(
        workbook,
        second,
        status="complete",
        percent_complete=100,
        revised_due_date=datetime.datetime(2010, 3, 31),
        revision_reason="Waiting for the board.",
    )
    preview = upload(client, "edited.xlsx", xlsx_bytes(workbook))

    assert preview.status_code == 200
    page = text(preview)
    assert "2 actions to update, 0 problems, 1 unchanged row skipped" in page
    assert "Not started → to In progress" in page
    assert "0% → to 40%" in page
    assert "In progress → to Complete" in page
    assert "30% → to 100%" in page
    assert "2009-10-31 → to 2010-03-31" in page
    assert "Audit begun in May." in page
    assert ProgressUpdate.objects.count() == 0
    assert Action.objects.get(pk=first.pk).status == Status.NOT_STARTED

    response = apply(client, preview)

    assert response.status_code == 302
    assert ProgressUpdate.objects.count() == 2
    one = ProgressUpdate.objects.get(action=first)
    assert (one.status_before, one.status_after, one.percent_before, one.percent_after) == (
        "not_started",
        "in_progress",
        0,
        40,
    )
    assert one.note == "Audit begun in May."
    assert one.source == "spreadsheet"
    assert one.author == member
    assert one.due_date_before == one.due_date_after == datetime.date(2009, 10, 31)
    two = ProgressUpdate.objects.get(action=second)
    assert (two.status_before, two.status_after, two.percent_before, two.percent_after) == (
        "in_progress",
        "complete",
        30,
        100,
    )
    assert (two.due_date_before, two.due_date_after) == (datetime.date(2009, 10, 31), datetime.date(2010, 3, 31))
    assert two.revision_reason == "Waiting for the board."
    assert two.source == "spreadsheet"
    first.refresh_from_db(), second.refresh_from_db(), third.refresh_from_db()
    assert (first.status, first.percent_complete, first.version) == ("in_progress", 40, 2)
    assert (second.status, second.percent_complete, second.due_date) == ("complete", 100, datetime.date(2010, 3, 31))
    assert third.version == 1
    assert PENDING not in client.session
    assert "Progress recorded on 2 actions: jar-2-c1, jar-2-c2." in text(client.get(response.url))


def test_a_csv_round_trip_records_the_changes(client_as, member, actions):
    first, second, _ = actions
    client = client_as(member)
    rows = download_csv(client)
    csv_row(rows, first).update(status="ongoing", percent_complete="60", note="Now part of routine practice.")
    # Excel in the UK saves dates as dd/mm/yyyy when it writes a CSV back.
    csv_row(rows, second).update(revised_due_date="31/03/2010", revision_reason="Delayed by the restructure.")
    preview = upload(client, "edited.csv", csv_bytes(rows))
    assert "2 actions to update, 0 problems" in text(preview)

    apply(client, preview)

    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, first.percent_complete) == ("ongoing", 60)
    assert second.due_date == datetime.date(2010, 3, 31)
    updates = ProgressUpdate.objects.filter(source="spreadsheet")
    assert updates.count() == 2
    assert updates.get(action=second).revision_reason == "Delayed by the restructure."


def test_a_status_label_is_taken_for_its_code(client_as, member, actions):
    client = client_as(member)
    rows = download_csv(client)
    csv_row(rows, actions[0]).update(status="In progress", percent_complete="10")
    apply(client, upload(client, "edited.csv", csv_bytes(rows)))
    actions[0].refresh_from_db()
    assert actions[0].status == Status.IN_PROGRESS


def test_the_xlsx_as_downloaded_uploads_unchanged_with_nothing_to_save(client_as, member, actions):
    """The workbook the application writes (XlsxWriter) is one its upload reads (openpyxl, behind
    ``config.workbooks``' limits), byte for byte as downloaded."""
    client = client_as(member)
    downloaded = client.get(EXPORT_XLSX).content
    preview = upload(client, "as-downloaded.xlsx", downloaded)
    assert "0 actions to update, 0 problems, 3 unchanged rows skipped" in text(preview)


def test_the_xlsx_keeps_its_layout_header_styles_frozen_panes_widths_and_dated_empty_cells(client_as, member, actions):
    workbook = download_xlsx(client_as(member))
    sheet = workbook["Actions"]
    assert sheet.freeze_panes == "D2"
    header = {cell.value: cell for cell in sheet[1]}
    assert all(cell.font.b for cell in header.values())
    assert header["status"].fill.fgColor.rgb.endswith("FFF2CC") and header["id"].fill.fill_type is None
    assert sheet.column_dimensions["F"].width >= 60  # the description
    revised = sheet.cell(row=2, column=COLUMNS.index("revised_due_date") + 1)
    assert revised.value is None and revised.number_format == "yyyy-mm-dd"  # a date typed in reads as a date
    percent = next(v for v in sheet.data_validations.dataValidation if v.type == "whole")
    assert (percent.formula1, percent.formula2, str(percent.sqref)) == ("0", "100", "J2:J4")
    assert percent.showErrorMessage and percent.error == "A whole number from 0 to 100."


def test_a_sheet_with_no_changes_has_nothing_to_save(client_as, member, actions):
    client = client_as(member)
    preview = upload(client, "same.csv", csv_bytes(download_csv(client)))
    assert "0 actions to update, 0 problems, 3 unchanged rows skipped" in text(preview)
    assert "there is nothing to save" in text(preview)
    assert 'name="token"' not in preview.content.decode()


def test_every_row_problem_is_listed_and_nothing_is_applied(client_as, member, agency, other_agency, jar):
    good = ActionFactory(owner=agency, reference="good")
    bad = {
        name: ActionFactory(owner=agency, reference=name) for name in ("st", "pct", "word", "cpl", "rsn", "dt", "dup")
    }
    theirs = ActionFactory(owner=other_agency, reference="theirs")
    client = client_as(member)
    rows = download_csv(client)
    csv_row(rows, good).update(status="in_progress", percent_complete="20", note="Fine on its own.")
    csv_row(rows, bad["st"]).update(status="half_done")
    csv_row(rows, bad["pct"]).update(percent_complete="150")
    csv_row(rows, bad["word"]).update(percent_complete="half")
    csv_row(rows, bad["cpl"]).update(status="complete", percent_complete="80")
    csv_row(rows, bad["rsn"]).update(revised_due_date="2010-01-31")
    csv_row(rows, bad["dt"]).update(revised_due_date="end of March", revision_reason="Later")
    rows.append({**csv_row(rows, bad["dup"]), "note": "Twice"})
    rows.append({**csv_row(rows, good), "id": "999999", "note": "No such action"})
    rows.append({**csv_row(rows, good), "id": str(theirs.pk), "note": "Not mine"})

    preview = upload(client, "bad.csv", csv_bytes(rows))

    page = text(preview)
    assert "Nothing can be saved until these problems are fixed" in page
    assert "(st): status: “half_done” is not a status." in page
    assert "(pct): percent_complete: % complete must be a whole number from 0 to 100." in page
    assert "(word): percent_complete “half” is not a whole number from 0 to 100 (leave it empty if none" in page
    assert "(cpl): percent_complete: A complete action is 100% complete." in page
    assert "(rsn): revision_reason: Give the reason the due date moved." in page
    assert "(dt): revised_due_date “end of March” is not a date (use YYYY-MM-DD)." in page
    assert "(dup): Action dup is also on row" in page
    assert "Unknown action id “999999”." in page
    assert "You may not update this action: another agency owns it." in page
    assert "theirs" not in page
    assert 'name="token"' not in preview.content.decode()
    assert 'role="alert"' in preview.content.decode()

    # Even a forged apply with the session's token checks the rows again and saves nothing.
    response = client.post(APPLY, {"token": client.session[PENDING]["token"]})
    assert response.status_code == 409
    assert ProgressUpdate.objects.count() == 0
    good.refresh_from_db()
    assert (good.status, good.version) == ("not_started", 1)


def test_a_row_changed_by_someone_else_since_the_download_is_a_problem(client_as, member, actions):
    first = actions[0]
    client = client_as(member)
    workbook = download_xlsx(client)
    record_elsewhere(first, member, status="in_progress", percent_complete=5)
    edit_xlsx(workbook, first, status="in_progress", percent_complete=50)
    page = text(upload(client, "stale.xlsx", xlsx_bytes(workbook)))
    assert "jar-2-c1 was changed by someone else after you downloaded the sheet (your version 1, now 2)" in page
    assert ProgressUpdate.objects.filter(source="spreadsheet").count() == 0


def test_an_unchanged_row_whose_action_moved_on_is_skipped_not_a_problem(client_as, member, actions):
    first = actions[0]
    client = client_as(member)
    rows = download_csv(client)
    record_elsewhere(first, member, status="not_started", percent_complete=0, note="Checked")
    page = text(upload(client, "same.csv", csv_bytes(rows)))
    assert "0 problems, 3 unchanged rows skipped" in page


def test_a_change_between_preview_and_apply_saves_nothing(client_as, member, coordinator, actions):
    first, second, _ = actions
    client = client_as(member)
    rows = download_csv(client)
    csv_row(rows, first).update(status="in_progress", percent_complete="10")
    csv_row(rows, second).update(percent_complete="90")
    preview = upload(client, "edited.csv", csv_bytes(rows))
    assert "2 actions to update, 0 problems" in text(preview)
    record_elsewhere(second, coordinator, status="in_progress", percent_complete=35)

    response = apply(client, preview)

    assert response.status_code == 409
    assert "Nothing was saved" in text(response)
    assert "jar-2-c2 was changed by someone else" in text(response)
    assert ProgressUpdate.objects.filter(source="spreadsheet").count() == 0
    first.refresh_from_db()
    assert first.status == "not_started"


@pytest.mark.django_db(transaction=True)
def test_a_conflict_while_applying_rolls_back_every_update(member, actions):
    first, second, _ = actions
    rows = [
        {"row": 2, "id": first.pk, "version": 1, "status": "in_progress", "percent_complete": 10},
        {"row": 3, "id": second.pk, "version": 1, "status": "in_progress", "percent_complete": 90},
    ]
    check = check_rows(
        user=member, rows=[{"note": "", "revised_due_date": "", "revision_reason": "", **r} for r in rows]
    )
    assert len(check.changes) == 2 and not check.problems
    record_elsewhere(second, member, status="in_progress", percent_complete=35)  # after the check

    with pytest.raises(ConflictError):
        bulk_record_changes(author=member, changes=check.changes)

    assert not ProgressUpdate.objects.filter(action=first).exists()
    first.refresh_from_db()
    assert (first.status, first.version) == ("not_started", 1)


def test_apply_without_a_waiting_preview_saves_nothing(client_as, member, actions):
    response = client_as(member).post(APPLY, {"token": "made-up"}, follow=True)
    assert "that preview is no longer waiting" in text(response)
    assert ProgressUpdate.objects.count() == 0


def test_a_preview_can_be_applied_only_once(client_as, member, actions):
    client = client_as(member)
    rows = download_csv(client)
    csv_row(rows, actions[0]).update(note="Once only")
    preview = upload(client, "edited.csv", csv_bytes(rows))
    apply(client, preview)
    apply(client, preview)
    assert ProgressUpdate.objects.count() == 1


# --- files that are not usable sheets --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.xlsx", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "not an Excel workbook (.xlsx), whatever its name says"),
        ("plan.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50, "The workbook cannot be opened"),
        ("plan.pdf", b"%PDF-1.7\n", "Upload the sheet as an Excel workbook (.xlsx) or a CSV file (.csv)."),
        ("plan.csv", b"%PDF-1.7\n\x00\x01", "not a CSV text file"),
        ("plan.csv", b"", "The submitted file is empty."),
        ("plan.csv", b"id,reference,status\n1,x,complete\n", "it has no version, percent_complete, note"),
        ("plan.csv", ",".join(COLUMNS).encode() + b"\n", "The sheet has no rows of actions"),
    ],
)
def test_a_file_that_is_not_a_usable_sheet_gets_a_clear_message(client_as, member, actions, name, content, message):
    client = client_as(member)
    response = upload(client, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert PENDING not in client.session
    assert ProgressUpdate.objects.count() == 0


def test_an_xlsx_without_the_columns_gets_a_clear_message(client_as, member, actions):
    workbook = Workbook()
    workbook.active.append(["Reference", "Progress"])
    workbook.active.append(["jar-2-c1", "Going well"])
    page = text(upload(client_as(member), "mine.xlsx", xlsx_bytes(workbook)))
    assert "it has no id, version, status, percent_complete, note, revised_due_date, revision_reason columns" in page


def test_a_file_over_5_mb_gets_a_clear_message(client_as, member, actions):
    client = client_as(member)
    rows = download_csv(client)
    csv_row(rows, actions[0]).update(note="x" * (5 * 1024 * 1024))
    response = upload(client, "big.csv", csv_bytes(rows))
    assert "The file is larger than 5 MB, the most a sheet may be." in response.content.decode()
    assert ProgressUpdate.objects.count() == 0


# --- who may do it ---------------------------------------------------------------------------------------------


def test_a_member_cannot_update_another_agencys_action_through_the_sheet(
    client_as, member, coordinator, other_agency, actions
):
    theirs = ActionFactory(owner=other_agency, reference="health-1")
    rows = download_csv(client_as(coordinator))  # the whole partnership's sheet, passed on to a member
    csv_row(rows, theirs).update(status="complete", percent_complete="100")
    client = client_as(member)
    preview = upload(client, "shared.csv", csv_bytes(rows))
    assert "You may not update this action: another agency owns it." in text(preview)
    client.post(APPLY, {"token": client.session[PENDING]["token"]})
    theirs.refresh_from_db()
    assert theirs.status == "not_started"
    assert ProgressUpdate.objects.count() == 0


def test_another_partnerships_rows_are_unknown_actions(client_as, member, outsider, actions):
    rows = download_csv(client_as(member))
    csv_row(rows, actions[0]).update(status="complete", percent_complete="100")
    page = text(upload(client_as(outsider), "theirs.csv", csv_bytes(rows)))
    assert f"Unknown action id “{actions[0].pk}”." in page
    assert "jar-2-c1" not in page
    assert "another agency owns it" not in page


@pytest.mark.parametrize("url", [BULK, EXPORT_XLSX, EXPORT_CSV])
def test_a_reader_and_a_user_without_membership_may_not_download(client_as, reader, url):
    assert client_as(reader).get(url).status_code == 403
    assert client_as(UserFactory()).get(url).status_code == 403


@pytest.mark.parametrize("url", [PREVIEW, APPLY])
def test_a_reader_and_a_user_without_membership_may_not_upload(client_as, reader, actions, url):
    content = csv_bytes([{"id": actions[0].pk, "version": 1, "status": "complete", "percent_complete": 100}])
    for user in (reader, UserFactory()):
        response = client_as(user).post(url, {"file": SimpleUploadedFile("x.csv", content), "token": "x"})
        assert response.status_code == 403
    assert ProgressUpdate.objects.count() == 0


@pytest.mark.parametrize("url", [BULK, EXPORT_XLSX, EXPORT_CSV, PREVIEW, APPLY])
def test_an_anonymous_visitor_is_sent_to_log_in(client, url):
    response = client.post(url) if url in (PREVIEW, APPLY) else client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("method", "url"),
    [("post", BULK), ("post", EXPORT_XLSX), ("post", EXPORT_CSV), ("get", PREVIEW), ("get", APPLY), ("put", BULK)],
)
def test_a_wrong_method_is_refused(client_as, member, method, url):
    assert getattr(client_as(member), method)(url).status_code == 405


def test_an_upload_without_the_csrf_token_is_refused(client_as, member, actions):
    client = client_as(member, enforce_csrf_checks=True)
    response = upload(client, "x.csv", csv_bytes(download_csv(client)))
    assert response.status_code == 403


def test_the_page_offers_both_downloads_the_status_codes_and_a_labelled_upload(client_as, member, actions):
    response = client_as(member).get(BULK)
    html = response.content.decode()
    assert EXPORT_XLSX in html and EXPORT_CSV in html
    assert "You may update 3 actions." in text(response)
    assert re.search(r'<label\s+for="id_file"', html)
    assert 'enctype="multipart/form-data"' in html
    for code, _ in Status.choices:
        assert f"<code>{code}</code>" in html


def test_the_action_list_links_to_the_sheet_for_members_but_not_readers(client_as, member, reader):
    list_url = reverse("actions:list")
    assert "Update several actions by spreadsheet" in client_as(member).get(list_url).content.decode()
    assert "Update several actions by spreadsheet" not in client_as(reader).get(list_url).content.decode()


def test_an_empty_percent_cell_records_a_note_and_leaves_the_percent_not_reported(client_as, member, agency, jar):
    action = ActionFactory(owner=agency, reference="nopct", recommendations=jar[:1], percent_complete=None)
    client = client_as(member)
    rows = download_csv(client)
    assert csv_row(rows, action)["percent_complete"] == ""
    csv_row(rows, action).update(note="Started; no % to report yet.")

    response = apply(client, upload(client, "plan.csv", csv_bytes(rows)))

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.percent_complete is None
    update = action.updates.get()
    assert (update.percent_before, update.percent_after, update.note) == (None, None, "Started; no % to report yet.")
