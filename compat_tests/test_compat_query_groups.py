"""Grouped queries (with lookup), the distance matrix and the pre-1.16 recommend / discover /
search-groups endpoints, vs QdrantClient(":memory:") over REST and gRPC."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from compat_helpers import assert_ok, is_local
from conftest import unique_collection_name
from qdrant_client import QdrantClient, models
from test_compat_query_api import DIM, Q1, Q2, _points, same

Env = tuple[QdrantClient, QdrantClient, str, str]


@pytest.fixture(scope="module")
def env(client: QdrantClient) -> Iterator[Env]:
    oracle = QdrantClient(":memory:")
    name, lookup = unique_collection_name("qgrp"), unique_collection_name("qgrp_lookup")
    for target in (client, oracle):
        target.create_collection(name, vectors_config=models.VectorParams(size=DIM, distance=models.Distance.COSINE))
        target.upsert(name, points=_points(), wait=True)
        target.create_collection(lookup, vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT))
        target.upsert(lookup, points=[models.PointStruct(id=g, vector=[g, 1.0], payload={"title": f"group {g}"})
                                      for g in range(1, 5)], wait=True)
    yield client, oracle, name, lookup
    oracle.close()


def test_query_groups_with_lookup(env: Env) -> None:
    server, oracle, name, lookup = env
    kwargs: dict[str, Any] = dict(query=Q1, group_by="group", group_size=2, limit=4, with_payload=["n"],
                                  with_lookup=models.WithLookup(collection=lookup, with_payload=True))
    got = server.query_points_groups(name, **kwargs).groups
    want = oracle.query_points_groups(name, **kwargs).groups
    assert [g.id for g in got] == [g.id for g in want]
    for g, w in zip(got, want, strict=True):
        same(g.hits, w.hits)
        assert (g.lookup is None) == (w.lookup is None)
        if w.lookup is not None:
            assert g.lookup is not None and g.lookup.id == w.lookup.id and g.lookup.payload == w.lookup.payload


def test_query_groups_over_prefetch_fusion(env: Env) -> None:
    server, oracle, name, _ = env
    kwargs: dict[str, Any] = dict(prefetch=[models.Prefetch(query=Q1, limit=10), models.Prefetch(query=Q2, limit=10)],
                                  query=models.FusionQuery(fusion=models.Fusion.RRF), group_by="kind", group_size=3,
                                  limit=3)
    got = server.query_points_groups(name, **kwargs).groups
    want = oracle.query_points_groups(name, **kwargs).groups
    assert [g.id for g in got] == [g.id for g in want]
    for g, w in zip(got, want, strict=True):
        same(g.hits, w.hits)


def test_search_matrix_pairs_and_offsets(env: Env) -> None:
    server, oracle, name, _ = env
    flt = models.Filter(must=[models.FieldCondition(key="group", match=models.MatchValue(value=2))])
    # sample >= matching points: the whole (deterministic) set is sampled
    pairs = server.search_matrix_pairs(name, query_filter=flt, sample=50, limit=3).pairs
    want = oracle.search_matrix_pairs(name, query_filter=flt, sample=50, limit=3).pairs
    assert [(p.a, p.b) for p in pairs] == [(p.a, p.b) for p in want]
    assert [p.score for p in pairs] == pytest.approx([p.score for p in want], abs=1e-4)
    offsets = server.search_matrix_offsets(name, query_filter=flt, sample=50, limit=2)
    want_offsets = oracle.search_matrix_offsets(name, query_filter=flt, sample=50, limit=2)
    assert offsets.ids == want_offsets.ids
    assert offsets.offsets_row == want_offsets.offsets_row and offsets.offsets_col == want_offsets.offsets_col
    assert offsets.scores == pytest.approx(want_offsets.scores, abs=1e-4)


def test_legacy_grpc_recommend_and_discover(env: Env) -> None:
    server, _, name, _ = env
    if is_local(server) or not server.init_options.get("prefer_grpc"):
        pytest.skip("deprecated RPCs are checked over the gRPC stub")
    from qdrant_client.grpc import (  # the stock client's generated stubs
        ContextExamplePair,
        DiscoverPoints,
        PointId,
        RecommendPoints,
        TargetVector,
        VectorExample,
    )

    rec = server.grpc_points.Recommend(RecommendPoints(collection_name=name, positive=[PointId(num=3)], limit=5))
    want = server.query_points(name, query=models.RecommendQuery(recommend=models.RecommendInput(positive=[3])),
                               limit=5).points
    assert [p.id.num for p in rec.result] == [p.id for p in want]
    disc = server.grpc_points.Discover(DiscoverPoints(
        collection_name=name, target=TargetVector(single=VectorExample(id=PointId(num=5))),
        context=[ContextExamplePair(positive=VectorExample(id=PointId(num=9)),
                                    negative=VectorExample(id=PointId(num=14)))], limit=4))
    want = server.query_points(name, query=models.DiscoverQuery(discover=models.DiscoverInput(
        target=5, context=[models.ContextPair(positive=9, negative=14)])), limit=4).points
    assert [p.id.num for p in disc.result] == [p.id for p in want]


def test_legacy_rest_endpoints(raw: httpx.Client, env: Env) -> None:
    server, _, name, lookup = env
    base = f"/collections/{name}/points"
    rec = assert_ok(raw.post(base + "/recommend", json={"positive": [3, 11], "negative": [7], "limit": 5,
                                                        "strategy": "best_score"}))
    want = assert_ok(raw.post(base + "/query", json={"query": {"recommend": {
        "positive": [3, 11], "negative": [7], "strategy": "best_score"}}, "limit": 5}))["points"]
    assert [p["id"] for p in rec] == [p["id"] for p in want]
    batch = assert_ok(raw.post(base + "/recommend/batch", json={"searches": [{"positive": [3], "limit": 2}] * 2}))
    assert len(batch) == 2 and batch[0] == batch[1]
    disc = assert_ok(raw.post(base + "/discover", json={"target": 5, "context": [{"positive": 9, "negative": 14}],
                                                       "limit": 4}))
    assert len(disc) == 4
    groups = assert_ok(raw.post(base + "/search/groups", json={"vector": Q1, "group_by": "group", "group_size": 2,
                                                               "limit": 3, "with_lookup": lookup}))
    want_groups = server.query_points_groups(name, query=Q1, group_by="group", group_size=2, limit=3).groups
    assert [g["id"] for g in groups["groups"]] == [g.id for g in want_groups]
    assert all(g["lookup"]["id"] == g["id"] for g in groups["groups"] if g["id"] <= 4)


def test_errors_as_qdrant(raw: httpx.Client, env: Env) -> None:
    _, _, name, _ = env
    base = f"/collections/{name}/points"
    r = raw.post(base + "/query", json={"query": {"fusion": "rrf"}})
    assert r.status_code == 400 and "cannot apply Fusion without prefetches" in r.text
    r = raw.post(base + "/query", json={"prefetch": [{"query": Q1}]})
    assert r.status_code == 400 and "cannot have prefetches without a query" in r.text
    r = raw.post(base + "/query", json={"query": {"recommend": {"negative": [3]}}})
    assert r.status_code == 400 and "positive" in r.text


