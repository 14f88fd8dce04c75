"""Issue 12 (features): `update_mode` on upserts and text match on a key without a full-text index.

Checked through the stock client on REST and gRPC (and raw HTTP where the wire shape matters).
Where QdrantClient(":memory:") differs from Qdrant 1.19 the test says so and Qdrant wins.
"""

from __future__ import annotations

import random

import httpx
import pytest
from compat_helpers import assert_ok, assert_qdrant_error, create_simple, is_local
from qdrant_client import QdrantClient, models


def _tags(client: QdrantClient, name: str) -> dict[int, str]:
    records = client.retrieve(name, ids=[1, 2, 3, 4])
    return {int(r.id): (r.payload or {})["tag"] for r in records}


def _points(ids: list[int], tag: str) -> list[models.PointStruct]:
    return [models.PointStruct(id=i, vector=[1.0, float(i), 0.0, 0.0], payload={"tag": tag}) for i in ids]


def test_update_mode_insert_only_and_update_only(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    client.upsert(collection_name, _points([1, 2], "old"), wait=True)
    client.upsert(collection_name, _points([2, 3], "new"), update_mode=models.UpdateMode.INSERT_ONLY, wait=True)
    assert _tags(client, collection_name) == {1: "old", 2: "old", 3: "new"}
    client.upsert(collection_name, _points([1, 4], "upd"), update_mode=models.UpdateMode.UPDATE_ONLY, wait=True)
    assert _tags(client, collection_name) == {1: "upd", 2: "old", 3: "new"}
    client.upsert(collection_name, _points([2, 4], "ups"), update_mode=models.UpdateMode.UPSERT, wait=True)
    assert _tags(client, collection_name) == {1: "upd", 2: "ups", 3: "new", 4: "ups"}


def test_update_only_with_update_filter(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    client.upsert(collection_name, _points([1], "keep") + _points([2], "old"), wait=True)
    only_old = models.Filter(must=[models.FieldCondition(key="tag", match=models.MatchValue(value="old"))])
    client.upsert(collection_name, _points([1, 2, 3], "new"), update_filter=only_old,
                  update_mode=models.UpdateMode.UPDATE_ONLY, wait=True)
    assert _tags(client, collection_name) == {1: "keep", 2: "new"}


def test_update_mode_raw_http_and_unknown_variant(raw: httpx.Client, collection_name: str) -> None:
    assert_ok(raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 2, "distance": "Dot"}}))
    url = f"/collections/{collection_name}/points?wait=true"
    assert_ok(raw.put(url, json={"batch": {"ids": [1], "vectors": [[1, 0]]}, "update_mode": "update_only"}))
    assert assert_ok(raw.post(f"/collections/{collection_name}/points/count", json={"exact": True}))["count"] == 0
    assert_ok(raw.put(url, json={"points": [{"id": 1, "vector": [1, 0]}], "update_mode": "insert_only"}))
    assert assert_ok(raw.post(f"/collections/{collection_name}/points/count", json={"exact": True}))["count"] == 1
    assert_qdrant_error(raw.put(url, json={"points": [{"id": 1, "vector": [1, 0]}], "update_mode": "replace"}),
                        400, "unknown variant `replace`")


TEXTS = ["The quick brown fox", "quickly", "unquickened", "QUICK", "a slow dog"]


def _text_ids(client: QdrantClient, name: str, match: models.Match) -> list[int]:
    flt = models.Filter(must=[models.FieldCondition(key="t", match=match)])
    records, _ = client.scroll(name, scroll_filter=flt, limit=100)
    return sorted(int(r.id) for r in records)


