"""What every fault script shares: the topology's environment, Django set up on its database, the arguments."""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN = Path(os.environ.get("TOPOLOGY_DIR", ROOT / "var" / "topology"))


def setup():
    """Read var/topology/env (written by `deploy/topology.sh start`) and set Django up against its database."""
    if not (RUN / "env").exists():
        raise SystemExit("Start the topology first: deploy/topology.sh start")
    for line in (RUN / "env").read_text().splitlines():
        name, _, value = line.partition("=")
        os.environ[name] = value
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()


def arguments(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--base", default=f"https://127.0.0.1:{os.environ.get('TOPOLOGY_HTTPS_PORT', '18443')}")
    args = parser.parse_args()
    if not 1 <= args.users <= 32 or not 10 <= args.seconds <= 300:
        parser.error("1 to 32 users, for 10 to 300 seconds")
    return args


def cafile():
    return str(RUN / "tls.pem")


def topology(*command):
    script = str(ROOT / "deploy" / "topology.sh")
    return subprocess.run([script, *command], check=True, capture_output=True, text=True)  # noqa: S603 - ours


def report(name, result):
    print(json.dumps({"fault": name, **result}, indent=2))
    return 0 if result.get("lost_writes", 0) == 0 and result.get("ok", True) else 1
