"""Every main page's query count and time, for the seed partnership and for a 500-action partnership of the same
database, interleaved and repeated; with --explain, every SELECT of every page through EXPLAIN ANALYZE.

Three modes: as served between changes (the default); --after-change, the first view after a real change to the
plan (a progress update through ``actions.services.action_record_progress`` on a random action of the same
partnership before every timed request; for the paper page, the draft then regenerated); --cold, the plan cache emptied.
"Bare signed-in view" is ``bench/urls.py``'s view that renders nothing: the cost of any request.

Run against a database holding the seed and the scale data (see bench/RESULTS.md), never a real one:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cptracker_scale .venv/bin/python bench/pages.py
    DATABASE_URL=... .venv/bin/python bench/pages.py --explain --pages "Report page" --partnership synthetic-001
"""

import argparse
import itertools
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")  # the product's URLs and the bare view
os.environ.setdefault("TESTING", "1")  # plain static storage, no SECRET_KEY needed; DEBUG stays off
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from actions.models import Action  # noqa: E402
from agencies.models import Membership  # noqa: E402
from reports.models import Meeting, Paper  # noqa: E402

#: page -> (role that uses it, path template)
PAGES = {
    "Bare signed-in view": ("coordinator", "/bench/bare/"),
    "My actions": ("member", "/actions/mine/"),
    "Action list": ("coordinator", "/actions/"),
    "Action list, overdue, by due date": ("coordinator", "/actions/?overdue=on&sort=due"),
    "Action page": ("coordinator", "/actions/{action}/"),
    "Report page": ("coordinator", "/recommendations/laming-2009/"),
    # Laming 12: no action of the seed answers it (13 at scale in RESULTS.md §13); JAR 2: actions at both (8 and 8)
    "Recommendation page": ("coordinator", "/recommendations/laming-2009/12/"),
    "Recommendation page, JAR 2": ("coordinator", "/recommendations/jar-haringey-2008/2/"),
    "Dashboard": ("coordinator", "/reports/dashboard/"),
    "XLSX export": ("coordinator", "/actions/bulk/export.xlsx"),
    "CSV export": ("coordinator", "/actions/bulk/export.csv"),
    "Member's XLSX export": ("member", "/actions/bulk/export.xlsx"),
    "Paper page (draft)": ("coordinator", "/reports/papers/{paper}/"),
    "Paper list": ("coordinator", "/reports/papers/"),
    "Paper regenerate (POST)": ("coordinator", "/reports/papers/{paper}/regenerate/"),
}


def clear_caches():
    """Empty the plan pages' and the papers' caches: the next request builds its page as after a change."""
    for cache in caches.all():
        cache.clear()


def users_of(slug):
    memberships = Membership.objects.filter(agency__partnership__slug=slug).select_related("user", "agency")
    coordinator = memberships.filter(role=Membership.Role.COORDINATOR).first()
    member = max(
        memberships.filter(role=Membership.Role.MEMBER),
        key=lambda m: Action.objects.filter(owner=m.agency).count(),
    )
    return {"coordinator": coordinator.user, "member": member.user}


def draft_paper(slug, coordinator):
    """The partnership's bench draft (made once, through the service, as the coordinator would)."""
    from recommendations.models import SourceReport
    from reports import services

    today = timezone.localdate()  # as at today: a change made now is in the paper once it is regenerated
    paper = Paper.objects.filter(partnership__slug=slug, title="Bench draft").first()
    if paper and paper.as_at != today:
        Paper.objects.filter(pk=paper.pk).update(as_at=today)
        paper = services.paper_regenerate(paper=Paper.objects.get(pk=paper.pk))
    if paper:
        return paper
    meeting = Meeting.objects.filter(partnership__slug=slug).order_by("-date").first()
    if meeting is None:
        meeting = Meeting.objects.create(partnership=coordinator.membership.agency.partnership, body="cog",
                                         date=Action.objects.filter(partnership__slug=slug).latest("updated_at")
                                         .updated_at.date())  # fmt: skip
    return services.paper_create(
        partnership=meeting.partnership, created_by=coordinator, reports=list(SourceReport.objects.all()),
        meeting=meeting, title="Bench draft", purpose="Bench.", proposals="Bench.", recommendation="Note.",
        prepared_by_name="Bench", prepared_by_role="Bench", signed_on=today, as_at=today,
    )  # fmt: skip


def live(slug, coordinator):
    """Reopen the partnership's plan if it is an archived record (the seed's is): a change is then possible, and
    the pages show it as a live plan. Only in the bench's own database."""
    from agencies.models import Partnership
    from reports import services

    partnership = Partnership.objects.get(slug=slug)
    if partnership.is_archived:
        reason = "Measured as a live plan by bench/pages.py."
        services.plan_reopen(partnership=partnership, actor=coordinator, reason=reason)


