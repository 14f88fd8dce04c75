"""The merges of cluster/merge.py: the same points split over shards, each shard answered by the
single-node engine, merged, equal the answer of one collection holding them all."""

from typing import Any

import numpy as np
import pytest

from cluster import merge
from cluster.merge import Consistency, Order
from engine.collection import Collection, reads
from engine.toc import TableOfContents
from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams
from engine.types.filters import FieldRange, Filter, Range
from engine.types.operations import CreateFieldIndex, UpsertPoints
from engine.types.payload_schema import PayloadSchema
from engine.types.points import ALL_PAYLOAD, FacetHit, PointStruct, Record, ScoredPoint
from engine.types.requests import (
    CountRequest,
    Direction,
    DiscoverQuery,
    FacetRequest,
    Fusion,
    FusionQuery,
    NearestQuery,
    OrderBy,
    Prefetch,
    QueryRequest,
    RecommendQuery,
    RecommendStrategy,
    SampleQuery,
    ScrollRequest,
    VectorInput,
)

DIM = 8
N = 300
SHARDS = 4


def _config(distance: Distance) -> CollectionConfig:
    return CollectionConfig(params=CollectionParams(vectors={"": VectorParams(size=DIM, distance=distance)},
                                                    unnamed=True))


def _points() -> list[PointStruct]:
    rng = np.random.default_rng(7)
    ids: list[Any] = list(range(N - 20)) + [f"00000000-0000-4000-8000-{i:012x}" for i in range(20)]
    return [PointStruct(id=pid, vectors={"": rng.normal(size=DIM).astype(np.float32)},
                        payload={"n": i * 7 % 101 + i / 1000, "k": f"v{i % 5}", "b": i % 3 == 0})
            for i, pid in enumerate(ids)]


@pytest.fixture(scope="module", params=[Distance.COSINE, Distance.EUCLID, Distance.MANHATTAN, Distance.DOT])
def setup(request: pytest.FixtureRequest) -> tuple[Collection, list[Collection], Distance]:
    toc = TableOfContents()
    config = _config(request.param)
    whole = toc.create("whole", config)
    shards = [toc.create(f"s{i}", config) for i in range(SHARDS)]
    points = _points()
    for col in [whole, *shards]:
        col.update(CreateFieldIndex(key="n", schema=PayloadSchema(type="float")), wait=True)
        col.update(CreateFieldIndex(key="k", schema=PayloadSchema(type="keyword")), wait=True)
    whole.update(UpsertPoints(points=points), wait=True)
    for i, col in enumerate(shards):
        col.update(UpsertPoints(points=points[i::SHARDS]), wait=True)
    return whole, shards, request.param


def _ids(points: list[ScoredPoint] | list[Record]) -> list[Any]:
    return [p.id for p in points]


def _query_merged(shards: list[Collection], request: QueryRequest) -> list[ScoredPoint]:
    params = shards[0].config.params
    sources = merge.fusion_sources(request)
    if sources is not None:
        merged = [merge.merge_scored([reads.query(s, merge.shard_query(src)) for s in shards],
                                     merge.query_order(src, params), 0, src.limit)
                  for src in sources]
        return merge.fuse(request, merged)
    parts = [reads.query(s, merge.shard_query(request)) for s in shards]
    return merge.merge_scored(parts, merge.query_order(request, params), merge.root_offset(request), request.limit)


QUERY = np.linspace(-1, 1, DIM).astype(np.float32)
OTHER = np.linspace(1, -1, DIM).astype(np.float32)


