"""In-process sparse search latency: 100k points with ~40 non-zeros drawn from a Zipf-like
vocabulary of 30k dimensions, 10-term queries, with and without the IDF modifier, and with the
IDF modifier over a corpus (`params.idf.corpus`: a keyword-indexed tenant holding 10% of the points;
the same queries, unfiltered retrieval).

Run: `python -m bench.sparse_latency` (seeded; prints one JSON line per case)."""

from __future__ import annotations

import json
import time

import numpy as np

from engine.collection import Collection
from engine.shard.search import nearest
from engine.types.config import CollectionConfig, CollectionParams, Modifier, SparseVectorParams
from engine.types.filters import FieldMatch, Filter, MatchValue
from engine.types.operations import CreateFieldIndex, UpsertPoints
from engine.types.payload_schema import PayloadSchema
from engine.types.points import PointStruct, SparseVector
from engine.types.requests import IdfParams, SearchParams

POINTS, VOCAB, NNZ, QUERY_TERMS, QUERIES = 100_000, 30_000, 40, 10, 200


def _vector(rng: np.random.Generator, probs: np.ndarray, size: int) -> SparseVector:
    idx = np.unique(rng.choice(VOCAB, size=size, p=probs)).astype(np.uint32)
    return SparseVector(idx, rng.random(idx.size).astype(np.float32))


def run(modifier: Modifier | None, corpus: bool = False) -> dict[str, float | str]:
    rng = np.random.default_rng(0)
    probs = 1.0 / np.arange(1, VOCAB + 1) ** 0.8
    probs /= probs.sum()
    params = CollectionParams(vectors={}, unnamed=False, sparse_vectors={"s": SparseVectorParams(modifier=modifier)})
    col = Collection("bench", CollectionConfig(params=params))
    col.update(CreateFieldIndex(key="tenant", schema=PayloadSchema(type="keyword")))
    started = time.perf_counter()
    for start in range(0, POINTS, 1000):
        col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"s": _vector(rng, probs, NNZ)},
                                                    payload={"tenant": f"t{i % 10}"})
                                        for i in range(start, start + 1000)]))
    insert_s = time.perf_counter() - started
    latencies = []
    tenant = Filter(must=(FieldMatch(key="tenant", match=MatchValue(value="t3")),))
    search = SearchParams(idf=IdfParams(corpus=tenant)) if corpus else None
    for _ in range(QUERIES):
        query = _vector(rng, probs, QUERY_TERMS)
        t = time.perf_counter()
        nearest(col.shard.view(), "s", query, None, 10, search)
        latencies.append((time.perf_counter() - t) * 1000)
    ms = np.asarray(latencies)
    return {"modifier": ("idf, corpus 10%" if corpus else "idf") if modifier else "none", "points": POINTS, "insert_points_per_s": round(POINTS / insert_s),
            "p50_ms": round(float(np.percentile(ms, 50)), 3), "p95_ms": round(float(np.percentile(ms, 95)), 3)}


if __name__ == "__main__":
    for mod, corpus in ((None, False), (Modifier.IDF, False), (Modifier.IDF, True)):
        print(json.dumps(run(mod, corpus)))
