"""Qdrant 1.19's request parsing: serde aliases accepted, unknown fields ignored except where Qdrant
denies them (`Filter` and the payload `include`/`exclude` selectors carry `deny_unknown_fields`).

The facts come from Qdrant's models (lib/api/src/rest/schema.rs, lib/collection/src/operations/
types.rs and config_diff.rs, lib/shard/src/scroll.rs at v1.19.0): `with_vectors` for `with_vector`,
`top` for `limit`, `vectors` for `vector` (points, point vectors, delete vectors), `quantization`
for `quantization_config`, `*_kb` for the optimizer/HNSW thresholds. A field given together with its
alias is serde's `duplicate field` error. REST only: protobuf has no aliases and skips unknown fields
by its own rules. QdrantClient(":memory:") parses pydantic models, not JSON, so raw HTTP is the check.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from compat_helpers import assert_ok, assert_qdrant_error


def _create(raw: httpx.Client, name: str, body: dict[str, Any]) -> None:
    assert_ok(raw.put(f"/collections/{name}", json=body))


@pytest.fixture
def points(raw: httpx.Client, collection_name: str) -> str:
    """Three points upserted through the aliases and with unknown fields at every level."""
    _create(raw, collection_name, {"vectors": {"size": 2, "distance": "Dot"}})
    body = {
        "points": [
            {"id": i, "vectors": [float(i), 1.0], "payload": {"n": i}, "colour": "red"} for i in (1, 2, 3)
        ],
        "not_a_field": {"nested": True},
    }
    assert_ok(raw.put(f"/collections/{collection_name}/points?wait=true", json=body))
    return collection_name


def test_create_collection_accepts_aliases_and_ignores_unknown_fields(raw: httpx.Client, collection_name: str) -> None:
    body = {
        "vectors": {"size": 4, "distance": "Cosine", "quantization": {"scalar": {"type": "int8"}}, "shape": "x"},
        "hnsw_config": {"m": 8, "full_scan_threshold_kb": 5000, "speed": "fast"},
        "optimizers_config": {"indexing_threshold_kb": 20000, "max_segment_size_kb": 100000, "turbo": 1},
        "colour": "blue",
    }
    _create(raw, collection_name, body)
    config = assert_ok(raw.get(f"/collections/{collection_name}"))["config"]
    assert config["params"]["vectors"]["quantization_config"] == {"scalar": {"type": "int8"}}
    assert "shape" not in config["params"]["vectors"]
    assert config["hnsw_config"]["m"] == 8
    assert config["hnsw_config"]["full_scan_threshold"] == 5000
    assert "speed" not in config["hnsw_config"]
    assert config["optimizer_config"]["indexing_threshold"] == 20000
    assert config["optimizer_config"]["max_segment_size"] == 100000
    assert "turbo" not in config["optimizer_config"]


def test_update_collection_accepts_quantization_alias(raw: httpx.Client, collection_name: str) -> None:
    _create(raw, collection_name, {"vectors": {"v": {"size": 2, "distance": "Dot"}}})
    patch = {"vectors": {"v": {"quantization": {"scalar": {"type": "int8"}}, "what": 1}}, "extra": True}
    assert_ok(raw.patch(f"/collections/{collection_name}", json=patch))
    config = assert_ok(raw.get(f"/collections/{collection_name}"))["config"]
    assert config["params"]["vectors"]["v"]["quantization_config"] == {"scalar": {"type": "int8"}}


def test_field_and_alias_together_is_a_duplicate_field(raw: httpx.Client, points: str) -> None:
    body = {"query": [1, 0], "with_vector": True, "with_vectors": True}
    response = raw.post(f"/collections/{points}/points/query", json=body)
    assert_qdrant_error(response, 400, "Format error in JSON body", "duplicate field `with_vector`")


def test_points_were_stored_through_the_vectors_alias(raw: httpx.Client, points: str) -> None:
    got = assert_ok(raw.get(f"/collections/{points}/points/2"))
    assert got["vector"] == [2.0, 1.0]
    assert got["payload"] == {"n": 2}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("points/query", {"query": [1, 0], "limit": 1, "with_vectors": True, "unknown": 1}),
        ("points/search", {"vector": [1, 0], "top": 1, "with_vectors": True, "unknown": 1}),
        ("points/recommend", {"positive": [3], "top": 1, "with_vectors": True, "unknown": 1}),
        ("points/scroll", {"limit": 1, "with_vectors": True, "unknown": 1}),
        ("points", {"ids": [3], "with_vectors": True, "unknown": 1}),
    ],
)
def test_read_requests_accept_with_vectors_and_top(raw: httpx.Client, points: str, path: str, body: Any) -> None:
    result = assert_ok(raw.post(f"/collections/{points}/{path}", json=body))
    hits = result["points"] if isinstance(result, dict) else result
    assert len(hits) == 1
    assert isinstance(hits[0]["vector"], list) and len(hits[0]["vector"]) == 2


def test_discover_accepts_top(raw: httpx.Client, points: str) -> None:
    body = {"target": [1, 0], "context": [{"positive": [3, 1], "negative": [1, 1]}], "top": 2, "unknown": 1}
    assert len(assert_ok(raw.post(f"/collections/{points}/points/discover", json=body))) == 2  # of 3


def test_vector_updates_accept_the_vectors_alias(raw: httpx.Client, collection_name: str) -> None:
    _create(raw, collection_name, {"vectors": {"a": {"size": 2, "distance": "Dot"}, "b": {"size": 2, "distance": "Dot"}}})
    base = f"/collections/{collection_name}/points"
    upsert = {"points": [{"id": 1, "vectors": {"a": [1, 0], "b": [0, 1]}}]}
    assert_ok(raw.put(f"{base}?wait=true", json=upsert))
    update = {"points": [{"id": 1, "vectors": {"a": [0.5, 0.5]}, "payload": {"ignored": True}}]}
    assert_ok(raw.put(f"{base}/vectors?wait=true", json=update))
    assert_ok(raw.post(f"{base}/vectors/delete?wait=true", json={"points": [1], "vectors": ["b"]}))
    got = assert_ok(raw.get(f"{base}/1"))
    assert got["vector"] == {"a": [0.5, 0.5]}
    assert got["payload"] == {}


def test_unknown_fields_inside_conditions_are_ignored(raw: httpx.Client, points: str) -> None:
    flt = {"must": [{"key": "n", "range": {"gte": 2, "between": 9}, "note": "x"}]}
    result = assert_ok(raw.post(f"/collections/{points}/points/count", json={"filter": flt, "exact": True}))
    assert result["count"] == 2


def test_filter_and_payload_selectors_still_deny_unknown_fields(raw: httpx.Client, points: str) -> None:
    response = raw.post(f"/collections/{points}/points/scroll", json={"filter": {"must": [], "mustnt": []}})
    assert_qdrant_error(response, 400, "Format error in JSON body", "unknown field `mustnt`")
    body = {"with_payload": {"include": ["n"], "also": ["x"]}}
    response = raw.post(f"/collections/{points}/points/scroll", json=body)
    assert_qdrant_error(response, 400, "Format error in JSON body")


def _formula(raw: httpx.Client, name: str, formula: Any) -> httpx.Response:
    body = {"prefetch": {"query": [1, 0]}, "query": {"formula": formula, "unknown": 1}, "limit": 3}
    return raw.post(f"/collections/{name}/points/query", json=body)


def test_formula_expressions_ignore_unknown_keys(raw: httpx.Client, points: str) -> None:
    """Qdrant's `Expression` is an untagged enum of structs without deny_unknown_fields
    (lib/api/src/rest/schema.rs): a condition is tried first, then the operations in their order;
    the first that reads wins and other keys are ignored."""
    def scores(formula: Any) -> list[tuple[int, float]]:
        return [(p["id"], p["score"]) for p in assert_ok(_formula(raw, points, formula))["points"]]

    assert scores({"sum": ["$score", 1], "note": "x"}) == [(3, 4.0), (2, 3.0), (1, 2.0)]
    assert scores({"mult": [2, "$score"], "sum": [100]}) == [(3, 6.0), (2, 4.0), (1, 2.0)]  # mult before sum
    assert scores({"mult": 5, "sum": [1, "$score"]}) == [(3, 4.0), (2, 3.0), (1, 2.0)]  # mult does not read: sum
    assert scores({"neg": "$score", "colour": 1}) == [(1, -1.0), (2, -2.0), (3, -3.0)]
    assert scores({"div": {"left": "$score", "right": 2, "extra": True}}) == [(3, 1.5), (2, 1.0), (1, 0.5)]
    hits = scores({"key": "n", "match": {"value": 2}, "mult": [5]})  # a condition first: 1 or 0
    assert hits[0] == (2, 1.0) and {s for _, s in hits[1:]} == {0.0}
    assert_qdrant_error(_formula(raw, points, {"bogus": 1}), 400, "Format error in JSON body",
                        "data did not match any variant of untagged enum Expression")


def test_batch_operations_ignore_unknown_keys(raw: httpx.Client, points: str) -> None:
    """`UpdateOperation` (src/common/update.rs) is untagged too: the first variant whose key is
    present and whose body reads wins (`delete: 5` does not read, so `set_payload` does)."""
    url = f"/collections/{points}/points/batch?wait=true"
    ops = [{"upsert": {"points": [{"id": 9, "vector": [1, 1]}]}, "comment": "x"},
           {"set_payload": {"payload": {"k": 1}, "points": [9]}, "delete": 5}]
    assert [r["status"] for r in assert_ok(raw.post(url, json={"operations": ops}))] == ["completed", "completed"]
    got = assert_ok(raw.get(f"/collections/{points}/points/9"))
    assert got["payload"] == {"k": 1} and got["vector"] == [1.0, 1.0]
    response = raw.post(url, json={"operations": [{"delete": {"points": [9]}}, {"nope": {}}]})
    assert_qdrant_error(response, 400, "Format error in JSON body",
                        "data did not match any variant of untagged enum UpdateOperation")
    assert assert_ok(raw.get(f"/collections/{points}/points/9"))["id"] == 9  # nothing applied
