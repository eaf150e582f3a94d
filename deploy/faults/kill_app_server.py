"""Fault: one application server killed with SIGKILL in the middle of the load; nginx routes to the other.

    deploy/topology.sh start && .venv/bin/python deploy/faults/kill_app_server.py [--users 16] [--seconds 60]

At a third of the run, the first server's gunicorn master and workers get SIGKILL (no graceful stop: requests in
flight on it are lost). Reports the requests, the failed ones by cause, and checks that every write the proxy
acknowledged is in the database. The server is started again at the end (`topology.sh resume`).
"""

import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from faults import common, load  # noqa: E402


def children(pid):
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "stat").read_text().split(") ")[1].split()[1] == str(pid):
                    found.append(int(entry.name))
            except (OSError, IndexError):
                continue
    return found


def main():
    common.setup()
    args = common.arguments(__doc__.splitlines()[0])
    run, threads = load.start(args.base, common.cafile(), args.users, args.seconds)
    time.sleep(args.seconds / 3)
    master = int((common.RUN / "app-18101.pid").read_text())
    for pid in [master, *children(master)]:
        os.kill(pid, signal.SIGKILL)
    run.note(f"SIGKILL app server 127.0.0.1:18101 (master {master} and its workers)")
    for thread in threads:
        thread.join()
    lost = load.lost_writes(run)
    common.topology("resume")
    return common.report("kill one app server (SIGKILL)", {**run.summary(), "events": run.events,
                                                            "lost_writes": len(lost)})  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
