"""Requests a second under gunicorn (loopback only, a bounded number of client threads) for the action list, My
actions and the dashboard of a 500-action partnership, each beside the bare signed-in view (``bench/urls.py``: every
middleware, the session and the person's query, nothing rendered), a signed-in trivial page on the same stack and
the Django admin's changelist of the same actions; targets interleaved, rounds repeated, medians reported. With
--writer, another person records progress on a random action of the partnership every second meanwhile (through
``actions.services.action_record_progress``: a new version of the plan each time).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cptracker_scale .venv/bin/python bench/throughput.py
    DATABASE_URL=... .venv/bin/python bench/throughput.py --threads 4 8 --writer

Needs a database holding the scale data (see bench/RESULTS.md); gunicorn is a dependency.
"""

import argparse
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")  # the product's URLs and the bare view
os.environ.setdefault("TESTING", "1")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))  # shared with gunicorn: sessions are signed with it

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db.models import Count  # noqa: E402

from agencies.models import Agency, Membership  # noqa: E402


def session_for(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the one that signs people in
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def targets_for(slug):
    """{name: (path, session key)}: the same owner agency's actions (at most 50) on the list and in the admin."""
    memberships = Membership.objects.filter(agency__partnership__slug=slug).select_related("user")
    coordinator = memberships.get(role=Membership.Role.COORDINATOR).user
    agencies = Agency.objects.filter(partnership__slug=slug).annotate(n=Count("actions")).filter(n__lte=50)
    agency = agencies.order_by("-n").first()
    member = (
        memberships.filter(agency=agency, role=Membership.Role.MEMBER).first()
        or memberships.filter(role=Membership.Role.MEMBER).first()
    )
    admin, _ = get_user_model().objects.get_or_create(
        username="bench.admin", defaults={"is_staff": True, "is_superuser": True, "password": "!bench"}
    )
    coordinator_key, member_key, admin_key = session_for(coordinator), session_for(member.user), session_for(admin)
    print(f"{slug}: owner agency {agency.slug} with {agency.n} actions (action list and admin show the same rows)")
    return {
        "Bare signed-in view": ("/bench/bare/", coordinator_key),
        "Signed-in trivial page": ("/accounts/password/done/", coordinator_key),
        "Admin changelist (same actions)": (f"/admin/actions/action/?owner__id__exact={agency.pk}", admin_key),
        "Action list (same actions)": (f"/actions/?owner={agency.pk}", coordinator_key),
        "My actions": ("/actions/mine/", member_key),
        "Dashboard": ("/reports/dashboard/", coordinator_key),
    }


def hammer(base, path, key, seconds, threads):
    """Requests completed (status 200) in ``seconds`` by ``threads`` clients, each one request at a time."""
    done, errors, stop, first_error = [0], [0], time.monotonic() + seconds, []
    lock = threading.Lock()

    def client():
        request = urllib.request.Request(base + path, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={key}"})
        while time.monotonic() < stop:
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
                    ok = response.status == 200
            except OSError as exc:
                ok = False
                first_error[:1] = first_error[:1] or [exc]
            with lock:
                (done if ok else errors)[0] += 1

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors[0]:
        print(f"  {path}: {errors[0]} failed requests, e.g. {first_error[0]!r}")
    return done[0] / seconds


def writer(slug, stop):
    """Until ``stop`` is set: a note on a random action of the partnership every second, as its coordinator."""
    from actions.models import Action
    from actions.services import ProgressChange, action_record_progress

    author = Membership.objects.get(agency__partnership__slug=slug, role=Membership.Role.COORDINATOR).user
    ids = list(Action.objects.filter(partnership__slug=slug).values_list("pk", flat=True))
    rng = random.Random(slug)  # noqa: S311 - which action, not a secret
    while not stop.wait(1):
        action = Action.objects.get(pk=rng.choice(ids))
        change = ProgressChange(
            status=action.status, percent_complete=action.percent_complete, due_date=action.due_date, note="Bench."
        )
        action_record_progress(action=action, author=author, expected_version=action.version, change=change)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partnership", default="synthetic-001")
    parser.add_argument("--seconds", type=float, default=8, help="Per target per round.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, nargs="+", default=[4], help="Client threads (bounded load).")
    parser.add_argument("--writer", action="store_true", help="Another person records progress every second.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
    parser.add_argument("--port", type=int, default=0, help="Default: a free port.")
    parser.add_argument(
        "--redis",
        action="store_true",
        help="The plan cache shared by the workers in a redis-server started here (CACHE_URL, docs/deploy.md); "
        "default: each worker's own memory.",
    )
    args = parser.parse_args()

    targets = targets_for(args.partnership)
    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    env = {**os.environ, "DEBUG": "0", "TESTING": "0", "ALLOWED_HOSTS": "127.0.0.1", "SECURE_COOKIES": "0"}
    redis = None
    if args.redis:  # the shared-cache tests' own server (tests/deploy/conftest.py): Debian's, on a free port
        from tests.deploy.conftest import RedisServer

        executable = shutil.which("redis-server") or sys.exit("redis-server not found: apt-get install -y redis-server")
        redis = RedisServer(executable)
        redis.start()
        env["CACHE_URL"] = redis.url
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-w", str(args.workers),
         "-b", f"127.0.0.1:{args.port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{args.port}"
    stop = threading.Event()
    writing = threading.Thread(target=writer, args=(args.partnership, stop)) if args.writer else None
    rates = {threads: {name: [] for name in targets} for threads in args.threads}
    try:
        time.sleep(3)
        for path, key in targets.values():  # warm-up
            hammer(base, path, key, 1, 1)
        if writing:
            writing.start()
        for _ in range(args.rounds):
            for threads in args.threads:
                for name, (path, key) in targets.items():
                    rates[threads][name].append(hammer(base, path, key, args.seconds, threads))
    finally:
        stop.set()
        if writing:
            writing.join()
        server.terminate()
        server.wait(timeout=30)
        if redis:
            redis.stop()
    for threads, by_name in rates.items():
        report(by_name, args, threads)


def report(rates, args, threads):
    trivial = statistics.median(rates["Signed-in trivial page"])
    admin = statistics.median(rates["Admin changelist (same actions)"])
    print(
        f"\n{args.workers} gunicorn workers, {threads} client threads, {args.rounds} rounds × {args.seconds} s, "
        f"{'a writer every second' if args.writer else 'no writer'}, "
        f"{'the cache shared in Redis' if args.redis else 'a cache in each worker'}"
    )
    print("| page | requests/s (median) | ÷ bare view (min / median) | ÷ trivial page | ÷ admin changelist |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, values in rates.items():
        rate = statistics.median(values)
        # rounds interleave the targets: each round's rate against the bare view's in the same round
        ratios = [value / base for value, base in zip(values, rates["Bare signed-in view"], strict=True)]
        print(
            f"| {name} | {rate:.1f} | {min(ratios):.2f} / {statistics.median(ratios):.2f} | {rate / trivial:.2f} "
            f"| {rate / admin:.2f} |"
        )


if __name__ == "__main__":
    main()
