"""Start `python -m server` on an existing storage dir and time it: until /readyz answers, until the
first exact count returns N, until the first search returns 10 hits. The server is killed (SIGKILL,
by pid) afterwards, so its shutdown flush never rewrites the storage being measured."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench.server_proc import REPO_ROOT, free_port


def status_kb(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
                out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of `pid` so far: unlike wall time, not inflated by other work on the cores."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 2)
    except (OSError, IndexError, ValueError):
        return None


def start_server(storage: Path, log_path: Path, fsync: str = "interval") -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = dict(os.environ)
    env.update(
        QDRANT__SERVICE__HOST="127.0.0.1",
        QDRANT__SERVICE__HTTP_PORT=str(port),
        QDRANT__SERVICE__GRPC_PORT=str(free_port()),
        QDRANT__STORAGE__STORAGE_PATH=str(storage),
        QDRANT__STORAGE__SNAPSHOTS_PATH=str(storage.parent / "snapshots"),
        QDRANT__STORAGE__WAL_FSYNC=fsync,
    )
    log = log_path.open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "server"], cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    return proc, f"http://127.0.0.1:{port}"


def wait_ready(proc: subprocess.Popen[bytes], url: str, log_path: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}: {log_path.read_text()[-2000:]}")
            try:
                if client.get(f"{url}/readyz").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
    raise RuntimeError(f"server not ready after {timeout_s} s")


def log_events(log_path: Path) -> dict[str, Any]:
    """The server's own account: 'collection loaded' seconds and 'wal replayed' operations."""
    out: dict[str, Any] = {}
    for line in log_path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("msg") == "collection loaded":
            out["server_load_s"] = entry.get("seconds")
        elif entry.get("msg") == "wal replayed":
            out["wal_ops_replayed"] = entry.get("operations")
    return out


def time_restart(storage: Path, collection: str, n: int, query: list[float], timeout_s: float = 1800.0) -> dict[str, Any]:
    log_path = storage.parent / "server.log"
    t0 = time.perf_counter()
    proc, url = start_server(storage, log_path)
    try:
        wait_ready(proc, url, log_path, timeout_s)
        result: dict[str, Any] = {"ready_s": round(time.perf_counter() - t0, 3)}
        rss_ready = status_kb(proc.pid)
        result["cpu_at_ready_s"] = cpu_seconds(proc.pid)
        with httpx.Client(timeout=timeout_s) as client:
            resp = client.post(f"{url}/collections/{collection}/points/count", json={"exact": True})
            resp.raise_for_status()
            count = resp.json()["result"]["count"]
            result["first_count_s"] = round(time.perf_counter() - t0, 3)
            result["count"] = count
            result["count_ok"] = count == n
            resp = client.post(f"{url}/collections/{collection}/points/query", json={"query": query, "limit": 10})
            resp.raise_for_status()
            result["first_search_s"] = round(time.perf_counter() - t0, 3)
            result["search_hits"] = len(resp.json()["result"]["points"])
        rss = status_kb(proc.pid)
        result["rss_ready_mb"] = round(rss_ready.get("VmRSS", 0) / 1024, 1)
        result["peak_rss_mb"] = round(rss.get("VmHWM", 0) / 1024, 1)
        # mapped file pages (on_disk vectors, the graph file's page cache) are RssFile, not RssAnon
        result["rss_anon_mb"] = round(rss.get("RssAnon", 0) / 1024, 1)
        result["rss_file_mb"] = round(rss.get("RssFile", 0) / 1024, 1)
        result.update(log_events(log_path))
        return result
    finally:
        proc.kill()  # our own child, by pid: no shutdown flush of the measured storage
        proc.wait()
