"""`python -m bench.quantization`: recall@10 and search CPU time per quantization method, Quiver next
to qdrant-edge with the same configuration, in-process, plus code bytes per vector next to float32.

One seeded data set (bench.data: overlapping Gaussian clusters, Cosine, unit vectors). Quiver: one
collection is ingested and sealed once (HNSW m=16, ef_construct=100); for each method its sealed
segments get that method's codes from the same code the optimizer runs (`quantize_segment`), so the
graph is built once. qdrant-edge: one shard per method with the same vectors, HNSW parameters and
quantization config, optimized. Queries use the default search params (as a client sends them: no
`params`), unfiltered (both engines walk their graph; Quiver's graph is on the original vectors and
its codes only re-rank what it finds) and with a 10% range filter (Quiver scores every candidate on
its codes: the filtered set is under the full-scan threshold). CPU time is process time per query,
one thread, BLAS pinned to one thread; recall against exact numpy top-10.
Results: bench/results/quantization-*.json and the table between markers in bench/README.md.
"""

# ruff: noqa: E402  (BLAS threads must be pinned before numpy is imported, as in server/__main__.py)
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from bench.data import make_dataset
from bench.run_info import git_state, load_average, progress, replace_block, write_result
from engine.collection import Collection, reads
from engine.shard.optimizer import optimize_shard
from engine.shard.quantize import quantize_segment
from engine.types.config import (
    CollectionConfig,
    CollectionParams,
    Datatype,
    Distance,
    OptimizersConfig,
    VectorParams,
)
from engine.types.filters import FieldRange, Filter, Range
from engine.types.operations import CreateFieldIndex, UpsertPoints
from engine.types.payload_schema import PayloadSchema
from engine.types.points import PointStruct
from engine.types.requests import NearestQuery, QueryRequest

K = 10
FILTER_SHARE = 0.1
METHODS: dict[str, dict[str, Any] | None] = {
    "none (float32)": None,
    "scalar int8": {"scalar": {"type": "int8"}},
    "scalar int8, quantile 0.99": {"scalar": {"type": "int8", "quantile": 0.99}},
    "binary one_bit": {"binary": {}},
    "binary one_and_half_bits": {"binary": {"encoding": "one_and_half_bits"}},
    "binary two_bits": {"binary": {"encoding": "two_bits"}},
    "product x16": {"product": {"compression": "x16"}},
    "turbo bits4": {"turbo": {"bits": "bits4"}},
    "turbo bits2": {"turbo": {"bits": "bits2"}},
}
DATATYPES = {"turbo4 datatype (storage)": Datatype.TURBO4}
"""Rows whose vectors are *stored* in another datatype (no quantization config): their own collection
(and qdrant-edge shard) is ingested for them. bytes/vector is what the column keeps per vector."""


def _quiver(vectors: np.ndarray, datatype: Datatype | None = None) -> Collection:
    n, dim = vectors.shape
    params = CollectionParams(vectors={"": VectorParams(size=dim, distance=Distance.COSINE, datatype=datatype)},
                              unnamed=True)
    # half the data set's vector bytes: sealed and indexed mid-ingest (turbo4 rows are dim/2 + 4 bytes,
    # and the threshold counts the bytes a segment stores, as for any datatype)
    row_bytes = dim // 2 + 4 if datatype is Datatype.TURBO4 else dim * 4
    col = Collection("bench", CollectionConfig(params=params, optimizer_config=OptimizersConfig(
        indexing_threshold=n * row_bytes // 1024 // 2 + 1)))
    col.update(CreateFieldIndex(key="rank", schema=PayloadSchema(type="integer")))
    for start in range(0, n, 1000):
        col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": vectors[i]}, payload={"rank": i})
                                        for i in range(start, min(start + 1000, n))]))
        while optimize_shard(col.shard):
            pass
    return col


def _attach(col: Collection, method: dict[str, Any] | None) -> float | None:
    """Give every sealed segment the codes of `method`; returns code bytes per vector."""
    col.shard.config.quantization_config = method
    size = None
    for seg in col.shard.holder.segments:
        if seg.sealed:
            seg.quantized = quantize_segment(col.shard.config, seg)
            if "" in seg.quantized:
                size = seg.quantized[""].bytes_per_vector()
    return size


