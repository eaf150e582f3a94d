"""The PDF page in a real browser while the worker prepares the file: it says the PDF is being prepared, polls on
its own (a static script, no reload by the person), then hands the file over; a failed render turns into the page
with the reason and a retry. The tasks are queued, not run at once, and the test plays the worker."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from reports import tasks
from reports.models import PaperPdf
from tests.browser.test_papers_journey import make_paper, papers_plan, url  # noqa: F401 (papers_plan: a fixture used here)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUEUED_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


def ask_for_the_pdf(page, live_server, paper):
    page.goto(url(live_server, "reports:paper_detail", paper.pk))
    page.get_by_role("link", name="PDF", exact=True).click()
    page.get_by_role("button", name="Prepare the PDF").click()
    expect(page.get_by_role("status")).to_contain_text("The PDF is being prepared (waiting for its turn).")
    return PaperPdf.objects.get(paper=paper)


@override_settings(TASKS=QUEUED_ONLY)
def test_the_pdf_page_hands_the_file_over_once_the_worker_has_prepared_it(page, live_server, login, request):
    data = request.getfixturevalue("papers_plan")
    paper = make_paper(data)
    login(data.coordinator)
    pdf_request = ask_for_the_pdf(page, live_server, paper)
    address = page.url

    with page.expect_download(timeout=30_000) as download:
        tasks.render_paper_pdf.call(pdf_request.pk)  # the worker, while the page waits
    assert download.value.suggested_filename.endswith("-draft.pdf")
    assert page.url.startswith(address)  # nobody reloaded or navigated: the page's own script did it
    expect(page.get_by_role("status")).to_contain_text("The PDF is ready.")
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()


@override_settings(TASKS=QUEUED_ONLY)
def test_a_render_seen_under_way_is_said_in_place_and_the_file_still_comes_with_its_ready_message(
    page, live_server, login, request
):
    """The page polls while the worker renders: it says so without reloading (a reload landing once the file is
    ready becomes the download, and the page would go on saying "waiting for its turn")."""
    data = request.getfixturevalue("papers_plan")
    paper = make_paper(data)
    login(data.coordinator)
    pdf_request = ask_for_the_pdf(page, live_server, paper)
    page.evaluate("window.sameDocument = true")
    assert tasks.claim(pdf_request)  # the worker takes it and starts rendering

    status = page.get_by_role("status")
    expect(status).to_have_attribute("data-pdf-status", "rendering", timeout=15_000)
    expect(status).to_contain_text("The PDF is being prepared.")
    expect(status).not_to_contain_text("waiting for its turn")
    assert page.evaluate("window.sameDocument") is True  # said in place, not by a reload

    with page.expect_download(timeout=30_000) as download:
        tasks._render(PaperPdf.objects.select_related("paper__meeting", "paper__partnership").get(pk=pdf_request.pk))
    assert download.value.suggested_filename.endswith("-draft.pdf")
    expect(status).to_contain_text("The PDF is ready.")
    assert page.evaluate("window.sameDocument") is True


@override_settings(TASKS=QUEUED_ONLY)
def test_a_failed_render_turns_the_waiting_page_into_its_reason_and_a_retry(
    page, live_server, login, monkeypatch, request
):
    data = request.getfixturevalue("papers_plan")
    paper = make_paper(data)
    login(data.coordinator)
    pdf_request = ask_for_the_pdf(page, live_server, paper)

    def out_of_memory(html):
        raise MemoryError

    monkeypatch.setattr(tasks, "render_pdf", out_of_memory)
    tasks.render_paper_pdf.call(pdf_request.pk)

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The PDF could not be prepared.", timeout=30_000)
    expect(alert).to_contain_text("(MemoryError)")
    alert.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("status")).to_contain_text("The PDF is being prepared")
    assert list(PaperPdf.objects.order_by("pk").values_list("status", flat=True)) == ["failed", "queued"]
