"""How long a hostile national report takes to be refused at the load's preview and at its confirmation.

A million-row report (the template, its Recommendations sheet replaced by a million short rows and no
<dimension>, as a reviewer built it) and a 700,000-row one that fits every size limit (so the opener must count
its rows), each staged once and then previewed and confirmed through Django's test client, 5 times each; the
bulk sheet's reader is timed on the million-row sheet of actions too. Run against a throwaway test database:

    .venv/bin/python bench/workbooks.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cptracker_wb .venv/bin/python bench/workbooks.py
"""

import io
import os
import statistics
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TESTING", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from actions.spreadsheets import SpreadsheetError, read_upload  # noqa: E402
from recommendations import loading  # noqa: E402
from recommendations.models import RecommendationLoad, SourceReport  # noqa: E402
from recommendations.spreadsheet import template_bytes  # noqa: E402
from tests.hostile_files import million_row_xlsx  # noqa: E402

REPEAT = 5
HEADINGS = ("Reference", "Theme", "Lead-in", "Text", "Sub-point", "Mandatory", "Addressed to", "Order")


def report_with_rows(rows):
    """The real template with its Recommendations sheet replaced by ``rows`` short rows and no <dimension>."""
    template = zipfile.ZipFile(io.BytesIO(template_bytes()))
    titles = template.read("xl/workbook.xml").decode()
    number = titles[: titles.index('name="Recommendations"')].count("<sheet ")  # counts its own tag too
    target = f"xl/worksheets/sheet{number}.xml"
    header = "".join(f'<c t="inlineStr"><is><t>{heading}</t></is></c>' for heading in HEADINGS)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in template.infolist():
            if info.filename != target:
                copy.writestr(info, template.read(info))
                continue
            with copy.open(target, "w") as sheet:
                sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet ')
                sheet.write(b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                sheet.write(f"<row>{header}</row>".encode())
                row = b"<row><c><v>1</v></c></row>"
                for _ in range(rows // 10_000):
                    sheet.write(row * 10_000)
                sheet.write(row * (rows % 10_000) + b"</sheetData></worksheet>")
    return out.getvalue()


def timed(call):
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def report_door(client, name, content):
    response = client.post(
        "/recommendations/load/", {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")}
    )
    token = RecommendationLoad.objects.get(file_name=name).token
    assert response.status_code == 302, response.status_code

    def preview():
        page = client.get(f"/recommendations/load/{token}/").content.decode()
        assert "/confirm/" not in page, "the preview offered to confirm"

    def confirm():
        page = client.post(f"/recommendations/load/{token}/confirm/", follow=True).content.decode()
        assert "Nothing was loaded." in page, "the confirmation did not refuse"

    results = {"preview": timed(preview), "confirm": timed(confirm)}
    assert not SourceReport.objects.exists() and not RecommendationLoad.objects.filter(applied_at__isnull=False)
    refusal = loading.load_preview(RecommendationLoad.objects.get(token=token)).problems[0]
    return results, refusal


def bulk_door(content):
    def read():
        try:
            read_upload(SimpleUploadedFile("big.xlsx", content))
        except SpreadsheetError as exc:
            return str(exc)
        raise AssertionError("the sheet was read")

    return timed(read), read()


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        admin = get_user_model().objects.create(username="bench-admin", is_staff=True)
        client = Client()
        client.force_login(admin)
        print(f"{'file':<48} {'door':<8} {'min s':>7} {'median s':>9}  refusal")
        for label, rows in (("million-row national report", 1_000_000), ("700,000-row national report", 700_000)):
            content = report_with_rows(rows)
            results, refusal = report_door(client, f"{rows}.xlsx", content)
            for door, (low, median) in results.items():
                name = f"{label} ({len(content) // 1024} KB)"
                print(f"{name:<48} {door:<8} {low:7.3f} {median:9.3f}  {refusal}")
        content = million_row_xlsx()
        (low, median), refusal = bulk_door(content)
        name = f"million-row sheet of actions ({len(content) // 1024} KB)"
        print(f"{name:<48} {'read':<8} {low:7.3f} {median:9.3f}  {refusal}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
