"""`python -m bench.cluster`: cluster mode's write and search throughput with 1, 2 and 3 nodes, and the
acknowledged-write latency the replicated log adds over a standalone node (issue 15).

python -m bench.cluster                        # standalone + clusters of 1, 2, 3 nodes (3 nats-server each)
python -m bench.cluster --nodes 3 --points 5000 --queries 300 --no-write

Every configuration runs on this machine, one after the other, on the same seeded data: a standalone
Quiver (`python -m server`, cluster off), then `tools.cluster.LocalCluster` with N Quiver nodes and three
clustered nats-server (JetStream R3 streams) for N = 1, 2, 3. A collection of 6 shards, replication_factor
min(2, N). Phases:
- write: --clients threads upsert batches of --batch points with wait=true, round robin over the nodes;
  points/s of wall time, and CPU seconds of every server process (Quiver nodes + nats-server, from
  /proc/<pid>/stat) per 1,000 points;
- search: --clients threads send --queries searches (limit 10) round robin over the nodes; QPS and
  server CPU ms per query;
- latency: one client, --latency-writes single-point upserts to the first node, wait=false
  (acknowledged: stored on a JetStream quorum) and wait=true (applied), p50/p99 ms.
On a 2-core machine the N processes share the same two cores: more nodes cannot add throughput here;
the rows show what the replicated log and the fan-out cost, not how a cluster of machines scales.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench.machine import machine_info
from bench.run_info import git_state, load_average, progress, replace_block, write_result
from tools.cluster import LocalCluster, QuiverNode, free_port

COLLECTION = "bench_cluster"
SHARDS = 6
TICKS = os.sysconf("SC_CLK_TCK")


def _log(msg: str) -> None:
    progress("bench.cluster", msg)


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of the processes (their own, not their reaped children)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


@dataclass(slots=True)
class Target:
    label: str
    urls: list[str]
    pids: list[int]
    replication_factor: int
    shard_number: int


@contextmanager
def standalone() -> Iterator[Target]:
    root = Path(tempfile.mkdtemp(prefix="quiver-bench-standalone-"))
    taken: set[int] = set()
    node = QuiverNode("standalone", root, http_port=free_port(taken), grpc_port=free_port(taken), clustered=False)
    try:
        node.start()
        node.wait_ready()
        assert node.process is not None
        yield Target("standalone", [node.url], [node.process.pid], 1, 1)
    finally:
        node.stop()
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def cluster(nodes: int) -> Iterator[Target]:
    root = Path(tempfile.mkdtemp(prefix="quiver-bench-cluster-"))
    local = LocalCluster(root, nodes=nodes, nats=3)
    try:
        with local.running():
            pids = [p.process.pid for p in [*local.nodes, *local.nats] if p.process is not None]
            yield Target(f"cluster {nodes} node{'s' if nodes > 1 else ''}", [n.url for n in local.nodes], pids,
                         min(2, nodes), SHARDS)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def parallel(clients: int, work: Callable[[int, httpx.Client], None], urls: list[str]) -> float:
    """Run `work(worker, http)` in `clients` threads (worker w talks to urls[w % len]); wall seconds."""
    errors: list[BaseException] = []

    def run(worker: int) -> None:
        with httpx.Client(base_url=urls[worker % len(urls)], timeout=120) as http:
            try:
                work(worker, http)
            except BaseException as exc:  # noqa: BLE001 (re-raised in the caller)
                errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


def wait_quiet(pids: list[int], timeout: float = 120.0) -> float:
    """Wait until the servers use under 5% of a core over a second (background indexing done)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        before = cpu_seconds(pids)
        time.sleep(1.0)
        if cpu_seconds(pids) - before < 0.05:
            break
    return time.monotonic() - started


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2)}


