"""Writes to actions: each one atomic, each one recorded."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from .models import Action, ActionRecommendation, ProgressUpdate
from .status import Status, UpdateSource
from .timescales import due_date_from_timescale


class ConflictError(Exception):
    """Someone else changed the action after this person opened it."""

    def __init__(self, current):
        super().__init__("The action was changed by someone else after you opened it.")
        self.current = current


@dataclass(frozen=True)
class ProgressChange:
    """What one person asks to record on one action."""

    status: str
    percent_complete: int | None
    note: str = ""
    due_date: object = None
    revision_reason: str = ""
    evidence_file: object = None
    evidence_link: str = ""


def _claim_version(action, expected_version):
    """Lock the action and raise its version, or raise ConflictError if it moved since expected_version; nothing
    is recorded on an archived plan (``Partnership.refuse_if_archived``).

    The conditional UPDATE is what guards SQLite (which has no row locks); select_for_update guards PostgreSQL.
    """
    locked = Action.objects.select_for_update().select_related("partnership").get(pk=action.pk)
    locked.partnership.refuse_if_archived()
    claimed = Action.objects.filter(pk=action.pk, version=expected_version).update(version=F("version") + 1)
    if not claimed:
        raise ConflictError(current=locked)
    locked.version = expected_version + 1
    return locked


def validate_progress(action, change):
    """Check a change against the action as it stands; raise ValidationError naming the fields."""
    errors = {}
    if change.status not in Status.values:
        errors["status"] = f"“{change.status}” is not a status. Choose one of: {', '.join(Status.labels)}."
    if change.percent_complete is not None and not 0 <= change.percent_complete <= 100:
        errors["percent_complete"] = "% complete must be a whole number from 0 to 100."
    elif change.status == Status.COMPLETE and change.percent_complete != 100:
        errors["percent_complete"] = "A complete action is 100% complete."
    if change.due_date != action.due_date and not change.revision_reason.strip():
        errors["revision_reason"] = "Give the reason the due date moved."
    if not errors and not progress_differs(action, change):
        errors["note"] = "Nothing to record: change the status, % complete or due date, or write a note."
    if errors:
        raise ValidationError(errors)


def progress_differs(action, change):
    return (
        change.status != action.status
        or change.percent_complete != action.percent_complete
        or change.due_date != action.due_date
        or bool(change.note.strip())
        or bool(change.evidence_file)
        or bool(change.evidence_link.strip())
    )


@transaction.atomic
def action_record_progress(*, action, author, expected_version, change, source=UpdateSource.FORM):
    """Record one progress update and move the action's current values with it, in one transaction."""
    locked = _claim_version(action, expected_version)
    validate_progress(locked, change)
    update = ProgressUpdate(
        action=locked,
        author=author,
        status_before=locked.status,
        status_after=change.status,
        percent_before=locked.percent_complete,
        percent_after=change.percent_complete,
        note=change.note.strip(),
        evidence_link=change.evidence_link.strip(),
        due_date_before=locked.due_date,
        due_date_after=change.due_date,
        revision_reason=change.revision_reason.strip() if change.due_date != locked.due_date else "",
        source=source,
        action_version=locked.version,
    )
    if change.evidence_file:
        update.evidence_file = change.evidence_file
    update.full_clean()
    update.save()
    locked.status, locked.percent_complete, locked.due_date = change.status, change.percent_complete, change.due_date
    locked.full_clean()
    locked._change_reason = f"Progress update {update.pk}"
    locked.save()
    return update


@transaction.atomic
def action_update_plan(
    *,
    action,
    editor,
    expected_version,
    owner,
    level,
    description,
    timescale_text,
    due_date,
    revision_reason="",
    recommendations=None,
):
    """The coordinator's edit of what an action is; a moved due date is recorded as a progress update."""
    locked = _claim_version(action, expected_version)
    if due_date != locked.due_date:
        if not revision_reason.strip():
            raise ValidationError({"revision_reason": "Give the reason the due date moved."})
        ProgressUpdate.objects.create(
            action=locked,
            author=editor,
            status_before=locked.status,
            status_after=locked.status,
            percent_before=locked.percent_complete,
            percent_after=locked.percent_complete,
            due_date_before=locked.due_date,
            due_date_after=due_date,
            revision_reason=revision_reason.strip(),
            note="Due date changed in plan management.",
            source=UpdateSource.PLAN,
            action_version=locked.version,  # so that a conflicting form lists this change too
        )
        locked.due_date = due_date
    locked.owner, locked.level, locked.description, locked.timescale_text = owner, level, description, timescale_text
    locked.full_clean()
    locked.save()
    if recommendations is not None:
        action_set_recommendations(action=locked, recommendations=recommendations)
    return locked


@transaction.atomic
def action_create(*, partnership, reference, owner, level, description, timescale_text, recommendations, due_date=None):
    """Create an action answering one or more recommendations; the first is its primary one. Without a due date,
    the date is read from the timescale where one can be ("October 2009" → 31 October 2009)."""
    partnership.refuse_if_archived()
    if due_date is None:
        due_date = due_date_from_timescale(timescale_text)
    action = Action(
        partnership=partnership,
        reference=reference,
        owner=owner,
        level=level,
        description=description,
        timescale_text=timescale_text,
        due_date=due_date,
    )
    action.full_clean()
    action.save()
    action_set_recommendations(action=action, recommendations=recommendations)
    return action


def action_set_recommendations(*, action, recommendations):
    """Link the action to exactly these recommendations, the first primary, keeping existing positions."""
    if not recommendations:
        raise ValidationError({"recommendations": "An action answers at least one recommendation."})
    if any(rec.report.partnership_id not in (None, action.partnership_id) for rec in recommendations):
        # another partnership's own report: not this plan's to answer (nor to know of)
        raise ValidationError({"recommendations": "Choose the recommendations of this partnership's reports."})
    existing = {link.recommendation_id: link for link in action.links.all()}
    wanted = [rec.pk for rec in recommendations]
    ActionRecommendation.objects.filter(action=action).exclude(recommendation_id__in=wanted).delete()
    ActionRecommendation.objects.filter(action=action).update(is_primary=False)
    for index, rec in enumerate(recommendations):
        link = existing.get(rec.pk)
        if link is None:
            last = ActionRecommendation.objects.filter(recommendation=rec).order_by("-position").first()
            link = ActionRecommendation(action=action, recommendation=rec, position=(last.position + 1) if last else 1)
        link.is_primary = index == 0
        link.save()