@pytest.mark.parametrize("request_", [
    QueryRequest(query=NearestQuery(vector=QUERY), limit=10),
    QueryRequest(query=NearestQuery(vector=QUERY), limit=7, offset=13, with_payload=ALL_PAYLOAD),
    QueryRequest(query=NearestQuery(vector=QUERY), limit=10,
                 filter=Filter(must=(FieldRange("n", Range(gte=20.0, lt=60.0)),))),
    QueryRequest(query=RecommendQuery(positive=[VectorInput(vector=QUERY)], negative=[VectorInput(vector=OTHER)],
                                      strategy=RecommendStrategy.AVERAGE_VECTOR), limit=10),
    QueryRequest(query=RecommendQuery(positive=[VectorInput(vector=QUERY)], negative=[VectorInput(vector=OTHER)],
                                      strategy=RecommendStrategy.BEST_SCORE), limit=10, offset=2),
    QueryRequest(query=DiscoverQuery(target=VectorInput(vector=QUERY)), limit=5),
    QueryRequest(query=OrderBy("n", Direction.DESC), limit=12, offset=3),
    QueryRequest(query=OrderBy("n"), limit=12),
    QueryRequest(query=None, limit=15, offset=270),
    QueryRequest(query=FusionQuery(Fusion.RRF), prefetch=[Prefetch(query=NearestQuery(vector=QUERY), limit=30),
                                                        Prefetch(query=NearestQuery(vector=OTHER), limit=30)],
                 limit=10, offset=2),
    QueryRequest(query=FusionQuery(Fusion.RRF, k=10, weights=[1.0, 3.0]),
                 prefetch=[Prefetch(query=NearestQuery(vector=QUERY), limit=20),
                           Prefetch(query=OrderBy("n"), limit=20)], limit=10),
    QueryRequest(query=FusionQuery(Fusion.DBSF), prefetch=[Prefetch(query=NearestQuery(vector=QUERY), limit=25),
                                                         Prefetch(query=NearestQuery(vector=OTHER), limit=25)],
                 limit=10),
], ids=lambda r: f"{type(r.query).__name__}-{r.limit}-{r.offset}")
def test_query_merged_equals_one_collection(setup: Any, request_: QueryRequest) -> None:
    whole, shards, distance = setup
    expected = reads.query(whole, request_)
    merged = _query_merged(shards, request_)
    assert _ids(merged) == _ids(expected)
    assert [round(p.score, 4) for p in merged] == [round(p.score, 4) for p in expected]
    assert [p.order_value for p in merged] == [p.order_value for p in expected]
    if request_.with_payload.enabled:
        assert [p.payload for p in merged] == [p.payload for p in expected]


def test_euclid_merges_ascending(setup: Any) -> None:
    whole, shards, distance = setup
    merged = _query_merged(shards, QueryRequest(query=NearestQuery(vector=QUERY), limit=20))
    scores = [p.score for p in merged]
    higher = distance in (Distance.COSINE, Distance.DOT)
    assert scores == sorted(scores, reverse=higher)


def test_sample_merges_distinct_matching_points(setup: Any) -> None:
    _, shards, _ = setup
    flt = Filter(must=(FieldRange("n", Range(lt=30.0)),))
    request = QueryRequest(query=SampleQuery(), limit=10, filter=flt)
    merged = _query_merged(shards, request)
    assert len({p.id for p in merged}) == 10
    inside = {p.id for p in reads.query(shards[0], QueryRequest(limit=N, filter=flt))}
    inside |= {p.id for s in shards[1:] for p in reads.query(s, QueryRequest(limit=N, filter=flt))}
    assert {p.id for p in merged} <= inside


def test_scroll_pages_merged_walk_every_point_in_id_order(setup: Any) -> None:
    whole, shards, _ = setup
    for limit in (1, 7, 64):
        walked: list[Any] = []
        offset = None
        while True:
            pages = [reads.scroll(s, ScrollRequest(offset=offset, limit=limit)) for s in shards]
            page = merge.merge_scroll(pages, limit)
            expected = reads.scroll(whole, ScrollRequest(offset=offset, limit=limit))
            assert _ids(page.points) == _ids(expected.points)
            assert page.next_page_offset == expected.next_page_offset
            walked.extend(_ids(page.points))
            if page.next_page_offset is None:
                break
            offset = page.next_page_offset
        assert len(walked) == N == len(set(walked))


