"""Fault: the shared cache server (Redis) stopped in the middle of the load, then started again.

    deploy/topology.sh start && .venv/bin/python deploy/faults/stop_redis.py [--users 16] [--seconds 60]

At a third of the run redis-server stops; at two thirds it starts again (empty). Pages must still be served (built
each time: agencies.plan_cache.cached_under), never a 500; every acknowledged write must be in the database.
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
    time.sleep(args.seconds / 3)
    pid = int((common.RUN / "redis.pid").read_text())
    import os
    import signal

    os.kill(pid, signal.SIGKILL)
    run.note("redis-server killed (SIGKILL)")
    time.sleep(args.seconds / 3)
    common.topology("resume")
    run.note("redis-server started again (topology.sh resume)")
    for thread in threads:
        thread.join()
    lost = load.lost_writes(run)
    summary = run.summary()
    ok = not any(status.startswith("5") for status in summary["statuses"])
    return common.report("stop the cache server", {**summary, "events": run.events, "lost_writes": len(lost), "ok": ok})


if __name__ == "__main__":
    sys.exit(main())