def _edge_config(qe: Any, method: dict[str, Any] | None) -> Any:
    if method is None:
        return None
    (name, body), = method.items()
    match name:
        case "scalar":
            return qe.ScalarQuantizationConfig(type=qe.ScalarType.Int8, quantile=body.get("quantile"))
        case "binary":
            encoding = {"one_bit": qe.BinaryQuantizationEncoding.OneBit, "two_bits": qe.BinaryQuantizationEncoding.TwoBits,
                        "one_and_half_bits": qe.BinaryQuantizationEncoding.OneAndHalfBits}[body.get("encoding", "one_bit")]
            return qe.BinaryQuantizationConfig(encoding=encoding)
        case "product":
            return qe.ProductQuantizationConfig(compression=getattr(qe.CompressionRatio, body["compression"].upper()))
        case _:
            bits = {"bits4": qe.TurboQuantBitSize.Bits4, "bits2": qe.TurboQuantBitSize.Bits2}[body["bits"]]
            return qe.TurboQuantQuantizationConfig(bits=bits)


def _edge(qe: Any, vectors: np.ndarray, method: dict[str, Any] | None,
          datatype: Datatype | None = None) -> Callable[[np.ndarray, bool], list[int]]:
    n, dim = vectors.shape
    stored = None if datatype is None else {Datatype.TURBO4: qe.VectorStorageDatatype.Turbo4}[datatype]
    config = qe.EdgeConfig(
        vectors=qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine, quantization_config=_edge_config(qe, method),
                                    datatype=stored),
        hnsw_config=qe.HnswIndexConfig(m=16, ef_construct=100, full_scan_threshold=10_000),
        optimizers=qe.EdgeOptimizersConfig(indexing_threshold=1_000))
    shard = qe.EdgeShard.create(tempfile.mkdtemp(prefix="quant-edge-"), config)
    for s in range(0, n, 1000):
        shard.update(qe.UpdateOperation.upsert_points(
            [qe.Point(i, vectors[i].tolist(), {"rank": i}) for i in range(s, min(s + 1000, n))]))
    shard.update(qe.UpdateOperation.create_field_index("rank", qe.PayloadSchemaType.Integer))
    shard.optimize()
    flt = qe.Filter(must=[qe.FieldCondition(key="rank", range=qe.RangeFloat(lt=FILTER_SHARE * n))])

    def query(q: np.ndarray, filtered: bool) -> list[int]:
        request = qe.QueryRequest(limit=K, query=qe.Query.Nearest(q.tolist()), filter=flt if filtered else None,
                                  with_payload=False)
        return [int(p.id) for p in shard.query(request)]

    return query


