"""`python -m bench.strategies`: how to search an HNSW segment under a filter, measured in-process.

One seeded data set, one sealed segment with an hnswlib graph built by the engine, and raw hnswlib
with the same parameters. For each filter selectivity it times, at the same `ef`:
- `exact`: numpy over the filter's candidates (payload index answers the filter);
- `over-fetch`: unfiltered graph search for 2·k/selectivity, keep matches (callback if too few);
- `whole beam`: unfiltered graph search with a beam of 4·ef, keep every matching label of the
  beam (a numpy bitmask, no callback), re-score exactly;
- `callback`: graph search with hnswlib's per-node Python filter callback;
- `planner`: what the engine chooses (`nearest()`, including computing the filter from the index);
- raw hnswlib (plain, and with the callback) as the ceiling.
Then the planner next to qdrant-edge (same vectors, payloads and HNSW parameters, in the same
run) for a 1% keyword filter (indexed, and on a key without a payload index) and 10% / 30% ranges.
Results: bench/results/strategies.json and the table between markers in bench/README.md.
"""

# ruff: noqa: E402  (BLAS threads must be pinned before numpy is imported, as in server/__main__.py)
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # as the server does (server/__main__.py)

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import hnswlib
import numpy as np

from bench.data import make_dataset
from engine.collection import Collection
from engine.segment.hnsw_index import HnswIndex
from engine.segment.search import SegmentQuery, _exact
from engine.segment.vector_column import VectorColumn
from engine.shard.optimizer import optimize_shard
from engine.shard.search import nearest
from engine.types.config import CollectionConfig, CollectionParams, Distance, OptimizersConfig, VectorParams
from engine.types.filters import FieldMatch, FieldRange, Filter, MatchValue, Range
from engine.types.operations import CreateFieldIndex, UpsertPoints
from engine.types.payload_schema import PayloadSchema
from engine.types.points import PointStruct
from engine.types.requests import SearchParams

README = Path(__file__).with_name("README.md")
START, END = "<!-- bench:strategies:start -->", "<!-- bench:strategies:end -->"
SELECTIVITIES = (0.001, 0.01, 0.1, 0.3, 0.5)
K = 10


def build(n: int, dim: int) -> tuple[Collection, np.ndarray, np.ndarray, np.ndarray]:
    ds = make_dataset(n, dim, 200)
    rank = np.random.default_rng(7).permutation(n)  # "rank" uniform in [0, n): rank < s·n selects s
    params = CollectionParams(vectors={"": VectorParams(size=dim, distance=Distance.COSINE)}, unnamed=True)
    col = Collection("b", CollectionConfig(params=params, optimizer_config=OptimizersConfig(indexing_threshold=1)))
    col.update(CreateFieldIndex(key="rank", schema=PayloadSchema(type="integer")))
    col.update(CreateFieldIndex(key="cat", schema=PayloadSchema(type="keyword")))
    for s in range(0, n, 5000):
        col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": ds.vectors[i]}, payload=_payload(i, rank))
                                        for i in range(s, min(s + 5000, n))]))
    optimize_shard(col.shard)  # seals the one segment and builds its graph
    return col, ds.vectors, ds.queries, rank


def _payload(i: int, rank: np.ndarray) -> dict[str, object]:
    """`cat` (indexed) and `tag` (no index) hold the same 1-in-100 keyword."""
    return {"rank": int(rank[i]), "cat": f"c{i % 100}", "tag": f"c{i % 100}"}


def timed(fn: object, queries: np.ndarray) -> tuple[float, list[set[int]]]:
    out, times = [], []
    for q in queries:
        t = time.perf_counter()
        out.append(fn(q))  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return float(np.median(times) * 1000), out


def recall(found: list[set[int]], truth: list[set[int]]) -> float:
    return sum(len(f & t) for f, t in zip(found, truth, strict=True)) / max(1, sum(len(t) for t in truth))


def run(n: int, dim: int, ef: int) -> list[dict[str, object]]:
    col, vectors, queries, rank = build(n, dim)
    seg = col.segments[0]
    index = seg.hnsw[""]
    raw = hnswlib.Index(space="ip", dim=dim)
    raw.init_index(max_elements=n, M=16, ef_construction=100, random_seed=100)
    raw.add_items(vectors, np.arange(n))
    raw.set_ef(ef)
    rows: list[dict[str, object]] = []
    base_ms, _ = timed(lambda q: set(raw.knn_query(q, k=K, num_threads=1)[0][0].tolist()), queries)
    plain_ms, _ = timed(lambda q: {seg.point_id(o) for _, seg, o in nearest(col.shard.view(), "", q, None, K, SearchParams(hnsw_ef=ef))},
                        queries)
    rows.append({"filter": "none", "hnswlib_ms": base_ms, "planner_ms": plain_ms, "ratio": plain_ms / base_ms})
    column = seg.dense[""]
    data = column.data
    for sel in SELECTIVITIES:
        allowed = rank < sel * n
        offsets = np.flatnonzero(allowed)
        truth = [set(offsets[np.argsort(-(data[offsets] @ q))[:K]].tolist()) for q in queries]
        for name, fn in _strategies(col, index, raw, column, allowed, sel, ef).items():
            ms, found = timed(fn, queries)
            rows.append({"filter": f"{sel:.1%}", "strategy": name, "p50_ms": ms, "recall": recall(found, truth)})
    rows.extend(_against_edge(col, vectors, queries, rank, ef))
    return rows


