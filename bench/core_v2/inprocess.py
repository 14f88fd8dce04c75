"""Figure family 3: the engine in-process on one sealed 100k segment, against its peers.

Same data set, same queries, one query at a time on one thread, every system warmed up first:
- unfiltered: the engine's query API at ef 64/128 against raw hnswlib, compared at equal recall
  (hnswlib's latency at the engine's recall, interpolated over an ef sweep);
- 1% keyword and 10% range: against qdrant-edge at the same ef (goal: ≤ 1.5× at recall ≥ 0.99);
- 30% range: against qdrant-edge with ACORN at equal recall (interpolated over an ef sweep).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from bench.core_v2 import engine_api, peers
from bench.data import Dataset, exact_top_k
from bench.measure import run_queries, search_row

ENGINE_EFS = (64, 128)
SWEEP_EFS = (16, 24, 32, 48, 64, 96, 128, 192, 256)
ACORN_EFS = (16, 32, 64, 128, 256)
KINDS = ("plain", "keyword_1pct", "range_10pct", "range_30pct")
WARMUP = 20
LIMITS = {"range_10pct": 100, "range_30pct": 300}  # price < value


def run(ds: Dataset, n_queries: int) -> dict[str, Any]:
    n_queries = min(n_queries, len(ds.queries))
    queries = ds.queries[:n_queries]
    for kind in KINDS:
        if kind not in ds.truth:
            ds.truth[kind] = exact_top_k(ds, kind)
    rows: list[dict[str, Any]] = []
    out: dict[str, Any] = {"queries": n_queries, "rows": rows}

    t0 = time.perf_counter()
    col = engine_api.build(ds)
    out["engine_build_s"] = round(time.perf_counter() - t0, 1)
    out["engine_layout"] = engine_api.layout(col)
    for kind in KINDS:
        flts = [_engine_filter(ds, kind, qi) for qi in range(n_queries)]
        for ef in ENGINE_EFS:
            rows.append(_measure("quiver", kind, f"ef={ef}", engine_api.searcher(col, ef, queries, flts), ds,
                                 n_queries))
    del col
    gc.collect()

    index = peers.hnswlib_index(ds)
    for ef in SWEEP_EFS:
        rows.append(_measure("hnswlib", "plain", f"ef={ef}", peers.hnswlib_searcher(index, ef, queries), ds,
                             n_queries))
    del index

    with peers.edge_shard(ds) as (shard, layout):
        out["edge_layout"] = layout
        for kind in KINDS:
            flts = [_edge_filter(ds, kind, qi) for qi in range(n_queries)]
            for ef in ENGINE_EFS:
                rows.append(_measure("qdrant-edge", kind, f"ef={ef}", peers.edge_searcher(shard, ef, queries, flts),
                                     ds, n_queries))
            if kind == "range_30pct":
                for ef in ACORN_EFS:
                    search = peers.edge_searcher(shard, ef, queries, flts, acorn=True)
                    rows.append(_measure("qdrant-edge", kind, f"ef={ef} acorn", search, ds, n_queries))
    out["comparisons"] = compare(rows)
    return out


def _engine_filter(ds: Dataset, kind: str, qi: int) -> Any:
    if kind == "plain":
        return None
    if kind == "keyword_1pct":
        return engine_api.keyword_filter(int(ds.query_category[qi]))
    return engine_api.range_filter(LIMITS[kind])


def _edge_filter(ds: Dataset, kind: str, qi: int) -> Any:
    if kind == "plain":
        return None
    if kind == "keyword_1pct":
        return peers.edge_keyword(int(ds.query_category[qi]))
    return peers.edge_range(LIMITS[kind])


def _measure(system: str, kind: str, params: str, search: Callable[[int], list[int]], ds: Dataset,
             n_queries: int) -> dict[str, Any]:
    for qi in range(min(WARMUP, n_queries)):
        search(qi)
    found, times = run_queries(n_queries, search)
    return {"system": system, **search_row(kind, params, found, times, ds.truth[kind])}


def latency_at_recall(points: list[tuple[float, float]], recall: float) -> tuple[float | None, str]:
    """Latency a peer needs for `recall`, linearly interpolated over its (recall, p50) sweep.

    Below the sweep's lowest recall the lowest-recall point is returned ("at most": the peer could be
    faster still); above its highest, None (the peer never reaches that recall)."""
    pts = sorted(points)
    if not pts or recall > pts[-1][0] + 1e-9:
        return None, "peer never reaches this recall"
    if recall <= pts[0][0]:
        return pts[0][1], "peer's lowest setting already reaches it"
    for (r0, l0), (r1, l1) in zip(pts, pts[1:], strict=False):
        if r0 <= recall <= r1:
            if r1 - r0 < 1e-12:
                return min(l0, l1), "interpolated"
            return l0 + (l1 - l0) * (recall - r0) / (r1 - r0), "interpolated"
    return pts[-1][1], "interpolated"


def _frontier(rows: list[dict[str, Any]]) -> list[tuple[float, float]]:
    """(recall, p50) points, keeping for each recall the fastest, and dropping any point that a
    faster one with at least its recall dominates (a sweep is not always monotone)."""
    pts = sorted(((r["recall_at_10"], r["p50_ms"]) for r in rows), key=lambda p: (-p[0], p[1]))
    out: list[tuple[float, float]] = []
    for rec, lat in pts:
        if not out or lat < out[-1][1]:
            out.append((rec, lat))
    return sorted(out)


def compare(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def pick(system: str, kind: str, params: str) -> dict[str, Any] | None:
        return next((r for r in rows if (r["system"], r["filter"], r["params"]) == (system, kind, params)), None)

    out: dict[str, Any] = {}
    hnsw = _frontier([r for r in rows if r["system"] == "hnswlib"])
    acorn = _frontier([r for r in rows if r["system"] == "qdrant-edge" and r["params"].endswith("acorn")])
    for ef in ENGINE_EFS:
        params = f"ef={ef}"
        mine = pick("quiver", "plain", params)
        if mine is not None:
            peer_ms, how = latency_at_recall(hnsw, mine["recall_at_10"])
            out[f"plain {params}"] = _ratio(mine, peer_ms, how, "hnswlib at equal recall")
        for kind in ("keyword_1pct", "range_10pct"):
            mine, peer = pick("quiver", kind, params), pick("qdrant-edge", kind, params)
            if mine is not None and peer is not None:
                out[f"{kind} {params}"] = _ratio(mine, peer["p50_ms"], f"peer recall {peer['recall_at_10']}",
                                                 "qdrant-edge, same ef")
        mine = pick("quiver", "range_30pct", params)
        if mine is not None:
            peer_ms, how = latency_at_recall(acorn, mine["recall_at_10"])
            out[f"range_30pct {params}"] = _ratio(mine, peer_ms, how, "qdrant-edge ACORN at equal recall")
    return out


def _ratio(mine: dict[str, Any], peer_ms: float | None, how: str, peer: str) -> dict[str, Any]:
    return {
        "quiver_p50_ms": mine["p50_ms"],
        "quiver_recall": mine["recall_at_10"],
        "peer": peer,
        "peer_p50_ms": None if peer_ms is None else round(float(peer_ms), 4),
        "peer_note": how,
        "ratio": None if not peer_ms else round(float(mine["p50_ms"] / peer_ms), 3),
    }
