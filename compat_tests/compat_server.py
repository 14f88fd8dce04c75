"""Start and stop the server under test as a subprocess, like a user would.

The server is `<sys.executable> -m server` run from the repository root, configured only through
Qdrant-style environment variables. Its stdout/stderr go to a log file whose tail is shown when
start-up fails or a test needs it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(slots=True)
class ServerProcess:
    process: subprocess.Popen[bytes]
    http_port: int
    grpc_port: int
    log_path: Path
    tls_ca: Path | None = None
    """The CA that signed the server's certificate when it serves TLS (then the URL is https)."""

    @property
    def url(self) -> str:
        return f"{'https' if self.tls_ca else 'http'}://127.0.0.1:{self.http_port}"

    def log_tail(self, max_chars: int = 6000) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "<no server log>"
        return text[-max_chars:]

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def kill(self) -> None:
        """SIGKILL the server's process group (no chance to flush anything) and reap it."""
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: pgid == pid
        self.process.wait(timeout=10)

    def terminate(self, timeout: float = 30.0) -> int | None:
        """SIGTERM and wait for a graceful exit; return the exit code, or None if it had to be killed."""
        if self.process.poll() is not None:
            return self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None


def start_server(workdir: Path, log_name: str = "server.log", env: dict[str, str] | None = None,
                 tls_ca: Path | None = None) -> ServerProcess:
    """Launch the server with storage under `workdir` and wait until /readyz answers 200.

    Starting again with the same `workdir` reuses its storage (a restart); `log_name` keeps each
    run's log apart; `env` adds settings (e.g. `QDRANT__SERVICE__API_KEY`).
    """
    http_port, grpc_port = free_port(), free_port()
    while grpc_port == http_port:
        grpc_port = free_port()
    storage, snapshots = workdir / "storage", workdir / "snapshots"
    storage.mkdir(parents=True, exist_ok=True)
    snapshots.mkdir(parents=True, exist_ok=True)
    overrides = env or {}
    env = dict(os.environ)
    env.update(
        {
            "QDRANT__SERVICE__HOST": "127.0.0.1",
            "QDRANT__SERVICE__HTTP_PORT": str(http_port),
            "QDRANT__SERVICE__GRPC_PORT": str(grpc_port),
            "QDRANT__STORAGE__STORAGE_PATH": str(storage),
            "QDRANT__STORAGE__SNAPSHOTS_PATH": str(snapshots),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(overrides)
    log_path = workdir / log_name
    log_file = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "server"],
        cwd=REPO_ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log_file.close()  # the child holds its own descriptor
    server = ServerProcess(process, http_port, grpc_port, log_path, tls_ca)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(
                f"server exited with {process.returncode} during start-up:\n{server.log_tail()}"
            )
        try:
            verify = str(tls_ca) if tls_ca else True
            if httpx.get(f"{server.url}/readyz", timeout=1.0, verify=verify).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"server not ready after {STARTUP_TIMEOUT_S}s:\n{server.log_tail()}")
