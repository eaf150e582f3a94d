"""Meetings decide, and the record says so: where each action stands with the body that owns the plan, and the one
service that records a meeting's decisions against the paper it received.

* An action the partnership's settings (``PlanSettings``) say needs sign-off, once marked complete, is **proposed
  for closure**: the paper lists it; the meeting signs it off (closed on the meeting's date) or not.
* **Not signed off**: the action goes back to its owner, in progress, with the reason (a progress update by the
  coordinator says so); My actions lists it under "Not signed off: back to you" until it is complete again.
* **Reopened**: a signed-off action reopened by a meeting, with the reason; back to its owner the same way.
* **Minute**: any other decision, dated by its meeting, tied to an action or a recommendation if it concerns one.

Every decision is a ``MeetingDecision`` (append-only); the latest sign-off, refusal or reopening recorded before a
moment is where the action stood then (``standing``), so a page "as at" a day before the sign-off shows it open.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from actions.models import Action, ProgressUpdate
from actions.services import ProgressChange, action_record_progress
from actions.status import Status, UpdateSource
from recommendations.models import Recommendation

from .models import MeetingDecision, PlanSettings

Kind = MeetingDecision.Kind


def standing(action_ids, moment=None):
    """{action id: its latest sign-off, refusal or reopening recorded before ``moment`` (None: now)}."""
    return MeetingDecision.objects.standing(action_ids, moment)


@dataclass(frozen=True)
class SignOff:
    """Where one action stands with the body that owns the plan, as a page says it."""

    state: str  # "signed_off", "returned" (not signed off or reopened, not complete again), "awaiting", ""
    decision: MeetingDecision | None

    @property
    def label(self):
        d = self.decision
        if self.state == "signed_off":
            return f"Signed off by the {d.meeting.get_body_display()} on {d.meeting.date.day} {d.meeting.date:%B %Y}"
        if self.state == "returned":
            verb = "Reopened" if d.kind == Kind.REOPENED else "Not signed off"
            return f"{verb} by the {d.meeting.get_body_display()} on {d.meeting.date.day} {d.meeting.date:%B %Y}"
        if self.state == "awaiting":
            return "Complete: proposed for closure, awaiting sign-off by the meeting"
        return ""


def sign_off_of(*, status, level, decision, settings):
    """An action's sign-off state from its status, its level, its standing decision and the plan's settings."""
    if decision is not None and decision.kind == Kind.SIGNED_OFF:
        return SignOff("signed_off", decision)
    if decision is not None and status != Status.COMPLETE:
        return SignOff("returned", decision)
    if status == Status.COMPLETE and settings.needs_sign_off(level):
        return SignOff("awaiting", decision)
    return SignOff("", decision)


def proposed_action_ids(paper):
    """The actions the paper proposed for closure (as it was issued)."""
    changes = (paper.document or {}).get("changes") or {}
    return [item["id"] for item in changes.get("proposed_for_closure", [])]


@dataclass(frozen=True)
class Outcome:
    """The meeting's decision on one action proposed for closure: signed off, or not with the reason."""

    action_id: int
    signed_off: bool
    reason: str = ""