def _measure(search: Callable[[np.ndarray, bool], list[int]], queries: np.ndarray,
             truth: dict[bool, np.ndarray]) -> dict[str, float]:
    out: dict[str, float] = {}
    for filtered in (False, True):
        found = 0
        started = time.process_time()
        for i, q in enumerate(queries):
            found += len(set(search(q, filtered)) & set(truth[filtered][i].tolist()))
        cpu = time.process_time() - started
        key = "filtered" if filtered else "unfiltered"
        out[f"{key}_recall"] = found / (K * len(queries))
        out[f"{key}_cpu_ms"] = 1000 * cpu / len(queries)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--methods", default="", help="comma-separated labels (default: all of METHODS)")
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()
    started_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    load_before = load_average()
    ds = make_dataset(args.n, args.dim, args.queries)
    vectors, queries = ds.vectors, ds.queries
    truth = {False: np.argsort(-(queries @ vectors.T), axis=1)[:, :K]}
    masked = vectors @ queries.T
    masked[int(FILTER_SHARE * args.n):] = -np.inf
    truth[True] = np.argsort(-masked.T, axis=1)[:, :K]
    progress("quantization", f"ingest {args.n} x {args.dim} into Quiver")
    col = _quiver(vectors)
    flt = Filter(must=(FieldRange(key="rank", range=Range(lt=FILTER_SHARE * args.n)),))

    def searcher(target: Collection) -> Callable[[np.ndarray, bool], list[int]]:
        def search(q: np.ndarray, filtered: bool) -> list[int]:
            request = QueryRequest(query=NearestQuery(vector=q), filter=flt if filtered else None, limit=K)
            return [int(p.id) for p in reads.query(target, request)]  # type: ignore[call-overload]
        return search

    quiver_search = searcher(col)

    try:
        import qdrant_edge as qe
        edge_note = None
    except ImportError as exc:
        qe, edge_note = None, f"qdrant_edge not importable ({exc})"
    rows = []
    wanted = [m.strip() for m in args.methods.split(",") if m.strip()] or [*METHODS, *DATATYPES]
    for label in (w for w in wanted if w in DATATYPES):
        progress("quantization", f"{label}: ingest into Quiver")
        stored = _quiver(vectors, DATATYPES[label])
        column_bytes = stored.shard.holder.segments[0].dense[""].row_bytes
        row = {"method": label, "config": {"datatype": DATATYPES[label].value}, "bytes_per_vector": column_bytes,
               "float32_bytes": args.dim * 4, "graph_float32_bytes": args.dim * 4,
               **{f"quiver_{k}": v for k, v in _measure(searcher(stored), queries, truth).items()}}
        if qe is not None:
            row.update({f"edge_{k}": v for k, v in _measure(_edge(qe, vectors, None, DATATYPES[label]), queries,
                                                             truth).items()})
        rows.append(row)
        del stored
    for label, method in ((label, METHODS[label]) for label in wanted if label in METHODS):
        progress("quantization", label)
        size = _attach(col, method)
        row: dict[str, Any] = {"method": label, "config": method, "bytes_per_vector": size or args.dim * 4.0,
                               "float32_bytes": args.dim * 4, **{f"quiver_{k}": v for k, v in
                                                                _measure(quiver_search, queries, truth).items()}}
        if qe is not None:
            row.update({f"edge_{k}": v for k, v in _measure(_edge(qe, vectors, method), queries, truth).items()})
        rows.append(row)
    rows.sort(key=lambda r: wanted.index(r["method"]))
    result = {"started_at": started_at, "git": git_state(), "load_average": {"before": load_before,
              "after": load_average()}, "n": args.n, "dim": args.dim, "queries": args.queries, "k": K,
              "filter_share": FILTER_SHARE, "edge_note": edge_note, "rows": rows}
    path = write_result(result, "quantization")
    progress("quantization", f"wrote {path}")
    if not args.no_readme:
        replace_block("<!-- quantization:start -->", "<!-- quantization:end -->", render(result),
                      heading="## Quantization (`python -m bench.quantization`)")


def render(result: dict[str, Any]) -> str:
    lines = [f"{result['n']} x {result['dim']} Cosine, {result['queries']} queries, top-{result['k']}, default search "
             f"params, load average {result['load_average']['before']} -> {result['load_average']['after']} "
             f"(git {result['git']['head']}). Recall against exact top-10; CPU ms per query (one thread). "
             f"Filtered = a {int(100 * result['filter_share'])}% range filter.", "",
             "| method | bytes/vector (float32) | Quiver recall | edge recall | Quiver ms | edge ms "
             "| Quiver recall, filtered | edge recall, filtered | Quiver ms, filtered | edge ms, filtered |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in result["rows"]:
        def cell(key: str, fmt: str, row: dict[str, Any] = r) -> str:
            return format(row[key], fmt) if key in row else "—"
        lines.append(
            f"| {r['method']} | {r['bytes_per_vector']:.0f} ({r['float32_bytes']}) | {cell('quiver_unfiltered_recall', '.3f')} "
            f"| {cell('edge_unfiltered_recall', '.3f')} | {cell('quiver_unfiltered_cpu_ms', '.2f')} "
            f"| {cell('edge_unfiltered_cpu_ms', '.2f')} | {cell('quiver_filtered_recall', '.3f')} "
            f"| {cell('edge_filtered_recall', '.3f')} | {cell('quiver_filtered_cpu_ms', '.2f')} "
            f"| {cell('edge_filtered_cpu_ms', '.2f')} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
