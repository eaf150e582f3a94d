"""Benchmark: how long a progress paper takes to produce, as HTML and as PDF, and how many queries it needs.

    .venv/bin/python scripts/bench_papers.py [--actions 2000] [--updates-per-action 10] [--db /tmp/bench-papers.sqlite3]

Works in a throwaway SQLite database (deleted and rebuilt on every run; never the project's database). Two cases:

1. the seed data: ``load_recommendations`` (East Ayrshire, 51 actions), the paper as at 3 June 2009;
2. a synthetic partnership with N actions (default 2,000) and N x 10 progress updates (default 20,000), each
   update also recorded in the actions' history as the application would, the paper as at today.

For each: queries and time to generate the content, time to render the HTML, time to the PDF (generate + HTML +
WeasyPrint), and WeasyPrint's own time to render the same HTML saved to a file. Results go to stdout; copy them
into docs/benchmarks.md.
"""

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup(db_path):
    if db_path.exists():
        db_path.unlink()
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("TESTING", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_recommendations", verbosity=0)


def synthetic_partnership(n_actions, updates_per_action):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from actions.models import Action, ActionRecommendation, ProgressUpdate
    from agencies.models import Agency, Partnership
    from recommendations.models import Recommendation, SourceReport

    rng = random.Random(2009)  # noqa: S311 (repeatable synthetic data, not security)
    partnership = Partnership.objects.create(name="Benchmark Area", slug="bench", committee_name="Bench CPC")
    agencies = [
        Agency.objects.create(partnership=partnership, name=f"Agency {n}", short_name=f"Ag{n}", slug=f"ag-{n}")
        for n in range(12)
    ]
    user = get_user_model().objects.create(username="bench")
    recs = list(Recommendation.objects.all())
    now = timezone.now()
    start = now - datetime.timedelta(days=400)
    statuses = ["not_started", "in_progress", "in_progress", "ongoing", "complete"]
    actions = []
    for n in range(n_actions):
        status = rng.choice(statuses)
        actions.append(
            Action(
                partnership=partnership,
                reference=f"b-{n}",
                owner=agencies[n % len(agencies)],
                level="committee" if n % 5 else "single_agency",
                description=f"Synthetic action {n}: review the arrangements and report to the committee.",
                timescale_text="December 2009",
                due_date=(now + datetime.timedelta(days=rng.randint(-200, 200))).date(),
                status=status,
                percent_complete=100 if status == "complete" else rng.randint(0, 90),
            )
        )
    Action.objects.bulk_create(actions, batch_size=500)
    actions = list(Action.objects.filter(partnership=partnership).order_by("pk"))
    ActionRecommendation.objects.bulk_create(
        [
            ActionRecommendation(action=a, recommendation=recs[i % len(recs)], is_primary=True)
            for i, a in enumerate(actions)
        ],
        batch_size=1000,
    )
    History = Action.history.model
    updates, history = [], []
    for a in actions:
        dates = sorted(
            start + datetime.timedelta(minutes=rng.randint(0, 400 * 24 * 60)) for _ in range(updates_per_action)
        )
        history.append(_history_row(History, a, start, "+", user, a.status, 0, a.due_date))
        percent, status, due = 0, "not_started", a.due_date
        for when in dates:
            new_percent = min(100, percent + rng.randint(0, 15))
            new_status = "complete" if new_percent == 100 else "in_progress"
            new_due = due + datetime.timedelta(days=30) if rng.random() < 0.05 else due
            updates.append(
                ProgressUpdate(
                    action=a,
                    author=user,
                    created_at=when,
                    status_before=status,
                    status_after=new_status,
                    percent_before=percent,
                    percent_after=new_percent,
                    note=f"Update at {when:%d %b %Y}",
                    due_date_before=due,
                    due_date_after=new_due,
                    revision_reason="Moved by the benchmark" if new_due != due else "",
                )
            )
            history.append(_history_row(History, a, when, "~", user, new_status, new_percent, new_due))
            percent, status, due = new_percent, new_status, new_due
    ProgressUpdate.objects.bulk_create(updates, batch_size=1000)
    History.objects.bulk_create(history, batch_size=1000)
    # auto_now_add overwrote the spread-out dates on insert; put them back (the append-only queryset refuses update)
    _restore_update_dates(updates)
    Action.objects.filter(partnership=partnership).update(created_at=start)
    return partnership, list(SourceReport.objects.all())


def _restore_update_dates(updates):
    from django.db import connection

    from actions.models import ProgressUpdate

    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {ProgressUpdate._meta.db_table} SET created_at = %s WHERE id = %s",  # noqa: S608
            [(u.created_at.isoformat(), u.pk) for u in updates],
        )


