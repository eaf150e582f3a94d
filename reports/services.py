"""Writes to meetings and papers: each one atomic and validated; issuing freezes a paper for good."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agencies import plan_cache

from . import papers
from .content import pack
from .exports import render_paper_html
from .models import Meeting, Paper, PaperPdf


class PaperIssueError(Exception):
    """The paper cannot be issued as it stands; the message says why."""


class StaleDraftError(PaperIssueError):
    """The plan changed since the draft was generated: the draft was regenerated and must be reviewed again."""


@transaction.atomic
def meeting_create(*, partnership, body, date, title=""):
    meeting = Meeting(partnership=partnership, body=body, date=date, title=title)
    meeting.full_clean()
    meeting.save()
    return meeting


def _generate(paper, reports):
    """The paper's document (``reports.papers.generate``); stored packed (``reports.content``)."""
    period_start = paper.period_start or papers.default_period_start(paper.partnership, paper.as_at, paper.pk)
    return papers.generate(
        partnership=paper.partnership,
        as_at=paper.as_at,
        period_start=period_start,
        reports=reports,
        meeting=paper.meeting,
    )


def _validate_generate_and_save(paper, reports):
    paper.full_clean(exclude=["reports"])
    paper.content = pack(_generate(paper, reports))
    paper.generated_at = timezone.now()
    paper.save()
    paper.reports.set(reports)
    return paper


@transaction.atomic
def paper_create(*, partnership, created_by, reports, **fields):
    """A draft paper, generated from the plan as at its as-at date."""
    paper = Paper(partnership=partnership, created_by=created_by, **fields)
    return _validate_generate_and_save(paper, reports)


@transaction.atomic
def paper_update(*, paper, reports, **fields):
    """Change a draft's covering report or period, and regenerate it."""
    paper = _locked_draft(paper)
    for name, value in fields.items():
        setattr(paper, name, value)
    return _validate_generate_and_save(paper, reports)


def paper_regenerate(*, paper):
    """Rebuild a draft's content from the plan as at its date (a draft can be regenerated at will).

    Generated from ``paper`` as read, then stored by one UPDATE that holds only if the paper is still a draft and
    unchanged since it was read (its ``updated_at``): no lock is held while the plan is read, and nothing is
    overwritten silently. If it changed meanwhile (edited, issued), it is read again under its lock and
    regenerated from that; an issued paper raises PaperIssueError."""
    content = pack(_generate(paper, paper.reports.all()))
    now = timezone.now()
    unchanged = Paper.objects.filter(pk=paper.pk, updated_at=paper.updated_at)
    written = unchanged.update_drafts(content=content, generated_at=now, updated_at=now)
    if not written:
        return _regenerate_locked(paper)
    paper.content, paper.generated_at, paper.updated_at = content, now, now
    return paper


@transaction.atomic
def _regenerate_locked(paper):
    paper = _locked_draft(paper, bodies=False)  # its content is written, not read
    paper.content = pack(_generate(paper, paper.reports.all()))
    paper.generated_at = timezone.now()
    paper.save(update_fields=["content", "generated_at", "updated_at"])
    return paper


def paper_issue(*, paper, issued_by):
    """Freeze the paper: its content and HTML are stored and never change again; its PDF is rendered from that
    HTML in the background, after the lock is released, and stored once.

    The content is regenerated first; if it differs from the draft the coordinator reviewed, the draft is
    updated (and kept) and StaleDraftError raised, so what is issued is always what was last seen.
    """
    with transaction.atomic():
        paper = _locked_draft(paper)
        if paper.as_at > timezone.localdate():
            raise PaperIssueError(
                f"The paper is as at {papers.long_date(paper.as_at)}, which has not ended yet: issue it on or after "
                "that day, or change its as-at date."
            )
        fresh = _generate(paper, paper.reports.all())
        stale = not papers.content_equal(fresh, paper.document)
        if stale:
            paper.content, paper.generated_at = pack(fresh), timezone.now()
            paper.save(update_fields=["content", "generated_at", "updated_at"])
        else:
            _freeze(paper, issued_by)
            request = PaperPdf.objects.create(paper=paper, issued=True, requested_by=issued_by)
    if stale:
        raise StaleDraftError(
            "The plan changed since this draft was generated. The draft has been regenerated: check it, then issue."
        )
    _enqueue(request)
    paper.refresh_from_db(fields=["pdf"])
    return paper


