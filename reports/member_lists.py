"""My actions: one agency's actions sorted into the lists the dashboard, the reminders and the papers count.

The lists come from the one summary engine (``reports.summary``), so Health's "overdue" here is the dashboard's
"overdue" for Health. They overlap: an action can be overdue and also have no update since the last meeting.

What a first view after a change costs grows with the agency's actions, so that part is kept small: the actions and
the recommendations they answer are read as values (no model object per action or link), each action is
classified once (one ``summarise``), and each action's table row is written once, however many lists show it.
"""

from dataclasses import dataclass, field
from html import escape

from django.db.models import F
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from actions.models import ActionQuerySet, ActionRecommendation
from actions.ordering import display_reference
from actions.rag import RAG_LABELS
from actions.states import ActionState, due_soon_days
from actions.status import STATUS_LABELS, percent_display
from recommendations.models import SourceReport

from .models import Meeting, MeetingDecision, PlanSettings
from .sign_off import sign_off_of
from .summary import OVERLAP_NOTE, summarise

#: What My actions reads of each action.
FIELDS = (*ActionQuerySet.SUMMARY_VALUES, "level")


@dataclass(slots=True)
class Row:
    """One action as My actions shows it, read as values: what ``ActionState.of`` and the row need."""

    pk: int
    reference: str
    owner_id: int
    level: str
    description: str
    status: str
    percent_complete: int | None
    due_date: object
    created_at: object
    rag: str
    last_update: object
    links: list = field(default_factory=list)  # (report short title, recommendation reference), primary first
    url: str = ""
    sign_off: object = None
    html: str = ""  # the table row, written once

    @property
    def display_reference(self):
        return display_reference(self.reference)


class RowWriter:
    """The action's row of the action table (``includes/action_row.html`` with ``hide_owner``), the same markup
    written in Python: the template rendered per row cost more than the rest of the page for a large agency
    (``tests/reports/test_first_view_costs.py`` holds the two the same). What is the same for every row (the
    actions' URL, the months' names) is worked out once per page, not per row."""

    MARKER = 987654321  # a pk, to find where it goes in the action page's URL

    def __init__(self):
        self.url_head, self.url_tail = reverse("actions:detail", args=[self.MARKER]).split(str(self.MARKER))
        self.months = {}

    def url(self, pk):
        """``Action.get_absolute_url`` without reversing it per action."""
        return f"{self.url_head}{pk}{self.url_tail}"

    def due(self, day):
        """``{{ due_date|date:"j M Y"|default:"No date set" }}``, the month's name looked up once per month."""
        if not day:
            return "No date set"
        if day.month not in self.months:
            self.months[day.month] = date_format(day, "M")
        return f"{day.day} {self.months[day.month]} {day.year:04d}"

    def __call__(self, row):
        ref, rag = escape(row.display_reference), escape(row.rag)
        answers = "<br>".join(f"{escape(title)} {escape(reference)}" for title, reference in row.links)
        return mark_safe(  # noqa: S308 - every value above and below is escaped
            "\n    <tr>\n"
            f'      <td class="text-nowrap card-title"><a href="{escape(row.url)}">{ref}</a></td>\n'
            f"      <td>{escape(Truncator(row.description).words(30, truncate=' …'))}</td>\n"
            f'      <td class="text-nowrap" data-label="Answers">{answers}</td>\n'
            "      \n"
            f'      <td class="text-nowrap" data-label="Due">{escape(self.due(row.due_date))}</td>\n'
            f'      <td data-label="Status">{escape(STATUS_LABELS.get(row.status, row.status))}</td>\n'
            f'      <td class="text-end" data-label="Complete">{escape(percent_display(row.percent_complete))}</td>\n'
            f'      <td data-label="RAG"><span class="badge-rag rag-{rag}">{escape(RAG_LABELS[row.rag])}</span>\n'
            "</td>\n"
            "    </tr>\n"
        )


def _links(ids, user):
    """{action id: [(report short title, recommendation reference)]}, primary first, of the reports ``user`` reads:
    ``answered_links_for(user)`` read as values, in one query."""
    links = (
        ActionRecommendation.objects.filter(
            action__in=ids, recommendation__report__in=SourceReport.objects.for_user(user)
        )
        .order_by("-is_primary", "pk")
        .values_list("action_id", "recommendation__report__short_title", "recommendation__reference")
    )
    result = {}
    for action_id, title, reference in links:
        result.setdefault(action_id, []).append((title, reference))
    return result


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
    values = (
        actions.for_summary(today)
        .filter(owner=agency)
        .order_by(F("due_date").asc(nulls_last=True), "sort_key")  # undated last, on SQLite as on PostgreSQL
        .values(*FIELDS)
    )
    rows = {v["pk"]: Row(**v) for v in values}
    links = _links(list(rows), user)
    summary = summarise([ActionState.of(row) for row in rows.values()], today=today, since=since)
    settings = PlanSettings.objects.of(agency.partnership)
    standing = MeetingDecision.objects.standing(list(rows))
    write = RowWriter()
    for pk, row in rows.items():
        row.links = links.get(pk, [])
        row.url = write.url(pk)
        row.sign_off = sign_off_of(status=row.status, level=row.level, decision=standing.get(pk), settings=settings)
        row.html = write(row)
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