def test_text_match_without_text_index_is_substring(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name, size=2)
    client.upsert(collection_name, [models.PointStruct(id=i, vector=[1.0, 0.0], payload={"t": t})
                                    for i, t in enumerate(TEXTS)], wait=True)
    if is_local(client):
        # QdrantClient(":memory:") 1.19.1 tokenizes (whole lowercase words); Qdrant 1.19's server
        # matches case-sensitive substrings (`stored.contains(text)`), which is what we serve.
        assert _text_ids(client, collection_name, models.MatchText(text="quick")) == [0, 3]
        return
    # Congruent with local mode where both agree (no substring / token difference in the query),
    # and where they differ Qdrant wins: local mode tokenizes even without a text index.
    local = QdrantClient(":memory:")
    create_simple(local, "oracle", size=2)
    local.upsert("oracle", [models.PointStruct(id=i, vector=[1.0, 0.0], payload={"t": t})
                            for i, t in enumerate(TEXTS)], wait=True)
    for agreed in (models.MatchText(text="dog"), models.MatchText(text="The quick brown fox"),
                   models.MatchPhrase(phrase="slow dog"), models.MatchText(text="cat")):
        assert _text_ids(client, collection_name, agreed) == _text_ids(local, "oracle", agreed), agreed
    differs = models.MatchText(text="quick")
    assert _text_ids(local, "oracle", differs) == [0, 3]  # local mode: whole lowercase words
    local.close()
    assert _text_ids(client, collection_name, differs) == [0, 1, 2]  # Qdrant 1.19: substrings
    assert _text_ids(client, collection_name, models.MatchText(text="ick bro")) == [0]
    assert _text_ids(client, collection_name, models.MatchText(text="Quick")) == []
    assert _text_ids(client, collection_name, models.MatchPhrase(phrase="brown fox")) == [0]
    assert _text_ids(client, collection_name, models.MatchTextAny(text_any="slow QUI")) == [3, 4]


@pytest.mark.parametrize("words", ["quick", "brown fox"])
def test_text_match_with_a_text_index_tokenizes(client: QdrantClient, collection_name: str, words: str) -> None:
    """A full-text index tokenizes (lowercase words): the same query as above finds whole words only.
    Congruent with QdrantClient(":memory:"), which always tokenizes."""
    create_simple(client, collection_name, size=2)
    client.upsert(collection_name, [models.PointStruct(id=i, vector=[1.0, 0.0], payload={"t": t})
                                    for i, t in enumerate(TEXTS)], wait=True)
    client.create_payload_index(collection_name, "t", models.PayloadSchemaType.TEXT, wait=True)
    expected = [0, 3] if words == "quick" else [0]
    assert _text_ids(client, collection_name, models.MatchText(text=words)) == expected


PREFIXES = ["https://", "http", "H", "x", "", "https://a", "ftp"]


def test_prefix_match_congruent_with_local_mode(client: QdrantClient, collection_name: str) -> None:
    """`match: {prefix}` is byte-wise and case-sensitive, with or without a keyword index (as
    QdrantClient(":memory:") and Qdrant 1.19); non-strings never match. Every prefix is compared
    with a local-mode collection holding the same payloads."""
    create_simple(client, collection_name, size=2)
    values: list[object] = ["https://a", "http://b", "HTTPS://c", ["x", "https://d"], 5, "", None, {"u": "x"}]
    points = [models.PointStruct(id=i, vector=[1.0, 0.0], payload={"u": v}) for i, v in enumerate(values)]
    client.upsert(collection_name, points, wait=True)
    local = QdrantClient(":memory:")
    create_simple(local, "oracle", size=2)
    local.upsert("oracle", points, wait=True)

    def ids(target: QdrantClient, name: str, prefix: str) -> list[int]:
        flt = models.Filter(must=[models.FieldCondition(key="u", match=models.MatchPrefix(prefix=prefix))])
        found, _ = target.scroll(name, scroll_filter=flt, limit=20)
        return sorted(int(r.id) for r in found)

    assert ids(client, collection_name, "https://") == [0, 3]
    for indexed in (False, True):
        if indexed:
            client.create_payload_index(collection_name, "u", models.KeywordIndexParams(
                type=models.KeywordIndexType.KEYWORD, prefix=True), wait=True)
        for prefix in PREFIXES:
            assert ids(client, collection_name, prefix) == ids(local, "oracle", prefix), (prefix, indexed)
    local.close()


def _mmr_points(n: int = 60, dim: int = 4) -> list[models.PointStruct]:
    rng = random.Random(12)
    return [models.PointStruct(id=i, vector=[rng.uniform(-1, 1) for _ in range(dim)], payload={"n": i})
            for i in range(n)]


def _mmr_ids(client: QdrantClient, name: str, query: list[float], mmr: models.Mmr, limit: int,
             flt: models.Filter | None = None) -> list[tuple[int, float]]:
    result = client.query_points(name, query=models.NearestQuery(nearest=query, mmr=mmr), limit=limit,
                                 query_filter=flt)
    return [(int(p.id), round(p.score, 4)) for p in result.points]