@transaction.atomic
def meeting_decisions_record(*, paper, recorded_by, today, outcomes=(), minute="", minute_action=None,
                             minute_recommendation=None, reopen=None, reopen_reason=""):  # fmt: skip
    """Record what the meeting that received ``paper`` decided, all or nothing; returns the decisions recorded.

    ``outcomes``: ``Outcome`` for actions the paper proposed for closure; ``minute``: any other decision's words
    (tied to ``minute_action`` or ``minute_recommendation`` if given); ``reopen``: a signed-off action the meeting
    reopened, with ``reopen_reason``."""
    partnership, meeting = paper.partnership, paper.meeting
    partnership.refuse_if_archived()
    if not paper.is_issued:
        raise ValidationError("Decisions are recorded against the paper the meeting received: issue it first.")
    if meeting.date > today:
        raise ValidationError(f"The {meeting} has not taken place yet: record its decisions after it.")
    proposed = set(proposed_action_ids(paper))
    actions = Action.objects.select_for_update().filter(partnership=partnership)
    current = standing([o.action_id for o in outcomes] + ([reopen.pk] if reopen else []))
    recorded = []

    def decide(kind, action=None, text="", recommendation=None):
        decision = MeetingDecision(
            partnership=partnership,
            meeting=meeting,
            paper=paper,
            kind=kind,
            action=action,
            recommendation=recommendation,
            text=text.strip(),
            recorded_by=recorded_by,
        )
        decision.full_clean()
        decision.save()
        recorded.append(decision)
        return decision

    for outcome in outcomes:
        action = actions.filter(pk=outcome.action_id).first()
        if action is None or outcome.action_id not in proposed:
            raise ValidationError("Only an action the paper proposed for closure is signed off or not.")
        before = current.get(action.pk)
        if before is not None and before.kind == Kind.SIGNED_OFF:
            raise ValidationError(f"{action.display_reference} is already signed off.")
        if outcome.signed_off:
            if action.status != Status.COMPLETE:
                raise ValidationError(f"{action.display_reference} is no longer complete: it cannot be signed off.")
            decide(Kind.SIGNED_OFF, action)
        else:
            _require_reason(outcome.reason, action)
            decision = decide(Kind.NOT_SIGNED_OFF, action, outcome.reason)
            _back_to_owner(action, decision, recorded_by)
    if reopen is not None:
        before = current.get(reopen.pk)
        if reopen.partnership_id != partnership.pk or before is None or before.kind != Kind.SIGNED_OFF:
            raise ValidationError("Only a signed-off action is reopened.")
        _require_reason(reopen_reason, reopen)
        decision = decide(Kind.REOPENED, actions.get(pk=reopen.pk), reopen_reason)
        _back_to_owner(decision.action, decision, recorded_by)
    if minute.strip():
        if minute_action is not None and minute_action.partnership_id != partnership.pk:
            raise ValidationError("The minute's action belongs to another partnership.")
        if minute_recommendation is not None and minute_recommendation.report.partnership_id not in (
            None,
            partnership.pk,
        ):
            raise ValidationError("The minute's recommendation belongs to another partnership.")
        decide(Kind.MINUTE, minute_action, minute, minute_recommendation)
    if not recorded:
        raise ValidationError("Nothing to record: decide on an action, or write a minute.")
    return recorded


def _require_reason(reason, action):
    if not reason.strip():
        raise ValidationError(f"Give the meeting's reason for {action.display_reference}.")


def _back_to_owner(action, decision, author):
    """The action returns to its owner, in progress, at the % it had before it was marked complete; the progress
    update carries the meeting's reason, so the owner reads it in the action's history."""
    action.refresh_from_db()
    if action.status == Status.IN_PROGRESS:
        return
    completing = (
        ProgressUpdate.objects.filter(action=action, status_after=Status.COMPLETE)
        .order_by("-created_at", "-pk")
        .first()
    )
    percent = completing.percent_before if completing and completing.percent_before != 100 else None
    meeting = decision.meeting
    on = f"{meeting.date.day} {meeting.date:%B %Y}"
    note = f"{decision.get_kind_display()} by the {meeting.get_body_display()} on {on}: {decision.text}"
    action_record_progress(
        action=action,
        author=author,
        expected_version=action.version,
        change=ProgressChange(status=Status.IN_PROGRESS, percent_complete=percent, note=note, due_date=action.due_date),
        source=UpdateSource.PLAN,
    )


def form_choices(paper, user):
    """What the decisions form offers for this paper: the actions it proposed for closure and not yet signed off,
    the signed-off actions a meeting may reopen, the partnership's actions and the recommendations it reads."""
    from recommendations.models import SourceReport

    actions = Action.objects.filter(partnership=paper.partnership).select_related("owner").order_by("sort_key")
    latest = standing(list(actions.values_list("pk", flat=True)))
    signed = [pk for pk, d in latest.items() if d.kind == Kind.SIGNED_OFF]
    proposed = [a for a in actions.filter(pk__in=proposed_action_ids(paper)) if a.pk not in signed]
    return {
        "proposed": proposed,
        "signed_off": actions.filter(pk__in=signed),
        "actions": actions,
        "recommendations": Recommendation.objects.filter(report__in=SourceReport.objects.for_user(user))
        .select_related("report")
        .order_by("report_id", "position"),
    }


def recorded_for(paper):
    """The decisions already recorded for the paper's meeting, oldest first."""
    decisions = MeetingDecision.objects.filter(meeting=paper.meeting).select_related(
        "action", "recommendation__report", "recorded_by"
    )
    return {"decisions": decisions.order_by("recorded_at", "pk")}


def sign_off_as_at(action, moment=None):
    """Where one action stands with the meeting, now or at ``moment`` (its status then: ``action`` as shown)."""
    decision = standing([action.pk], moment).get(action.pk)
    settings = PlanSettings.objects.of(action.partnership)
    return sign_off_of(status=action.status, level=action.level, decision=decision, settings=settings)
