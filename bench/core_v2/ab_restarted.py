"""`python -m bench.core_v2.ab_restarted REPO STORE LABEL [--floor]`: one A/B round of server search
on a restarted store, for alternated before/after runs of two checkouts.

STORE is a directory whose `storage/` holds collection `core_v2` (e.g. a copy of figure 1's server
storage after its ingest); each round copies it, starts `python -m server` from REPO (a checkout or
worktree: its own `server` package, this interpreter), waits for green, then runs 1 and 8 keep-alive
clients (`bench.core_v2.loadgen`, the bodies of figure 1) with the server's per-thread CPU.
`--floor` runs the floor app instead (on a response captured by an earlier Quiver round). Prints one
JSON line and appends it to /tmp/core_v2_ab.jsonl (CONC=1,8 picks the concurrencies).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.core_v2.loadgen import run_load
from bench.core_v2.server_search import QUERY_PATH, plain_bodies
from bench.data import make_dataset
from bench.server_proc import free_port

SAMPLE = Path(tempfile.gettempdir()) / "core_v2_ab_sample.json"


def _start(repo: str, store: Path, tmp: Path, floor: bool) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = dict(os.environ)
    if floor:
        module = ["bench.core_v2.floor_app", "--port", str(port), "--response", str(SAMPLE)]
    else:
        shutil.copytree(store / "storage", tmp / "storage")
        env.update(QDRANT__SERVICE__HOST="127.0.0.1", QDRANT__SERVICE__HTTP_PORT=str(port),
                   QDRANT__SERVICE__GRPC_PORT=str(free_port()), QDRANT__STORAGE__STORAGE_PATH=str(tmp / "storage"),
                   QDRANT__STORAGE__SNAPSHOTS_PATH=str(tmp / "snapshots"))
        module = ["server"]
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "bench.core_v2.named_threads", *module], cwd=repo, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    return proc, port


def _ready(proc: subprocess.Popen[bytes], url: str, floor: bool, body: dict[str, Any]) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            sys.exit(f"server exited with {proc.returncode}")
        try:
            if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    if floor:
        return
    for _ in range(600):
        if httpx.get(url + "/collections/core_v2").json()["result"]["status"] == "green":
            break
        time.sleep(0.5)
    SAMPLE.write_text(httpx.post(url + QUERY_PATH, json=body).text)


def main() -> None:
    repo, store, label = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    floor = "--floor" in sys.argv
    concurrencies = [int(c) for c in os.environ.get("CONC", "1,8").split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="core-v2-ab-"))
    try:
        ds = make_dataset(100_000, 128, 1_000, 42, 1.5)
        bodies = tmp / "bodies.json"
        bodies.write_text(json.dumps(plain_bodies(ds)))
        proc, port = _start(repo, store, tmp, floor)
        try:
            _ready(proc, f"http://127.0.0.1:{port}", floor, plain_bodies(ds)[0])
            load0 = os.getloadavg()[0]
            rows = {}
            for c in concurrencies:
                row = run_load(port, QUERY_PATH, bodies, c, 1000 if c == 1 else 6000, 30 if c == 1 else 10, proc.pid)
                row.pop("sample_response", None)
                rows[str(c)] = row
            load1 = os.getloadavg()[0]
        finally:
            proc.terminate()
            proc.wait(20)
        out: dict[str, Any] = {"label": label, "load": [round(load0, 2), round(load1, 2)]}
        for c, r in rows.items():
            s = r["server"]
            out[c] = {"qps": r["qps"], "p50": r["p50_ms"], "cpu_ms": s["cpu_ms_per_request"],
                      "loop": s["event_loop_cores"], "pool": s["pool_cores"], "cores": s["process_cores"]}
        print(json.dumps(out))
        with (Path(tempfile.gettempdir()) / "core_v2_ab.jsonl").open("a") as f:
            f.write(json.dumps({**out, "raw": rows}) + "\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