@pytest.mark.parametrize("distance", [models.Distance.COSINE, models.Distance.DOT, models.Distance.EUCLID,
                                      models.Distance.MANHATTAN])
def test_mmr_congruent_with_local_mode(client: QdrantClient, collection_name: str, distance: models.Distance) -> None:
    """MMR picks the same points in the same order as QdrantClient(":memory:") (which follows
    Qdrant's core algorithm, ties included), and points keep their query scores."""
    points = _mmr_points()
    local = QdrantClient(":memory:")
    for target in (client, local):
        target.create_collection(collection_name, vectors_config=models.VectorParams(size=4, distance=distance))
        target.upsert(collection_name, points, wait=True)
    query = [0.3, -0.2, 0.9, 0.1]
    only_even = models.Filter(must=[models.FieldCondition(key="n", range=models.Range(lt=40))])
    for mmr, limit, flt in [(models.Mmr(diversity=0.5, candidates_limit=30), 8, None),
                            (models.Mmr(diversity=0.9, candidates_limit=60), 10, None),
                            (models.Mmr(diversity=0.0, candidates_limit=20), 5, None),
                            (models.Mmr(), 6, only_even),
                            (models.Mmr(diversity=1.0, candidates_limit=15), 15, only_even)]:
        ours = _mmr_ids(client, collection_name, query, mmr, limit, flt)
        theirs = _mmr_ids(local, collection_name, query, mmr, limit, flt)
        assert [i for i, _ in ours] == [i for i, _ in theirs], (mmr, limit)
        assert [s for _, s in ours] == pytest.approx([s for _, s in theirs], abs=1e-3)
    plain = client.query_points(collection_name, query=query, limit=5).points
    assert _mmr_ids(client, collection_name, query, models.Mmr(diversity=0.0, candidates_limit=5), 5)[0][0] \
        == plain[0].id  # the most relevant point always comes first
    local.close()


def test_mmr_changes_the_picks_and_validates(raw: httpx.Client, collection_name: str) -> None:
    assert_ok(raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 2, "distance": "Cosine"}}))
    # two tight clusters: the nearest five are all in the first; MMR with high diversity takes the other too
    pts = [{"id": i, "vector": [1.0, 0.01 * i]} for i in range(5)] + [{"id": 10 + i, "vector": [0.7, 0.7 + 0.01 * i]}
                                                                      for i in range(5)]
    assert_ok(raw.put(f"/collections/{collection_name}/points?wait=true", json={"points": pts}))
    url = f"/collections/{collection_name}/points/query"
    plain = assert_ok(raw.post(url, json={"query": [1, 0], "limit": 3}))["points"]
    assert all(p["id"] < 10 for p in plain)
    diverse = assert_ok(raw.post(url, json={"query": {"nearest": [1, 0], "mmr": {"diversity": 0.9,
                                                                                 "candidates_limit": 10}},
                                            "limit": 3}))["points"]
    assert diverse[0]["id"] == 0 and any(p["id"] >= 10 for p in diverse)
    assert_qdrant_error(raw.post(url, json={"query": {"nearest": [1, 0], "mmr": {"diversity": 1.5}}}), 422,
                        "diversity")
    assert_qdrant_error(raw.post(url, json={"query": {"nearest": [1, 0], "mmr": {"candidates_limit": 16385}}}),
                        422, "candidates_limit")


@pytest.mark.parametrize("distance", [models.Distance.COSINE, models.Distance.DOT, models.Distance.EUCLID])
def test_relevance_feedback_congruent_with_local_mode(client: QdrantClient, collection_name: str,
                                                      distance: models.Distance) -> None:
    """Naive relevance feedback: same points and scores as QdrantClient(":memory:"); examples given
    by id are resolved from the collection (and, as every example id, not returned)."""
    points = _mmr_points()
    local = QdrantClient(":memory:")
    for target in (client, local):
        target.create_collection(collection_name, vectors_config=models.VectorParams(size=4, distance=distance))
        target.upsert(collection_name, points, wait=True)
    query = models.RelevanceFeedbackQuery(relevance_feedback=models.RelevanceFeedbackInput(
        target=[0.3, -0.2, 0.9, 0.1],
        feedback=[models.FeedbackItem(example=[0.1, 0.2, 0.3, 0.4], score=0.9),
                  models.FeedbackItem(example=[-0.5, 0.1, 0.0, 0.2], score=0.2),
                  models.FeedbackItem(example=[0.9, -0.9, 0.1, 0.0], score=0.5)],
        strategy=models.NaiveFeedbackStrategy(naive=models.NaiveFeedbackStrategyParams(a=0.7, b=1.5, c=0.4))))
    ours = client.query_points(collection_name, query=query, limit=8).points
    theirs = local.query_points(collection_name, query=query, limit=8).points
    assert [p.id for p in ours] == [p.id for p in theirs]
    assert [p.score for p in ours] == pytest.approx([p.score for p in theirs], abs=1e-3)
    local.close()


