"""A paper's PDF as the background task makes it (HTML from the stored content, then WeasyPrint) beside WeasyPrint
alone on the same HTML; each run in a fresh process (so peak memory is the run's own), interleaved and repeated.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cptracker_scale .venv/bin/python bench/pdf.py

Uses the partnership's "Bench draft" paper (bench/pages.py makes it).
"""

import argparse
import multiprocessing
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TESTING", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from reports.exports import render_paper_html, render_pdf  # noqa: E402
from reports.models import Paper  # noqa: E402


def task_path(paper_pk, html, out):
    started = time.perf_counter()
    paper = Paper.objects.select_related("meeting", "partnership").get(pk=paper_pk)
    pdf = render_pdf(render_paper_html(paper))
    out.send((time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, len(pdf)))


def weasyprint_alone(paper_pk, html, out):
    from weasyprint import HTML

    started = time.perf_counter()
    pdf = HTML(string=html).write_pdf()
    out.send((time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, len(pdf)))


def run(target, paper_pk, html):
    receive, send = multiprocessing.Pipe(duplex=False)
    connection.close()  # the child opens its own
    child = multiprocessing.get_context("fork").Process(target=target, args=(paper_pk, html, send))
    child.start()
    result = receive.recv()
    child.join()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partnership", default="synthetic-001")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    paper = Paper.objects.select_related("meeting", "partnership").get(
        partnership__slug=args.partnership, title="Bench draft"
    )
    html = render_paper_html(paper)
    results = {"task (HTML + WeasyPrint)": [], "WeasyPrint alone": []}
    for _ in range(args.repeat):
        for name, target in zip(results, (task_path, weasyprint_alone), strict=True):
            results[name].append(run(target, paper.pk, html))
    document = paper.document
    actions = len(document.get("agencies", [])) and sum(len(a["actions"]) for a in document["agencies"])
    print(f"{args.partnership}: paper {paper.pk}, HTML {len(html) // 1024} KB, {actions} action entries")
    print("| run | s (min / median) | peak MB (max) | PDF KB |")
    print("| --- | ---: | ---: | ---: |")
    for name, values in results.items():
        times = [v[0] for v in values]
        print(f"| {name} | {min(times):.1f} / {statistics.median(times):.1f} | {max(v[1] for v in values):.0f} "
              f"| {values[0][2] // 1024} |")  # fmt: skip
    task = statistics.median(v[0] for v in results["task (HTML + WeasyPrint)"])
    alone = statistics.median(v[0] for v in results["WeasyPrint alone"])
    print(f"task ÷ WeasyPrint alone (medians): {task / alone:.2f}")


if __name__ == "__main__":
    main()
