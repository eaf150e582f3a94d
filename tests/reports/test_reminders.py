import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from actions.models import Status
from agencies.models import Membership
from reports.reminders import send_reminders
from tests.factories import ActionFactory, AgencyFactory, MembershipFactory
from tests.helpers import days

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("settings_site_url")]

SITE = "https://tracker.example.org"


@pytest.fixture
def settings_site_url(settings):
    settings.SITE_URL = SITE + "/"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def send(**kwargs):
    return send_reminders(today=timezone.localdate(), **kwargs)


def outbox_for(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_a_member_gets_their_agencys_overdue_and_due_soon_actions(member, agency, other_agency):
    late = ActionFactory(owner=agency, reference="sw-late", due_date=days(-3))
    soon = ActionFactory(owner=agency, reference="sw-soon", due_date=days(10))
    ActionFactory(owner=agency, reference="sw-later", due_date=days(40))
    ActionFactory(owner=agency, reference="sw-done", due_date=days(-3), status=Status.COMPLETE, percent_complete=100)
    ActionFactory(owner=other_agency, reference="health-late", due_date=days(-3))
    send()
    [message] = outbox_for(member.email)
    assert message.subject.endswith("Actions to update: 1 overdue and 1 due within 30 days")  # DUE_SOON_DAYS
    assert "East Ayrshire" in message.subject
    body = message.body
    assert "sw-late" in body and "3 days overdue" in body
    assert "sw-soon" in body and "in 10 days" in body
    assert "sw-later" not in body and "sw-done" not in body
    assert "health-late" not in body
    assert f"{SITE}/actions/{late.pk}/" in body
    assert f"{SITE}/actions/{soon.pk}/" in body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'href="{SITE}/actions/{late.pk}/"' in html


def test_the_coordinator_gets_the_whole_partnerships_actions(coordinator, member, agency, other_agency):
    ActionFactory(owner=agency, reference="sw-late", due_date=days(-3))
    ActionFactory(owner=other_agency, reference="health-soon", due_date=days(1))
    send()
    [message] = outbox_for(coordinator.email)
    assert "sw-late" in message.body and "health-soon" in message.body


def test_nobody_with_nothing_to_chase_gets_an_email(member, other_agency_member, coordinator, reader, agency):
    ActionFactory(owner=agency, due_date=days(100))
    assert send() == []
    assert mail.outbox == []


def test_readers_inactive_users_and_users_without_an_address_get_nothing(reader, agency):
    MembershipFactory(agency=agency, user__username="gone", user__is_active=False)
    MembershipFactory(agency=agency, user__username="no-email", user__email="")
    ActionFactory(owner=agency, due_date=days(-1))
    send()
    assert mail.outbox == []


def test_another_partnerships_people_only_hear_about_their_own_actions(outsider, member, agency):
    ActionFactory(owner=agency, reference="east-ayrshire-late", due_date=days(-1))
    other_agency = outsider.membership.agency
    ActionFactory(owner=other_agency, reference="north-late", due_date=days(-1))
    send()
    [east] = outbox_for(member.email)
    [north] = outbox_for(outsider.email)
    assert "east-ayrshire-late" in east.body and "north-late" not in east.body
    assert "north-late" in north.body and "east-ayrshire-late" not in north.body


def test_an_agency_address_gets_its_agencys_list_once(member, partnership):
    police = AgencyFactory(partnership=partnership, name="Police", short_name="Police", email="cpu@police.example")
    MembershipFactory(agency=police, user__username="inspector", user__email="CPU@police.example")
    ActionFactory(owner=police, reference="police-late", due_date=days(-1))
    send()
    assert [m.to for m in mail.outbox] == [["CPU@police.example"]]
    police.email = "shared@police.example"
    police.save()
    mail.outbox.clear()
    send()
    assert sorted(m.to[0] for m in mail.outbox) == ["CPU@police.example", "shared@police.example"]


def test_the_days_boundary_is_inclusive(member, agency):
    ActionFactory(owner=agency, reference="on-the-day", due_date=days(7))
    ActionFactory(owner=agency, reference="a-day-after", due_date=days(8))
    send(days=7)
    [message] = mail.outbox
    assert "on-the-day" in message.body and "a-day-after" not in message.body
    assert message.subject.endswith("1 due within 7 days")


def test_days_zero_keeps_only_overdue_and_due_today(member, agency):
    ActionFactory(owner=agency, reference="due-today", due_date=days(0))
    ActionFactory(owner=agency, reference="tomorrow", due_date=days(1))
    send(days=0)
    [message] = mail.outbox
    assert "due-today" in message.body and ", today." in message.body
    assert "tomorrow" not in message.body


def test_a_dry_run_sends_nothing_but_says_who_would_get_what(member, agency, capsys):
    ActionFactory(owner=agency, reference="sw-late", due_date=days(-2))
    call_command("send_action_reminders", "--dry-run")
    assert mail.outbox == []
    out = capsys.readouterr().out
    assert f"{member.email}: " in out and "sw-late" in out
    assert "Would send 1 reminder" in out


def test_the_command_sends_and_reports(member, agency, capsys):
    ActionFactory(owner=agency, due_date=days(20))
    call_command("send_action_reminders", "--days", "21")
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "Sent 1 reminder (actions due within 21 days)." in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["-1", "abc", "1.5", ""])
def test_the_command_rejects_bad_days_and_sends_nothing(member, agency, bad):
    ActionFactory(owner=agency, due_date=days(-1))
    with pytest.raises(CommandError, match="whole number of days"):
        call_command("send_action_reminders", "--days", bad)
    assert mail.outbox == []


@override_settings(SITE_URL="http://127.0.0.1:8000")
def test_the_coordinator_list_names_each_owner(coordinator, partnership, agency):
    assert coordinator.membership.role == Membership.Role.COORDINATOR
    ActionFactory(owner=agency, reference="sw-late", due_date=days(-1))
    [message] = send()
    assert message.whole_partnership
    assert "sw-late (Social Work)" in message.body
    assert "http://127.0.0.1:8000/actions/" in message.body
