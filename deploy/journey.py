"""A journey through the topology's proxy over HTTPS, and the proof that the proxy's headers are read right.

    deploy/topology.sh start && .venv/bin/python deploy/journey.py

1. A member signs in through nginx (TLS), opens My actions and records progress; the update is in the database.
2. A wrong password sent with a forged ``X-Forwarded-For: 203.0.113.66``: the audit log and django-axes record the
   client's real address (127.0.0.1, what nginx appended), never the forged one (TRUSTED_PROXY_COUNT=1).
3. nginx's request id is the application's (X-Request-ID), a static file is served by nginx, and a body over the
   application's upload limit is refused by nginx (413) before it reaches a server.
"""

import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from faults import common, load  # noqa: E402

FORGED = "203.0.113.66"


def main():
    common.setup()
    from axes.models import AccessAttempt
    from axes.utils import reset

    from actions.models import Action, ProgressUpdate, Status
    from agencies.models import AuditEntry

    base, checks = "https://127.0.0.1:18443", {}
    member = load.Browser(base, common.cafile())
    checks["member signs in over HTTPS"] = member.sign_in("riverside.social.work")
    checks["My actions: 200"] = member.request("/actions/mine/")[0] == 200
    action = Action.objects.filter(owner__memberships__user__username="riverside.social.work").exclude(
        status=Status.COMPLETE
    )[0]
    form = member.request(f"/actions/{action.pk}/progress/")[1]
    note = f"journey {uuid.uuid4().hex[:8]}"
    status, _, headers = member.request(
        f"/actions/{action.pk}/progress/",
        {"csrfmiddlewaretoken": member.csrf(), "version": load.field(form, "version"), "status": "in_progress",
         "percent_complete": "42", "note": note, "evidence_link": "", "due_date": load.field(form, "due_date"),
         "revision_reason": ""},
    )  # fmt: skip
    checks["progress recorded (302)"] = status == 302
    checks["the update is in the database"] = ProgressUpdate.objects.filter(note=note).exists()
    checks["X-Request-ID from nginx"] = len(headers.get("X-Request-ID", "")) == 32

    stranger = load.Browser(base, common.cafile())
    reset(username="health")
    stranger.sign_in("health", "not-the-password", headers={"X-Forwarded-For": FORGED})
    entry = AuditEntry.objects.filter(username="health").order_by("-pk").first()
    attempt = AccessAttempt.objects.filter(username="health").order_by("-pk").first()
    print(f"audit entry: {entry.action} {entry.outcome} from {entry.ip_address}")
    print(f"axes attempt: from {attempt.ip_address}, failures {attempt.failures_since_start}")
    checks["audit log: the real address, not the forged one"] = entry.ip_address == "127.0.0.1"
    checks["axes: the real address, not the forged one"] = attempt.ip_address == "127.0.0.1"
    reset(username="health")

    static = stranger.request("/static/css/app.css")
    checks["static file served by nginx (no request id: never reached a server)"] = (
        static[0] == 200 and "X-Request-ID" not in static[2] and "immutable" in static[2].get("Cache-Control", "")
    )
    too_big = stranger.request("/accounts/login/", {"x": "a" * (14 * 1024 * 1024)})[0]
    checks["a 14 MB body is refused by nginx (413)"] = too_big == 413
    for name, ok in checks.items():
        print(("ok    " if ok else "FAIL  ") + name)
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
