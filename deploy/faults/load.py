"""Load through the proxy, for the fault scripts: 16 signed-in members (by default) for a bounded time, each reading
plan pages and recording progress on an action of its own, over HTTPS to the topology's nginx (loopback only).

Every write the server acknowledged (a redirect after the progress form) is remembered by its note, so that after
the fault the script can check each one is in the database. Run from the fault scripts (deploy/faults/*.py) with the
topology's environment; the addresses are checked to be on this machine.
"""

import collections
import http.cookiejar
import re
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

PASSWORD = "cpc-demo-2009"
READ_PAGES = ["/actions/mine/", "/actions/", "/recommendations/"]  # what a member may read
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's cookies, over HTTPS with the topology's self-signed certificate."""

    def __init__(self, base, cafile):
        if urllib.parse.urlsplit(base).hostname not in LOOPBACK:
            raise SystemExit(f"{base} is not on this machine: the fault scripts only load loopback addresses")
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        context = ssl.create_default_context(cafile=cafile)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), urllib.request.HTTPSHandler(context=context), NoRedirect
        )

    def request(self, path, data=None, headers=None, timeout=30):
        """(status, body, headers); a redirect or an error page is an answer too, a refused connection raises."""
        encoded = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(  # noqa: S310 - https on loopback only, checked above
            self.base + path, encoded, headers={"Referer": self.base + "/", **(headers or {})}
        )
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode(errors="replace"), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.headers

    def csrf(self):
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def sign_in(self, username, password=PASSWORD, headers=None):
        self.request("/accounts/login/")
        status, _, answer = self.request(
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": self.csrf()},
            headers=headers,
        )
        return status == 302 and "/accounts/login/" not in answer.get("Location", "")


def field(page, name):
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', page
    )
    return found[1] if found else ""


class Run:
    """Counts and times of every request, and the notes of every acknowledged write."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = collections.Counter()
        self.failures = collections.Counter()  # "503", "connection refused", ...
        self.times = []
        self.acknowledged = []  # (action id, note)
        self.events = []  # (seconds since start, what)
        self.started = time.monotonic()

    def note(self, what):
        with self.lock:
            self.events.append((round(time.monotonic() - self.started, 1), what))

    def count(self, status, seconds, failure=None):
        with self.lock:
            self.statuses[status] += 1
            self.times.append(seconds)
            if failure:
                self.failures[failure] += 1

    def summary(self):
        total = sum(self.statuses.values())
        failed = sum(self.failures.values())
        times = sorted(self.times) or [0]
        return {
            "requests": total,
            "failed": failed,
            "failures": dict(self.failures),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items(), key=str)},
            "acknowledged_writes": len(self.acknowledged),
            "p50_ms": round(times[len(times) // 2] * 1000),
            "p95_ms": round(times[int(len(times) * 0.95)] * 1000),
            "max_ms": round(times[-1] * 1000),
        }


def timed(run, browser, path, data=None):
    start = time.perf_counter()
    try:
        status, body, headers = browser.request(path, data)
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        run.count("no answer", time.perf_counter() - start, f"no answer ({type(reason).__name__})")
        return None, "", {}
    ok = status in (200, 302)
    run.count(status, time.perf_counter() - start, None if ok else str(status))
    return status, body, headers


def person(run, base, cafile, username, action_id, deadline, number):
    browser = Browser(base, cafile)
    while not browser.sign_in(username):
        if time.monotonic() >= deadline:
            return
        time.sleep(1)
    round_number = 0
    while time.monotonic() < deadline:
        round_number += 1
        timed(run, browser, READ_PAGES[round_number % len(READ_PAGES)])
        status, form, _ = timed(run, browser, f"/actions/{action_id}/progress/")
        if status != 200:
            time.sleep(0.2)
            continue
        note = f"load {number} round {round_number} {uuid.uuid4().hex[:8]}"
        data = {
            "csrfmiddlewaretoken": browser.csrf(),
            "version": field(form, "version"),
            "status": "in_progress",
            "percent_complete": str(1 + (round_number % 98)),
            "note": note,
            "evidence_link": "",
            "due_date": field(form, "due_date"),
            "revision_reason": "",
        }
        status, _, headers = timed(run, browser, f"/actions/{action_id}/progress/", data)
        if status == 302 and "/login" not in headers.get("Location", ""):
            with run.lock:
                run.acknowledged.append((action_id, note))


def members_and_actions(users):
    """``users`` (member username, action id) pairs: each person records progress on an action of their own."""
    from actions.models import Action, Status
    from agencies.models import Membership

    pairs = []
    for membership in Membership.objects.filter(role=Membership.Role.MEMBER, user__is_active=True).select_related(
        "user"
    ):
        for action in Action.objects.filter(owner_id=membership.agency_id).exclude(status=Status.COMPLETE):
            pairs.append((membership.user.username, action.pk))
    if len(pairs) < users:
        raise SystemExit(f"only {len(pairs)} open actions with a member: at most that many users")
    return pairs[:users]


def start(base, cafile, users, seconds):
    """Start the load in threads; returns (run, threads). Join the threads to wait for its end."""
    run = Run()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=person, args=(run, base, cafile, username, action_id, deadline, n), daemon=True)
        for n, (username, action_id) in enumerate(members_and_actions(users))
    ]
    for thread in threads:
        thread.start()
    return run, threads


def lost_writes(run):
    """Acknowledged writes that are not in the database (each must be)."""
    from actions.models import ProgressUpdate

    notes = {note for _, note in run.acknowledged}
    stored = set(ProgressUpdate.objects.filter(note__in=notes).values_list("note", flat=True))
    return sorted(notes - stored)
