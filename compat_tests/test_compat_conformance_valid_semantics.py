"""Rows of Qdrant 1.19's behaviour where Quiver differed: empty vectors, collection-parameter
validation, the integer index capability check, facets over a uuid index, `with_payload` include
paths through arrays. Each is checked through the stock client (REST and gRPC) and, where the
status and text matter, raw HTTP. Facts from Qdrant v1.19.0's models and validators
(collection_meta_ops.rs `range(min = 1)`, config_diff.rs `NonZeroU32`, data_types/index.rs
`validate_integer_index_params`, json_path `value_filter` for include selectors).
"""

from __future__ import annotations

import uuid

import grpc
import httpx
import pytest
from compat_helpers import assert_ok, assert_qdrant_error, is_local
from compat_server import ServerProcess
from conftest import make_client
from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import UnexpectedResponse


def test_empty_vector_object_is_accepted_and_reads_back_empty(client: QdrantClient, collection_name: str) -> None:
    # QdrantClient(":memory:") refuses a point without the unnamed vector; Qdrant accepts it
    if is_local(client):
        pytest.skip("local mode differs from Qdrant: it requires the unnamed vector")
    client.create_collection(collection_name, vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT))
    client.upsert(collection_name, [models.PointStruct(id=1, vector={}, payload={"k": 1}),
                                    models.PointStruct(id=2, vector=[1.0, 2.0])], wait=True)
    client.delete_vectors(collection_name, vectors=[""], points=[2], wait=True)
    got = {r.id: r.vector for r in client.retrieve(collection_name, ids=[1, 2], with_vectors=True)}
    assert got == {1: {}, 2: {}}


def test_empty_vector_object_over_raw_http(raw: httpx.Client, collection_name: str) -> None:
    assert_ok(raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 2, "distance": "Dot"}}))
    body = {"points": [{"id": 1, "vector": {}}, {"id": 2, "vector": [1, 2]}]}
    assert_ok(raw.put(f"/collections/{collection_name}/points?wait=true", json=body))
    assert assert_ok(raw.get(f"/collections/{collection_name}/points/1"))["vector"] == {}
    assert_ok(raw.post(f"/collections/{collection_name}/points/vectors/delete?wait=true",
                       json={"points": [2], "vector": [""]}))
    assert assert_ok(raw.get(f"/collections/{collection_name}/points/2"))["vector"] == {}
    assert assert_ok(raw.post(f"/collections/{collection_name}/points/count", json={}))["count"] == 2


@pytest.mark.parametrize("key", ["shard_number", "replication_factor", "write_consistency_factor"])
def test_collection_counts_must_be_positive(raw: httpx.Client, collection_name: str, key: str) -> None:
    vectors = {"size": 2, "distance": "Dot"}
    response = raw.put(f"/collections/{collection_name}", json={"vectors": vectors, key: 0})
    assert_qdrant_error(response, 422, f"Validation error in JSON body: [{key}: value 0 invalid, must be 1 or larger]")
    response = raw.put(f"/collections/{collection_name}", json={"vectors": vectors, key: -1})
    assert_qdrant_error(response, 400, "Format error in JSON body", "invalid value: integer `-1`, expected u32")
    assert raw.get(f"/collections/{collection_name}/exists").json()["result"]["exists"] is False


@pytest.mark.parametrize("key", ["replication_factor", "write_consistency_factor"])
def test_update_counts_are_nonzero(raw: httpx.Client, collection_name: str, key: str) -> None:
    assert_ok(raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 2, "distance": "Dot"}}))
    for value in (0, -1):
        response = raw.patch(f"/collections/{collection_name}", json={"params": {key: value}})
        assert_qdrant_error(response, 400, "Format error in JSON body",
                            f"invalid value: integer `{value}`, expected a nonzero u32")
    config = assert_ok(raw.get(f"/collections/{collection_name}"))["config"]["params"]
    assert config[key] == 1


