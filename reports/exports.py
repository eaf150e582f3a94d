"""A paper's document outputs: the standalone HTML (screen, print, PDF) and the PDF. The Word file is in
``reports.word``, the action plan as CSV and XLSX in ``reports.tables``. Every output is rendered from the paper's
stored content, so an issued paper's outputs never change.
"""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from agencies.plan_cache import cached_under, key_for

from .content import read


def _print_css():
    path = finders.find("css/print.css")
    with open(path, encoding="utf-8") as f:
        return f.read()


def paper_context(paper):
    meeting = paper.meeting
    return {
        "paper": paper,
        "meeting": meeting,
        "partnership": paper.partnership,
        "content": read(paper.content),
        "part_digests": (paper.content or {}).get("parts"),
        "heading": f"{paper.partnership.name} {meeting.get_body_display()}: {meeting.date.day} {meeting.date:%B %Y}",
        "status_label": "Issued" if paper.is_issued else "Draft",
        "properties": _pdf_properties(paper),
    }


def paper_body_html(paper):
    """The paper's body as the paper page shows it (``_paper_body.html``), from the cache while the paper, its meeting
    and its partnership's name are as they were when it was rendered. Issuing writes through ``QuerySet.update``,
    which leaves ``updated_at`` alone: the status and issue time are in the key for that."""
    meeting = paper.meeting
    key = key_for(
        "paper-body", paper.pk, paper.updated_at, paper.status, paper.issued_at, paper.generated_at,
        meeting.pk, meeting.body, meeting.date, paper.partnership.name,
    )  # fmt: skip
    return cached_under(key, lambda: render_to_string("reports/_paper_body.html", paper_context(paper)), "papers")


def _pdf_properties(paper):
    """The document properties as the HTML head states them; WeasyPrint writes them into the PDF."""
    properties = paper.document_properties()
    created = properties["created"]
    return {**properties, "created": created.isoformat(timespec="seconds") if created else ""}


def render_paper_html(paper):
    """The paper as one standalone HTML document with its print CSS inlined: what the print view shows, what
    WeasyPrint turns into the PDF, and what an issued paper stores."""
    return render_to_string("reports/paper.html", {**paper_context(paper), "print_css": _print_css()})


def render_pdf(html):
    """The HTML as a tagged, accessible PDF (PDF/UA-1; ``reports.pdf``)."""
    from .pdf import render

    return render(html)


def paper_filename(paper, extension):
    status = "" if paper.is_issued else "-draft"
    return f"paper-{paper.meeting.body}-{paper.meeting.date:%Y-%m-%d}-{paper.pk}{status}.{extension}"
