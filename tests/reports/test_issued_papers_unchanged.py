"""Papers issued before a change to how content is generated or stored open identically after it.

``issued/riverside-paper.json`` is a paper of the fictional demo partnership, generated and issued by the code of
2 December 2026 (before a paper's content held each action once): its stored fields, its content exactly as stored
then, and what each of its outputs said then (the paper page's body, the action plan as CSV and as XLSX cells, the
Word file's text). Every output is rendered now from that stored content and compared with what it said.

To make the file again (only ever for a new stored shape, never to make this test pass): ``WRITE_ISSUED_PAPER=1
pytest tests/reports/test_issued_papers_unchanged.py``.
"""

import datetime
import io
import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from reports import exports, tables, word
from reports.models import Meeting, Paper
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

STORED = Path(__file__).parent / "issued" / "riverside-paper.json"
FIELDS = ("title", "purpose", "proposals", "recommendation", "prepared_by_name", "prepared_by_role", "form")


def outputs(paper):
    from docx import Document
    from openpyxl import load_workbook

    doc = Document(io.BytesIO(word.paper_docx(paper)))
    words = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        words.extend(cell.text for row in table.rows for cell in row.cells)
    sheet = load_workbook(io.BytesIO(tables.plan_xlsx(paper))).active
    return {
        "body": exports.paper_body_html(paper),
        "print": exports.render_paper_html(paper),
        "csv": tables.plan_csv(paper).decode("utf-8"),
        "xlsx": [list(row) for row in sheet.iter_rows(values_only=True)],
        "docx": words,
    }


def _write(settings):
    from reports.demo import build_demo_partnership

    settings.DEBUG = True
    call_command("load_recommendations", verbosity=0)
    build_demo_partnership(today=datetime.date(2026, 12, 2), password="unused-in-this-file")
    paper = Paper.objects.issued().exclude(partnership__slug="east-ayrshire").latest("issued_at")
    record = {
        "partnership": paper.partnership.name,
        "meeting": {"body": paper.meeting.body, "date": paper.meeting.date.isoformat(), "title": paper.meeting.title},
        "fields": {name: getattr(paper, name) for name in FIELDS},
        "sections": paper.sections,
        "as_at": paper.as_at.isoformat(),
        "signed_on": paper.signed_on.isoformat() if paper.signed_on else None,
        "issued_at": paper.issued_at.isoformat(),
        "content": paper.content,
        "outputs": outputs(paper),
    }
    STORED.write_text(json.dumps(record, indent=1, sort_keys=True, default=str) + "\n", encoding="utf-8")


def test_a_paper_issued_before_opens_identically(settings):
    if os.environ.get("WRITE_ISSUED_PAPER"):
        _write(settings)
        pytest.skip(f"written: {STORED}")
    record = json.loads(STORED.read_text(encoding="utf-8"))
    partnership = PartnershipFactory(name=record["partnership"], slug="issued-before")
    meeting = Meeting.objects.create(
        partnership=partnership,
        body=record["meeting"]["body"],
        date=datetime.date.fromisoformat(record["meeting"]["date"]),
        title=record["meeting"]["title"],
    )
    paper = Paper.objects.create(
        partnership=partnership,
        meeting=meeting,
        as_at=datetime.date.fromisoformat(record["as_at"]),
        signed_on=datetime.date.fromisoformat(record["signed_on"]) if record["signed_on"] else None,
        sections=record["sections"],
        content=record["content"],
        status=Paper.Status.ISSUED,
        issued_at=datetime.datetime.fromisoformat(record["issued_at"]),
        **record["fields"],
    )
    paper = Paper.objects.get(pk=paper.pk)
    assert "actions" not in paper.content  # stored in the shape of its day: each action in every section
    now = outputs(paper)
    for name, then in record["outputs"].items():
        assert now[name] == then, f"the issued paper's {name} changed"
    assert timezone.is_aware(paper.issued_at)
