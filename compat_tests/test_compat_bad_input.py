"""Bad input: Qdrant's status codes and error bodies, the server keeps serving, nothing half-applied.

Expected answers come from Qdrant itself (serde/actix errors are 400 "Format error in JSON body: ...",
validation errors 422 "Validation error in JSON body: [...]", the 32 MiB body limit is 400
"Payload error: JSON payload (N bytes) is larger than allowed (limit: 33554432 bytes).").
"""

from __future__ import annotations

import json

import grpc
import httpx
import pytest
from compat_helpers import assert_ok, assert_qdrant_error
from conftest import unique_collection_name
from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import UnexpectedResponse

JSON = {"content-type": "application/json"}


@pytest.fixture
def four_points(raw: httpx.Client, collection_name: str) -> str:
    assert_ok(raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 4, "distance": "Dot"}}))
    points = [{"id": i, "vector": [i, 1, 0, 0], "payload": {"n": i}} for i in range(1, 5)]
    assert_ok(raw.put(f"/collections/{collection_name}/points?wait=true", json={"points": points}))
    return collection_name


def _still_serving_with(raw: httpx.Client, name: str, expected_count: int) -> None:
    assert raw.get("/readyz").status_code == 200
    assert (
        assert_ok(raw.post(f"/collections/{name}/points/count", json={"exact": True}))["count"]
        == expected_count
    )
    assert assert_ok(raw.get(f"/collections/{name}/points/1"))["payload"] == {"n": 1}


def test_wrong_vector_size_on_upsert(raw: httpx.Client, four_points: str) -> None:
    body = {"points": [{"id": 10, "vector": [1, 2, 3, 4]}, {"id": 11, "vector": [1, 2, 3]}]}
    response = raw.put(f"/collections/{four_points}/points?wait=true", json=body)
    assert_qdrant_error(response, 400, "Wrong input: Vector dimension error: expected dim: 4, got 3")
    _still_serving_with(raw, four_points, 4)


def test_wrong_vector_size_on_query(raw: httpx.Client, four_points: str) -> None:
    response = raw.post(f"/collections/{four_points}/points/query", json={"query": [1, 2, 3]})
    assert_qdrant_error(response, 400, "Wrong input: Vector dimension error: expected dim: 4, got 3")
    _still_serving_with(raw, four_points, 4)


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_number_in_vector(raw: httpx.Client, four_points: str, token: str) -> None:
    body = '{"points": [{"id": 20, "vector": [TOKEN, 0.0, 0.0, 0.0]}]}'.replace("TOKEN", token)
    response = raw.put(f"/collections/{four_points}/points?wait=true", content=body, headers=JSON)
    assert_qdrant_error(response, 400, "Format error in JSON body")
    _still_serving_with(raw, four_points, 4)


def test_unknown_field_in_filter(raw: httpx.Client, four_points: str) -> None:
    body = {"filter": {"must": [], "muts": [{"key": "n", "match": {"value": 1}}]}, "limit": 10}
    response = raw.post(f"/collections/{four_points}/points/scroll", json=body)
    assert_qdrant_error(response, 400, "Format error in JSON body", "unknown field `muts`")
    _still_serving_with(raw, four_points, 4)


def test_unknown_field_in_delete_filter_deletes_nothing(raw: httpx.Client, four_points: str) -> None:
    body = {"filter": {"must_nt": [{"key": "n", "match": {"value": 1}}]}}
    response = raw.post(f"/collections/{four_points}/points/delete?wait=true", json=body)
    assert_qdrant_error(response, 400, "Format error in JSON body", "unknown field")
    _still_serving_with(raw, four_points, 4)


@pytest.mark.parametrize(
    "body", ['{"points": [', '{"points": [}', "not json", '{"points": [{"id": 1, "vector": [1,2,3,4],}]}']
)
def test_malformed_json(raw: httpx.Client, four_points: str, body: str) -> None:
    response = raw.put(f"/collections/{four_points}/points?wait=true", content=body, headers=JSON)
    assert_qdrant_error(response, 400, "Format error in JSON body")
    _still_serving_with(raw, four_points, 4)


@pytest.mark.parametrize("bad_id", [-1, "not-a-uuid", 1.5, None])
def test_bad_point_id(raw: httpx.Client, four_points: str, bad_id: object) -> None:
    body = {"points": [{"id": 30, "vector": [1, 1, 1, 1]}, {"id": bad_id, "vector": [1, 1, 1, 1]}]}
    response = raw.put(f"/collections/{four_points}/points?wait=true", content=json.dumps(body), headers=JSON)
    assert_qdrant_error(response, 400, "Format error in JSON body")
    _still_serving_with(raw, four_points, 4)


