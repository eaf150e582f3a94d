"""The actions pages: who may see and do what, recording progress with its checks and conflicts, plan editing,
the filtered list and My actions.

Dates are relative to ``timezone.localdate()`` so that the tests mean the same on any day.
"""

import datetime
import re
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ProgressUpdate, Status, private_storage
from actions.ordering import natural_sort_key
from actions.services import ProgressChange, action_record_progress
from agencies.models import AuditEntry, StoredFile
from agencies.storage import DatabaseStorage
from recommendations.models import ApplicabilityDecision
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    DecisionFactory,
    MeetingFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceReportFactory,
    ThemeFactory,
)
from tests.helpers import days, text, words

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def state(action):
    """What a failed request must leave untouched."""
    action.refresh_from_db()
    return (
        action.status,
        action.percent_complete,
        action.due_date,
        action.version,
        action.owner_id,
        action.description,
        action.updates.count(),
        action.links.count(),
    )


# --- fixtures ---------------------------------------------------------------------------------------------------


@pytest.fixture
def action(agency, recommendation):
    """Social Work's action, in progress and due in 60 days."""
    return ActionFactory(
        owner=agency,
        reference="JAR-2-C3",
        description="Review the supervision policy for front-line social workers",
        recommendations=[recommendation],
        status=Status.IN_PROGRESS,
        percent_complete=20,
        timescale_text="Within two months",
        due_date=days(60),
    )


@pytest.fixture
def other_action(other_agency, recommendation):
    """Health's action: members of Social Work may read it, not update it."""
    return ActionFactory(
        owner=other_agency,
        reference="HEALTH-1",
        description="Audit health visitor caseloads",
        recommendations=[recommendation],
        due_date=days(20),
    )


@pytest.fixture
def update(action, member):
    """A progress update naming an evidence file (not stored: enough for access checks that fail first)."""
    return ProgressUpdateFactory(action=action, author=member, evidence_file="east-ayrshire/JAR-2-C3/minutes.pdf")


@pytest.fixture
def url(action, update):
    """url(name) -> the address of an actions page, for the action fixture where the page needs one."""
    args = {
        "detail": [action.pk],
        "record_progress": [action.pk],
        "edit": [action.pk],
        "evidence": [action.pk, update.pk],
    }
    return lambda name: reverse(f"actions:{name}", args=args.get(name, []))