def _history_row(History, action, when, kind, user, status, percent, due):
    return History(
        id=action.pk,
        partnership_id=action.partnership_id,
        reference=action.reference,
        owner_id=action.owner_id,
        level=action.level,
        description=action.description,
        timescale_text=action.timescale_text,
        due_date=due,
        status=status,
        percent_complete=100 if status == "complete" else percent,
        version=1,
        created_at=action.created_at or when,
        history_date=when,
        history_type=kind,
        history_user=user,
    )


class PaperStub:
    """Just what the templates read from a paper, so the benchmark measures generation and rendering only."""

    def __init__(self, partnership, meeting, content):
        self.partnership, self.meeting, self.content = partnership, meeting, content
        self.title = "Benchmark paper"
        self.purpose = self.proposals = self.recommendation = "Text."
        self.prepared_by_name, self.prepared_by_role = "Coordinator", "CP Co-ordinator"
        self.signed_on, self.is_issued, self.issued_at, self.pk = datetime.date.today(), False, None, 0


def measure(label, partnership, reports, as_at, out_dir):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from weasyprint import HTML

    from reports import exports, papers
    from reports.models import Meeting

    meeting = Meeting(partnership=partnership, body="cog", date=as_at, title="Chief Officers Group")
    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        content = papers.generate(partnership=partnership, as_at=as_at, reports=reports)
    t1 = time.perf_counter()
    html = exports.render_paper_html(PaperStub(partnership, meeting, content))
    t2 = time.perf_counter()
    pdf = exports.render_pdf(html)
    t3 = time.perf_counter()
    saved = out_dir / f"bench-{partnership.slug}.html"
    saved.write_text(html, encoding="utf-8")
    t4 = time.perf_counter()
    document = HTML(filename=str(saved)).render()
    again = document.write_pdf()
    t5 = time.perf_counter()
    (out_dir / f"bench-{partnership.slug}.pdf").write_bytes(pdf)
    return {
        "case": label,
        "actions": content["overall"]["actions"],
        "queries": len(queries.captured_queries),
        "generate_s": t1 - t0,
        "html_s": t2 - t0,
        "pdf_s": t3 - t0,
        "weasyprint_s": t5 - t4,
        "pages": len(document.pages),
        "html_kb": len(html) // 1024,
        "pdf_kb": len(pdf) // 1024,
        "pdf_again_kb": len(again) // 1024,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=2000)
    parser.add_argument("--updates-per-action", type=int, default=10)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "bench-papers.sqlite3")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    setup(args.db)

    from agencies.models import Partnership
    from recommendations.models import SourceReport

    seed = Partnership.objects.get(slug="east-ayrshire")
    results = [
        measure("seed (East Ayrshire)", seed, list(SourceReport.objects.all()), datetime.date(2009, 6, 3), args.out)
    ]
    t = time.perf_counter()
    partnership, reports = synthetic_partnership(args.actions, args.updates_per_action)
    print(f"synthetic data built in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    results.append(
        measure(f"synthetic ({args.actions} actions)", partnership, reports, datetime.date.today(), args.out)
    )

    print(
        "| case | actions | queries | generate (s) | HTML (s) | PDF total (s) | WeasyPrint alone (s) "
        "| pages | HTML KB | PDF KB |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r['case']} | {r['actions']} | {r['queries']} | {r['generate_s']:.2f} | {r['html_s']:.2f} | "
            f"{r['pdf_s']:.2f} | {r['weasyprint_s']:.2f} | {r['pages']} | {r['html_kb']} | {r['pdf_kb']} |"
        )


if __name__ == "__main__":
    main()