def test_bad_point_id_in_retrieve(raw: httpx.Client, four_points: str) -> None:
    response = raw.post(f"/collections/{four_points}/points", json={"ids": [1, "abc"]})
    assert_qdrant_error(response, 400, "Format error in JSON body")


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("PUT", "/points?wait=true", {"points": [{"id": 1, "vector": [1, 2]}]}),
        ("POST", "/points/query", {"query": [1, 2]}),
        ("POST", "/points/count", {"exact": True}),
        ("POST", "/points/scroll", {}),
        ("GET", "/points/1", None),
        ("PATCH", "", {"optimizers_config": {"indexing_threshold": 10}}),
        ("PUT", "/index", {"field_name": "a", "field_schema": "keyword"}),
    ],
)
def test_unknown_collection_is_404(raw: httpx.Client, method: str, suffix: str, body: object) -> None:
    name = unique_collection_name("missing")
    response = raw.request(method, f"/collections/{name}{suffix}", json=body)
    assert_qdrant_error(response, 404, f"Not found: Collection `{name}` doesn't exist!")
    assert assert_ok(raw.get(f"/collections/{name}/exists")) == {"exists": False}


def test_unknown_collection_through_stock_client(client: QdrantClient) -> None:
    name = unique_collection_name("missing")
    with pytest.raises((UnexpectedResponse, ValueError, grpc.RpcError)) as error:
        client.get_collection(name)
    if isinstance(error.value, UnexpectedResponse):
        assert error.value.status_code == 404
    if isinstance(error.value, grpc.RpcError):  # prefer_grpc: the same error as status NOT_FOUND
        assert error.value.code() == grpc.StatusCode.NOT_FOUND
        assert f"Collection `{name}` doesn't exist!" in (error.value.details() or "")


def test_unknown_vector_name(raw: httpx.Client, four_points: str) -> None:
    response = raw.post(
        f"/collections/{four_points}/points/query", json={"query": [1, 2, 3, 4], "using": "nope"}
    )
    assert_qdrant_error(response, 400, "Wrong input: Not existing vector name error: nope")
    body = {"points": [{"id": 40, "vector": {"nope": [1, 2, 3, 4]}}]}
    response = raw.put(f"/collections/{four_points}/points?wait=true", json=body)
    assert_qdrant_error(response, 400, "Wrong input: Not existing vector name error: nope")
    _still_serving_with(raw, four_points, 4)


def test_create_existing_collection_is_409(raw: httpx.Client, four_points: str) -> None:
    response = raw.put(f"/collections/{four_points}", json={"vectors": {"size": 8, "distance": "Cosine"}})
    assert_qdrant_error(response, 409, f"Wrong input: Collection `{four_points}` already exists!")
    assert assert_ok(raw.get(f"/collections/{four_points}"))["config"]["params"]["vectors"]["size"] == 4
    _still_serving_with(raw, four_points, 4)


def test_create_existing_through_stock_client(client: QdrantClient, collection_name: str) -> None:
    client.create_collection(
        collection_name, vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT)
    )
    with pytest.raises((UnexpectedResponse, ValueError, grpc.RpcError)) as error:
        client.create_collection(
            collection_name, vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT)
        )
    if isinstance(error.value, UnexpectedResponse):
        assert error.value.status_code == 409
    if isinstance(error.value, grpc.RpcError):  # prefer_grpc: Qdrant answers ALREADY_EXISTS
        assert error.value.code() == grpc.StatusCode.ALREADY_EXISTS


def test_validation_error_is_422(raw: httpx.Client, collection_name: str) -> None:
    response = raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 70000, "distance": "Dot"}})
    assert_qdrant_error(response, 422, "Validation error in JSON body", "vectors.size")
    assert assert_ok(raw.get(f"/collections/{collection_name}/exists")) == {"exists": False}


def test_vector_size_zero_is_a_format_error(raw: httpx.Client, collection_name: str) -> None:
    """Qdrant's `size` is a NonZeroU64 inside the untagged `VectorsConfig` (lib/collection/src/operations/
    types.rs): 0 fails to deserialize (400), it never reaches the validator's range (422)."""
    for vectors in ({"size": 0, "distance": "Dot"}, {"a": {"size": 0, "distance": "Dot"}}):
        response = raw.put(f"/collections/{collection_name}", json={"vectors": vectors})
        assert_qdrant_error(response, 400, "Format error in JSON body: data did not match any variant of untagged "
                            "enum VectorsConfig")
    assert assert_ok(raw.get(f"/collections/{collection_name}/exists")) == {"exists": False}


def test_unknown_distance_is_format_error(raw: httpx.Client, collection_name: str) -> None:
    response = raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 4, "distance": "Dots"}})
    assert_qdrant_error(response, 400, "Format error in JSON body", "unknown variant `Dots`")
    assert assert_ok(raw.get(f"/collections/{collection_name}/exists")) == {"exists": False}


def test_body_over_32_mib(raw: httpx.Client, four_points: str) -> None:
    filler = "x" * 1000
    points = [{"id": 100 + i, "vector": [1, 1, 1, 1], "payload": {"f": filler}} for i in range(34_000)]
    body = json.dumps({"points": points}).encode()
    assert len(body) > 32 * 1024 * 1024
    response = raw.put(f"/collections/{four_points}/points?wait=true", content=body, headers=JSON)
    message = assert_qdrant_error(
        response, 400, "Payload error: JSON payload (", "is larger than allowed (limit: 33554432 bytes)"
    )
    assert f"({len(body)} bytes)" in message
    _still_serving_with(raw, four_points, 4)