@pytest.mark.parametrize("direction", [Direction.ASC, Direction.DESC])
def test_scroll_order_by_merged(setup: Any, direction: Direction) -> None:
    whole, shards, _ = setup
    request = ScrollRequest(limit=25, order_by=OrderBy("n", direction, start_from=50.0))
    page = merge.merge_scroll_ordered([reads.scroll(s, request) for s in shards], request.order_by, request.limit)  # type: ignore[arg-type]
    expected = reads.scroll(whole, request)
    assert _ids(page.points) == _ids(expected.points)
    assert [r.order_value for r in page.points] == [r.order_value for r in expected.points]
    assert page.next_page_offset is None


def test_count_retrieve_facet_merged(setup: Any) -> None:
    whole, shards, _ = setup
    flt = Filter(must=(FieldRange("n", Range(gte=10.0)),))
    assert sum(reads.count(s, CountRequest(filter=flt)) for s in shards) == reads.count(whole, CountRequest(filter=flt))
    ids: list[Any] = [5, 3, 999, "00000000-0000-4000-8000-000000000002", 3, 0]
    parts = [reads.retrieve(s, ids, ALL_PAYLOAD, True) for s in shards]
    merged = merge.merge_retrieve(parts, ids)
    expected = reads.retrieve(whole, ids, ALL_PAYLOAD, True)
    assert _ids(merged) == _ids(expected) and [r.payload for r in merged] == [r.payload for r in expected]
    for limit in (1, 3, 10):
        everything = FacetRequest(key="k", limit=10**6, filter=flt)
        facet = merge.merge_facet([reads.facet(s, everything) for s in shards], limit)
        want = reads.facet(whole, FacetRequest(key="k", limit=limit, filter=flt))
        assert [(h.value, h.count) for h in facet] == [(h.value, h.count) for h in want]


def test_query_order_per_query_kind() -> None:
    params = _config(Distance.EUCLID).params
    assert merge.query_order(QueryRequest(query=NearestQuery(vector=QUERY)), params) is Order.SCORE_ASC
    assert merge.query_order(QueryRequest(query=DiscoverQuery(VectorInput(vector=QUERY))), params) is Order.SCORE_DESC
    assert merge.query_order(QueryRequest(query=OrderBy("n", Direction.DESC)), params) is Order.VALUE_DESC
    assert merge.query_order(QueryRequest(), params) is Order.ID
    assert merge.query_order(QueryRequest(query=SampleQuery()), params) is Order.RANDOM


# ---- replicas of one shard (consistency) -----------------------------------------------------------
def _sp(pid: int, score: float, payload: dict[str, Any] | None = None) -> ScoredPoint:
    return ScoredPoint(id=pid, version=1, score=score, payload=payload)


def test_replicas_resolved_as_qdrant() -> None:
    a = [_sp(10, 0.9), _sp(3, 0.8), _sp(4, 0.7)]
    b = [_sp(10, 0.9), _sp(3, 0.8), _sp(4, 0.7)]
    c = [_sp(10, 0.9), _sp(4, 0.7), _sp(2, 0.6)]
    assert _ids(merge.resolve_items([a, b, c], Consistency.ALL)) == [10, 4]
    assert _ids(merge.resolve_items([a, b, c], Consistency.MAJORITY)) == [10, 3, 4]
    # a replica with another payload for the point disagrees; an absent payload equals an empty one
    assert _ids(merge.resolve_items([[_sp(1, 0.5, {"a": 1})], [_sp(1, 0.5, {"a": 2})]], Consistency.ALL)) == []
    assert _ids(merge.resolve_items([[_sp(1, 0.5, {})], [_sp(1, 0.5, None)]], Consistency.ALL)) == [1]
    assert merge.resolve_count([5, 3, 4], Consistency.ALL) == 3
    assert merge.resolve_count([5, 3, 4], Consistency.MAJORITY) == 4
    hits = merge.resolve_facet([[FacetHit("a", 20), FacetHit("b", 15)], [FacetHit("a", 21), FacetHit("b", 13)],
                                [FacetHit("a", 19)]], Consistency.MAJORITY)
    assert [(h.value, h.count) for h in hits] == [("a", 20), ("b", 15)]