def measure(target: Target, data: np.ndarray, queries: np.ndarray, args: argparse.Namespace) -> dict[str, Any]:
    with httpx.Client(base_url=target.urls[0], timeout=120) as http:
        answer = http.put(f"/collections/{COLLECTION}", json={
            "vectors": {"size": data.shape[1], "distance": "Cosine"},
            "shard_number": target.shard_number, "replication_factor": target.replication_factor})
        answer.raise_for_status()
    batches = [(start, min(start + args.batch, len(data))) for start in range(0, len(data), args.batch)]

    def write(worker: int, http: httpx.Client) -> None:
        for start, end in batches[worker :: args.clients]:
            points = [{"id": i, "vector": data[i].tolist(), "payload": {"n": i}} for i in range(start, end)]
            answer = http.put(f"/collections/{COLLECTION}/points", params={"wait": "true"}, json={"points": points})
            answer.raise_for_status()

    cpu0 = cpu_seconds(target.pids)
    write_s = parallel(args.clients, write, target.urls)
    write_cpu = cpu_seconds(target.pids) - cpu0
    settle_s = wait_quiet(target.pids)
    with httpx.Client(base_url=target.urls[-1], timeout=120) as http:
        count = http.post(f"/collections/{COLLECTION}/points/count", json={"exact": True}).json()["result"]["count"]
    if count != len(data):
        raise RuntimeError(f"{target.label}: {count} points counted after writing {len(data)}")

    def search(worker: int, http: httpx.Client) -> None:
        for q in range(worker, len(queries), args.clients):
            answer = http.post(f"/collections/{COLLECTION}/points/query",
                               json={"query": queries[q].tolist(), "limit": 10})
            answer.raise_for_status()

    cpu0 = cpu_seconds(target.pids)
    search_s = parallel(args.clients, search, target.urls)
    search_cpu = cpu_seconds(target.pids) - cpu0

    latency: dict[str, Any] = {}
    extra = np.random.default_rng(args.seed + 1).standard_normal((2, args.latency_writes, data.shape[1]))
    with httpx.Client(base_url=target.urls[0], timeout=120) as http:
        for phase, wait in enumerate(("false", "true")):
            times = []
            for n in range(args.latency_writes):
                point = {"id": len(data) + phase * args.latency_writes + n, "vector": extra[phase, n].tolist()}
                started = time.perf_counter()
                answer = http.put(f"/collections/{COLLECTION}/points", params={"wait": wait}, json={"points": [point]})
                times.append(time.perf_counter() - started)
                answer.raise_for_status()
            latency[f"wait_{wait}"] = _percentiles(times)
    return {
        "target": target.label, "nodes": len(target.urls), "shard_number": target.shard_number,
        "replication_factor": target.replication_factor, "server_processes": len(target.pids),
        "write_points_per_s": round(len(data) / write_s), "write_cpu_s_per_1k_points": round(write_cpu * 1000 / len(data), 3),
        "settle_s": round(settle_s, 1),
        "search_qps": round(len(queries) / search_s), "search_cpu_ms_per_query": round(search_cpu * 1000 / len(queries), 2),
        "write_latency": latency, "loadavg_after": load_average(),
    }


def render(result: dict[str, Any]) -> str:
    rows = [
        f"Run {result['started_at']} on {result['git']['head']}, {result['points']} × {result['dim']} points, "
        f"{result['queries']} queries, {result['clients']} client threads, load average {result['loadavg']} "
        f"at start; {result['machine']['cores']} cores shared by every process of a row.",
        "",
        "| target | shards × rf | write pts/s | write CPU s / 1k pts | search QPS | search CPU ms / q "
        "| ack'd write p50/p99 ms (wait=false) | applied p50/p99 ms (wait=true) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in result["rows"]:
        lat = row["write_latency"]
        rows.append(
            f"| {row['target']} | {row['shard_number']} × {row['replication_factor']} | {row['write_points_per_s']} "
            f"| {row['write_cpu_s_per_1k_points']} | {row['search_qps']} | {row['search_cpu_ms_per_query']} "
            f"| {lat['wait_false']['p50_ms']} / {lat['wait_false']['p99_ms']} "
            f"| {lat['wait_true']['p50_ms']} / {lat['wait_true']['p99_ms']} |"
        )
    return "\n".join(rows)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__.splitlines()[0])
    p.add_argument("--nodes", default="1,2,3", help="comma list of cluster sizes (default 1,2,3)")
    p.add_argument("--no-standalone", action="store_true", help="skip the standalone row")
    p.add_argument("--points", type=int, default=20_000)
    p.add_argument("--dim", type=int, default=128)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--queries", type=int, default=1_000)
    p.add_argument("--clients", type=int, default=4)
    p.add_argument("--latency-writes", type=int, default=200)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--no-write", action="store_true", help="print JSON only; leave results/ and README alone")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if shutil.which("nats-server") is None:
        print("nats-server not found: sudo bash tools/setup_nats.sh", file=sys.stderr)
        return 2
    rng = np.random.default_rng(args.seed)
    data = rng.standard_normal((args.points, args.dim)).astype(np.float32)
    queries = rng.standard_normal((args.queries, args.dim)).astype(np.float32)
    result: dict[str, Any] = {
        "started_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "machine": machine_info(),
        "loadavg": load_average(), "git": git_state(), "points": args.points, "dim": args.dim,
        "queries": args.queries, "clients": args.clients, "batch": args.batch, "rows": [],
    }
    sizes: list[int | None] = [] if args.no_standalone else [None]
    sizes += [int(n) for n in args.nodes.split(",")]
    for size in sizes:
        with standalone() if size is None else cluster(size) as target:
            _log(f"{target.label}: {len(target.pids)} server processes, load {load_average()}")
            row = measure(target, data, queries, args)
            _log(f"{target.label}: {row}")
            result["rows"].append(row)
    print(json.dumps(result, indent=2))
    if not args.no_write:
        path = write_result(result, "cluster")
        replace_block("<!-- bench:cluster:start -->", "<!-- bench:cluster:end -->", render(result),
                      heading="## Cluster mode (`python -m bench.cluster`)")
        _log(f"wrote {path} and bench/README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
