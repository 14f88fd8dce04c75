"""qdrant-edge-py (`qdrant_edge`): Qdrant's Rust engine as an in-process library.

Points are upserted in batches of 1,000, payload indexes created, then `shard.optimize()` builds
the HNSW segments (timed as part of "seconds to indexed"). If the package is missing or its API
does not fit, the runner reports an error row and the other systems still run.
"""

from __future__ import annotations

import tempfile
from typing import Any

from bench.config import HNSW_EF_CONSTRUCTION, HNSW_M, QUERY_EFS, UPSERT_BATCH, RunConfig
from bench.data import FILTER_KINDS, PRICE_LT, TOP_K, Dataset, category_name
from bench.measure import Stopwatch, run_queries, search_row


def run(ds: Dataset, cfg: RunConfig) -> dict[str, Any]:
    try:
        import qdrant_edge as qe
    except ImportError as exc:
        return {
            "system": "qdrant-edge",
            "status": "error",
            "note": f"qdrant_edge not importable ({exc}); `pip install qdrant-edge-py` into the venv",
            "searches": [],
        }
    with tempfile.TemporaryDirectory(prefix="qdrant-edge-bench-") as path:
        shard = qe.EdgeShard.create(path, _config(qe, ds.dim))
        try:
            return _run(qe, shard, ds, cfg)
        finally:
            shard.close()


def _config(qe: Any, dim: int) -> Any:
    # full_scan_threshold is in KB as in Qdrant (10,000 is Qdrant's default)
    hnsw = qe.HnswIndexConfig(m=HNSW_M, ef_construct=HNSW_EF_CONSTRUCTION, full_scan_threshold=10_000)
    # indexing_threshold (KB) lowered from Qdrant's 10,000 so --quick sizes get an HNSW index too
    optimizers = qe.EdgeOptimizersConfig(indexing_threshold=1_000)
    return qe.EdgeConfig(
        vectors=qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine),
        hnsw_config=hnsw,
        optimizers=optimizers,
    )


def _run(qe: Any, shard: Any, ds: Dataset, cfg: RunConfig) -> dict[str, Any]:
    with Stopwatch() as up:
        for start in range(0, ds.n, UPSERT_BATCH):
            stop = min(start + UPSERT_BATCH, ds.n)
            points = [qe.Point(i, ds.vectors[i].tolist(), ds.payload(i)) for i in range(start, stop)]
            shard.update(qe.UpdateOperation.upsert_points(points))
    with Stopwatch() as pidx:
        shard.update(qe.UpdateOperation.create_field_index("category", qe.PayloadSchemaType.Keyword))
        shard.update(qe.UpdateOperation.create_field_index("price", qe.PayloadSchemaType.Integer))
    with Stopwatch() as opt:
        shard.optimize()
    info = shard.info()
    searches = []
    for ef in QUERY_EFS:
        for kind in FILTER_KINDS:
            searches.append(_search(qe, shard, ds, kind, cfg.queries, ef))
    # Qdrant's default filtered HNSW walk skips non-matching nodes, which costs recall at 30%;
    # ACORN (also walks two-hop neighbours) is Qdrant's own remedy, so show it too.
    for kind in FILTER_KINDS[1:]:
        searches.append(_search(qe, shard, ds, kind, cfg.queries, QUERY_EFS[0], acorn=True))
    to_indexed = up.seconds + pidx.seconds + opt.seconds
    return {
        "system": "qdrant-edge",
        "status": "ok",
        "note": f"qdrant-edge-py {_version()}, in-process Rust engine, HNSW built by shard.optimize()",
        "ingest": {"seconds": round(up.seconds, 2), "points_per_s": round(ds.n / up.seconds, 1)},
        "index": {
            "indexed": info.indexed_vectors_count > 0,
            "indexed_vectors_count": info.indexed_vectors_count,
            "segments_count": info.segments_count,
            "payload_index_seconds": round(pidx.seconds, 3),
            "optimize_seconds": round(opt.seconds, 2),
            "seconds_to_indexed": round(to_indexed, 2),
        },
        "searches": searches,
    }


def _filter(qe: Any, ds: Dataset, kind: str, qi: int) -> Any:
    match kind:
        case "plain":
            return None
        case "keyword_1pct":
            value = category_name(int(ds.query_category[qi]))
            return qe.Filter(must=[qe.FieldCondition(key="category", match=qe.MatchValue(value))])
        case "range_30pct":
            return qe.Filter(must=[qe.FieldCondition(key="price", range=qe.RangeFloat(lt=float(PRICE_LT)))])
    raise ValueError(f"unknown filter kind {kind!r}")


def _search(
    qe: Any, shard: Any, ds: Dataset, kind: str, n_queries: int, ef: int, acorn: bool = False
) -> dict[str, Any]:
    params = qe.SearchParams(hnsw_ef=ef, acorn=qe.AcornSearchParams(enable=True) if acorn else None)
    requests = [
        qe.QueryRequest(
            limit=TOP_K,
            query=qe.Query.Nearest(ds.queries[qi].tolist()),
            filter=_filter(qe, ds, kind, qi),
            params=params,
            with_payload=False,
        )
        for qi in range(n_queries)
    ]  # built before timing starts

    def one(qi: int) -> list[int]:
        return [int(p.id) for p in shard.query(requests[qi])]

    found, times = run_queries(n_queries, one)
    return search_row(kind, f"ef={ef}" + (" acorn" if acorn else ""), found, times, ds.truth[kind])


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("qdrant-edge-py")
    except PackageNotFoundError:
        return "?"
