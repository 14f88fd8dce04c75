"""`python -m bench.cluster_transfer`: how long a new replica takes to fill by `stream_records` (replaying
the shard's stream) and by `snapshot` (cluster/snapshot_transfer.py), on the same overwritten shard.

python -m bench.cluster_transfer                     # 10,000 x 64 points, every point written 4 times
python -m bench.cluster_transfer --points 5000 --writes 2

A local cluster (`tools.cluster.LocalCluster`: 1 nats-server + 2 Quiver nodes, streams never trimmed so
both methods can run) gets a collection of 1 shard with 1 replica; --points points are upserted
--writes times over (batches of --batch, wait=true), so the stream holds --writes times the shard's
points. The replica is then copied to the other node by `replicate_shard` with each method in turn
(the copy is dropped in between); a transfer's time runs from the request to the moment both nodes
report no transfer and both replicas Active with the same point count. CPU seconds are the target
node's and the source node's (utime + stime from /proc) over the transfer.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench.cluster import cpu_seconds
from bench.machine import machine_info
from bench.run_info import git_state, load_average, progress, replace_block, write_result
from tools.cluster import LocalCluster

COLLECTION = "bench_transfer"


def _log(msg: str) -> None:
    progress("bench.cluster_transfer", msg)


def _view(url: str) -> dict[str, Any]:
    answer = httpx.get(f"{url}/collections/{COLLECTION}/cluster", timeout=30)
    answer.raise_for_status()
    result: dict[str, Any] = answer.json()["result"]
    return result


def _settled(cluster: LocalCluster, points: int, peers: int) -> bool:
    for node in cluster.nodes:
        view = _view(node.url)
        states = [s["state"] for s in view["local_shards"]] + [s["state"] for s in view["remote_shards"]]
        if view["shard_transfers"] or len(states) != peers or set(states) != {"Active"}:
            return False
        if any(s["points_count"] != points for s in view["local_shards"]):
            return False
    return True


def _wait(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _pid(node: Any) -> int:
    assert node.process is not None
    return int(node.process.pid)


def run(points: int, writes: int, batch: int, dim: int, seed: int) -> dict[str, Any]:
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    result: dict[str, Any] = {"started_at": started, "git": git_state(), "machine": machine_info(),
                              "load_average_start": load_average(),
                              "params": {"points": points, "writes": writes, "batch": batch, "dim": dim,
                                         "seed": seed}, "rows": []}
    rng = np.random.default_rng(seed)
    env = {"QDRANT__CLUSTER__NATS__TRIM_INTERVAL_SEC": "0"}
    with tempfile.TemporaryDirectory() as tmp:
        cluster = LocalCluster(Path(tmp), nodes=2, nats=1, node_env=env)
        with cluster.running():
            url = cluster.nodes[0].url
            answer = httpx.put(f"{url}/collections/{COLLECTION}", timeout=60, json={
                "vectors": {"size": dim, "distance": "Cosine"}, "shard_number": 1, "replication_factor": 1})
            answer.raise_for_status()
            t0 = time.monotonic()
            with httpx.Client(base_url=url, timeout=120) as http:
                for round_ in range(writes):
                    for start in range(0, points, batch):
                        ids = range(start, min(points, start + batch))
                        vectors = rng.random((len(ids), dim), dtype=np.float32)
                        body = {"points": [{"id": i, "vector": v.tolist(), "payload": {"round": round_, "i": i}}
                                           for i, v in zip(ids, vectors, strict=True)]}
                        http.put(f"/collections/{COLLECTION}/points", params={"wait": "true"},
                                 json=body).raise_for_status()
            result["write_seconds"] = round(time.monotonic() - t0, 2)
            _log(f"wrote {points} x {writes} in {result['write_seconds']} s")
            view = _view(url)
            source = next(iter([view["peer_id"]] if view["local_shards"] else
                               [s["peer_id"] for s in view["remote_shards"]]))
            peers = {_view(n.url)["peer_id"]: n for n in cluster.nodes}
            target = next(p for p in peers if p != source)
            for method in ("stream_records", "snapshot"):
                pids = [_pid(peers[target]), _pid(peers[source])]
                cpu_before = [cpu_seconds([p]) for p in pids]
                load = load_average()
                t0 = time.monotonic()
                answer = httpx.post(f"{url}/collections/{COLLECTION}/cluster", timeout=60, json={
                    "replicate_shard": {"shard_id": 0, "from_peer_id": source, "to_peer_id": target,
                                        "method": method}})
                answer.raise_for_status()
                _wait(lambda: _settled(cluster, points, 2), 600, f"the {method} transfer")
                seconds = time.monotonic() - t0
                cpu = [cpu_seconds([p]) - b for p, b in zip(pids, cpu_before, strict=True)]
                row = {"method": method, "seconds": round(seconds, 2), "target_cpu_s": round(cpu[0], 2),
                       "source_cpu_s": round(cpu[1], 2), "load_average": load}
                result["rows"].append(row)
                _log(f"{method}: {row}")
                answer = httpx.post(f"{url}/collections/{COLLECTION}/cluster", timeout=60, json={
                    "drop_replica": {"shard_id": 0, "peer_id": target}})
                answer.raise_for_status()
                _wait(lambda: _settled(cluster, points, 1), 120, "the copy to be dropped")
    result["load_average_end"] = load_average()
    return result


def render(result: dict[str, Any]) -> str:
    p = result["params"]
    rows = {r["method"]: r for r in result["rows"]}
    replay, snap = rows["stream_records"], rows["snapshot"]
    lines = [f"Run {result['started_at']} on {result['git'].get('head', '?')}, {p['points']} x {p['dim']} "
             f"points written {p['writes']} times (a stream of {p['points'] * p['writes']} point upserts), "
             f"1 nats-server + 2 nodes, load average {result['load_average_start']} at start.",
             "",
             "| method | fill time s | target CPU s | source CPU s | load average |",
             "|---|---|---|---|---|"]
    for r in result["rows"]:
        lines.append(f"| {r['method']} | {r['seconds']} | {r['target_cpu_s']} | {r['source_cpu_s']} | "
                     f"{r['load_average']} |")
    lines.append("")
    lines.append(f"snapshot / stream_records: time {snap['seconds'] / replay['seconds']:.2f}x, target CPU "
                 f"{snap['target_cpu_s'] / max(replay['target_cpu_s'], 0.01):.2f}x.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster_transfer")
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--writes", type=int, default=4)
    parser.add_argument("--batch", type=int, default=250)
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.points, args.writes, args.batch, args.dim, args.seed)
    path = write_result(result, "cluster_transfer")
    if not args.no_readme:
        replace_block("<!-- bench:cluster_transfer:start -->", "<!-- bench:cluster_transfer:end -->",
                      render(result), heading="## Cluster shard transfers (`python -m bench.cluster_transfer`)")
    print(render(result))
    print(f"result: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
