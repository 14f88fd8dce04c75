"""Reads that need the whole candidate set at once: MMR at the query root and the search matrix.

Neither can be merged from per-shard answers (MMR compares the candidates with each other, the
matrix pairs sampled points that live on different shards), so the answering node gathers the
candidates from every shard, with the vectors the computation needs, and runs the single-node code
on them in a scratch in-memory collection of the same vector layout:

- MMR: every shard answers the plain nearest query for the MMR candidate pool (its filter,
  threshold and params; `candidates_limit`, default the root's offset + limit), the answers are
  merged by score into the collection's pool, and the engine's MMR re-ranks that pool, as Qdrant's
  collection re-ranks the shards' candidates. A sparse vector with the `idf` modifier is refused:
  its IDF statistics would be the pool's, not the collection's.
- Groups ranked by MMR: as the engine, the pool is every matching point unless `candidates_limit`
  bounds it; the shards' pool (with whole payloads) is grouped by the engine's groups code.
- Matrix: a uniform sample over the collection: every shard counts its matching points, the
  sample is split over the shards by a multivariate hypergeometric draw on those counts, every
  shard answers a random sample with the vector, and the engine's matrix runs on the drawn points.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from cluster import merge
from cluster.merge import Consistency
from cluster.records import CollectionRecord, ShardRecord
from engine.collection import Collection
from engine.collection import reads as engine_reads
from engine.deadline import Deadline
from engine.errors import BadRequest
from engine.point_id import PointId
from engine.query.candidates import merge_filters
from engine.shard.validate import check_vector_name
from engine.types.config import CollectionConfig, CollectionParams, Modifier
from engine.types.filters import Filter, HasVector
from engine.types.operations import UpsertPoints
from engine.types.points import NO_PAYLOAD, PointGroup, PointStruct, Record, ScoredPoint, VectorSelector
from engine.types.requests import (
    CountRequest,
    GroupsRequest,
    MatrixRequest,
    MatrixResult,
    Mmr,
    NearestQuery,
    QueryRequest,
    SampleQuery,
)

FanOut = Callable[[CollectionRecord, Sequence[ShardRecord], str, Any], Awaitable[list[tuple[list[Any], Consistency]]]]
"""ClusterReads.fan_out with the consistency and timeout of the request bound."""
Call = Callable[..., Awaitable[Any]]
SCRATCH = "cluster-scratch"


def is_root_mmr(request: QueryRequest) -> bool:
    return isinstance(request.query, NearestQuery) and request.query.mmr is not None


def _with_vector(selector: VectorSelector, using: str) -> VectorSelector:
    """The request's vector selection plus the vector the computation scores with."""
    if selector is True:
        return True
    names = list(selector) if isinstance(selector, list) else []
    return names if using in names else [*names, using]


def scratch(params: CollectionParams, points: Sequence[Record | ScoredPoint]) -> Collection:
    """An in-memory collection of `params`' vector layout holding `points` (vectors and payloads)."""
    col = Collection(SCRATCH, CollectionConfig(params=params))
    unique = {p.id: p for p in points}
    if unique:
        col.update(UpsertPoints(points=[PointStruct(id=p.id, vectors=dict(p.vectors or {}), payload=p.payload)
                                        for p in unique.values()]), True)
    return col


# ---- MMR at the query root ----------------------------------------------------------------------
def mmr_pool_request(request: QueryRequest, params: CollectionParams, size: int | None = None) -> QueryRequest:
    """What each shard answers for a root MMR request: its plain nearest query over the pool size
    (`candidates_limit`, else `size`, else the root's offset + limit)."""
    query = request.query
    if not isinstance(query, NearestQuery) or query.mmr is None:
        raise TypeError("an MMR request is needed")
    sparse = params.sparse(request.using)
    if sparse is not None and sparse.modifier is Modifier.IDF:
        raise BadRequest("MMR over a sparse vector with the idf modifier is not supported in cluster mode yet")
    pool = query.mmr.candidates_limit
    if pool is None:
        pool = merge.root_offset(request) + request.limit if size is None else size
    return replace(request, query=NearestQuery(vector=query.vector), offset=0, limit=pool,
                   with_vector=_with_vector(request.with_vector, request.using))