def test_shard_number_zero_over_grpc(server: ServerProcess | None, collection_name: str) -> None:
    """gRPC only: the stock REST client's request would itself break the OpenAPI schema (minimum 1)."""
    if server is None:
        pytest.skip("local mode keeps no cluster parameters")
    client = make_client(server, "grpc")
    try:
        with pytest.raises(grpc.RpcError) as err:
            client.create_collection(collection_name, shard_number=0,
                                     vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT))
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "shard_number" in str(err.value.details())
        assert not client.collection_exists(collection_name)
    finally:
        client.close()


def test_vector_size_over_65536_is_rejected(raw: httpx.Client, collection_name: str) -> None:
    response = raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 65537, "distance": "Dot"}})
    assert_qdrant_error(response, 422, "Validation error in JSON body", "vectors.size", "65536")


def test_integer_index_needs_lookup_or_range(raw: httpx.Client, collection_name: str) -> None:
    assert_ok(raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 2, "distance": "Dot"}}))
    body = {"field_name": "n", "field_schema": {"type": "integer", "lookup": False, "range": False}}
    response = raw.put(f"/collections/{collection_name}/index?wait=true", json=body)
    assert_qdrant_error(response, 422, "Validation error in JSON body: [field_schema.lookup: Validation error: "
                        "the 'lookup' and 'range' capabilities can't be both disabled [{}]]")
    assert assert_ok(raw.get(f"/collections/{collection_name}"))["payload_schema"] == {}
    body["field_schema"] = {"type": "integer", "lookup": False, "range": True}
    assert_ok(raw.put(f"/collections/{collection_name}/index?wait=true", json=body))


def test_integer_index_needs_lookup_or_range_through_the_client(client: QdrantClient, collection_name: str) -> None:
    if is_local(client):
        pytest.skip("local mode has no payload indexes")
    client.create_collection(collection_name, vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT))
    schema = models.IntegerIndexParams(type=models.IntegerIndexType.INTEGER, lookup=False, range=False)
    with pytest.raises((UnexpectedResponse, Exception)) as err:
        client.create_payload_index(collection_name, "n", field_schema=schema, wait=True)
    assert "capabilities can" in str(err.value) and "be both disabled" in str(err.value)


def test_facet_over_uuid_index_returns_hyphenated_uuids(client: QdrantClient, collection_name: str) -> None:
    if is_local(client):
        pytest.skip("local mode facets need no index and keep the payload spelling")
    client.create_collection(collection_name, vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT))
    client.create_payload_index(collection_name, "u", field_schema=models.PayloadSchemaType.UUID, wait=True)
    one = uuid.UUID("550e8400-e29b-41d4-a716-446655440000")
    payloads = [{"u": str(one)}, {"u": one.hex.upper()}, {"u": str(uuid.UUID(int=7))}]
    client.upsert(collection_name, [models.PointStruct(id=i, vector=[1.0, 0.0], payload=p)
                                    for i, p in enumerate(payloads, start=1)], wait=True)
    hits = client.facet(collection_name, "u").hits
    assert [(h.value, h.count) for h in hits] == [(str(one), 2), (str(uuid.UUID(int=7)), 1)]


def test_with_payload_include_through_arrays(client: QdrantClient, collection_name: str) -> None:
    client.create_collection(collection_name, vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT))
    payload = {"a": [{"b": 1, "c": 2}, {"c": 3}], "d": {"e": 1, "f": 2}, "g": 5}
    client.upsert(collection_name, [models.PointStruct(id=1, vector=[1.0, 0.0], payload=payload)], wait=True)

    def selected(include: list[str]) -> dict[str, object] | None:
        return client.retrieve(collection_name, ids=[1], with_payload=include)[0].payload

    assert selected(["a[].b"]) == {"a": [{"b": 1}, {}]}
    assert selected(["d.e", "g"]) == {"d": {"e": 1}, "g": 5}
    if not is_local(client):  # Qdrant's walk: an element of `a` has the path `a[]`, which `a.b` does not match
        assert selected(["a.b"]) == {"a": []}
