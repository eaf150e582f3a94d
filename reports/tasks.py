"""Background work: rendering papers' PDFs (WeasyPrint takes up to a minute and half a gigabyte for a 500-action
partnership, far beyond a request). Enqueued by ``services.paper_pdf_request``; run by ``manage.py db_worker``.
"""

import datetime
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Func, Subquery, Value
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django_tasks import task

from .exports import render_paper_html, render_pdf
from .models import Paper, PaperPdf

logger = logging.getLogger(__name__)

#: Any fixed number: PostgreSQL's advisory lock that makes claiming a render slot one at a time.
RENDER_SLOT_LOCK = 2009_06_03


def claim(request):
    """Mark the request as rendering if fewer than PDF_RENDER_CONCURRENCY renders run now; True if it was claimed.

    One UPDATE counts the running renders and claims in the same statement (SQLite runs it alone); on PostgreSQL
    an advisory lock makes concurrent claims take turns, so two workers never both take the last slot.
    """
    now = timezone.now()
    since = now - datetime.timedelta(seconds=settings.PDF_RENDER_TIMEOUT)
    running = Subquery(PaperPdf.objects.rendering_now(since).order_by().values(n=Func(F("pk"), function="COUNT")))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RENDER_SLOT_LOCK])
        claimed = (
            PaperPdf.objects.filter(pk=request.pk, status=PaperPdf.Status.QUEUED)
            .filter(GreaterThan(Value(settings.PDF_RENDER_CONCURRENCY), running))
            .update(status=PaperPdf.Status.RENDERING, started_at=now)
        )
    return claimed == 1


@task()
def render_paper_pdf(request_id):
    """Render one requested PDF; if every slot is taken, try again a little later."""
    request = PaperPdf.objects.select_related("paper__meeting", "paper__partnership").get(pk=request_id)
    if request.status != PaperPdf.Status.QUEUED:
        return request.status
    # A backend that runs tasks as they are enqueued (tests, development) cannot wait: it renders at once.
    if not claim(request) and render_paper_pdf.get_backend().supports_defer:
        later = timezone.now() + datetime.timedelta(seconds=settings.PDF_RENDER_RETRY_DELAY)
        render_paper_pdf.using(run_after=later).enqueue(request.pk)
        return "waiting"
    return _render(request)


def _render(request):
    paper = request.paper
    if not request.issued and paper.generated_at != request.generated_at:
        return _finish(request, error="The draft was regenerated before its PDF was ready: ask for it again.")
    try:
        pdf = render_pdf(paper.html if request.issued else render_paper_html(paper))
    except Exception as exc:
        logger.exception("PDF of paper %s failed", paper.pk)
        reason = f"Rendering stopped with an error ({type(exc).__name__})"
        return _finish(request, error=f"{reason}: try again, and if it fails again tell the administrator.")
    return _finish(request, pdf=pdf)


def _finish(request, *, pdf=None, error=""):
    """Store the outcome. An issued paper's PDF goes onto the paper, once; a draft's stays on the request."""
    with transaction.atomic():
        if pdf is not None and request.issued:
            Paper.objects.filter(pk=request.paper_id).store_issued_pdf(pdf)
            pdf = None
        status = PaperPdf.Status.FAILED if error else PaperPdf.Status.READY
        PaperPdf.objects.filter(pk=request.pk).update(status=status, pdf=pdf, error=error, finished_at=timezone.now())
    return status


def recover_renders_of(worker_id):
    """Queue again the renders a worker was running when it stopped without finishing them (killed, its machine
    lost): run as that worker starts again (``manage.py recover_pdf_renders --worker-id``, before ``db_worker``
    with the same id), when none of its tasks can still be running. Returns the PDF requests queued again."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    requeued = []
    for orphan in [result for result in running if worker_id in result.worker_ids]:
        with transaction.atomic():
            DBTaskResult.objects.filter(pk=orphan.pk).update(
                status=TaskResultStatus.FAILED, finished_at=timezone.now(),
                exception_class_path="reports.tasks.WorkerStopped", traceback="The worker stopped during this task.",
            )  # fmt: skip
            is_render = orphan.task_path == render_paper_pdf.module_path
            request_id = orphan.args_kwargs["args"][0] if is_render else None
            reset = PaperPdf.objects.filter(pk=request_id, status=PaperPdf.Status.RENDERING).update(
                status=PaperPdf.Status.QUEUED, started_at=None
            )
        if is_render and reset:
            render_paper_pdf.enqueue(request_id)
            requeued.append(request_id)
    return requeued