def _filters(n: int) -> dict[str, tuple[Filter, Callable[[np.ndarray], np.ndarray]]]:
    """name → (engine filter, which of the offsets 0..n-1 (= point ids) it allows)."""
    ids = np.arange(n)
    cat = Filter(must=(FieldMatch(key="cat", match=MatchValue("c7")),))
    tag = Filter(must=(FieldMatch(key="tag", match=MatchValue("c7")),))
    r10 = Filter(must=(FieldRange(key="rank", range=Range(lt=0.1 * n)),))
    r30 = Filter(must=(FieldRange(key="rank", range=Range(lt=0.3 * n)),))
    return {"1% keyword": (cat, lambda rank: ids % 100 == 7),
            "1% keyword, no index": (tag, lambda rank: ids % 100 == 7),
            "10% range": (r10, lambda rank: rank < 0.1 * n),
            "30% range": (r30, lambda rank: rank < 0.3 * n)}


def _against_edge(col: Collection, vectors: np.ndarray, queries: np.ndarray, rank: np.ndarray,
                  ef: int) -> list[dict[str, object]]:
    """The planner and qdrant-edge on the same data, filters and ef (edge skipped if missing)."""
    n = vectors.shape[0]
    params = SearchParams(hnsw_ef=ef)
    edge = _edge(vectors, rank, ef)
    rows: list[dict[str, object]] = []
    for name, (flt, allowed_of) in _filters(n).items():
        offsets = np.flatnonzero(allowed_of(rank))
        truth = [set(offsets[np.argsort(-(vectors[offsets] @ q))[:K]].tolist()) for q in queries]
        nearest(col.shard.view(), "", queries[0], flt, K, params)  # a first query builds an automatic index
        ms, found = timed(lambda q, f=flt: {seg.point_id(o) for _, seg, o in nearest(col.shard.view(), "", q, f, K, params)},
                          queries)
        row: dict[str, object] = {"filter": name, "strategy": "planner vs qdrant-edge", "p50_ms": ms,
                                  "recall": recall(found, truth)}
        if edge is not None:
            edge_ms, edge_found = timed(lambda q, f=name: edge(q, f), queries)
            row.update(edge_ms=edge_ms, edge_recall=recall(edge_found, truth), ratio=ms / edge_ms)
        rows.append(row)
    return rows


def _edge(vectors: np.ndarray, rank: np.ndarray, ef: int) -> Callable[[np.ndarray, str], set[int]] | None:
    try:
        import qdrant_edge as qe
    except ImportError:
        return None
    import tempfile

    n, dim = vectors.shape
    path = tempfile.mkdtemp(prefix="strategies-edge-")
    config = qe.EdgeConfig(
        vectors=qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine),
        hnsw_config=qe.HnswIndexConfig(m=16, ef_construct=100, full_scan_threshold=10_000),
        optimizers=qe.EdgeOptimizersConfig(indexing_threshold=1_000))
    shard = qe.EdgeShard.create(path, config)
    for s in range(0, n, 1000):
        shard.update(qe.UpdateOperation.upsert_points(
            [qe.Point(i, vectors[i].tolist(), _payload(i, rank)) for i in range(s, min(s + 1000, n))]))
    shard.update(qe.UpdateOperation.create_field_index("cat", qe.PayloadSchemaType.Keyword))
    shard.update(qe.UpdateOperation.create_field_index("rank", qe.PayloadSchemaType.Integer))
    shard.optimize()
    filters = {
        "1% keyword": qe.Filter(must=[qe.FieldCondition(key="cat", match=qe.MatchValue("c7"))]),
        "1% keyword, no index": qe.Filter(must=[qe.FieldCondition(key="tag", match=qe.MatchValue("c7"))]),
        "10% range": qe.Filter(must=[qe.FieldCondition(key="rank", range=qe.RangeFloat(lt=0.1 * n))]),
        "30% range": qe.Filter(must=[qe.FieldCondition(key="rank", range=qe.RangeFloat(lt=0.3 * n))]),
    }
    search = qe.SearchParams(hnsw_ef=ef)

    def query(q: np.ndarray, name: str) -> set[int]:
        request = qe.QueryRequest(limit=K, query=qe.Query.Nearest(q.tolist()), filter=filters[name],
                                  params=search, with_payload=False)
        return {int(p.id) for p in shard.query(request)}

    return query