@pytest.fixture
def evidence_storage(settings, tmp_path, monkeypatch):
    """Evidence stored by the configured private storage, rooted in a temporary PRIVATE_MEDIA_ROOT."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-evidence"
    storage = private_storage()
    monkeypatch.setattr(ProgressUpdate._meta.get_field("evidence_file"), "storage", storage)
    return storage


def progress_data(action, **overrides):
    """A valid progress form for the action as it stands, with overrides."""
    data = {
        "version": action.version,
        "status": action.status,
        "percent_complete": action.percent_complete,
        "note": "",
        "evidence_link": "",
        "due_date": action.due_date.isoformat() if action.due_date else "",
        "revision_reason": "",
    }
    data.update(overrides)
    return data


ALL_PAGES = ["list", "my_actions", "create", "plan", "detail", "record_progress", "edit", "evidence"]
GET_ONLY_PAGES = ["list", "my_actions", "plan", "detail", "evidence"]
FORM_PAGES = ["create", "record_progress", "edit"]
OBJECT_PAGES = ["detail", "record_progress", "edit", "evidence"]


# --- everyone's access -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_PAGES)
def test_every_page_sends_an_anonymous_visitor_to_log_in(client, url, name):
    response = client.get(url(name))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={quote(url(name))}"


def test_an_anonymous_post_records_nothing_and_asks_to_log_in(client, action):
    before = state(action)
    response = client.post(reverse("actions:record_progress", args=[action.pk]), progress_data(action, note="Hi"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert state(action) == before


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("name", GET_ONLY_PAGES)
def test_read_only_pages_refuse_other_methods(client_as, coordinator, url, name, method):
    response = getattr(client_as(coordinator), method)(url(name))
    assert response.status_code == 405


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("name", FORM_PAGES)
def test_form_pages_refuse_methods_other_than_get_and_post(client_as, coordinator, url, action, name, method):
    before = state(action)
    response = getattr(client_as(coordinator), method)(url(name))
    assert response.status_code == 405
    assert state(action) == before


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_another_partnerships_user_gets_not_found_for_every_action_page(client_as, outsider, url, name):
    response = client_as(outsider).get(url(name))
    assert response.status_code == 404
    assert "belongs to another partnership" in text(response)


@pytest.mark.parametrize("name", ["record_progress", "edit"])
def test_another_partnerships_post_gets_not_found_and_changes_nothing(client_as, outsider, action, url, name):
    before = state(action)
    response = client_as(outsider).post(url(name), progress_data(action, note="Not mine", percent_complete=90))
    assert response.status_code == 404
    assert state(action) == before


def test_another_partnerships_actions_are_never_listed(client_as, outsider, action):
    ActionFactory(owner=AgencyFactory(partnership=outsider.membership.agency.partnership), reference="NA-1")
    response = client_as(outsider).get(reverse("actions:list"))
    assert [a.reference for a in response.context["page_obj"]] == ["NA-1"]
    assert "JAR 2 · C3" not in text(response)


# --- CSRF --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FORM_PAGES)
def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(client_as, coordinator, url, action, name):
    before, actions_before = state(action), Action.objects.count()
    response = client_as(coordinator, enforce_csrf_checks=True).post(
        url(name), progress_data(action, note="Forged", percent_complete=90)
    )
    assert response.status_code == 403
    assert "The form could not be accepted" in text(response)
    assert state(action) == before
    assert Action.objects.count() == actions_before


def test_a_post_with_the_csrf_token_of_the_form_is_accepted(client_as, member, action):
    client = client_as(member, enforce_csrf_checks=True)
    form_url = reverse("actions:record_progress", args=[action.pk])
    client.get(form_url)
    data = progress_data(action, note="With the token", csrfmiddlewaretoken=client.cookies["csrftoken"].value)
    response = client.post(form_url, data)
    assert response.status_code == 302
    assert action.updates.get().note == "With the token"


# --- who may write -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("user_fixture", ["other_agency_member", "reader"])
def test_a_user_who_may_only_read_cannot_open_the_progress_form(request, client_as, url, user_fixture, member):
    user = request.getfixturevalue(user_fixture)
    response = client_as(user).get(url("record_progress"))
    assert response.status_code == 403
    assert "You may read this action but not update it: Social Work Services updates it." in text(response)


@pytest.mark.parametrize("user_fixture", ["other_agency_member", "reader"])
def test_a_forged_progress_post_by_a_read_only_user_is_refused(request, client_as, action, user_fixture):
    user = request.getfixturevalue(user_fixture)
    before = state(action)
    response = client_as(user).post(
        reverse("actions:record_progress", args=[action.pk]), progress_data(action, percent_complete=80, note="x")
    )
    assert response.status_code == 403
    assert state(action) == before


@pytest.mark.parametrize("user_fixture", ["member", "other_agency_member", "reader"])
@pytest.mark.parametrize("name", ["create", "edit", "plan"])
def test_only_the_coordinator_opens_the_plan_pages(request, client_as, url, user_fixture, name):
    response = client_as(request.getfixturevalue(user_fixture)).get(url(name))
    assert response.status_code == 403
    assert "Only the coordinator manages the plan." in text(response)


@pytest.mark.parametrize("user_fixture", ["member", "reader"])
def test_a_member_or_reader_cannot_create_or_edit_an_action_by_post(
    request, client_as, agency, action, recommendation, user_fixture
):
    client = client_as(request.getfixturevalue(user_fixture))
    before = state(action)
    data = {
        "reference": "FORGED-1",
        "owner": agency.pk,
        "level": "committee",
        "description": "Forged",
        "recommendations": [recommendation.pk],
        "version": action.version,
        "due_date": action.due_date.isoformat(),
    }
    assert client.post(reverse("actions:create"), data).status_code == 403
    assert client.post(reverse("actions:edit", args=[action.pk]), data).status_code == 403
    assert not Action.objects.filter(reference="FORGED-1").exists()
    assert state(action) == before


# --- the action page -----------------------------------------------------------------------------------------------


def test_the_action_page_shows_the_action_its_recommendations_and_its_history(client_as, member, action):
    ProgressUpdateFactory(action=action, author=member, note="Draft policy circulated to team leaders")
    response = client_as(member).get(reverse("actions:detail", args=[action.pk]))
    page = text(response)
    assert response.status_code == 200
    assert "Action JAR 2 · C3" in page
    assert "Review the supervision policy for front-line social workers" in page
    assert "Social Work Services" in page
    assert "Laming 2009 recommendation 12 (primary)" in words(response)
    assert "Within two months" in page
    assert "In progress" in page
    assert "Green: due in 60 days, 20% complete" in page
    assert "Draft policy circulated to team leaders" in page
    assert "Record progress" in page
    assert "Edit action (plan)" not in page


def test_a_member_of_another_agency_reads_the_action_without_a_record_progress_button(
    client_as, other_agency_member, action, member
):
    response = client_as(other_agency_member).get(reverse("actions:detail", args=[action.pk]))
    page = text(response)
    assert response.status_code == 200
    assert "Review the supervision policy" in page
    assert "Record progress" not in page
    assert "You can read this action; Social Work Services updates it." in page


def test_a_reader_reads_the_action_without_any_button(client_as, reader, action):
    page = text(client_as(reader).get(reverse("actions:detail", args=[action.pk])))
    assert "Review the supervision policy" in page
    assert "Record progress" not in page
    assert "Edit action (plan)" not in page


def test_the_coordinator_may_record_progress_and_edit_any_action(client_as, coordinator, other_action):
    page = text(client_as(coordinator).get(reverse("actions:detail", args=[other_action.pk])))
    assert "Record progress" in page
    assert "Edit action (plan)" in page


def test_an_unknown_action_is_not_found(client_as, member):
    assert client_as(member).get(reverse("actions:detail", args=[999999])).status_code == 404


# --- recording progress --------------------------------------------------------------------------------------------


def test_the_progress_form_opens_with_the_actions_current_values(client_as, member, action):
    response = client_as(member).get(reverse("actions:record_progress", args=[action.pk]))
    form = response.context["form"]
    assert response.status_code == 200
    assert "Record progress on JAR 2 · C3" in text(response)
    assert form["version"].value() == action.version
    assert form["status"].value() == Status.IN_PROGRESS
    assert form["percent_complete"].value() == 20
    assert form["due_date"].value() == action.due_date


def test_recording_progress_creates_one_update_and_moves_the_action(client_as, member, action):
    version = action.version
    response = client_as(member).post(
        reverse("actions:record_progress", args=[action.pk]),
        progress_data(action, status=Status.IN_PROGRESS, percent_complete=45, note="Policy drafted."),
        follow=True,
    )
    assert response.redirect_chain == [(reverse("actions:detail", args=[action.pk]), 302)]
    assert "Progress recorded on JAR 2 · C3." in text(response)
    update = ProgressUpdate.objects.get()
    assert (update.action, update.author, update.source) == (action, member, "form")
    assert (update.status_before, update.status_after) == (Status.IN_PROGRESS, Status.IN_PROGRESS)
    assert (update.percent_before, update.percent_after) == (20, 45)
    assert (update.due_date_before, update.due_date_after) == (action.due_date, action.due_date)
    assert update.note == "Policy drafted."
    action.refresh_from_db()
    assert (action.status, action.percent_complete, action.version) == (Status.IN_PROGRESS, 45, version + 1)
    assert update.action_version == action.version
    assert "Policy drafted." in text(response)


def test_completing_an_action_records_the_status_change(client_as, member, action):
    client_as(member).post(
        reverse("actions:record_progress", args=[action.pk]),
        progress_data(action, status=Status.COMPLETE, percent_complete=100, note="Signed off by the committee."),
    )
    update = ProgressUpdate.objects.get()
    assert (update.status_before, update.status_after, update.percent_after) == (
        Status.IN_PROGRESS,
        Status.COMPLETE,
        100,
    )
    action.refresh_from_db()
    assert (action.status, action.percent_complete) == (Status.COMPLETE, 100)


def test_a_revised_due_date_with_a_reason_is_recorded(client_as, member, action):
    old_due, new_due = action.due_date, days(120)
    client_as(member).post(
        reverse("actions:record_progress", args=[action.pk]),
        progress_data(action, due_date=new_due.isoformat(), revision_reason="Waiting for national guidance"),
    )
    update = ProgressUpdate.objects.get()
    assert (update.due_date_before, update.due_date_after) == (old_due, new_due)
    assert update.revision_reason == "Waiting for national guidance"
    action.refresh_from_db()
    assert action.due_date == new_due


def test_the_coordinator_records_progress_on_another_agencys_action(client_as, coordinator, other_action):
    response = client_as(coordinator).post(
        reverse("actions:record_progress", args=[other_action.pk]),
        progress_data(other_action, status=Status.IN_PROGRESS, percent_complete=10, note="Chased at the CPC."),
    )
    assert response.status_code == 302
    assert ProgressUpdate.objects.get().author == coordinator


BAD_PROGRESS = [
    pytest.param({"percent_complete": 101}, "Ensure this value is less than or equal to 100.", id="percent-101"),
    pytest.param({"percent_complete": -1}, "Ensure this value is greater than or equal to 0.", id="percent-negative"),
    pytest.param({"percent_complete": "half"}, "Enter a whole number.", id="percent-not-a-number"),
    pytest.param(
        {"status": Status.COMPLETE, "percent_complete": 50}, "A complete action is 100% complete.", id="complete-at-50"
    ),
    pytest.param({"due_date": "2031-01-31"}, "Give the reason the due date moved.", id="revised-date-no-reason"),
    pytest.param({"due_date": ""}, "Give the reason the due date moved.", id="cleared-date-no-reason"),
    pytest.param({"status": "finished"}, "Select a valid choice. finished is not one of", id="unknown-status"),
    pytest.param(
        {"note": ""}, "Nothing to record: change the status, % complete or due date, or write a note.", id="nothing"
    ),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_PROGRESS)
def test_bad_progress_is_refused_with_a_clear_message_and_changes_nothing(
    client_as, member, action, overrides, message
):
    before = state(action)
    data = progress_data(action, **{"note": "Some words", **overrides})
    response = client_as(member).post(reverse("actions:record_progress", args=[action.pk]), data)
    page = text(response)
    assert response.status_code == 200
    assert "Nothing was saved" in page
    assert message in page
    assert state(action) == before
    assert not ProgressUpdate.objects.exists()


BAD_EVIDENCE = [
    pytest.param(
        SimpleUploadedFile("minutes.exe", b"MZ\x90\x00"),
        "Evidence must be a PDF, Word, Excel or image file",
        id="wrong-extension",
    ),
    pytest.param(
        SimpleUploadedFile("minutes.pdf", b"<html>not a pdf</html>", content_type="application/pdf"),
        "The file's content is not a real PDF file.",
        id="fake-pdf",
    ),
    pytest.param(
        SimpleUploadedFile(
            "minutes.pdf", PDF_BYTES + b"0" * (10 * 1024 * 1024 - len(PDF_BYTES) + 1), content_type="application/pdf"
        ),
        "The file is 10.1 MB; evidence files may be at most 10 MB.",
        id="over-10-mb",
    ),
]


@pytest.mark.parametrize(("upload", "message"), BAD_EVIDENCE)
def test_bad_evidence_is_refused_with_a_clear_message_and_nothing_is_stored(
    client_as, member, action, evidence_storage, upload, message
):
    before = state(action)
    data = progress_data(action, percent_complete=40, note="Evidence attached", evidence_file=upload)
    response = client_as(member).post(reverse("actions:record_progress", args=[action.pk]), data)
    page = text(response)
    assert response.status_code == 200
    assert "Nothing was saved" in page
    assert message in page
    assert state(action) == before
    assert not StoredFile.objects.exists()
    assert not Path(settings.PRIVATE_MEDIA_ROOT).exists() or not any(Path(settings.PRIVATE_MEDIA_ROOT).rglob("*.*"))


def test_an_evidence_file_just_at_10_mb_is_accepted(client_as, member, action, evidence_storage):
    upload = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (10 * 1024 * 1024 - len(PDF_BYTES)))
    response = client_as(member).post(
        reverse("actions:record_progress", args=[action.pk]), progress_data(action, note="Big", evidence_file=upload)
    )
    assert response.status_code == 302
    assert ProgressUpdate.objects.get().evidence_file.size == 10 * 1024 * 1024


@pytest.fixture
def stored_evidence(client_as, member, action, evidence_storage):
    """An update whose evidence PDF was uploaded through the form."""
    upload = SimpleUploadedFile("cpc-minutes.pdf", PDF_BYTES, content_type="application/pdf")
    response = client_as(member).post(
        reverse("actions:record_progress", args=[action.pk]),
        progress_data(action, percent_complete=30, note="Minutes attached", evidence_file=upload),
    )
    assert response.status_code == 302
    return ProgressUpdate.objects.get()


def test_a_valid_evidence_pdf_is_stored_and_linked_from_the_action_page(client_as, member, action, stored_evidence):
    assert stored_evidence.evidence_file.name == "east-ayrshire/JAR-2-C3/cpc-minutes.pdf"
    with stored_evidence.evidence_file.open("rb") as handle:
        assert handle.read() == PDF_BYTES
    page = client_as(member).get(reverse("actions:detail", args=[action.pk])).content.decode()
    assert f'href="{reverse("actions:evidence", args=[action.pk, stored_evidence.pk])}"' in page


@pytest.mark.parametrize("user_fixture", ["member", "other_agency_member", "reader", "coordinator"])
def test_evidence_downloads_for_every_user_of_the_partnership(
    request, client_as, action, stored_evidence, user_fixture
):
    client = client_as(request.getfixturevalue(user_fixture))
    response = client.get(reverse("actions:evidence", args=[action.pk, stored_evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"] == 'attachment; filename="cpc-minutes.pdf"'


def test_evidence_is_not_found_for_another_partnership(client_as, outsider, action, stored_evidence):
    response = client_as(outsider).get(reverse("actions:evidence", args=[action.pk, stored_evidence.pk]))
    assert response.status_code == 404


def test_evidence_is_not_found_through_another_action_of_the_partnership(
    client_as, member, other_action, stored_evidence
):
    response = client_as(member).get(reverse("actions:evidence", args=[other_action.pk, stored_evidence.pk]))
    assert response.status_code == 404


def test_an_update_without_evidence_has_nothing_to_download(client_as, member, action):
    update = ProgressUpdateFactory(action=action, author=member)
    assert client_as(member).get(reverse("actions:evidence", args=[action.pk, update.pk])).status_code == 404


def test_evidence_is_stored_in_the_database_not_on_disk_and_no_other_url_serves_it(
    client_as, member, client, stored_evidence
):
    name = stored_evidence.evidence_file.name
    stored = StoredFile.objects.get(name=name)
    assert bytes(stored.content).startswith(b"%PDF") and stored.size == len(bytes(stored.content))
    for root in (settings.PRIVATE_MEDIA_ROOT, settings.STATIC_ROOT, *settings.STATICFILES_DIRS):
        assert not (Path(root) / name).exists()
    for address in (f"/{settings.STATIC_URL}{name}", f"{settings.MEDIA_URL or '/media/'}{name}", f"/{name}"):
        assert client_as(member).get(address).status_code == 404
        assert client.get(address).status_code in (302, 404)


def test_the_configured_evidence_storage_is_the_database():
    assert isinstance(ProgressUpdate._meta.get_field("evidence_file").storage, DatabaseStorage)


def test_an_evidence_download_is_not_kept_by_the_browser_and_is_audited(client_as, member, action, stored_evidence):
    response = client_as(member).get(reverse("actions:evidence", args=[action.pk, stored_evidence.pk]))
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EVIDENCE_DOWNLOAD)
    assert (entry.user, entry.object_id) == (member, str(stored_evidence.pk))
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EVIDENCE_UPLOAD, user=member).count() == 1


# --- the conflict --------------------------------------------------------------------------------------------------


def test_a_stale_form_gets_a_conflict_that_keeps_both_peoples_work(client_as, member, coordinator, action):
    form_url = reverse("actions:record_progress", args=[action.pk])
    client = client_as(member)
    opened = client.get(form_url).context["form"]["version"].value()
    action_record_progress(
        action=action,
        author=coordinator,
        expected_version=opened,
        change=ProgressChange(
            status=Status.IN_PROGRESS, percent_complete=60, note="Coordinator's note", due_date=action.due_date
        ),
    )
    theirs = state(action)

    mine = progress_data(action, version=opened, percent_complete=30, note="My careful note")
    response = client.post(form_url, mine)
    page = text(response)
    assert response.status_code == 409
    assert "Someone else changed this action" in page
    assert "Coordinator's note" in page
    assert "20% → 60%" in page
    assert response.context["form"]["note"].value() == "My careful note"
    assert "My careful note</textarea>" in page
    assert 'name="percent_complete" value="30"' in page
    assert state(action) == theirs
    assert ProgressUpdate.objects.count() == 1

    new_version = int(re.search(r'name="version" value="(\d+)"', page).group(1))
    assert new_version == action.version == opened + 1
    response = client.post(form_url, {**mine, "version": new_version})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.percent_complete == 30
    assert list(action.updates.values_list("note", flat=True)) == ["My careful note", "Coordinator's note"]


def test_a_due_date_moved_in_the_plan_is_listed_in_the_conflict(client_as, member, coordinator, action):
    form_url = reverse("actions:record_progress", args=[action.pk])
    client = client_as(member)
    opened = client.get(form_url).context["form"]["version"].value()
    client_as(coordinator).post(
        reverse("actions:edit", args=[action.pk]),
        plan_data(action, due_date=days(90).isoformat(), revision_reason="Agreed at the CPC"),
    )
    response = client.post(form_url, progress_data(action, version=opened, note="Mine"))
    assert response.status_code == 409
    assert f"due {days(90):%-d %B %Y}. Note: “Due date changed in plan management.”" in words(response)


# --- creating and editing actions (the coordinator) ---------------------------------------------------------------


def plan_data(action, **overrides):
    data = {
        "reference": action.reference,
        "owner": action.owner_id,
        "level": action.level,
        "description": action.description,
        "timescale_text": action.timescale_text,
        "due_date": action.due_date.isoformat() if action.due_date else "",
        "recommendations": list(action.links.values_list("recommendation_id", flat=True)),
        "primary": "",
        "revision_reason": "",
        "version": action.version,
    }
    data.update(overrides)
    return data


@pytest.fixture
def two_recommendations(recommendation):
    """Recommendations 2 and 10 of one report, created out of printed order."""
    ten = RecommendationFactory(report=recommendation.report, reference="10", position=10)
    two = RecommendationFactory(report=recommendation.report, reference="2", position=2)
    return two, ten


def test_the_coordinator_opens_the_new_action_form_with_a_recommendation_chosen(client_as, coordinator, recommendation):
    response = client_as(coordinator).get(reverse("actions:create"), {"recommendation": recommendation.pk})
    assert response.status_code == 200
    assert "New action" in text(response)
    assert response.context["form"]["recommendations"].value() == [str(recommendation.pk)]


def test_the_coordinator_creates_an_action_answering_two_recommendations(
    client_as, coordinator, agency, two_recommendations
):
    two, ten = two_recommendations
    response = client_as(coordinator).post(
        reverse("actions:create"),
        {
            "reference": "LAM-2-10",
            "owner": agency.pk,
            "level": "single_agency",
            "description": "Audit referral handling",
            "timescale_text": "October 2030",
            "due_date": "",
            "recommendations": [ten.pk, two.pk],
        },
        follow=True,
    )
    action = Action.objects.get(reference="LAM-2-10")
    assert response.redirect_chain == [(action.get_absolute_url(), 302)]
    assert "Action LAM 2 · 10 created." in text(response)
    assert (action.owner, action.level, action.partnership) == (agency, "single_agency", agency.partnership)
    assert action.due_date == datetime.date(2030, 10, 31)
    links = {link.recommendation: link.is_primary for link in action.links.all()}
    assert links == {two: True, ten: False}
    assert "recommendation 2 (primary)" in words(response)


def test_the_coordinator_may_choose_the_primary_recommendation(client_as, coordinator, agency, two_recommendations):
    two, ten = two_recommendations
    client_as(coordinator).post(
        reverse("actions:create"),
        {
            "reference": "LAM-10",
            "owner": agency.pk,
            "level": "committee",
            "description": "Audit referral handling",
            "due_date": days(30).isoformat(),
            "recommendations": [two.pk, ten.pk],
            "primary": ten.pk,
        },
    )
    action = Action.objects.get(reference="LAM-10")
    assert action.links.get(is_primary=True).recommendation == ten
    assert action.due_date == days(30)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"recommendations": []}, "This field is required.", id="no-recommendation"),
        pytest.param({"reference": "JAR-2-C3"}, "already has an action with this reference", id="duplicate-reference"),
        pytest.param({"owner": "", "description": ""}, "This field is required.", id="no-owner"),
        pytest.param({"reference": "has spaces"}, "Enter a valid “slug”", id="bad-reference"),
    ],
)
def test_a_bad_new_action_is_refused_and_nothing_is_created(
    client_as, coordinator, agency, action, recommendation, overrides, message
):
    data = {
        "reference": "NEW-1",
        "owner": agency.pk,
        "level": "committee",
        "description": "Something new",
        "recommendations": [recommendation.pk],
        **overrides,
    }
    response = client_as(coordinator).post(reverse("actions:create"), data)
    assert response.status_code == 200
    assert "Nothing was saved" in text(response)
    assert message in text(response)
    assert list(Action.objects.values_list("reference", flat=True)) == ["JAR-2-C3"]


def test_the_new_action_form_offers_only_the_partnerships_agencies_as_owners(client_as, coordinator, outsider, agency):
    other = outsider.membership.agency
    response = client_as(coordinator).post(
        reverse("actions:create"),
        {"reference": "X-1", "owner": other.pk, "level": "committee", "description": "x"},
    )
    assert "Select a valid choice" in text(response)
    assert other not in response.context["form"].fields["owner"].queryset
    assert not Action.objects.exists()


def test_the_coordinator_edits_an_action_and_the_moved_date_is_recorded(client_as, coordinator, action, other_agency):
    old_due, version = action.due_date, action.version
    response = client_as(coordinator).post(
        reverse("actions:edit", args=[action.pk]),
        plan_data(
            action,
            owner=other_agency.pk,
            description="Review supervision across health and social work",
            due_date=days(200).isoformat(),
            revision_reason="Extended to include health visitors",
        ),
        follow=True,
    )
    assert "Action JAR 2 · C3 saved." in text(response)
    action.refresh_from_db()
    assert action.owner == other_agency
    assert action.description == "Review supervision across health and social work"
    assert action.due_date == days(200)
    assert action.version == version + 1
    update = ProgressUpdate.objects.get()
    assert update.source == "plan"
    assert update.author == coordinator
    assert (update.due_date_before, update.due_date_after) == (old_due, days(200))
    assert update.revision_reason == "Extended to include health visitors"
    assert (update.status_before, update.status_after) == (action.status, action.status)


def test_editing_without_moving_the_date_records_no_progress_update(client_as, coordinator, action, other_agency):
    client_as(coordinator).post(reverse("actions:edit", args=[action.pk]), plan_data(action, owner=other_agency.pk))
    action.refresh_from_db()
    assert action.owner == other_agency
    assert not ProgressUpdate.objects.exists()


def test_editing_the_due_date_without_a_reason_saves_nothing(client_as, coordinator, action, other_agency):
    before = state(action)
    response = client_as(coordinator).post(
        reverse("actions:edit", args=[action.pk]),
        plan_data(action, owner=other_agency.pk, description="Changed", due_date=days(200).isoformat()),
    )
    assert response.status_code == 200
    assert "Nothing was saved" in text(response)
    assert "Give the reason the due date moved." in text(response)
    assert state(action) == before


def test_editing_relinks_the_recommendations(client_as, coordinator, action, two_recommendations, recommendation):
    two, ten = two_recommendations
    client_as(coordinator).post(
        reverse("actions:edit", args=[action.pk]), plan_data(action, recommendations=[ten.pk, two.pk], primary=ten.pk)
    )
    links = {link.recommendation: link.is_primary for link in action.links.all()}
    assert links == {two: False, ten: True}


def test_editing_a_stale_plan_form_is_a_conflict_and_saves_nothing(client_as, coordinator, member, action):
    stale = plan_data(action, description="Stale edit")
    action_record_progress(
        action=action,
        author=member,
        expected_version=action.version,
        change=ProgressChange(status=Status.IN_PROGRESS, percent_complete=50, due_date=action.due_date, note="x"),
    )
    theirs = state(action)
    response = client_as(coordinator).post(reverse("actions:edit", args=[action.pk]), stale)
    assert response.status_code == 409
    assert "Someone else changed this action" in text(response)
    assert state(action) == theirs


# --- plan management ------------------------------------------------------------------------------------------------


def test_the_plan_page_counts_the_partnerships_actions_and_decisions(
    client_as, coordinator, partnership, action, other_action, outsider, recommendation
):
    ActionFactory(owner=other_action.owner, reference="LATE-1", due_date=days(-3))
    ActionFactory(owner=AgencyFactory(partnership=outsider.membership.agency.partnership), due_date=days(-3))
    DecisionFactory(partnership=partnership, recommendation=recommendation)
    DecisionFactory(partnership=partnership, decision=ApplicabilityDecision.Decision.UNDER_CONSIDERATION, reason="")
    DecisionFactory(partnership=outsider.membership.agency.partnership, recommendation=recommendation)
    response = client_as(coordinator).get(reverse("actions:plan"))
    assert response.status_code == 200
    assert "East Ayrshire: 3 actions, 1 overdue; 1 recommendation with a decision recorded." in text(response)


# --- the list --------------------------------------------------------------------------------------------------------


@pytest.fixture
def catalogue(agency, other_agency, outsider, member):
    """Four actions of the partnership across two reports, and one of another partnership."""
    jar = SourceReportFactory(slug="haringey-jar", short_title="Haringey JAR", published_on=datetime.date(2008, 12, 1))
    laming = SourceReportFactory(slug="laming", short_title="Laming")
    safeguarding = ThemeFactory(report=jar, title="Safeguarding", slug="safeguarding", position=1)
    leadership = ThemeFactory(report=jar, title="Leadership", slug="leadership", position=2)
    recs = {
        "jar1": RecommendationFactory(report=jar, theme=safeguarding, reference="1", position=1),
        "jar2": RecommendationFactory(report=jar, theme=leadership, reference="2", position=2),
        "lam1": RecommendationFactory(report=laming, reference="1", position=1),
    }
    actions = {
        "SUPERVISION": ActionFactory(
            owner=agency,
            reference="SUPERVISION",
            level="committee",
            description="Review the supervision policy",
            status=Status.IN_PROGRESS,
            percent_complete=20,
            due_date=days(10),
            recommendations=[recs["jar1"]],
        ),
        "TRAINING": ActionFactory(
            owner=other_agency,
            reference="TRAINING",
            level="single_agency",
            description="Train staff on referrals",
            status=Status.NOT_STARTED,
            percent_complete=0,
            due_date=days(-12),
            recommendations=[recs["lam1"]],
        ),
        "GUIDANCE": ActionFactory(
            owner=agency,
            reference="GUIDANCE",
            level="single_agency",
            description="Publish inter-agency guidance",
            status=Status.COMPLETE,
            percent_complete=100,
            due_date=days(-100),
            recommendations=[recs["jar2"]],
        ),
        "FORUM": ActionFactory(
            owner=other_agency,
            reference="FORUM",
            level="committee",
            description="Hold a practitioner forum",
            status=Status.ONGOING,
            percent_complete=60,
            due_date=None,
            recommendations=[recs["jar1"], recs["lam1"]],
        ),
    }
    ProgressUpdateFactory(action=actions["TRAINING"], author=member, note="Audit of case files booked")
    ActionFactory(
        owner=AgencyFactory(partnership=outsider.membership.agency.partnership),
        reference="ELSEWHERE",
        description="Review the supervision policy elsewhere",
        recommendations=[recs["jar1"]],
        due_date=days(-12),
    )
    return {"recs": recs, "actions": actions, "jar": jar, "safeguarding": safeguarding}


def listed(response):
    return [action.reference for action in response.context["page_obj"]]


def test_the_list_shows_every_action_of_the_partnership_with_a_count(client_as, member, catalogue):
    response = client_as(member).get(reverse("actions:list"))
    page = text(response)
    assert response.status_code == 200
    assert listed(response) == ["FORUM", "GUIDANCE", "SUPERVISION", "TRAINING"]
    assert "<strong>4</strong> actions found." in page
    assert "Review the supervision policy" in page
    assert "Haringey JAR 1" in page and "Laming 1" in page
    assert "ELSEWHERE" not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"report": "jar"}, ["FORUM", "GUIDANCE", "SUPERVISION"]),
        ({"theme": "safeguarding"}, ["FORUM", "SUPERVISION"]),
        ({"recommendation": "lam1"}, ["FORUM", "TRAINING"]),
        ({"owner": "agency"}, ["GUIDANCE", "SUPERVISION"]),
        ({"level": "single_agency"}, ["GUIDANCE", "TRAINING"]),
        ({"status": "complete"}, ["GUIDANCE"]),
        ({"rag": "amber"}, ["SUPERVISION"]),
        ({"rag": "red"}, ["TRAINING"]),
        ({"rag": "green"}, ["FORUM"]),
        ({"overdue": "true"}, ["TRAINING"]),
        ({"overdue": "on"}, ["TRAINING"]),
        ({"due_after": -20, "due_before": 0}, ["TRAINING"]),
        ({"due_after": 0}, ["SUPERVISION"]),
        ({"due_before": -50}, ["GUIDANCE"]),
        ({"q": "supervision"}, ["SUPERVISION"]),
        ({"q": "CASE FILES"}, ["TRAINING"]),
        ({"q": "SUPERVISION"}, ["SUPERVISION"]),
        ({"owner": "agency", "status": "in_progress"}, ["SUPERVISION"]),
        ({"report": "jar", "level": "committee", "q": "forum"}, ["FORUM"]),
    ],
)
def test_each_filter_narrows_the_list(client_as, member, agency, catalogue, query, expected):
    ids = {"jar": catalogue["jar"].pk, "safeguarding": catalogue["safeguarding"].pk, "agency": agency.pk}
    ids.update({key: rec.pk for key, rec in catalogue["recs"].items()})
    params = {}
    for key, value in query.items():
        if key.startswith("due_"):
            params[key] = days(value).isoformat()
        else:
            params[key] = ids.get(value, value)
    response = client_as(member).get(reverse("actions:list"), params)
    assert response.status_code == 200
    assert listed(response) == expected
    count = len(expected)
    assert f"<strong>{count}</strong> action{'' if count == 1 else 's'} found with these filters." in text(response)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("reference", ["FORUM", "GUIDANCE", "SUPERVISION", "TRAINING"]),
        ("-reference", ["TRAINING", "SUPERVISION", "GUIDANCE", "FORUM"]),
        ("due", ["GUIDANCE", "TRAINING", "SUPERVISION", "FORUM"]),
        ("-due", ["SUPERVISION", "TRAINING", "GUIDANCE", "FORUM"]),
        ("percent", ["TRAINING", "SUPERVISION", "FORUM", "GUIDANCE"]),
        ("-percent", ["GUIDANCE", "FORUM", "SUPERVISION", "TRAINING"]),
        ("owner", ["FORUM", "TRAINING", "GUIDANCE", "SUPERVISION"]),
        ("status", ["TRAINING", "SUPERVISION", "GUIDANCE", "FORUM"]),
        ("rag", ["TRAINING", "SUPERVISION", "FORUM", "GUIDANCE"]),
        ("-rag", ["GUIDANCE", "FORUM", "SUPERVISION", "TRAINING"]),
    ],
)
def test_the_list_sorts_by_each_column(client_as, member, catalogue, sort, expected):
    response = client_as(member).get(reverse("actions:list"), {"sort": sort})
    assert listed(response) == expected


def test_filters_stay_in_the_address_of_the_sort_links_and_in_the_form(client_as, member, catalogue):
    response = client_as(member).get(reverse("actions:list"), {"status": "in_progress", "q": "policy"})
    page = response.content.decode()
    assert 'href="?status=in_progress&amp;q=policy&amp;sort=due"' in page
    assert '<option value="in_progress" selected>' in page
    assert 'value="policy"' in page
    assert "Clear filters" in page


def test_pages_of_results_keep_the_filters(client_as, member, agency):
    Action.objects.bulk_create(
        Action(
            partnership=agency.partnership,
            owner=agency,
            reference=f"A-{i:03}",
            sort_key=natural_sort_key(f"A-{i:03}"),
            level="committee",
            description="d",
        )
        for i in range(55)
    )
    response = client_as(member).get(reverse("actions:list"), {"status": "not_started", "sort": "-reference"})
    assert len(listed(response)) == 50
    assert "<strong>55</strong> actions found with these filters." in text(response)
    assert 'href="?status=not_started&amp;sort=-reference&amp;page=2"' in response.content.decode()
    second = client_as(member).get(reverse("actions:list"), {"status": "not_started", "sort": "-reference", "page": 2})
    assert listed(second) == ["A-004", "A-003", "A-002", "A-001", "A-000"]


def test_ties_in_the_sorted_column_are_broken_by_reference_so_pages_neither_repeat_nor_skip(client_as, member, agency):
    Action.objects.bulk_create(
        Action(
            partnership=agency.partnership,
            owner=agency,
            reference=f"A-{i:03}",
            sort_key=natural_sort_key(f"A-{i:03}"),
            level="committee",
            description="d",
        )
        for i in reversed(range(60))  # stored in the opposite order to the references
    )
    client = client_as(member)
    pages = [listed(client.get(reverse("actions:list"), {"sort": "status", "page": n})) for n in (1, 2)]
    assert pages == [[f"A-{i:03}" for i in range(50)], [f"A-{i:03}" for i in range(50, 60)]]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"status": "bogus"}, "Select a valid choice."),
        ({"rag": "purple"}, "Select a valid choice."),
        ({"level": "national"}, "Select a valid choice."),
        ({"owner": "999999"}, "Select a valid choice."),
        ({"owner": "health"}, "Select a valid choice."),
        ({"report": "abc"}, "Select a valid choice."),
        ({"theme": "-1"}, "Select a valid choice."),
        ({"recommendation": "1.5"}, "Select a valid choice."),
        ({"due_after": "notadate"}, "Enter a valid date."),
        ({"due_before": "31/02/2030"}, "Enter a valid date."),
        ({"sort": "password"}, "Select a valid choice."),
        ({"q": "%_\\'\"<script>"}, None),
        ({"overdue": "perhaps"}, None),
    ],
)
def test_a_garbage_filter_value_does_not_break_the_list(client_as, member, catalogue, query, message):
    response = client_as(member).get(reverse("actions:list"), query)
    assert response.status_code == 200
    if message:
        assert message in text(response)
    assert "<script>" not in response.content.decode()


def test_an_owner_of_another_partnership_is_not_a_filter_choice(client_as, member, outsider):
    response = client_as(member).get(reverse("actions:list"), {"owner": outsider.membership.agency.pk})
    assert response.status_code == 200
    assert "Select a valid choice." in text(response)
    assert listed(response) == []


# --- My actions -------------------------------------------------------------------------------------------------------


def section(page, section_id):
    match = re.search(rf'<section id="{section_id}".*?</section>', page, re.S)
    assert match, f"no section {section_id}"
    return match.group(0)


def section_count(page, section_id):
    return int(re.search(r'<span class="count-badge">(\d+)</span>', section(page, section_id)).group(1))


@pytest.fixture
def my_catalogue(partnership, agency, other_agency, member):
    """Social Work's actions in each group of My actions; the last meeting was 14 days ago. The groups named here
    are where each action is listed first; overdue and due-soon actions with no update since the meeting are also
    listed under "no-update" (the lists overlap, as on the dashboard)."""
    MeetingFactory(partnership=partnership, date=days(-14), title="Child Protection Committee")
    MeetingFactory(partnership=partnership, date=days(7), body="cpc", title="Next CPC")
    created = timezone.now() - datetime.timedelta(days=30)  # before the meeting: each had it to report to

    def make(**fields):
        with mock.patch("django.utils.timezone.now", return_value=created):
            return ActionFactory(**fields)

    groups = {
        "overdue": [make(owner=agency, reference="OVERDUE", status=Status.IN_PROGRESS, due_date=days(-5))],
        "due-soon": [
            make(owner=agency, reference="DUE-TODAY", status=Status.NOT_STARTED, due_date=days(0)),
            make(owner=agency, reference="DUE-IN-30", status=Status.IN_PROGRESS, due_date=days(30)),
        ],
        "no-update": [
            make(owner=agency, reference="STALE", status=Status.IN_PROGRESS, due_date=days(90)),
            make(owner=agency, reference="NEVER", status=Status.NOT_STARTED, due_date=days(31)),
            make(owner=agency, reference="UNDATED", status=Status.NOT_STARTED, due_date=None),
        ],
        "rest": [
            make(owner=agency, reference="FRESH", status=Status.IN_PROGRESS, due_date=days(90)),
            make(owner=agency, reference="DONE", status=Status.COMPLETE, percent_complete=100, due_date=days(-50)),
            make(owner=agency, reference="ONGOING", status=Status.ONGOING, due_date=days(-50)),
            make(owner=agency, reference="DROPPED", status=Status.NOT_APPLICABLE, due_date=days(-50)),
        ],
    }
    before_meeting = timezone.now() - datetime.timedelta(days=20)
    with mock.patch("django.utils.timezone.now", return_value=before_meeting):
        ProgressUpdateFactory(action=groups["no-update"][0], author=member)
    ProgressUpdateFactory(action=groups["rest"][0], author=member)
    make(owner=other_agency, reference="HEALTH-LATE", status=Status.IN_PROGRESS, due_date=days(-5))
    return groups


def test_my_actions_groups_the_agencys_actions_with_counts(client_as, member, my_catalogue):
    response = client_as(member).get(reverse("actions:my_actions"))
    page = text(response)
    assert response.status_code == 200
    assert "10 actions owned by Social Work Services." in page
    assert f"Last meeting: Chief Officers Group, {days(-14):%-d %B %Y}." in page
    listed = {
        **my_catalogue,
        "no-update": my_catalogue["overdue"] + my_catalogue["due-soon"] + my_catalogue["no-update"],
    }
    for section_id, actions in listed.items():
        assert section_count(page, section_id) == len(actions)
        for action in actions:
            assert f">{action.display_reference}</a>" in section(page, section_id)
    assert "HEALTH LATE" not in page
    assert "An action can be in more than one list" in page


def test_my_actions_sections_are_in_order_of_urgency(client_as, member, my_catalogue):
    sections = client_as(member).get(reverse("actions:my_actions")).context["page"].sections
    assert [(s.key, [a.reference for a in s.actions]) for s in sections] == [
        ("overdue", ["OVERDUE"]),
        ("due-soon", ["DUE-TODAY", "DUE-IN-30"]),
        ("no-update", ["OVERDUE", "DUE-TODAY", "DUE-IN-30", "NEVER", "STALE", "UNDATED"]),
        ("awaiting", ["DONE"]),  # complete, and committee-wide: the meeting signs it off
        ("rest", ["DONE", "DROPPED", "ONGOING", "FRESH"]),
    ]


def test_without_a_past_meeting_no_action_is_stale(client_as, member, agency, partnership):
    MeetingFactory(partnership=partnership, date=days(3))
    ActionFactory(owner=agency, reference="LATER", status=Status.NOT_STARTED, due_date=days(31))
    page = text(client_as(member).get(reverse("actions:my_actions")))
    assert section_count(page, "no-update") == 0
    assert ">LATER</a>" in section(page, "rest")


def test_my_actions_for_a_user_without_a_membership_explains_why_it_is_empty(client_as, django_user_model):
    user = django_user_model.objects.create_user("loner", password="x-long-password")
    response = client_as(user).get(reverse("actions:my_actions"))
    assert response.status_code == 403
    assert "You are not a member of a partnership yet" in text(response)


def test_the_home_page_goes_to_my_actions(client_as, member):
    response = client_as(member).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("actions:my_actions")


# --- Choosing the recommendations an action answers ---------------------------------------------------------------


def test_the_action_form_groups_the_recommendations_by_report_and_theme_with_their_wording(
    client_as, coordinator, recommendation
):
    laming = recommendation.report
    theme = ThemeFactory(report=laming, title="Leadership and accountability")
    RecommendationFactory(
        report=laming,
        theme=theme,
        reference="2",
        position=2,
        text="The Secretary of State should *personally* lead a national campaign to raise the profile of "
        "child protection work across every agency.",
    )
    jar = SourceReportFactory(slug="jar", short_title="JAR Haringey", title="Joint Area Review of Haringey")
    RecommendationFactory(report=jar, theme=None, reference="1", position=1, text="Review the referral route.")
    page = client_as(coordinator).get(reverse("actions:create")).content.decode()
    picker = page.split("data-recommendation-picker", 1)[1]
    reports = re.findall(r'<fieldset class="rec-report">\s*<legend[^>]*>([^<]+)<', picker)
    assert reports == ["Laming 2009", "JAR Haringey"] or reports == ["JAR Haringey", "Laming 2009"]
    laming_group = picker.split("Laming 2009<span", 1)[1].split('<fieldset class="rec-report">', 1)[0]
    assert "Leadership and accountability" in laming_group
    # reference and the first 80 characters of the wording, cut at a word, emphasis marks removed
    assert (
        '<strong class="rec-choice-ref">2</strong> The Secretary of State should personally lead a national campaign '
        "to raise the…</label>" in laming_group
    )
    assert "Before any theme" in picker and "Review the referral route.</label>" in picker
    assert picker.count('type="checkbox" name="recommendations"') == 3
    assert "Laming 2009 2: The Secretary of State should personally" in picker  # the primary's choices, worded too


def test_the_action_form_keeps_the_ticked_recommendations_and_primary_after_a_refusal(
    client_as, coordinator, agency, two_recommendations
):
    two, ten = two_recommendations
    data = {"reference": "", "owner": agency.pk, "level": "committee", "description": "x"}
    data |= {"recommendations": [two.pk, ten.pk], "primary": ten.pk}
    page = client_as(coordinator).post(reverse("actions:create"), data).content.decode()
    assert "Nothing was saved" in page
    assert re.search(rf'value="{two.pk}" id="id_recommendations_\d+" checked', page)
    assert re.search(rf'<option value="{ten.pk}" selected>', page)


def test_a_primary_outside_the_ticked_recommendations_is_refused_and_linked_from_the_summary(
    client_as, coordinator, agency, two_recommendations
):
    two, ten = two_recommendations
    data = {"reference": "NEW-2", "owner": agency.pk, "level": "committee", "description": "x"}
    data |= {"recommendations": [two.pk], "primary": ten.pk}
    page = client_as(coordinator).post(reverse("actions:create"), data).content.decode()
    assert "The primary recommendation must be one of those the action answers." in page
    assert 'href="#id_primary"' in page and 'id="id_primary"' in page
    assert not Action.objects.filter(reference="NEW-2").exists()


def test_the_recommendations_error_links_to_the_first_checkbox(client_as, coordinator, agency, recommendation):
    data = {"reference": "NEW-3", "owner": agency.pk, "level": "committee", "description": "x"}
    page = client_as(coordinator).post(reverse("actions:create"), data).content.decode()
    assert 'href="#id_recommendations_0"' in page and 'id="id_recommendations_0"' in page
