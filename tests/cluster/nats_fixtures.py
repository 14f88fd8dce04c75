"""A JetStream nats-server on free ports in a temp dir (skipped where Debian's nats-server is not
installed: `make test` installs it, see the Makefile).

Not a conftest.py: `make test` runs tests/ and compat_tests/ in one pytest session, and a second
module named `conftest` shadows compat_tests/conftest.py, whose helpers the compat tests import by
that name. Test modules take the fixture with `nats_url = nats_fixtures.nats_url`."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, deadline_s: float = 10.0) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nats-server did not listen on {port}")


@pytest.fixture(scope="module")
def nats_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = _binary()
    port = free_port()
    store = tmp_path_factory.mktemp("nats")
    proc = subprocess.Popen([binary, "-js", "-sd", str(store), "-a", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_port(port)
        yield f"nats://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


def _binary() -> str:
    binary = shutil.which("nats-server") or ("/usr/sbin/nats-server" if Path("/usr/sbin/nats-server").exists()
                                              else None)
    if binary is None:
        pytest.skip("nats-server is not installed (apt-get install nats-server; make test installs it)")
    return binary


@pytest.fixture
def nats_cluster(tmp_path: Path) -> Iterator[tuple[list[str], list[subprocess.Popen[bytes]]]]:
    """Three clustered JetStream servers (client URLs, processes); a test may kill one."""
    binary = _binary()
    clients, routes = [free_port() for _ in range(3)], [free_port() for _ in range(3)]
    procs = []
    for i in range(3):
        others = ",".join(f"nats://127.0.0.1:{routes[j]}" for j in range(3) if j != i)
        procs.append(subprocess.Popen(
            [binary, "-js", "-sd", str(tmp_path / f"js{i}"), "-a", "127.0.0.1", "-p", str(clients[i]),
             "--server_name", f"n{i}", "--cluster_name", "qvtest", "--cluster", f"nats://127.0.0.1:{routes[i]}",
             "--routes", others], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    try:
        for port in clients:
            _wait_port(port)
        yield [f"nats://127.0.0.1:{p}" for p in clients], procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(10)