def mmr_rerank(params: CollectionParams, request: QueryRequest, pool: list[ScoredPoint]) -> list[ScoredPoint]:
    """The engine's MMR over the merged pool (a pool thread: it builds a scratch collection). The
    hits keep the version and shard key of the replica that answered them."""
    query = request.query
    if not isinstance(query, NearestQuery) or query.mmr is None:
        raise TypeError("an MMR request is needed")
    col = scratch(params, pool)
    local = replace(request, filter=None, prefetch=[], lookup_from=None,
                    query=NearestQuery(vector=query.vector, mmr=Mmr(diversity=query.mmr.diversity,
                                                                    candidates_limit=max(1, len(pool)))))
    hits = engine_reads.query(col, local)
    source: dict[PointId, ScoredPoint] = {p.id: p for p in pool}
    for hit in hits:
        origin = source[hit.id]
        hit.version, hit.shard_key = origin.version, origin.shard_key
    return hits


def mmr_groups(params: CollectionParams, request: GroupsRequest, pool: list[ScoredPoint]) -> list[PointGroup]:
    """The engine's groups over the merged pool ranked by MMR (a pool thread). The pool holds whole
    payloads (grouping reads them); the request's own selection shapes the hits."""
    query = request.query.query
    if not isinstance(query, NearestQuery) or query.mmr is None:
        raise TypeError("an MMR request is needed")
    col = scratch(params, pool)
    local = replace(request, with_lookup=None, query=replace(
        request.query, filter=None, prefetch=[], lookup_from=None,
        query=NearestQuery(vector=query.vector, mmr=Mmr(diversity=query.mmr.diversity,
                                                        candidates_limit=max(1, len(pool))))))
    groups = engine_reads.query_groups(col, local)
    source: dict[PointId, ScoredPoint] = {p.id: p for p in pool}
    for group in groups:
        for hit in group.hits:
            origin = source[hit.id]
            hit.version, hit.shard_key = origin.version, origin.shard_key
    return groups


# ---- the search matrix ----------------------------------------------------------------------------
async def search_matrix(fan_out: FanOut, call: Call, record: CollectionRecord, shards: Sequence[ShardRecord],
                        request: MatrixRequest, timeout: float | None) -> MatrixResult:
    request.validate()
    params = record.config.params
    check_vector_name(params, request.using)
    matching = merge_filters(request.filter, Filter(must=(HasVector(request.using),)))
    counted = await fan_out(record, shards, "count", CountRequest(filter=matching, exact=True))
    counts = [merge.resolve_count(answers, condition) for answers, condition in counted]
    total = sum(counts)
    if total < 2:
        return MatrixResult(ids=[], entries=[])
    drawn = np.random.default_rng().multivariate_hypergeometric(counts, min(request.sample, total)).tolist()
    sample = QueryRequest(query=SampleQuery(), filter=matching, limit=request.sample, with_payload=NO_PAYLOAD,
                          with_vector=[request.using])
    answered = await fan_out(record, shards, "query", [sample])
    points: list[ScoredPoint] = []
    for (answers, _), take in zip(answered, drawn, strict=True):
        shard_sample = list(answers[0][0])  # one replica's uniform sample of the shard
        random.shuffle(shard_sample)
        points.extend(shard_sample[:take])
    result: MatrixResult = await call(_matrix, params, points, replace(request, filter=None),
                                      Deadline.after(timeout), timeout=timeout, collection=record.name)
    return result


def _matrix(params: CollectionParams, points: list[ScoredPoint], request: MatrixRequest,
            deadline: Deadline | None) -> MatrixResult:
    col = scratch(params, points)
    return engine_reads.search_matrix(col, replace(request, sample=max(2, len(points))), deadline)
