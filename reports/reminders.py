"""Weekly reminders: one email per person listing the actions they should chase.

Who gets what:

* a **member** (active, with an email address) gets their own agency's open actions that are overdue or due
  within ``days``;
* the **coordinator** gets the whole partnership's, grouped by owner: chasing owners is their job, and the list
  is what ``actions.access.updatable_actions`` gives them;
* an **agency's own address** (``Agency.email``, "where reminders for this agency go, besides its members") gets
  that agency's list, unless a person above already receives mail at that address;
* **readers** get nothing, and nobody with nothing to chase gets an email.

``build_reminders`` works out the messages; ``send_reminders`` sends them (or not, for a dry run) and returns them,
so tests and the management command call the same code.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from actions.access import updatable_actions
from actions.models import Action
from actions.states import ActionState, due_soon_days
from agencies.models import Agency, Membership


@dataclass
class Reminder:
    """One email: its recipient, and the actions overdue and due soon, each with its day count."""

    to: str
    name: str
    partnership: object
    days: int
    today: datetime.date
    overdue: list = field(default_factory=list)  # (action, days overdue), most overdue first
    due_soon: list = field(default_factory=list)  # (action, days until due), soonest first
    whole_partnership: bool = False

    @property
    def actions(self):
        return [action for action, _ in self.overdue + self.due_soon]

    @property
    def subject(self):
        parts = []
        if self.overdue:
            parts.append(f"{len(self.overdue)} overdue")
        if self.due_soon:
            parts.append(f"{len(self.due_soon)} due within {self.days} day{'' if self.days == 1 else 's'}")
        committee = self.partnership.committee_name or self.partnership.name
        return f"[{committee}] Actions to update: {' and '.join(parts)}"

    def context(self):
        site_url = settings.SITE_URL.rstrip("/")
        return {
            "reminder": self,
            "site_url": site_url,
            "my_actions_url": site_url + reverse("actions:my_actions"),
        }

    @property
    def body(self):
        return render_to_string("reports/email/reminder.txt", self.context())

    def as_email(self, connection=None):
        email = EmailMultiAlternatives(
            self.subject, self.body, settings.DEFAULT_FROM_EMAIL, [self.to], connection=connection
        )
        email.attach_alternative(render_to_string("reports/email/reminder.html", self.context()), "text/html")
        return email


def action_url(action):
    """The absolute link to an action, for use outside the site (emails)."""
    return settings.SITE_URL.rstrip("/") + action.get_absolute_url()


def validate_days(days):
    """``days`` as a whole number of days, 0 or more; ValueError with a message for people otherwise."""
    text = str(days).strip()
    if isinstance(days, bool) or not text.isdigit():
        raise ValueError(f"--days must be a whole number of days, 0 or more, not {days!r}.")
    return int(text)


def to_chase(actions, today, days):
    """Open actions that are overdue or due within ``days`` of ``today`` (the ActionQuerySet rules)."""
    return (actions.overdue(today) | actions.due_soon(today, days)).select_related("owner", "partnership")


def build_reminders(*, today, days=None):
    """The reminders to send today: one per address with something to chase, in a stable order. ``days`` is
    how far ahead "due soon" looks: DUE_SOON_DAYS, as on My actions and the dashboard, unless given."""
    days = due_soon_days() if days is None else validate_days(days)
    reminders, seen = [], set()
    memberships = (
        Membership.objects.filter(role__in=[Membership.Role.MEMBER, Membership.Role.COORDINATOR])
        .filter(user__is_active=True, agency__partnership__archived_as_at__isnull=True)  # an archived plan: none
        .exclude(user__email="")
        .select_related("user", "agency__partnership")
        .order_by("agency__partnership__name", "agency__name", "user__username")
    )
    for membership in memberships:
        user = membership.user
        actions = to_chase(updatable_actions(user), today, days)
        reminder = _reminder(
            user.email,
            user.get_full_name() or user.username,
            membership.agency.partnership,
            actions,
            today,
            days,
            whole_partnership=membership.is_coordinator,
        )
        seen.add(user.email.lower())
        if reminder:
            reminders.append(reminder)
    agencies = Agency.objects.exclude(email="").filter(partnership__archived_as_at__isnull=True)
    for agency in agencies.select_related("partnership").order_by("partnership", "name"):
        if agency.email.lower() in seen:
            continue
        seen.add(agency.email.lower())
        actions = to_chase(Action.objects.filter(owner=agency), today, days)
        reminder = _reminder(agency.email, agency.name, agency.partnership, actions, today, days)
        if reminder:
            reminders.append(reminder)
    return reminders


def send_reminders(*, today, days=None, dry_run=False):
    """Build today's reminders and send them through Django's email settings (unless ``dry_run``)."""
    reminders = build_reminders(today=today, days=days)
    if reminders and not dry_run:
        connection = get_connection()
        connection.send_messages([reminder.as_email(connection) for reminder in reminders])
    return reminders


def _reminder(to, name, partnership, actions, today, days, *, whole_partnership=False):
    """A Reminder for these actions, or None when there is nothing to chase."""
    reminder = Reminder(
        to=to, name=name, partnership=partnership, days=days, today=today, whole_partnership=whole_partnership
    )
    for action in sorted(actions, key=lambda a: (a.due_date, a.owner.name, a.sort_key)):
        state = ActionState.of(action)
        if state.is_overdue(today):
            reminder.overdue.append((action, state.overdue_days(today)))
        elif state.is_due_soon(today, days):
            reminder.due_soon.append((action, state.days_until_due(today)))
    reminder.overdue.sort(key=lambda item: -item[1])
    return reminder if reminder.actions else None
