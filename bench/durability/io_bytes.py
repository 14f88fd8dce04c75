"""`python -m bench.durability.io_bytes`: bytes the server writes (/proc/PID/io `write_bytes`).

1. Batch ingest: N points (seeded, bench/durability/points.py: 128-d, `category` keyword and
   `price` integer payload, both indexed) through REST with the stock client, batches of 1,000,
   `wait=true`; then wait until the collection is green (segments sealed, graphs built, merges
   done) and one flush interval more. Reported against the raw bytes ingested (float32 vectors +
   the payloads' JSON) and against the request bodies' JSON.
2. Single-point upserts: `--singles` upserts of one point each, one per second, into the ingested
   collection; bytes written from the first to one flush interval after the last, per upsert.

The server runs with its default settings (WAL fsync `always`, flush every 5 s); its log goes to
/dev/null so that only storage writes are counted. Results: bench/results/io-bytes-<stamp>.json
and io-bytes-latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qdrant_client import QdrantClient, models

from bench.data import category_name
from bench.durability.points import PointSource
from bench.machine import machine_info
from bench.run_info import load_average, write_result
from bench.server_proc import REPO_ROOT, free_port

COLLECTION = "io"


def proc_io(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        key, _, value = line.partition(":")
        out[key.strip()] = int(value)
    return out


def written(before: dict[str, int], after: dict[str, int]) -> int:
    """Bytes sent to storage, minus those cancelled by truncation before they reached the disk."""
    return (after["write_bytes"] - before["write_bytes"]) - (
        after["cancelled_write_bytes"] - before["cancelled_write_bytes"])


def start(storage: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = dict(os.environ)
    env.update(QDRANT__SERVICE__HOST="127.0.0.1", QDRANT__SERVICE__HTTP_PORT=str(port),
               QDRANT__SERVICE__GRPC_PORT=str(free_port()), QDRANT__STORAGE__STORAGE_PATH=str(storage),
               QDRANT__STORAGE__SNAPSHOTS_PATH=str(storage.parent / "snapshots"), QDRANT__LOG_LEVEL="WARNING")
    proc = subprocess.Popen([sys.executable, "-m", "server"], cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if QdrantClient(url=url, timeout=2).get_collections() is not None:
                return proc, url
        except Exception:  # not up yet
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def wait_green(client: QdrantClient, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if client.get_collection(COLLECTION).status == models.CollectionStatus.GREEN:
            return time.monotonic() - started
        time.sleep(0.5)
    raise RuntimeError("collection did not become green")


def points(source: PointSource, start: int, size: int) -> list[models.PointStruct]:
    ids, vectors, cats, prices = source.batch(start, size)
    return [models.PointStruct(id=int(i), vector=v.tolist(), payload={"category": category_name(int(c)),
                                                                      "price": int(p)})
            for i, v, c, p in zip(ids, vectors, cats, prices, strict=True)]


def run(n: int, singles: int, dim: int, seed: int) -> dict[str, Any]:
    source = PointSource(dim, seed)
    work = Path(tempfile.mkdtemp(prefix="bench-io-"))
    proc, url = start(work / "storage")
    client = QdrantClient(url=url, timeout=120)
    try:
        client.create_collection(COLLECTION, vectors_config=models.VectorParams(size=dim, distance=models.Distance.COSINE))
        for key, kind in (("category", models.PayloadSchemaType.KEYWORD), ("price", models.PayloadSchemaType.INTEGER)):
            client.create_payload_index(COLLECTION, key, kind, wait=True)
        flush_s = 5 + 1
        before = proc_io(proc.pid)
        raw = body = 0
        started = time.monotonic()
        for start_at in range(0, n, 1000):
            batch = points(source, start_at, min(1000, n - start_at))
            raw += sum(dim * 4 + len(json.dumps(p.payload)) for p in batch)
            body += len(json.dumps({"points": [p.model_dump(exclude_none=True) for p in batch]}))
            client.upsert(COLLECTION, points=batch, wait=True)
        ingest_s = time.monotonic() - started
        green_s = wait_green(client, 1800)
        time.sleep(flush_s)
        after = proc_io(proc.pid)
        info = client.get_collection(COLLECTION)
        ingest = {"points": n, "ingest_s": round(ingest_s, 1), "green_after_s": round(green_s, 1),
                  "raw_bytes": raw, "request_json_bytes": body, "written_bytes": written(before, after),
                  "segments": info.segments_count, "indexed_vectors": info.indexed_vectors_count}
        ingest["written_per_raw_byte"] = round(ingest["written_bytes"] / raw, 2)
        ingest["written_per_json_byte"] = round(ingest["written_bytes"] / body, 2)
        ingest["disk_bytes"] = sum(p.stat().st_size for p in (work / "storage").rglob("*") if p.is_file())

        before = proc_io(proc.pid)
        for k in range(singles):
            client.upsert(COLLECTION, points=points(source, n + k, 1), wait=True)
            time.sleep(1.0)
        time.sleep(flush_s)
        after = proc_io(proc.pid)
        single = {"upserts": singles, "collection_points": n, "written_bytes": written(before, after)}
        single["bytes_per_upsert"] = round(single["written_bytes"] / singles)
        return {"ingest": ingest, "single_point_upserts": single}
    finally:
        client.close()
        proc.kill()
        proc.wait()
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.durability.io_bytes", description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=200_000)
    p.add_argument("--singles", type=int, default=30)
    p.add_argument("--dim", type=int, default=128)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--no-write", action="store_true", help="print only")
    args = p.parse_args(argv)
    started_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    result = {"started_at": started_at, "command": " ".join(["python -m bench.durability.io_bytes", *(argv or sys.argv[1:])]),
              "machine": machine_info(), "loadavg": load_average(), **run(args.n, args.singles, args.dim, args.seed)}
    text = json.dumps(result, indent=2) + "\n"
    print(text)
    if not args.no_write:
        write_result(result, "io-bytes")


if __name__ == "__main__":
    main()
