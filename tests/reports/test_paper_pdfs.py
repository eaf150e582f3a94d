"""Papers' PDFs are prepared in the background (reports/tasks.py): asked for, waited on, retried, stored once."""

import datetime
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reports import exports, services, tasks
from reports.models import Paper, PaperPdf

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


def url(name, paper):
    return reverse(f"reports:{name}", args=[paper.pk])


@pytest.fixture
def draft(make_paper):
    return make_paper()


@pytest.fixture
def failing_weasyprint(monkeypatch):
    def fail(html):
        raise MemoryError

    monkeypatch.setattr(tasks, "render_pdf", fail)


def test_a_draft_pdf_is_prepared_on_request_then_downloaded(client_as, coordinator, draft):
    client = client_as(coordinator)
    page = client.get(url("paper_pdf", draft)).content.decode()
    assert "has not been prepared yet" in page and "pdf-status.js" not in page

    assert client.post(url("paper_pdf_prepare", draft)).status_code == 302

    response = client.get(url("paper_pdf", draft))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].endswith('-draft.pdf"')
    assert client.get(url("paper_pdf_status", draft)).json() == {"status": "ready"}


def test_asking_twice_renders_once(coordinator, draft):
    first = services.paper_pdf_request(paper=draft, requested_by=coordinator)
    second = services.paper_pdf_request(paper=draft, requested_by=coordinator)

    assert first.pk == second.pk and PaperPdf.objects.count() == 1


def test_a_regenerated_draft_needs_its_pdf_prepared_again(client_as, coordinator, draft):
    services.paper_pdf_request(paper=draft, requested_by=coordinator)

    services.paper_regenerate(paper=draft)

    assert client_as(coordinator).get(url("paper_pdf_status", draft)).json() == {"status": "none"}


@override_settings(TASKS=DUMMY_TASKS)
def test_while_the_pdf_is_prepared_the_page_says_so_and_polls_from_a_static_script(client_as, coordinator, draft):
    client = client_as(coordinator)
    client.post(url("paper_pdf_prepare", draft))

    page = client.get(url("paper_pdf", draft)).content.decode()

    assert "The PDF is being prepared (waiting for its turn)" in page
    assert 'role="status"' in page and "/static/js/pdf-status.js" in page
    assert "<script>" not in page  # no inline script: the poll is a static file
    assert client.get(url("paper_pdf_status", draft)).json() == {"status": "queued"}


def test_a_failed_render_is_shown_with_a_retry_that_works(
    client_as, coordinator, draft, monkeypatch, failing_weasyprint
):
    client = client_as(coordinator)
    client.post(url("paper_pdf_prepare", draft))

    page = client.get(url("paper_pdf", draft)).content.decode()
    assert "The PDF could not be prepared." in page and "(MemoryError)" in page and "Try again" in page

    monkeypatch.setattr(tasks, "render_pdf", exports.render_pdf)
    client.post(url("paper_pdf_prepare", draft))

    assert client.get(url("paper_pdf", draft)).content.startswith(b"%PDF")
    assert list(PaperPdf.objects.order_by("pk").values_list("status", flat=True)) == ["failed", "ready"]


@override_settings(TASKS=DUMMY_TASKS)
def test_a_request_whose_worker_stopped_shows_as_failed_with_a_retry(client_as, coordinator, draft):
    client = client_as(coordinator)
    client.post(url("paper_pdf_prepare", draft))
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.PDF_RENDER_TIMEOUT + 1)
    PaperPdf.objects.update(requested_at=long_ago)

    page = client.get(url("paper_pdf", draft)).content.decode()

    assert "It took too long" in page and "Try again" in page
    client.post(url("paper_pdf_prepare", draft))
    assert PaperPdf.objects.count() == 2


def test_issuing_stores_the_html_at_once_and_the_pdf_rendered_from_it(coordinator, draft):
    paper = services.paper_issue(paper=draft, issued_by=coordinator)

    stored = Paper.objects.get(pk=paper.pk)
    assert stored.is_issued and stored.html and bytes(stored.pdf).startswith(b"%PDF")
    assert PaperPdf.objects.get().issued and PaperPdf.objects.get().status == "ready"


def test_an_issued_papers_pdf_is_stored_once_and_never_changes(coordinator, draft):
    paper = services.paper_issue(paper=draft, issued_by=coordinator)
    stored = bytes(paper.pdf)

    assert Paper.objects.filter(pk=paper.pk).store_issued_pdf(b"%PDF-another") == 0
    with pytest.raises(services.PaperIssueError, match="already stored"):
        services.paper_pdf_request(paper=paper, requested_by=coordinator)
    assert bytes(Paper.objects.get(pk=paper.pk).pdf) == stored


