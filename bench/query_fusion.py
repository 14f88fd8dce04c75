"""Latency of a prefetch + fusion query (two nearest prefetches of 100 each, RRF, limit 10) on a
seeded synthetic collection, in-process (no transport): `python -m bench.query_fusion [--points N]`.

Points are upserted and the optimizer is run to completion first, so the prefetches go through
the HNSW graphs of sealed segments as they would on a server at rest.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from engine.collection import Collection, reads
from engine.shard.optimizer import optimize_shard
from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams
from engine.types.operations import UpsertPoints
from engine.types.points import PointStruct
from engine.types.requests import Fusion, FusionQuery, NearestQuery, Prefetch, QueryRequest


def build(points: int, dim: int, seed: int) -> Collection:
    params = CollectionParams(vectors={"": VectorParams(size=dim, distance=Distance.COSINE)}, unnamed=True)
    col = Collection("bench", CollectionConfig(params=params))
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(points, dim)).astype(np.float32)
    for start in range(0, points, 5000):
        batch = [PointStruct(id=i, vectors={"": vectors[i]}, payload={"bucket": i % 10})
                 for i in range(start, min(start + 5000, points))]
        col.update(UpsertPoints(points=batch))
    while optimize_shard(col.shard):
        pass
    return col


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--fusion", choices=["rrf", "dbsf"], default="rrf")
    args = parser.parse_args()
    started = time.perf_counter()
    col = build(args.points, args.dim, seed=42)
    built = time.perf_counter() - started
    rng = np.random.default_rng(7)
    latencies = []
    for _ in range(args.queries):
        q1, q2 = rng.normal(size=(2, args.dim)).astype(np.float32)
        request = QueryRequest(prefetch=[Prefetch(query=NearestQuery(vector=q1), limit=100),
                                         Prefetch(query=NearestQuery(vector=q2), limit=100)],
                               query=FusionQuery(Fusion(args.fusion)), limit=10)
        t = time.perf_counter()
        reads.query(col, request)
        latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    print(json.dumps({
        "points": args.points, "dim": args.dim, "fusion": args.fusion, "build_s": round(built, 1),
        "segments": len(col.segments), "indexed_vectors": sum(s.indexed_vectors() for s in col.segments),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
        "mean_ms": round(statistics.fmean(latencies), 2),
    }))


if __name__ == "__main__":
    main()