def _freeze(paper, issued_by):
    paper.status = Paper.Status.ISSUED
    paper.issued_at = timezone.now()
    paper.issued_by = issued_by
    paper.html = render_paper_html(paper)
    paper.full_clean(exclude=["reports"])
    Paper.objects.filter(pk=paper.pk, status=Paper.Status.DRAFT).update(
        status=paper.status, issued_at=paper.issued_at, issued_by=issued_by, html=paper.html
    )
    plan_cache.mark_changed(paper.partnership_id)  # an update, not a save: the "as at" links gain its day


def paper_pdf_request(*, paper, requested_by):
    """Ask for the paper's PDF to be prepared in the background; returns the request (an existing one if the PDF
    is already ready or on its way, so asking twice renders once; a new one after a failure)."""
    with transaction.atomic():
        if paper.is_issued and paper.pdf is not None:
            raise PaperIssueError("The issued paper's PDF is already stored.")
        if not paper.is_generated:
            raise PaperIssueError("The draft has not been generated yet: regenerate it from the plan first.")
        locked = Paper.objects.select_for_update().get(pk=paper.pk)  # one request at a time per paper
        current = PaperPdf.objects.current_for(locked)
        if current and current.shown_status(timezone.now()) != PaperPdf.Status.FAILED:
            return current
        request = PaperPdf.objects.create(
            paper=locked,
            issued=locked.is_issued,
            generated_at=None if locked.is_issued else locked.generated_at,
            requested_by=requested_by,
        )
    _enqueue(request)
    return request


def _enqueue(request):
    """After the transaction: a worker must not look for the request before it is committed, and a task run at
    once (the immediate backend) must not render inside the caller's lock."""
    from .tasks import render_paper_pdf

    render_paper_pdf.enqueue(request.pk)


@transaction.atomic
def paper_delete(*, paper):
    _locked_draft(paper).delete()


def _locked_draft(paper, bodies=True):
    papers = Paper.objects.select_for_update().select_related("partnership", "meeting")
    locked = (papers if bodies else papers.without_bodies()).get(pk=paper.pk)
    if locked.is_issued:
        raise PaperIssueError("The paper has been issued: it is frozen and can no longer be changed.")
    return locked


# --- An archived plan: a historical record, read-only, shown as it stood at its last meeting ---------------------


@transaction.atomic
def plan_archive(*, partnership, actor, reason, today):
    """Make the partnership's plan an archived record as it stood at its last meeting on or before ``today``
    (or ``today`` when none is recorded): read-only, no reminders, always shown as at that day. Recorded, with its
    reason, in the partnership's history."""
    locked = _locked_plan(partnership, reason, "archived", archived=False)
    meeting = Meeting.objects.filter(partnership=locked, date__lte=today).order_by("-date").first()
    shown_at = f"its last meeting ({meeting})" if meeting else f"the end of {papers.long_date(today)}"
    detail = f"Archived as it stood at {shown_at}. Reason: {reason.strip()}"
    return _plan_step(locked, actor, "PLAN_ARCHIVED", detail, meeting.date if meeting else today, shown_at)


@transaction.atomic
def plan_reopen(*, partnership, actor, reason):
    """Make an archived plan live again: progress, plan edits and reminders resume. Recorded with its reason."""
    locked = _locked_plan(partnership, reason, "reopened", archived=True)
    detail = f"Reopened (it had been archived as it stood at {locked.archived_meeting}). Reason: {reason.strip()}"
    return _plan_step(locked, actor, "PLAN_REOPENED", detail, None, "")


def _locked_plan(partnership, reason, done, *, archived):
    """The partnership, locked for the step, once the step is known to make sense and has its reason."""
    from agencies.models import Partnership

    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    _reason(reason, done)
    if locked.is_archived != archived:
        raise ValidationError(
            "This plan is already an archived record."
            if locked.is_archived
            else "This plan is live: there is nothing to reopen."
        )
    return locked


def _plan_step(locked, actor, kind, detail, archived_as_at, archived_meeting):
    """Archive or reopen: the partnership's two fields, and the step in its append-only history."""
    from agencies.models import MembershipEvent
    from agencies.services import record_event

    locked.archived_as_at, locked.archived_meeting = archived_as_at, archived_meeting
    locked.save(update_fields=["archived_as_at", "archived_meeting"])
    record_event(partnership=locked, kind=MembershipEvent.Kind[kind], actor=actor, detail=detail)
    return locked


def _reason(reason, done):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"Say why the plan is {done}: the reason is kept in its history."})
    return reason
