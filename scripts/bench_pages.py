"""Query counts and response times of the pages members use most, for a small and a large partnership.

Builds a throwaway SQLite database in the temp directory (never the project's), fills it with N actions, each
linked to a recommendation and with a progress update, and requests each page as a member.

    .venv/bin/python scripts/bench_pages.py               # 5 and 500 actions
    .venv/bin/python scripts/bench_pages.py --sizes 5 2000
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
DB = Path(tempfile.mkdtemp()) / "bench-pages.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

PAGES = {
    "My actions": "/actions/mine/",
    "Action list": "/actions/",
    "Action list, overdue, sorted by due date": "/actions/?overdue=on&sort=due",
    "Report page": "/recommendations/{report}/",
    "Recommendation page": "/recommendations/{report}/{reference}/",
    "Action page": "/actions/{action}/",
    "Bulk export (XLSX)": "/actions/bulk/export.xlsx",
}


def build(size):
    from actions.models import Action, ActionRecommendation, ProgressUpdate
    from agencies.models import Membership
    from tests.factories import AgencyFactory, MembershipFactory, RecommendationFactory, SourceReportFactory

    agency = AgencyFactory()
    user = MembershipFactory(agency=agency, role=Membership.Role.MEMBER).user
    report = SourceReportFactory()
    recs = [RecommendationFactory(report=report, position=i + 1, reference=str(i + 1)) for i in range(20)]
    actions = Action.objects.bulk_create(
        Action(
            partnership=agency.partnership,
            owner=agency,
            reference=f"bench-{i}",
            level="committee",
            description=f"Benchmark action {i}",
            timescale_text="October 2009",
            due_date="2009-10-31",
        )
        for i in range(size)
    )
    ActionRecommendation.objects.bulk_create(
        ActionRecommendation(action=a, recommendation=recs[i % 20], is_primary=True, position=i)
        for i, a in enumerate(actions)
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            action=a,
            author=user,
            status_before="not_started",
            status_after="in_progress",
            percent_before=0,
            percent_after=10,
            note="Started.",
        )
        for a in actions
    )
    return user, {"report": report.slug, "reference": recs[0].reference, "action": actions[0].pk}


def measure(client, url, runs=5):
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    return len(queries), statistics.median(times) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 500])
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    print(
        f"| page | {' | '.join(f'queries ({n})' for n in args.sizes)} | {' | '.join(f'ms ({n})' for n in args.sizes)} |"
    )
    print("| --- |" + " ---: |" * (2 * len(args.sizes)))
    results = {}
    for size in args.sizes:
        user, keys = build(size)
        client = Client()
        client.force_login(user)
        for name, url in PAGES.items():
            results.setdefault(name, {})[size] = measure(client, url.format(**keys))
    for name, by_size in results.items():
        counts = " | ".join(str(by_size[n][0]) for n in args.sizes)
        times = " | ".join(f"{by_size[n][1]:.0f}" for n in args.sizes)
        print(f"| {name} | {counts} | {times} |")


if __name__ == "__main__":
    main()
