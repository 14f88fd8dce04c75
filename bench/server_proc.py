"""Start Quiver (`python -m server`) as a subprocess on free ports with a throw-away storage dir.

The server is always stopped on exit (terminate, then kill), so a benchmark run never leaves
processes behind.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class RunningServer:
    """Where a started server listens and where its log goes."""

    http_port: int
    log_path: Path
    grpc_port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def quiver_server(ready_timeout_s: float = 60.0) -> Iterator[RunningServer]:
    """Yield a ready server; raise RuntimeError (with the log tail) if it never answers /readyz."""
    with tempfile.TemporaryDirectory(prefix="quiver-bench-") as tmp:
        root = Path(tmp)
        server = RunningServer(http_port=free_port(), log_path=root / "server.log", grpc_port=free_port())
        env = dict(os.environ)
        env.update(
            QDRANT__SERVICE__HOST="127.0.0.1",
            QDRANT__SERVICE__HTTP_PORT=str(server.http_port),
            QDRANT__SERVICE__GRPC_PORT=str(server.grpc_port),
            QDRANT__STORAGE__STORAGE_PATH=str(root / "storage"),
            QDRANT__STORAGE__SNAPSHOTS_PATH=str(root / "snapshots"),
        )
        with server.log_path.open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "server"], cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
            try:
                _wait_ready(proc, server, ready_timeout_s)
                yield server
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def _wait_ready(proc: subprocess.Popen[bytes], server: RunningServer, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{server.log_tail()}")
        try:
            if httpx.get(f"{server.url}/readyz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server not ready after {timeout_s}s:\n{server.log_tail()}")
