"""The audit log: append-only, written where it matters, read and filtered in the admin, pruned after retention."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from agencies import audit
from agencies.models import AuditEntry
from agencies.services import prune_audit

pytestmark = pytest.mark.django_db


def test_an_entry_records_who_from_where_what_and_the_outcome(rf, member, agency):
    request = rf.get("/actions/1/", REMOTE_ADDR="192.0.2.10")
    request.user = member
    entry = audit.record(request, audit.Action.EVIDENCE_DOWNLOAD, obj=agency, detail="minutes.pdf")
    entry.refresh_from_db()
    assert (entry.user, entry.username, entry.ip_address) == (member, "member", "192.0.2.10")
    assert (entry.object_type, entry.object_id, entry.outcome) == ("agencies.agency", str(agency.pk), "ok")
    assert entry.created_at.utcoffset() == datetime.timedelta(0)  # stored and read back in UTC


def test_entries_cannot_be_changed_or_deleted(member):
    entry = audit.record(None, audit.Action.FIXTURE_LOAD)
    entry.detail = "changed"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.update(detail="changed")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().detail == ""


def test_control_characters_in_what_is_recorded_cannot_break_the_insert():
    entry = audit.record(None, audit.Action.SIGN_IN_FAILED, username="ab\x00cd", detail="x\x00y")
    entry.refresh_from_db()
    assert entry.username == "ab\ufffdcd"


def test_the_address_comes_from_the_trusted_proxy_only(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
    assert audit.client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert audit.client_ip(request) == "198.51.100.9"  # what the client wrote (1.2.3.4) is never believed


def test_a_refusal_is_recorded(client_as, reader):
    response = client_as(reader).get(reverse("actions:bulk"))
    assert response.status_code == 403
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REFUSED)
    assert (entry.user, entry.outcome, entry.path) == (reader, "refused", "/actions/bulk/")


def test_a_csrf_refusal_is_recorded(client_as, member):
    client = client_as(member, enforce_csrf_checks=True)
    assert client.post(reverse("logout")).status_code == 403
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSED, user=member).exists()


def test_loading_fixtures_is_recorded(tmp_path):
    call_command("load_recommendations", stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    assert AuditEntry.objects.filter(action=AuditEntry.Action.FIXTURE_LOAD, outcome="ok").count() == 1


def test_the_admin_lists_and_filters_entries_but_offers_no_change(client_as, admin_user):
    audit.record(None, audit.Action.FIXTURE_LOAD, detail="laming-2009.json")
    audit.record(None, audit.Action.SIGN_IN_FAILED, outcome=audit.Outcome.FAILED, username="guess")
    client = client_as(admin_user)
    url = reverse("admin:agencies_auditentry_changelist")
    page = client.get(url, {"action__exact": "sign_in_failed"}).content.decode()
    assert "guess" in page and "laming-2009.json" not in page
    entry = AuditEntry.objects.get(action="fixture_load")
    assert client.get(reverse("admin:agencies_auditentry_add")).status_code == 403
    assert client.get(reverse("admin:agencies_auditentry_delete", args=[entry.pk])).status_code == 403
    detail = client.post(reverse("admin:agencies_auditentry_change", args=[entry.pk]), {"detail": "edited"})
    assert detail.status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).detail == "laming-2009.json"


def recorded_days_ago(days):
    """An entry as if written ``days`` ago. Test set-up only: the application never writes a past time, and nothing
    may change an entry once written (the database refuses it on PostgreSQL), so the entry is written with it."""
    field = AuditEntry._meta.get_field("created_at")
    field.auto_now_add = False
    try:
        return AuditEntry.objects.create(
            action=audit.Action.FIXTURE_LOAD, created_at=timezone.now() - datetime.timedelta(days)
        )
    finally:
        field.auto_now_add = True


def test_pruning_removes_only_entries_and_sessions_past_retention(client_as, member):
    old = recorded_days_ago(800)
    recent = audit.record(None, audit.Action.FIXTURE_LOAD)
    Session.objects.create(session_key="ended", session_data="", expire_date=timezone.now() - datetime.timedelta(1))
    live = client_as(member).session.session_key
    counts = prune_audit(now=timezone.now(), retention_days=730)
    assert (counts["audit entries"], counts["ended sessions"]) == (1, 1)
    remaining = set(AuditEntry.objects.values_list("pk", flat=True))
    assert recent.pk in remaining and old.pk not in remaining
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]


def test_the_prune_command_has_a_dry_run(capsys):
    recorded_days_ago(800)
    call_command("prune_audit", "--dry-run")
    assert "would delete 1 audit entries" in capsys.readouterr().out
    assert AuditEntry.objects.count() == 1
    call_command("prune_audit")
    assert AuditEntry.objects.count() == 0
