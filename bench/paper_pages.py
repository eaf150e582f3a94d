"""Every page of the papers a council would publish, rendered, measured and checked: the 3 June 2009 paper as
printed and in the progress form, and a draft of a 500-action partnership (progress form).

    createdb -h 127.0.0.1 -U postgres cptracker_paper_pages   # a scratch database: the script fills it
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cptracker_paper_pages .venv/bin/python bench/paper_pages.py

For each paper it writes the PDF and the Word file to --out (and, where poppler's pdftoppm is installed, every
page as a PNG at 50 dpi), prints each page's fill (how far down its body the text reaches; tests/pdf_pages.py)
and runs the PDF/UA checker (the ``pdfua`` package, the machine-checkable subset of PDF/UA-1 it implements).
"""

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TESTING", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from agencies.models import Membership  # noqa: E402
from recommendations.models import SourceReport  # noqa: E402
from reports import exports, services, word  # noqa: E402
from reports.models import Meeting, Paper  # noqa: E402
from tests.pdf_pages import pages  # noqa: E402

PROGRESS_TITLE = "Progress form of the 3 June 2009 paper"


def papers_to_render(*, with_scale=True):
    """[(name, paper)]: the data loaded once into the scratch database, then each paper regenerated."""
    if not Paper.objects.filter(meeting__date=datetime.date(2009, 6, 3)).exists():
        call_command("load_recommendations", verbosity=0)
    june = Paper.objects.exclude(title=PROGRESS_TITLE).get(meeting__date=datetime.date(2009, 6, 3))
    june = services.paper_regenerate(paper=june)
    progress = Paper.objects.filter(title=PROGRESS_TITLE).first()
    if progress is None:
        progress = Paper.objects.get(pk=june.pk)
        progress.pk, progress.title = None, PROGRESS_TITLE
        progress.form = Paper.Form.PROGRESS
        progress.save()
    progress = services.paper_update(paper=progress, reports=list(SourceReport.objects.all()))
    found = [("june-as-printed", june), ("june-progress", progress)]
    return found + [("draft-500", scale_draft())] if with_scale else found


def scale_draft():
    slug = "synthetic-001"
    if not Meeting.objects.filter(partnership__slug=slug).exists():
        call_command(
            "generate_scale_data", partnerships=1, actions_per_partnership=500, updates_per_action=2,
            allow_existing=True, verbosity=0,
        )  # fmt: skip
    paper = Paper.objects.filter(partnership__slug=slug, title="A 500-action draft").first()
    if paper:
        return services.paper_regenerate(paper=paper)
    coordinator = Membership.objects.filter(agency__partnership__slug=slug, role=Membership.Role.COORDINATOR).first()
    meeting = Meeting.objects.filter(partnership__slug=slug).order_by("-date").first()
    return services.paper_create(
        partnership=meeting.partnership, created_by=coordinator.user, reports=list(SourceReport.objects.all()),
        meeting=meeting, title="A 500-action draft", purpose="1.1 To report progress.", proposals="2.1 As below.",
        recommendation="3.1 The group is asked to note the report.", prepared_by_name="Coordinator",
        prepared_by_role="Child Protection Co-ordinator", signed_on=meeting.date, as_at=meeting.date,
        form=Paper.Form.PROGRESS,
    )  # fmt: skip


def check_pdfua(path):
    """The pdfua checker's findings on the file: [(rule, severity, message)]."""
    from pdfua import validate

    report = validate(str(path))
    return [(f.rule_id, f.severity.name.lower(), f.message) for f in report.findings]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="var/paper-pages")
    parser.add_argument("--no-png", action="store_true")
    parser.add_argument("--only", help="render only the papers whose name contains this (e.g. june)")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, paper in papers_to_render(with_scale=args.only is None or args.only in "draft-500"):
        if args.only and args.only not in name:
            continue
        started = time.perf_counter()
        pdf = exports.render_pdf(exports.render_paper_html(paper))
        seconds = time.perf_counter() - started
        (out / f"{name}.pdf").write_bytes(pdf)
        (out / f"{name}.docx").write_bytes(word.paper_docx(paper))
        if not args.no_png and shutil.which("pdftoppm"):
            subprocess.run([shutil.which("pdftoppm"), "-png", "-r", "50", out / f"{name}.pdf", out / name], check=True)
        measured = pages(pdf)
        fills = " ".join(f"{p.number}:{p.fill:.0%}{'L' if p.landscape else ''}" for p in measured)
        under = [p.number for p in measured if p.fill < 0.5]
        print(f"## {name}: {len(measured)} pages, rendered in {seconds:.1f} s")
        print(f"fill by page (L = landscape): {fills}")
        print(f"pages under half full: {under or 'none'}")
        findings = check_pdfua(out / f"{name}.pdf")
        errors = [f for f in findings if f[1] == "error"]
        print(f"pdfua: {len(errors)} errors, {len(findings) - len(errors)} other findings")
        for rule, severity, message in sorted(set(findings))[:12]:
            print(f"  {rule} {severity}: {message[:160]}")


if __name__ == "__main__":
    main()
