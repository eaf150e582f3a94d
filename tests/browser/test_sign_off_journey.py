"""The committee's own review, and the meeting's decisions, in a real Chromium: the coordinator adds a local review,
a member completes actions on it, the paper proposes them for closure, the meeting signs one off and sends one back,
the next paper reports it, and the member finds the returned action with the reason on My actions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import Status
from actions.services import ProgressChange, action_record_progress
from recommendations.models import SourceReport
from reports import services
from reports.models import Meeting
from tests.factories import ActionFactory, MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "No evidence that schools were told of the new threshold."


def paper(partnership, coordinator, meeting, reports, **fields):
    return services.paper_create(
        partnership=partnership, created_by=coordinator, reports=reports, meeting=meeting, title="Progress",
        purpose="To advise.", proposals="Text.", recommendation="Note.", prepared_by_name="Rory Coordinator",
        prepared_by_role="Child Protection Co-ordinator", signed_on=timezone.localdate(),
        as_at=timezone.localdate(), **fields,
    )  # fmt: skip


def test_a_local_review_goes_round_the_loop_of_governance(
    page, login, live_server, partnership, agency, coordinator, member, assert_accessible
):
    today = timezone.localdate()
    # the coordinator adds the partnership's own review
    login(coordinator, reverse("recommendations:report_list"))
    page.get_by_role("link", name="Add a report of our own").click()
    page.locator("#id_kind").select_option(label="Local learning review")  # labels end in crispy's "*"
    page.locator("#id_title").fill("Learning Review: Child S")
    page.locator("#id_short_title").fill("LR Child S")
    page.get_by_label("Restricted").check()
    page.locator("#id_recommendations").fill("Agencies share one chronology.\n\nSchools learn the new threshold.")
    page.locator("#id_findings").fill("Nobody held the whole picture.")
    assert_accessible("own report form")
    page.get_by_role("button", name="Add the report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Learning Review: Child S")
    review = SourceReport.objects.get(title="Learning Review: Child S")
    assert review.partnership == partnership and review.restricted and review.recommendations.count() == 2
    first, second = review.recommendations.order_by("position")
    chronology = ActionFactory(owner=agency, reference="LR-S-1", level="committee", description="One chronology.",
                               recommendations=[first])  # fmt: skip
    threshold = ActionFactory(owner=agency, reference="LR-S-2", level="committee",
                              description="Schools briefed on the threshold.", recommendations=[second])  # fmt: skip

    # a member completes an action on it (the other one too, by the same form, off screen)
    page.context.clear_cookies()  # signed out: the next person signs in
    login(member, reverse("actions:record_progress", args=[chronology.pk]))
    page.get_by_label("Status").select_option(label="Complete")
    page.get_by_label("% complete").fill("100")
    page.get_by_label("Note").fill("The chronology template is in use in every agency.")
    page.get_by_role("button", name="Save progress").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("LR")
    change = ProgressChange(status=Status.COMPLETE, percent_complete=100, note="Briefed.", due_date=threshold.due_date)
    action_record_progress(action=threshold, author=member, expected_version=threshold.version, change=change)

    # the draft paper proposes both for closure; the coordinator issues it
    meeting = MeetingFactory(partnership=partnership, body=Meeting.Body.COG, date=today)
    draft = paper(partnership, coordinator, meeting, [review], form="custom",
                  sections=["closure", "meeting_decisions", "appendices"])  # fmt: skip
    page.context.clear_cookies()
    login(coordinator, draft.get_absolute_url())
    closure = page.get_by_role("table").filter(has_text="Evidence or note")
    expect(closure).to_contain_text("One chronology.")
    expect(closure).to_contain_text("Schools briefed on the threshold.")
    page.get_by_role("link", name="Issue the paper…").click()
    page.get_by_label("I have checked this paper.").check()
    page.get_by_role("button", name="Issue and freeze the paper").click()

    # after the meeting: one signed off, one not, with the reason
    page.get_by_role("link", name="Record the meeting's decisions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Decisions of the {meeting}")
    page.locator(f'input[name="outcome_{chronology.pk}"][value="signed_off"]').check()
    page.locator(f'input[name="outcome_{threshold.pk}"][value="not_signed_off"]').check()
    page.locator(f'textarea[name="reason_{threshold.pk}"]').fill(REASON)
    page.locator("#id_minute").fill("Asked for the review's audit at the next meeting.")
    assert_accessible("meeting decisions")
    page.get_by_role("button", name="Record the decisions").click()
    expect(page.get_by_role("status").first).to_contain_text("3 decisions recorded.")
    recorded = page.get_by_role("table").filter(has_text="Reason or minute")
    expect(recorded).to_contain_text("Signed off")
    expect(recorded).to_contain_text(REASON)

    # the signed-off action says who signed it off, where and when
    page.goto(live_server.url + chronology.get_absolute_url())
    expect(page.locator(".sign-off")).to_contain_text(f"Signed off by the Chief Officers Group on {today.day} "
                                                      f"{today:%B %Y}")  # fmt: skip

    # the next draft prints them
    following = MeetingFactory(partnership=partnership, body=Meeting.Body.CPC, date=today + datetime.timedelta(days=60))
    next_draft = paper(partnership, coordinator, following, [review])
    page.goto(live_server.url + next_draft.get_absolute_url())
    matters = page.get_by_role("region", name="Decisions of the last meeting (matters arising)")
    expect(matters).to_contain_text("Signed off")
    expect(matters).to_contain_text("Not signed off")
    expect(matters).to_contain_text(REASON)
    expect(matters).to_contain_text("Asked for the review's audit at the next meeting.")

    # the refused action is back on its owner's My actions, with the reason
    page.context.clear_cookies()
    login(member, reverse("actions:my_actions"))
    returned = page.locator("#returned")
    expect(returned).to_contain_text("Not signed off: back to you")
    expect(returned).to_contain_text("Schools briefed on the threshold.")
    expect(returned).to_contain_text(REASON)
    assert_accessible("my actions with a returned action")
