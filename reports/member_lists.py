"""My actions: one agency's actions sorted into the lists the dashboard, the reminders and the papers count.

The lists come from the one summary engine (``reports.summary``), so Health's "overdue" here is the dashboard's
"overdue" for Health. They overlap: an action can be overdue and also have no update since the last meeting.
"""

from dataclasses import dataclass

from django.db.models import F

from actions.states import ActionState, due_soon_days

from .models import Meeting, MeetingDecision, PlanSettings
from .sign_off import sign_off_of
from .summary import OVERLAP_NOTE, summarise


@dataclass
class Section:
    key: str
    title: str
    help: str
    actions: list


@dataclass
class MyActionsPage:
    meeting: Meeting | None
    sections: list
    total: int
    complete: int
    overlap_note: str = OVERLAP_NOTE


def my_actions_page(agency, actions, today, user):
    """The sections of My actions for ``agency``'s actions (already scoped to ``user``), at ``today``."""
    meeting = Meeting.objects.last_for(agency.partnership, today)
    since = meeting.started_at if meeting else None
    rows = {
        a.pk: a
        for a in actions.for_lists(today, user)
        .filter(owner=agency)
        .order_by(F("due_date").asc(nulls_last=True), "sort_key")  # undated last, on SQLite as on PostgreSQL
    }
    summary = summarise([ActionState.of(a) for a in rows.values()], today=today, since=since)
    settings = PlanSettings.objects.of(agency.partnership)
    standing = MeetingDecision.objects.standing(list(rows))
    for pk, action in rows.items():
        action.sign_off = sign_off_of(
            status=action.status, level=action.level, decision=standing.get(pk), settings=settings
        )
    returned = [a for a in rows.values() if a.sign_off.state == "returned"]
    awaiting = [a for a in rows.values() if a.sign_off.state == "awaiting"]
    soon = due_soon_days()
    listed = {pk for pk, _ in summary.overdue} | {pk for pk, _ in summary.due_soon} | set(summary.not_updated)
    sections = [
        Section(
            "returned",
            "Not signed off: back to you",
            "The meeting did not sign these off (or reopened them): its reason is under each. Record progress, and "
            "mark them complete again when the reason is answered.",
            returned,
        ),
        Section("overdue", "Overdue", "Past their due date and not complete.", [rows[pk] for pk, _ in summary.overdue]),
        Section(
            "due-soon",
            f"Due in the next {soon} days",
            f"Open actions due between today and {soon} days from today.",
            [rows[pk] for pk, _ in summary.due_soon],
        ),
        Section(
            "no-update",
            "No update since the last meeting",
            f"Open actions with no progress recorded since the {meeting} meeting." if meeting else "",
            [rows[pk] for pk in summary.not_updated],
        ),
        Section(
            "awaiting",
            "Complete: awaiting sign-off",
            "Proposed for closure: the next meeting signs them off, or sends them back with a reason.",
            awaiting,
        ),
        Section(
            "rest",
            "All other actions",
            "In none of the lists above: on track, ongoing, complete or not applicable.",
            [a for pk, a in rows.items() if pk not in listed],
        ),
    ]
    # the sign-off lists are there when they hold something: most agencies, most months, have none
    sections = [s for s in sections if s.actions or s.key not in ("returned", "awaiting")]
    return MyActionsPage(meeting=meeting, sections=sections, total=len(rows), complete=len(summary.complete))