@override_settings(TASKS=DUMMY_TASKS)
def test_an_issued_paper_waits_for_its_pdf_without_holding_its_row(client_as, coordinator, reader, draft):
    paper = services.paper_issue(paper=draft, issued_by=coordinator)

    assert Paper.objects.get(pk=paper.pk).pdf is None
    page = client_as(reader).get(url("paper_pdf", paper)).content.decode()
    assert "The PDF is being prepared" in page


def test_members_cannot_ask_for_a_drafts_pdf_and_outsiders_see_nothing(client_as, member, outsider, draft):
    assert client_as(member).post(url("paper_pdf_prepare", draft)).status_code == 403
    assert client_as(outsider).post(url("paper_pdf_prepare", draft)).status_code == 404
    assert client_as(outsider).get(url("paper_pdf_status", draft)).status_code == 404
    assert not PaperPdf.objects.exists()


def test_asking_needs_post_and_the_csrf_token(client_as, coordinator, draft):
    assert client_as(coordinator).get(url("paper_pdf_prepare", draft)).status_code == 405
    assert client_as(coordinator, enforce_csrf_checks=True).post(url("paper_pdf_prepare", draft)).status_code == 403
    assert not PaperPdf.objects.exists()


@override_settings(PDF_RENDER_CONCURRENCY=1)
def test_no_more_renders_run_at_once_than_the_setting_allows(coordinator, draft, make_paper):
    busy = PaperPdf.objects.create(paper=make_paper(title="Other"), status="rendering", started_at=timezone.now())
    waiting = PaperPdf.objects.create(paper=draft, generated_at=draft.generated_at)

    assert not tasks.claim(waiting)
    PaperPdf.objects.filter(pk=busy.pk).update(status="ready")
    assert tasks.claim(waiting)
    assert PaperPdf.objects.get(pk=waiting.pk).status == "rendering"


@override_settings(PDF_RENDER_CONCURRENCY=1)
def test_a_render_whose_worker_stopped_long_ago_does_not_hold_a_slot(draft, make_paper):
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.PDF_RENDER_TIMEOUT + 1)
    PaperPdf.objects.create(paper=make_paper(title="Other"), status="rendering", started_at=long_ago)

    assert tasks.claim(PaperPdf.objects.create(paper=draft, generated_at=draft.generated_at))


# --- the database backend and its worker --------------------------------------------------------------------------


@override_settings(TASKS=DATABASE_TASKS, PDF_RENDER_CONCURRENCY=1)
def test_a_render_that_finds_every_slot_taken_is_queued_again_for_later(coordinator, draft, make_paper):
    PaperPdf.objects.create(paper=make_paper(title="Other"), status="rendering", started_at=timezone.now())
    request = services.paper_pdf_request(paper=draft, requested_by=coordinator)

    assert tasks.render_paper_pdf.call(request.pk) == "waiting"

    assert PaperPdf.objects.get(pk=request.pk).status == "queued"
    later = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert later.run_after > timezone.now() and later.args_kwargs["args"] == [request.pk]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_the_database_worker_prepares_an_issued_papers_pdf(coordinator, make_paper):
    paper = services.paper_issue(paper=make_paper(), issued_by=coordinator)
    assert paper.pdf is None and DBTaskResult.objects.filter(status="READY").count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval=0", verbosity=0)

    assert bytes(Paper.objects.get(pk=paper.pk).pdf).startswith(b"%PDF")
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker in another process needs a shared database")
@override_settings(TASKS=DATABASE_TASKS)
def test_manage_py_db_worker_in_its_own_process_prepares_a_drafts_pdf(coordinator, make_paper):
    draft = make_paper()
    request = services.paper_pdf_request(paper=draft, requested_by=coordinator)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TASKS_BACKEND": DATABASE_TASKS["default"]["BACKEND"],
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
    }

    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )

    assert worker.returncode == 0, worker.stderr.decode()
    assert PaperPdf.objects.get(pk=request.pk).status == "ready"
    assert bytes(PaperPdf.objects.get(pk=request.pk).pdf).startswith(b"%PDF")


@pytest.mark.parametrize("name, queries", [("paper_pdf", 6), ("paper_pdf_status", 4)])  # the user with their membership
def test_the_pdf_pages_take_the_same_queries_for_a_short_and_a_long_paper(
    client_as, coordinator, make_paper, make_action, name, queries, django_assert_num_queries
):
    short = make_paper(title="Short")
    for n in range(30):
        make_action(timezone.now(), reference=f"long-{n}")
    long = make_paper(title="Long")
    client = client_as(coordinator)
    for paper in (short, long):
        services.paper_pdf_request(paper=paper, requested_by=coordinator)
    client.get(url(name, short))  # the session's first use

    for paper in (short, long):
        with django_assert_num_queries(queries):
            client.get(url(name, paper))
