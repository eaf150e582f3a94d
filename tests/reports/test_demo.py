"""The fictional demo partnership: built only in development, mid-flight today, and kept apart from East Ayrshire."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from actions.models import Action, ProgressUpdate, Status
from agencies.models import Partnership
from reports import demo
from reports.models import Meeting, Paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db):
    call_command("load_recommendations", verbosity=0)


def east_ayrshire_record():
    return {
        "actions": list(Action.objects.filter(partnership__slug="east-ayrshire").values().order_by("pk")),
        "history": Action.history.filter(partnership__slug="east-ayrshire").count(),
        "meetings": list(Meeting.objects.filter(partnership__slug="east-ayrshire").values().order_by("pk")),
        "updates": ProgressUpdate.objects.filter(action__partnership__slug="east-ayrshire").count(),
    }


def test_it_refuses_to_run_when_debug_is_off(settings, loaded):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("create_demo_partnership")
    assert not Partnership.objects.filter(slug=demo.SLUG).exists()


def test_it_says_what_to_do_before_the_recommendations_are_loaded(settings, db):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="Load the national recommendations first"):
        call_command("create_demo_partnership")
    assert not Partnership.objects.exists()


def test_it_builds_a_labelled_plan_mid_flight_today_and_leaves_east_ayrshire_alone(settings, loaded, capsys):
    settings.DEBUG = True
    before = east_ayrshire_record()
    today = timezone.localdate()

    call_command("create_demo_partnership", address="http://127.0.0.1:8001")

    assert "Sign in at http://127.0.0.1:8001/" in capsys.readouterr().out
    riverside = Partnership.objects.get(slug=demo.SLUG)
    assert "fictional" in riverside.name and "fictional" in riverside.committee_name
    actions = Action.objects.filter(partnership=riverside)
    assert actions.count() == len(demo.ACTIONS) + len(demo.CHILD_R_ACTIONS)
    # answering the same national recommendations as East Ayrshire
    reports = set(actions.values_list("links__recommendation__report__slug", flat=True))
    assert reports == {"jar-haringey-2008", "laming-2009", "riverside-demo-lr-child-r"}  # and its own review
    # mid-flight: some done, some under way, some overdue, some still to come
    statuses = set(actions.values_list("status", flat=True))
    assert {Status.COMPLETE, Status.IN_PROGRESS, Status.NOT_STARTED, Status.ONGOING} <= statuses
    assert actions.overdue(today).exists() and actions.filter(due_date__gt=today).exists()
    # a year of progress by its members, each update at its own time, with the action's history to match
    updates = ProgressUpdate.objects.filter(action__partnership=riverside)
    first, last = (updates.order_by(order).first().created_at.date() for order in ("created_at", "-created_at"))
    assert first < today - datetime.timedelta(days=300) and last > today - datetime.timedelta(days=30)
    assert set(updates.values_list("author__username", flat=True)) >= {"riverside.social.work", "riverside.health"}
    front_door = actions.get(reference="jar-2-c1")
    assert front_door.history.count() == 1 + front_door.updates.count()
    assert front_door.history.earliest("history_date").history_date.date() == today - datetime.timedelta(days=355)
    # an issued paper for the last meeting and a draft for the next
    papers = Paper.objects.filter(partnership=riverside)
    assert papers.get(status=Paper.Status.ISSUED).meeting.date < today
    assert papers.get(status=Paper.Status.DRAFT).meeting.date > today
    assert east_ayrshire_record() == before

    call_command("create_demo_partnership")  # again: accounts reset, nothing added
    assert Action.objects.filter(partnership=riverside).count() == len(demo.ACTIONS) + len(demo.CHILD_R_ACTIONS)
    assert Paper.objects.filter(partnership=riverside).count() == 2


def test_riverside_has_its_restricted_learning_review_and_its_last_meetings_decisions(loaded):
    from recommendations.models import SourceReport
    from reports.models import MeetingDecision

    riverside, _, _ = demo.build_demo_partnership(today=timezone.localdate(), password="cpc-demo-2009")
    review = SourceReport.objects.get(partnership=riverside, kind=SourceReport.Kind.LEARNING_REVIEW)
    assert review.restricted and review.recommendations.count() == 4 and review.findings.count() == 3
    owners = set(Action.objects.filter(recommendations__report=review).values_list("owner__slug", flat=True))
    assert len(owners) >= 3
    kinds = sorted(MeetingDecision.objects.filter(partnership=riverside).values_list("kind", flat=True))
    assert kinds == ["minute", "not_signed_off", "signed_off", "signed_off"]