def changer(slug, coordinator, paper):
    """A function making one real change to the plan, as a person would: a note on a random action through the
    service that records progress (a new version of the plan); for the paper page, the draft then regenerated
    through its button."""
    from actions.services import ProgressChange, action_record_progress

    ids = list(Action.objects.filter(partnership__slug=slug).values_list("pk", flat=True))
    rng = random.Random(slug)  # noqa: S311 - which action, not a secret
    notes = itertools.count(int(time.time()))
    regenerating = Client()
    regenerating.force_login(coordinator)

    def change(name):
        action = Action.objects.get(pk=rng.choice(ids))
        change = ProgressChange(
            status=action.status, percent_complete=action.percent_complete, due_date=action.due_date,
            note=f"Bench note {next(notes)}.",  # a new note each time: a change every page shows, the paper included
        )
        action_record_progress(action=action, author=coordinator, expected_version=action.version, change=change)
        if name.startswith("Paper page"):  # the paper shows the change once its draft is regenerated, as the
            response = regenerating.post(f"/reports/papers/{paper.pk}/regenerate/")  # coordinator does: its button
            assert response.status_code == 302, response.status_code

    return change


def setup(slug):
    users = users_of(slug)
    live(slug, users["coordinator"])
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    action = Action.objects.filter(partnership__slug=slug).order_by("pk").first()
    paper = draft_paper(slug, users["coordinator"])
    paths = {name: (role, path.format(action=action.pk, paper=paper.pk)) for name, (role, path) in PAGES.items()}
    return clients, paths, changer(slug, users["coordinator"], paper)


def get(clients, role, path):
    if path.endswith("/regenerate/"):
        response = clients[role].post(path)
        assert response.status_code == 302, (path, response.status_code)
        return response
    response = clients[role].get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response


def explain(clients, role, path, threshold_ms):
    clear_caches()  # every query that builds the page, not only those that serve it from the cache
    with CaptureQueriesContext(connection) as ctx:
        get(clients, role, path)
    for query in ctx.captured_queries:
        sql = query["sql"]
        if not sql.startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        took = float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))
        seq = re.findall(r"Seq Scan on (\w+)", plan)
        if took >= threshold_ms or any(t.startswith(("actions_", "recommendations_hist")) for t in seq):
            print(f"  {took:8.2f} ms  seq scans: {', '.join(seq) or '-'}\n    {sql[:300]}")
            if took >= threshold_ms:
                print("    " + plan.replace("\n", "\n    "))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", default="east-ayrshire", help="The seed partnership (51 actions).")
    parser.add_argument("--partnership", default="synthetic-001", help="A 500-action partnership.")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--pages", nargs="*", default=list(PAGES))
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE every SELECT of every page.")
    parser.add_argument(
        "--cold", action="store_true", help="Empty the plan cache before every request: each page as it is built "
        "on its first view after a change to the plan (default: as served between changes)."
    )  # fmt: skip
    parser.add_argument(
        "--after-change", action="store_true", help="Before every request a real change to the same partnership's "
        "plan through the services (the paper page: its draft then regenerated): each page on its first view after it."
    )  # fmt: skip
    parser.add_argument("--threshold-ms", type=float, default=2.0, help="Print plans of SELECTs at least this slow.")
    args = parser.parse_args()

    small, large = setup(args.seed), setup(args.partnership)
    if args.explain:
        for name in args.pages:
            print(f"== {name} ({args.partnership})")
            explain(large[0], *large[1][name], args.threshold_ms)
        return
    print(f"| page | queries (seed) | queries ({args.partnership}) | ms seed (median) | ms scale (min / median) "
          "| scale ÷ seed (min / median) |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name in args.pages:
        counts, times = {}, {"seed": [], "scale": []}
        for label, (clients, paths, change) in (("seed", small), ("scale", large)):
            if args.cold:
                clear_caches()
            if args.after_change:
                change(name)
            with CaptureQueriesContext(connection) as ctx:
                get(clients, *paths[name])  # warm-up, and the query count
            counts[label] = len(ctx.captured_queries)
        for _ in range(args.repeat):  # interleaved: seed, scale, seed, scale...
            for label, (clients, paths, change) in (("seed", small), ("scale", large)):
                if args.cold:
                    clear_caches()
                if args.after_change:
                    change(name)
                started = time.perf_counter()
                get(clients, *paths[name])
                times[label].append((time.perf_counter() - started) * 1000)
        seed_min, seed_med = min(times["seed"]), statistics.median(times["seed"])
        scale_min, scale_med = min(times["scale"]), statistics.median(times["scale"])
        print(
            f"| {name} | {counts['seed']} | {counts['scale']} | {seed_med:.0f} | {scale_min:.0f} / {scale_med:.0f} "
            f"| {scale_min / seed_min:.2f} / {scale_med / seed_med:.2f} |"
        )


if __name__ == "__main__":
    main()
