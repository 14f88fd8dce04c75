"""The two servers a core-v2 run measures, each a subprocess with named threads on free ports:
Quiver (`python -m server`, throw-away storage) and the floor app. Both are always stopped on exit."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.server_proc import REPO_ROOT, free_port


@dataclass(frozen=True, slots=True)
class Proc:
    pid: int
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@contextmanager
def quiver(env: dict[str, str] | None = None) -> Iterator[Proc]:
    """`python -m server` with its storage in a temporary directory; `env` adds QDRANT__* settings."""
    with tempfile.TemporaryDirectory(prefix="quiver-core-v2-") as tmp:
        root = Path(tmp)
        port = free_port()
        settings = {
            "QDRANT__SERVICE__HOST": "127.0.0.1",
            "QDRANT__SERVICE__HTTP_PORT": str(port),
            "QDRANT__SERVICE__GRPC_PORT": str(free_port()),
            "QDRANT__STORAGE__STORAGE_PATH": str(root / "storage"),
            "QDRANT__STORAGE__SNAPSHOTS_PATH": str(root / "snapshots"),
            **(env or {}),
        }
        with _spawn(["server"], port, root / "server.log", settings) as proc:
            yield proc


@contextmanager
def floor(response_path: Path) -> Iterator[Proc]:
    with tempfile.TemporaryDirectory(prefix="quiver-floor-") as tmp:
        port = free_port()
        args = ["bench.core_v2.floor_app", "--port", str(port), "--response", str(response_path)]
        with _spawn(args, port, Path(tmp) / "floor.log", {}) as proc:
            yield proc


@contextmanager
def _spawn(module_args: list[str], port: int, log_path: Path, env_extra: dict[str, str],
           ready_timeout_s: float = 60.0) -> Iterator[Proc]:
    env = dict(os.environ, **env_extra)
    with log_path.open("wb") as log:
        popen = subprocess.Popen([sys.executable, "-m", "bench.core_v2.named_threads", *module_args],
                                 cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        proc = Proc(popen.pid, port, log_path)
        try:
            _wait_ready(popen, proc, ready_timeout_s)
            yield proc
        finally:
            popen.terminate()
            try:
                popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                popen.kill()
                popen.wait()


def _wait_ready(popen: subprocess.Popen[bytes], proc: Proc, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            raise RuntimeError(f"{proc.log_path.name}: exited with {popen.returncode}:\n{proc.log_tail()}")
        try:
            if httpx.get(f"{proc.url}/readyz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{proc.log_path.name}: not ready after {timeout_s}s:\n{proc.log_tail()}")
