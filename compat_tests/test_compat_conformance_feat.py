"""Issue 12 (features): `update_mode` on upserts and text match on a key without a full-text index.

Checked through the stock client on REST and gRPC (and raw HTTP where the wire shape matters).
Where QdrantClient(":memory:") differs from Qdrant 1.19 the test says so and Qdrant wins.
"""

from __future__ import annotations

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
    assert _text_ids(client, collection_name, models.MatchText(text="quick")) == [0, 1, 2]
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


def test_prefix_match_congruent_with_local_mode(client: QdrantClient, collection_name: str) -> None:
    """`match: {prefix}` is byte-wise and case-sensitive, with or without a keyword index (as
    QdrantClient(":memory:") and Qdrant 1.19); non-strings never match."""
    create_simple(client, collection_name, size=2)
    values: list[object] = ["https://a", "http://b", "HTTPS://c", ["x", "https://d"], 5]
    client.upsert(collection_name, [models.PointStruct(id=i, vector=[1.0, 0.0], payload={"u": v})
                                    for i, v in enumerate(values)], wait=True)
    flt = models.Filter(must=[models.FieldCondition(key="u", match=models.MatchPrefix(prefix="https://"))])
    found, _ = client.scroll(collection_name, scroll_filter=flt, limit=10)
    assert sorted(int(r.id) for r in found) == [0, 3]
    client.create_payload_index(collection_name, "u", models.KeywordIndexParams(
        type=models.KeywordIndexType.KEYWORD, prefix=True), wait=True)
    found, _ = client.scroll(collection_name, scroll_filter=flt, limit=10)
    assert sorted(int(r.id) for r in found) == [0, 3]