def test_relevance_feedback_raw_http(raw: httpx.Client, collection_name: str) -> None:
    assert_ok(raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 2, "distance": "Dot"}}))
    pts = [{"id": i, "vector": [1.0, float(i)]} for i in range(1, 6)]
    assert_ok(raw.put(f"/collections/{collection_name}/points?wait=true", json={"points": pts}))
    url = f"/collections/{collection_name}/points/query"
    body = {"query": {"relevance_feedback": {"target": [1, 0], "feedback": [{"example": 5, "score": 1.0},
                                                                            {"example": 1, "score": 0.0}],
                                             "strategy": {"naive": {"a": 1, "b": 1, "c": 1}}}}, "limit": 3}
    found = assert_ok(raw.post(url, json=body))["points"]
    # target [1, 0] scores 1 everywhere; the pair (5 better than 1) adds (x·p5 - x·p1) = 4*i: highest i first
    assert [p["id"] for p in found] == [4, 3, 2]  # the examples 5 and 1 are not results
    assert found[0]["score"] == pytest.approx(1 + 16)
    body["query"]["relevance_feedback"]["strategy"] = {"naive": {"a": 1, "b": -1, "c": 1}}
    assert_qdrant_error(raw.post(url, json=body), 422, "b")


def test_memory_placement_is_accepted_and_echoed(raw: httpx.Client, collection_name: str) -> None:
    """1.19's `memory: cold | cached | pinned` placement: accepted on vectors, sparse indexes and
    payload indexes and echoed in the collection info. Its effect here: a placement hint only (Quiver
    keeps in-memory data in RAM and memory-maps `on_disk` data; nothing is pre-loaded or pinned)."""
    body = {"vectors": {"size": 2, "distance": "Dot", "memory": "pinned"},
            "sparse_vectors": {"s": {"index": {"memory": "cold"}}}}
    assert_ok(raw.put(f"/collections/{collection_name}", json=body))
    c = f"/collections/{collection_name}"
    assert_ok(raw.put(f"{c}/index?wait=true", json={"field_name": "k", "field_schema": {"type": "keyword",
                                                                                         "memory": "cached"}}))
    info = assert_ok(raw.get(c))
    assert info["config"]["params"]["vectors"]["memory"] == "pinned"
    assert info["config"]["params"]["sparse_vectors"]["s"]["index"]["memory"] == "cold"
    assert info["payload_schema"]["k"]["params"]["memory"] == "cached"
    assert_qdrant_error(raw.put(f"/collections/{collection_name}_x", json={
        "vectors": {"size": 2, "distance": "Dot", "memory": "hot"}}), 400, "unknown variant `hot`")


def test_memory_placement_through_the_client(client: QdrantClient, collection_name: str) -> None:
    """The same placement through the stock client, so gRPC's `memory` fields are read and echoed too."""
    if is_local(client):
        pytest.skip("local mode keeps no storage config")
    client.create_collection(collection_name, vectors_config=models.VectorParams(
        size=2, distance=models.Distance.DOT, memory=models.Memory.PINNED))
    client.create_payload_index(collection_name, "k", models.KeywordIndexParams(
        type=models.KeywordIndexType.KEYWORD, memory=models.Memory.CACHED), wait=True)
    info = client.get_collection(collection_name)
    vectors = info.config.params.vectors
    assert isinstance(vectors, models.VectorParams) and vectors.memory == models.Memory.PINNED
    params = info.payload_schema["k"].params
    assert isinstance(params, models.KeywordIndexParams) and params.memory == models.Memory.CACHED
