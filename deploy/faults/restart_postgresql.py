"""Fault: PostgreSQL stopped and started again in the middle of the load (the topology's own cluster).

    deploy/topology.sh start && .venv/bin/python deploy/faults/restart_postgresql.py [--users 16] [--seconds 60]

At a third of the run the cluster stops (fast shutdown: sessions cut), stays down --outage seconds, then starts;
the application servers are not touched. Requests during the outage must get the 503 "temporarily unavailable"
page (never a traceback), service must come back without restarting anything else, and every acknowledged write
must be in the database.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from faults import common, load  # noqa: E402


def main():
    common.setup()
    args = common.arguments(__doc__.splitlines()[0])
    run, threads = load.start(args.base, common.cafile(), args.users, args.seconds)
    probe = load.Browser(args.base, common.cafile())
    probe.sign_in("riverside.chief")
    time.sleep(args.seconds / 3)
    common.topology("postgresql-stop")
    run.note("PostgreSQL stopped")
    status, page, headers = probe.request("/reports/dashboard/")
    outage_page = {
        "status": status,
        "temporarily unavailable": "temporarily unavailable" in page,
        "traceback": "Traceback" in page,
        "request id shown": headers.get("X-Request-ID", "-") in page,
    }
    time.sleep(8)
    common.topology("postgresql-start")
    run.note("PostgreSQL started")
    back = time.monotonic()
    while probe.request("/healthz")[0] != 200:
        time.sleep(0.2)
    run.note(f"first 200 from /healthz {time.monotonic() - back:.1f} s after the start")
    for thread in threads:
        thread.join()
    from django.db import connection

    connection.close()  # this script's own connection died with the server
    lost = load.lost_writes(run)
    ok = outage_page["status"] == 503 and outage_page["temporarily unavailable"] and not outage_page["traceback"]
    return common.report("restart PostgreSQL", {**run.summary(), "outage_page": outage_page, "events": run.events,
                                                "lost_writes": len(lost), "ok": ok})  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
