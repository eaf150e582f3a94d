"""A real Redis server for the shared-cache tests, started by the test itself on a free loopback port.

Debian's ``redis-server`` (``apt-get install -y redis-server``; ``.ci/run`` installs it). Without it the tests skip
with that message, except in CI (``CI=true``), where a missing server fails the run.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

REDIS_MISSING = "redis-server not found: install it with `apt-get install -y redis-server` (Debian) to run this test"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """One redis-server process on 127.0.0.1, with no persistence; ``stop()`` and ``start()`` keep its port."""

    def __init__(self, executable):
        self.executable = executable
        self.port = free_port()
        self.directory = tempfile.mkdtemp(prefix="redis-test-")
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - the system's redis-server, loopback only
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.directory, "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server():
    executable = shutil.which("redis-server")
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail(REDIS_MISSING, pytrace=False)
        pytest.skip(REDIS_MISSING)
    server = RedisServer(executable)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(server.directory, ignore_errors=True)
