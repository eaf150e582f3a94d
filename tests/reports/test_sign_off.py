"""Meetings decide, and the record says so: an action proposed for closure is signed off (closed on the meeting's
date) or not (back to its owner with the reason); the next paper reports the decisions; "as at" a day before the
sign-off shows it open."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.models import Status
from actions.services import ProgressChange, action_record_progress
from reports import services
from reports.models import MeetingDecision
from reports.sign_off import Outcome, meeting_decisions_record, proposed_action_ids
from tests.factories import ActionFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def complete(action, author):
    change = ProgressChange(status=Status.COMPLETE, percent_complete=100, note="Done.", due_date=action.due_date)
    action_record_progress(action=action, author=author, expected_version=action.version, change=change)
    action.refresh_from_db()


def issued_paper(partnership, coordinator, report, meeting, today):
    paper = services.paper_create(
        partnership=partnership, created_by=coordinator, reports=[report], meeting=meeting, title="Progress",
        purpose="To advise.", proposals="Text.", recommendation="Note.", prepared_by_name="Susan Taylor",
        prepared_by_role="Chair", signed_on=today, as_at=today,
    )  # fmt: skip
    return services.paper_issue(paper=paper, issued_by=coordinator)


@pytest.fixture
def world(partnership, agency, other_agency, member, coordinator, recommendation, today):
    signed = ActionFactory(owner=agency, reference="LR-1", description="Chronologies shared", level="committee",
                           recommendations=[recommendation])  # fmt: skip
    refused = ActionFactory(owner=agency, reference="LR-2", description="Threshold reviewed", level="committee",
                            recommendations=[recommendation])  # fmt: skip
    complete(signed, member)
    complete(refused, member)
    meeting = MeetingFactory(partnership=partnership, date=today)
    paper = issued_paper(partnership, coordinator, recommendation.report, meeting, today)
    return {"signed": signed, "refused": refused, "paper": paper, "meeting": meeting}


def test_the_issued_paper_proposes_the_completed_actions_for_closure(world):
    assert set(proposed_action_ids(world["paper"])) == {world["signed"].pk, world["refused"].pk}


def test_the_coordinator_records_a_sign_off_and_a_refusal_through_the_page(client_as, coordinator, member, world):
    signed, refused, paper = world["signed"], world["refused"], world["paper"]
    data = {
        f"outcome_{signed.pk}": "signed_off",
        f"outcome_{refused.pk}": "not_signed_off",
        f"reason_{refused.pk}": "No evidence that the threshold was shared with schools.",
        "minute": "Asked for a report on the audit at the next meeting.",
    }
    response = client_as(coordinator).post(reverse("reports:meeting_decisions", args=[paper.pk]), data)
    assert response.status_code == 302
    assert MeetingDecision.objects.count() == 3
    refused.refresh_from_db()
    assert refused.status == Status.IN_PROGRESS
    mine = client_as(member).get(reverse("actions:my_actions")).content.decode()
    assert "Not signed off: back to you" in mine and "No evidence that the threshold was shared" in mine
    detail = client_as(member).get(signed.get_absolute_url()).content.decode()
    assert "Signed off by the Chief Officers Group" in detail


def test_a_member_may_not_record_decisions(client_as, member, world):
    assert client_as(member).get(reverse("reports:meeting_decisions", args=[world["paper"].pk])).status_code == 403


def test_a_refusal_needs_a_reason_and_nothing_is_recorded_without(coordinator, world, today):
    with pytest.raises(ValidationError):
        meeting_decisions_record(paper=world["paper"], recorded_by=coordinator, today=today,
                                 outcomes=[Outcome(world["refused"].pk, False, " ")])  # fmt: skip
    assert not MeetingDecision.objects.exists()


def test_decisions_are_append_only(coordinator, world, today):
    (decision,) = meeting_decisions_record(paper=world["paper"], recorded_by=coordinator, today=today,
                                           outcomes=[Outcome(world["signed"].pk, True)])  # fmt: skip
    with pytest.raises(TypeError):
        decision.delete()
    with pytest.raises(TypeError):
        MeetingDecision.objects.filter(pk=decision.pk).update(text="changed")


def test_the_next_paper_reports_the_decisions_and_a_page_before_them_shows_the_action_open(
    client_as, partnership, coordinator, recommendation, world, today
):
    meeting_decisions_record(
        paper=world["paper"], recorded_by=coordinator, today=today,
        outcomes=[Outcome(world["signed"].pk, True), Outcome(world["refused"].pk, False, "Not evidenced.")],
        minute="Asked for a report at the next meeting.",
    )  # fmt: skip
    following = MeetingFactory(partnership=partnership, date=today + datetime.timedelta(days=60))
    draft = services.paper_create(
        partnership=partnership, created_by=coordinator, reports=[recommendation.report], meeting=following,
        title="Progress (next)", purpose="To advise.", proposals="Text.", recommendation="Note.",
        prepared_by_name="Susan Taylor", prepared_by_role="Chair", signed_on=today, as_at=today,
    )  # fmt: skip
    items = draft.document["meeting_decisions"]["items"]
    assert [d["kind"] for d in items] == ["signed_off", "not_signed_off", "minute"]
    page = client_as(coordinator).get(draft.get_absolute_url()).content.decode()
    assert "Decisions of the last meeting" in page and "Not evidenced." in page
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    before = client_as(coordinator).get(world["signed"].get_absolute_url(), {"as_at": yesterday}).content.decode()
    assert "Signed off by" not in before


def test_a_signed_off_action_is_reopened_by_a_recorded_decision(coordinator, world, today):
    meeting_decisions_record(paper=world["paper"], recorded_by=coordinator, today=today,
                             outcomes=[Outcome(world["signed"].pk, True)])  # fmt: skip
    meeting_decisions_record(paper=world["paper"], recorded_by=coordinator, today=today, reopen=world["signed"],
                             reopen_reason="The audit found it not embedded.")  # fmt: skip
    world["signed"].refresh_from_db()
    assert world["signed"].status == Status.IN_PROGRESS
    assert MeetingDecision.objects.filter(kind="reopened", action=world["signed"]).exists()
