"""The in-process engine as figure 3 drives it: the only bench module that imports engine internals,
so when the engine's modules move, this is the one file to follow them.

`build(ds)` makes a collection without storage, upserts the data set with its payload
(`category` keyword, `price` integer, both with a payload index) and runs the optimizer until it
has nothing left to do: one sealed segment with its HNSW graph (checked). `searcher(col, flt, ef)`
answers one query through the engine's query API (`points/query` as the server calls it, minus the
transport): ids of the top-10.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from bench.config import HNSW_EF_CONSTRUCTION, HNSW_M
from bench.data import TOP_K, Dataset, category_name
from engine.collection import Collection, reads
from engine.shard.optimizer import optimize_shard
from engine.types.config import (
    CollectionConfig,
    CollectionParams,
    Distance,
    HnswConfig,
    OptimizersConfig,
    VectorParams,
)
from engine.types.filters import FieldMatch, FieldRange, Filter, MatchValue, Range
from engine.types.operations import CreateFieldIndex, UpsertPoints
from engine.types.payload_schema import PayloadSchema
from engine.types.points import PointStruct
from engine.types.requests import NearestQuery, QueryRequest, SearchParams

BUILD_BATCH = 5_000


def build(ds: Dataset) -> Collection:
    params = CollectionParams(vectors={"": VectorParams(size=ds.dim, distance=Distance.COSINE)}, unnamed=True)
    config = CollectionConfig(params=params, hnsw_config=HnswConfig(m=HNSW_M, ef_construct=HNSW_EF_CONSTRUCTION),
                              optimizer_config=OptimizersConfig(indexing_threshold=1))
    col = Collection("core_v2", config)
    col.update(CreateFieldIndex(key="category", schema=PayloadSchema(type="keyword")))
    col.update(CreateFieldIndex(key="price", schema=PayloadSchema(type="integer")))
    for start in range(0, ds.n, BUILD_BATCH):
        stop = min(start + BUILD_BATCH, ds.n)
        col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": ds.vectors[i]}, payload=ds.payload(i))
                                        for i in range(start, stop)]))
    while optimize_shard(col.shard):
        pass
    return col


def layout(col: Collection) -> dict[str, Any]:
    """Segments and which of them have a graph: the figure is only valid for one sealed segment."""
    segments = list(col.segments)
    return {"segments": len(segments), "points": [int(len(s)) for s in segments],
            "indexed": [bool(s.hnsw) for s in segments]}


def keyword_filter(value: int) -> Filter:
    return Filter(must=(FieldMatch(key="category", match=MatchValue(value=category_name(value))),))


def range_filter(lt: int) -> Filter:
    return Filter(must=(FieldRange(key="price", range=Range(lt=float(lt))),))


def searcher(col: Collection, ef: int, queries: np.ndarray, filters: list[Filter | None]) -> Callable[[int], list[int]]:
    params = SearchParams(hnsw_ef=ef)
    requests = [QueryRequest(query=NearestQuery(vector=q), filter=flt, params=params, limit=TOP_K)
                for q, flt in zip(queries, filters, strict=True)]

    def search(qi: int) -> list[int]:
        return [int(p.id) for p in reads.query(col, requests[qi])]  # type: ignore[arg-type]

    return search