def _strategies(col: Collection, index: HnswIndex, raw: hnswlib.Index, column: VectorColumn, allowed: np.ndarray,
                sel: float, ef: int) -> dict[str, Callable[[np.ndarray], set[int]]]:
    offsets = np.flatnonzero(allowed)
    n = allowed.shape[0]
    flt = Filter(must=(FieldRange(key="rank", range=Range(lt=sel * n)),))
    params = SearchParams(hnsw_ef=ef)

    def labels_of(labels: np.ndarray | None) -> set[int]:
        return set() if labels is None else set(labels.tolist())

    def exact(q: np.ndarray) -> set[int]:
        return set(_exact(column, offsets, SegmentQuery("", q, Distance.COSINE, K, params, ef, 0))[1].tolist())

    def over(q: np.ndarray) -> set[int]:
        want = int(K / sel * 2) + 1  # unfiltered neighbours, keep the matching ones
        labels = index.search(q, want, max(ef, want))
        return set() if labels is None else set(labels[allowed[labels]][:K].tolist())

    def whole_beam(q: np.ndarray) -> set[int]:
        width = 4 * ef
        labels = index.search(q, width, width)  # the whole final beam, best first
        if labels is None:
            return set()
        kept = labels[allowed[labels]]
        return set(_exact(column, kept, SegmentQuery("", q, Distance.COSINE, K, params, ef, 0))[1].tolist())

    return {
        "exact": exact,
        "over-fetch (rejected)": over,
        "whole beam 4·ef (rejected)": whole_beam,
        "callback": lambda q: labels_of(index.search(q, K, ef, allowed=allowed.__getitem__)),
        "callback, ef·min(4, 1/sel²)": lambda q: labels_of(
            index.search(q, K, int(ef * min(4.0, 1.0 / sel**2)), allowed=allowed.__getitem__)),
        "planner": lambda q: {o for _, _, o in nearest(col.shard.view(), "", q, flt, K, params)},
        "hnswlib callback": lambda q: set(raw.knn_query(q, k=K, num_threads=1, filter=allowed.__getitem__)[0][0].tolist()),
    }


def render(rows: list[dict[str, object]], n: int, dim: int, ef: int) -> str:
    head = rows[0]
    lines = [f"`python -m bench.strategies --n {n} --dim {dim} --ef {ef}` — one sealed segment, top-{K}, one thread.", "",
             f"Unfiltered: raw hnswlib {head['hnswlib_ms']:.3f} ms, engine `nearest()` {head['planner_ms']:.3f} ms "
             f"(ratio {head['ratio']:.2f}×).", "",
             "| filter | strategy | p50 ms | recall@10 |", "|---|---|---|---|"]
    for r in rows[1:]:
        if "edge_ms" not in r and r["strategy"] != "planner vs qdrant-edge":
            lines.append(f"| {r['filter']} | {r['strategy']} | {r['p50_ms']:.3f} | {r['recall']:.3f} |")
    lines += ["", "The planner (`nearest()`, filter answered by `CompiledFilter.candidates`) beside qdrant-edge, "
              "same data and ef, same run:", "",
              "| filter | planner p50 ms | recall@10 | qdrant-edge p50 ms | recall@10 | ratio |", "|---|---|---|---|---|---|"]
    for r in rows[1:]:
        if r["strategy"] == "planner vs qdrant-edge":
            edge = (f"{r['edge_ms']:.3f} | {r['edge_recall']:.3f} | {r['ratio']:.2f}×" if "edge_ms" in r
                    else "– | – | –")
            lines.append(f"| {r['filter']} | {r['p50_ms']:.3f} | {r['recall']:.3f} | {edge} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench.strategies")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--ef", type=int, default=64)
    args = parser.parse_args()
    rows = run(args.n, args.dim, args.ef)
    out = Path(__file__).with_name("results") / "strategies.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"n": args.n, "dim": args.dim, "ef": args.ef, "rows": rows}, indent=1))
    table = render(rows, args.n, args.dim, args.ef)
    text = README.read_text()
    if START in text:
        text = text[: text.index(START) + len(START)] + "\n" + table + "\n" + text[text.index(END):]
    else:
        text += f"\n## Filtered-search strategies (in-process)\n\n{START}\n{table}\n{END}\n"
    README.write_text(text)
    print(table)


if __name__ == "__main__":
    main()
