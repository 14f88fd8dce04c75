"""`python -m bench.core_v2.profile`: where a server's CPU goes during unfiltered search under load.

Starts a fresh server, loads it like figure 1 (stock client, batches of 1,000, wait for green),
drives it with C keep-alive clients for S seconds and records it meanwhile with py-spy
(`pip install py-spy`; sampling, native frames included with --native). Prints and writes
(bench/results/core_v2-profile-latest.json) the share of samples per thread group and the top
functions by self and by inclusive samples. A profiling aid for the "where the time goes" note,
not a figure: py-spy's sampling slows the server a little.
"""

# ruff: noqa: E402  (BLAS threads pinned before numpy is imported, as the server does)
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from bench.core_v2.loadgen import run_load
from bench.core_v2.procs import quiver
from bench.core_v2.server_search import QUERY_PATH, ingest_like_a_user, plain_bodies
from bench.data import make_dataset
from bench.report import RESULTS_DIR


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(found).exists():
        sys.exit("py-spy not found: .venv/bin/pip install py-spy")
    return found


# Leaf frames where a thread waits rather than works (py-spy's own idle detection misses these
# when the cores are oversubscribed): counted apart, not in the self/inclusive shares.
WAITING = ("EpollSelector.select (", "Condition.wait (", "Event.wait (", "_worker (futures/thread.py)",
           "PyThread_acquire_lock_timed", "epoll_wait (", "sem_wait", "pthread_cond_wait", "__futex")


def summarise(raw: str, top: int = 25) -> dict[str, Any]:
    """py-spy raw (collapsed) stacks with --threads: 'thread (tid): name;frame;...;frame N' per line."""
    waiting: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    self_time: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")
        body = [_short(f) for f in frames[1:]]
        if body and body[-1].startswith(WAITING):
            waiting[_group(frames[0])] += n
            continue
        groups[_group(frames[0])] += n
        total += n
        if body:
            self_time[body[-1]] += n
        for f in set(body):
            inclusive[f] += n

    def share(c: Counter[str]) -> list[tuple[str, float]]:
        return [(k, round(100 * v / total, 1)) for k, v in c.most_common(top)]

    return {"samples": total, "waiting_samples": dict(waiting), "threads_pct": share(groups),
            "self_pct": share(self_time), "inclusive_pct": share(inclusive)}


def _group(thread: str) -> str:
    """'thread (12345): engine_0' -> 'engine' (the pool's threads together)."""
    name = thread.split("): ", 1)[-1]
    return name.rstrip("0123456789_") or name


def _short(frame: str) -> str:
    """'function (path/to/module.py:123)' -> 'function (module.py)' so one function is one entry."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    parts = Path(path).parts
    return f"{name} ({'/'.join(parts[-2:])})" if path else name


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.core_v2.profile")
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    p.add_argument("--native", action="store_true", help="include native frames (numpy, hnswlib, libc)")
    args = p.parse_args()
    ds = make_dataset(args.n, 128, 1_000)
    with tempfile.TemporaryDirectory(prefix="core-v2-profile-") as tmp:
        bodies = Path(tmp) / "bodies.json"
        bodies.write_text(json.dumps(plain_bodies(ds)))
        raw_path = Path(tmp) / "profile.txt"
        with quiver() as server:
            ingest = ingest_like_a_user(server.url, ds, 300.0)
            cmd = [py_spy(), "record", "--pid", str(server.pid), "--duration", str(int(args.seconds)), "--rate",
                   str(args.rate), "--format", "raw", "--threads", "-o", str(raw_path)]
            # --native needs the threads paused while sampled; without it py-spy need not pause them
            cmd.append("--native" if args.native else "--nonblocking")
            spy = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            load = run_load(server.port, QUERY_PATH, bodies, args.concurrency, 10**9, args.seconds, server.pid)
            _, err = spy.communicate(timeout=args.seconds + 60)
            if spy.returncode != 0:
                sys.exit(f"py-spy failed: {err[-1000:]}")
        summary = summarise(raw_path.read_text())
    load.pop("sample_response", None)
    result = {"n": args.n, "concurrency": args.concurrency, "seconds": args.seconds, "native": args.native,
              "ingest": ingest, "load": load, "profile": summary}
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "core_v2-profile-latest.json").write_text(json.dumps(result, indent=1) + "\n")
    print(f"QPS {load['qps']}, server CPU {load['server']['cpu_ms_per_request']} ms/request, "
          f"{summary['samples']} busy samples (waiting: {summary['waiting_samples']})")
    for key in ("threads_pct", "self_pct", "inclusive_pct"):
        print(f"\n{key}:")
        for name, pct in summary[key]:
            print(f"  {pct:5.1f}%  {name}")


if __name__ == "__main__":
    main()
