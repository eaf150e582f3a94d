"""An archived plan: a read-only record, always shown as it stood at its last meeting, until it is reopened by a
recorded step with a reason (reports.services.plan_archive / plan_reopen, Partnership.refuse_if_archived)."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ProgressUpdate, Status
from actions.services import ProgressChange, action_record_progress
from agencies.models import MembershipEvent
from reports import services
from reports.reminders import build_reminders
from tests.actions.test_views import plan_data, progress_data
from tests.factories import ActionFactory, MeetingFactory

pytestmark = pytest.mark.django_db

ARCHIVE = reverse("reports:plan_archive")
MEETING_DAY = datetime.date(2009, 6, 22)


@pytest.fixture
def plan(partnership, agency, recommendation, member):
    MeetingFactory(partnership=partnership, body="cog", date=datetime.date(2009, 6, 3))
    MeetingFactory(partnership=partnership, body="cpc", date=MEETING_DAY)
    member.email = "member@example.org"
    member.save()
    return ActionFactory(owner=agency, reference="jar-2-c1", due_date=datetime.date(2009, 8, 31),
                         recommendations=[recommendation], status=Status.NOT_STARTED, percent_complete=None)  # fmt: skip


@pytest.fixture
def archived(plan, partnership, coordinator):
    services.plan_archive(
        partnership=partnership, actor=coordinator, reason="A record of 2009.", today=timezone.localdate()
    )
    partnership.refresh_from_db()
    return partnership


def test_the_coordinator_archives_the_plan_with_a_reason_as_at_its_last_meeting(
    client_as, coordinator, plan, partnership
):
    client = client_as(coordinator)
    refused = client.post(ARCHIVE, {"reason": "   "})
    assert refused.status_code == 200 and "Say why: the reason is kept" in refused.content.decode()
    partnership.refresh_from_db()
    assert not partnership.is_archived

    response = client.post(ARCHIVE, {"reason": "The 2009 plan is complete; kept as a record."})
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.archived_as_at == MEETING_DAY
    assert partnership.archived_meeting == "its last meeting (Child Protection Committee, 22 June 2009)"
    event = MembershipEvent.objects.get(kind=MembershipEvent.Kind.PLAN_ARCHIVED)
    assert event.actor == coordinator and "kept as a record" in event.detail

    dashboard = client.get(reverse("reports:dashboard"))
    page = dashboard.content.decode()
    assert dashboard.context["as_at"].day == MEETING_DAY  # it opens as at its last meeting
    assert "Archived record:" in page and "22 June 2009" in page
    assert "Show the plan today" not in page and "Reopen the plan" in page


def test_a_member_or_a_reader_cannot_archive_or_reopen(client_as, member, reader, archived):
    for user in (member, reader):
        assert client_as(user).post(ARCHIVE, {"reason": "Live again."}).status_code == 403
    archived.refresh_from_db()
    assert archived.is_archived


def test_nothing_is_recorded_on_an_archived_plan(client_as, member, coordinator, archived, plan, agency):
    url = reverse("actions:record_progress", args=[plan.pk])
    response = client_as(member).post(url, progress_data(plan, status=Status.IN_PROGRESS, percent_complete=10))
    assert response.status_code == 403 and "archived record" in response.content.decode()
    assert client_as(member).get(url).status_code == 403
    assert (
        client_as(coordinator)
        .post(reverse("actions:edit", args=[plan.pk]), plan_data(plan, description="X"))
        .status_code
        == 403
    )
    assert client_as(coordinator).get(reverse("actions:create")).status_code == 403
    assert client_as(member).get(reverse("actions:bulk")).status_code == 403
    with pytest.raises(ValidationError, match="archived record"):
        action_record_progress(action=plan, author=member, expected_version=plan.version,
                               change=ProgressChange(status=Status.COMPLETE, percent_complete=100, due_date=plan.due_date))  # fmt: skip
    assert not ProgressUpdate.objects.exists()
    plan.refresh_from_db()
    assert plan.status == Status.NOT_STARTED and plan.description != "X"
    page = client_as(member).get(plan.get_absolute_url()).content.decode()
    assert "Record progress" not in page and "Archived record:" in page


def test_an_archived_plan_sends_no_reminders(archived, plan):
    assert [r for r in build_reminders(today=timezone.localdate()) if r.partnership == archived] == []


def test_a_later_day_is_shown_as_the_archived_record_and_an_earlier_one_as_asked(client_as, coordinator, archived):
    client = client_as(coordinator)
    later = client.get(reverse("actions:list"), {"as_at": "2020-01-01"})
    assert later.context["as_at"].day == MEETING_DAY
    assert "a later day has nothing more to show" in later.content.decode()
    earlier = client.get(reverse("actions:list"), {"as_at": "2009-06-10"})
    assert earlier.context["as_at"].day == datetime.date(2009, 6, 10)
    assert "here as at the end of 10 June 2009" in earlier.content.decode()


def test_no_page_of_an_archived_plan_counts_overdue_from_today(client_as, coordinator, member, archived, plan):
    for client, url in ((client_as(coordinator), reverse("reports:dashboard")),
                        (client_as(member), reverse("actions:my_actions")),
                        (client_as(member), plan.get_absolute_url())):  # fmt: skip
        page = client.get(url).content.decode()
        assert not re.search(r"overdue by \d+ day", page), url  # due 31 August 2009: not overdue on 22 June 2009


def test_reopening_is_recorded_and_makes_the_plan_live(client_as, coordinator, member, archived, plan):
    client = client_as(coordinator)
    assert "Reopen the" in client.get(ARCHIVE).content.decode()
    assert client.post(ARCHIVE, {"reason": ""}).status_code == 200  # a reason is needed
    archived.refresh_from_db()
    assert archived.is_archived
    assert client.post(ARCHIVE, {"reason": "The inspection asked us to continue."}).status_code == 302
    archived.refresh_from_db()
    assert not archived.is_archived
    assert MembershipEvent.objects.filter(kind=MembershipEvent.Kind.PLAN_REOPENED, actor=coordinator).exists()
    response = client_as(member).post(
        reverse("actions:record_progress", args=[plan.pk]),
        progress_data(plan, status=Status.IN_PROGRESS, percent_complete=5),
    )
    assert response.status_code == 302 and Action.objects.get(pk=plan.pk).status == Status.IN_PROGRESS
    assert client_as(coordinator).get(reverse("reports:dashboard")).context["as_at"].day is None
    assert not mail.outbox


def test_papers_of_an_archived_plan_are_read_but_not_prepared(client_as, coordinator, partnership, archived):
    from reports.models import Meeting, Paper

    paper = Paper.objects.create(partnership=partnership, meeting=Meeting.objects.get(date=MEETING_DAY),
                                 title="A draft", as_at=MEETING_DAY, signed_on=MEETING_DAY)  # fmt: skip
    client = client_as(coordinator)
    assert client.get(paper.get_absolute_url()).status_code == 200  # the coordinator still reads the draft
    refused = client.post(reverse("reports:paper_regenerate", args=[paper.pk]))
    assert refused.status_code == 403 and "archived record" in refused.content.decode()
    assert client.get(reverse("reports:paper_create")).status_code == 403
    assert "Prepare a paper" not in client.get(reverse("reports:paper_list")).content.decode()


def test_the_coordinator_sets_which_actions_need_sign_off(client_as, coordinator, member, partnership, plan):
    from reports.models import PlanSettings

    url = reverse("reports:plan_settings")
    assert client_as(member).get(url).status_code == 403
    assert PlanSettings.objects.of(partnership).needs_sign_off("committee")  # the default
    response = client_as(coordinator).post(url, {"agency_actions_need_sign_off": "on"})
    assert response.status_code == 302
    settings = PlanSettings.objects.of(partnership)
    assert not settings.needs_sign_off("committee") and settings.needs_sign_off("single_agency")
