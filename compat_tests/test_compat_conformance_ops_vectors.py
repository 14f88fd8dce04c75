"""Issue 12: Qdrant 1.19's named-vector creation and deletion on an existing collection
(`PUT/DELETE /collections/{c}/vectors/{name}`, gRPC `Points/CreateVectorName` / `DeleteVectorName`).

Through the stock client (REST and gRPC): the collection gains the vector (existing points have no
value for it), upserts can then use it and search on it works; deleting it removes it from the
config and from every point. Creating an existing vector with the same schema is a no-op, with
another schema Qdrant's 400; deleting a missing one is a no-op. Raw HTTP: the untagged body, the
validator's 422s, the path's vector-name rules, 404 for a missing collection. A killed and
restarted server keeps both changes.
"""

from __future__ import annotations

from pathlib import Path

import grpc
import httpx
import pytest
from compat_helpers import assert_ok, assert_qdrant_error, create_simple, is_local, sample_points
from compat_server import start_server
from conftest import memory_mode
from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import UnexpectedResponse


def _grpc(client: QdrantClient) -> bool:
    return bool(getattr(client._client, "_prefer_grpc", False))


def _bad_request(client: QdrantClient, call: object, fragment: str) -> None:
    assert callable(call)
    if _grpc(client):
        with pytest.raises(grpc.RpcError) as info:
            call()
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert fragment in (info.value.details() or "")
    else:
        with pytest.raises(UnexpectedResponse) as raised:
            call()
        assert raised.value.status_code == 400
        assert fragment in raised.value.content.decode()


def test_create_named_vector_then_upsert_and_search(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    client.upsert(collection_name, points=sample_points(20), wait=True)
    result = client.create_vector_name(collection_name, "img", models.DenseVectorNameConfig(
        dense=models.DenseVectorConfig(size=3, distance=models.Distance.EUCLID)))
    if not is_local(client):
        assert result.status == models.UpdateStatus.COMPLETED
    config = client.get_collection(collection_name).config.params.vectors
    assert isinstance(config, dict) and set(config) == {"", "img"}  # the unnamed vector becomes ""
    assert config["img"].size == 3 and config["img"].distance == models.Distance.EUCLID
    old = client.retrieve(collection_name, [1], with_vectors=True)[0]
    # no value for the new vector; a point holding only "" still renders as a plain list, as Qdrant
    assert isinstance(old.vector, list) and len(old.vector) == 4
    client.upsert(collection_name, wait=True, points=[
        models.PointStruct(id=100, vector={"img": [1.0, 0.0, 0.0]}),
        models.PointStruct(id=101, vector={"img": [5.0, 5.0, 5.0], "": [0.1, 0.2, 0.3, 0.4]}),
    ])
    client.update_vectors(collection_name, wait=True, points=[
        models.PointVectors(id=3, vector={"img": [1.0, 1.0, 0.0]})])
    hits = client.query_points(collection_name, query=[1.0, 0.0, 0.0], using="img", limit=5).points
    assert [h.id for h in hits] == [100, 3, 101]
    assert hits[0].score == pytest.approx(0.0)
    assert client.count(collection_name, exact=True).count == 22


def test_create_sparse_vector_and_query_it(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    client.create_vector_name(collection_name, "text", models.SparseVectorNameConfig(
        sparse=models.SparseVectorConfig(modifier=models.Modifier.IDF)))
    sparse = client.get_collection(collection_name).config.params.sparse_vectors
    assert sparse is not None and sparse["text"].modifier == models.Modifier.IDF
    client.upsert(collection_name, wait=True, points=[
        models.PointStruct(id=1, vector={"": [1.0, 0.0, 0.0, 0.0],
                                         "text": models.SparseVector(indices=[3, 9], values=[1.0, 2.0])}),
        models.PointStruct(id=2, vector={"text": models.SparseVector(indices=[9], values=[1.0])}),
    ])
    hits = client.query_points(collection_name, query=models.SparseVector(indices=[3], values=[1.0]),
                               using="text", limit=5).points
    assert [h.id for h in hits] == [1]


def test_delete_named_vector(client: QdrantClient, collection_name: str) -> None:
    client.create_collection(collection_name, vectors_config={
        "a": models.VectorParams(size=2, distance=models.Distance.DOT),
        "b": models.VectorParams(size=2, distance=models.Distance.DOT)})
    client.upsert(collection_name, wait=True, points=[
        models.PointStruct(id=1, vector={"a": [1.0, 0.0], "b": [0.0, 1.0]})])
    client.delete_vector_name(collection_name, "b")
    vectors = client.get_collection(collection_name).config.params.vectors
    assert isinstance(vectors, dict) and set(vectors) == {"a"}
    assert client.retrieve(collection_name, [1], with_vectors=True)[0].vector == {"a": [1.0, 0.0]}
    if is_local(client):
        return  # local mode raises its own errors for a name it does not know
    _bad_request(client, lambda: client.query_points(collection_name, query=[1.0, 0.0], using="b"),
                 "Not existing vector name error: b")
    client.delete_vector_name(collection_name, "b")  # a missing vector: a no-op, as Qdrant
    client.create_vector_name(collection_name, "b", models.DenseVectorNameConfig(
        dense=models.DenseVectorConfig(size=5, distance=models.Distance.COSINE)))  # recreated, another size
    client.upsert(collection_name, wait=True, points=[models.PointStruct(id=2, vector={"b": [1.0] * 5})])
    assert client.retrieve(collection_name, [1], with_vectors=True)[0].vector == {"a": [1.0, 0.0]}


def test_create_existing_name(client: QdrantClient, collection_name: str) -> None:
    if is_local(client):
        pytest.skip("local mode checks no schema conflicts")
    create_simple(client, collection_name)
    dense = models.DenseVectorNameConfig(dense=models.DenseVectorConfig(size=2, distance=models.Distance.DOT))
    client.create_vector_name(collection_name, "v", dense)
    client.create_vector_name(collection_name, "v", dense)  # the same schema: idempotent
    other = models.DenseVectorNameConfig(dense=models.DenseVectorConfig(size=3, distance=models.Distance.DOT))
    _bad_request(client, lambda: client.create_vector_name(collection_name, "v", other),
                 "Wrong input: Vector `v` already exists with a different configuration")
    sparse = models.SparseVectorNameConfig(sparse=models.SparseVectorConfig())
    _bad_request(client, lambda: client.create_vector_name(collection_name, "v", sparse),
                 "Wrong input: Vector `v` already exists as a dense vector")
    if _grpc(client):  # the name is checked as the operation is built (REST checks the path first: 422)
        _bad_request(client, lambda: client.create_vector_name(collection_name, "a|b", sparse),
                     'Wrong input: Invalid vector name `a|b`: vector name cannot contain "|" char')
    else:
        with pytest.raises(UnexpectedResponse) as raised:
            client.create_vector_name(collection_name, "a|b", sparse)
        assert raised.value.status_code == 422
        assert 'vector name cannot contain \\"|\\" char' in raised.value.content.decode()


def test_grpc_validation(client: QdrantClient, collection_name: str) -> None:
    if not _grpc(client):
        pytest.skip("gRPC messages")
    create_simple(client, collection_name)
    from qdrant_client import grpc as qgrpc

    stub = client._client.grpc_points  # the stock client's own stub
    with pytest.raises(grpc.RpcError) as info:
        stub.CreateVectorName(qgrpc.CreateVectorNameRequest(collection_name=collection_name, vector_name="v"))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert info.value.details() == "vector_config is required (dense_config or sparse_config)"
    with pytest.raises(grpc.RpcError) as info:
        stub.CreateVectorName(qgrpc.CreateVectorNameRequest(
            collection_name=collection_name, vector_name="v",
            dense_config=qgrpc.DenseVectorCreationConfig(size=0, distance=qgrpc.Distance.Dot)))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "must be from 1 to 65536" in (info.value.details() or "")
    with pytest.raises(grpc.RpcError) as info:
        stub.DeleteVectorName(qgrpc.DeleteVectorNameRequest(collection_name="missing_" + collection_name,
                                                            vector_name="v"))
    assert info.value.code() == grpc.StatusCode.NOT_FOUND


def test_rest_errors(raw: httpx.Client, collection_name: str) -> None:
    base = f"/collections/{collection_name}/vectors"
    dense = {"dense": {"size": 2, "distance": "Dot"}}
    assert_qdrant_error(raw.put(f"{base}/v", json=dense), 404, f"Collection `{collection_name}` doesn't exist!")
    assert_qdrant_error(raw.delete(f"{base}/v"), 404, f"Collection `{collection_name}` doesn't exist!")
    assert_ok(raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 2, "distance": "Dot"}}))
    untagged = "Format error in JSON body: data did not match any variant of untagged enum VectorNameConfig"
    for body in ({}, {"dense": {"size": 2}}, {"dense": {"size": 2, "distance": "dot"}},
                 {"sparse": {"modifier": "bm25"}}, [1]):
        assert_qdrant_error(raw.put(f"{base}/v", json=body), 400, untagged)
    assert_qdrant_error(raw.put(f"{base}/v", json={"dense": {"size": 0, "distance": "Dot"}}), 422,
                        "Validation error in JSON body: [dense.size: value 0 invalid, must be from 1 to 65536]")
    assert_qdrant_error(raw.put(f"{base}/v", json={"dense": {"size": 65537, "distance": "Dot"}}), 422,
                        "dense.size: value 65537 invalid")
    assert_qdrant_error(raw.put(f"{base}/v", json={"sparse": {"datatype": "turbo4"}}), 422,
                        "[sparse.datatype: sparse vectors do not support the `turbo4` datatype]")
    assert_qdrant_error(raw.put(f"{base}/a%3Ab", json=dense), 422,
                        'Validation error in path parameters: [vector_name: vector name cannot contain ":" char]')
    assert_qdrant_error(raw.delete(f"{base}/{'x' * 201}"), 422, "vector name must be at most 200 bytes long")
    # unknown fields are ignored; `dense` wins over `sparse` (tried first)
    result = assert_ok(raw.put(f"{base}/v", params={"wait": "true"},
                               json={"dense": {"size": 2, "distance": "Dot", "hnsw": 1}, "sparse": {}, "x": 1}))
    assert result["status"] == "completed" and isinstance(result["operation_id"], int)
    assert_ok(raw.put(f"{base}/v", json=dense))  # wait=false: acknowledged, but applied already
    info = assert_ok(raw.get(f"/collections/{collection_name}"))
    assert info["config"]["params"]["vectors"]["v"] == {"size": 2, "distance": "Dot"}
    assert_ok(raw.put(f"/collections/{collection_name}/points", params={"wait": "true"},
                      json={"points": [{"id": 1, "vector": {"v": [1, 2]}}]}))
    assert_qdrant_error(raw.put(f"{base}/v", json={"dense": {"size": 2, "distance": "Cosine"}}), 400,
                        "Wrong input: Vector `v` already exists with a different configuration")
    assert assert_ok(raw.delete(f"{base}/v", params={"wait": "true"}))["status"] == "completed"
    points = assert_ok(raw.post(f"/collections/{collection_name}/points", json={"ids": [1], "with_vector": True}))
    assert points[0]["vector"] == {}


@pytest.mark.skipif(memory_mode(), reason="restarts need the real server")
@pytest.mark.timeout(120)
def test_a_killed_server_keeps_created_and_deleted_vectors(tmp_path: Path) -> None:
    server = start_server(tmp_path, log_name="first.log")
    try:
        client = QdrantClient(url=server.url, prefer_grpc=False, timeout=30)
        client.create_collection("c", vectors_config={"a": models.VectorParams(size=2, distance=models.Distance.DOT)},
                                 sparse_vectors_config={"s": models.SparseVectorParams()})
        client.upsert("c", wait=True, points=[models.PointStruct(id=i, vector={"a": [i, 1.0]}) for i in range(10)])
        client.create_vector_name("c", "b", models.DenseVectorNameConfig(
            dense=models.DenseVectorConfig(size=3, distance=models.Distance.COSINE)))
        client.delete_vector_name("c", "s")
        client.upsert("c", wait=True, points=[models.PointStruct(id=20, vector={"b": [1.0, 0.0, 0.0]})])
        client.close()
    finally:
        server.kill()
    again = start_server(tmp_path, log_name="second.log")
    try:
        client = QdrantClient(url=again.url, prefer_grpc=False, timeout=30)
        params = client.get_collection("c").config.params
        assert isinstance(params.vectors, dict) and set(params.vectors) == {"a", "b"}
        assert not params.sparse_vectors
        assert client.retrieve("c", [20], with_vectors=True)[0].vector == {"b": [1.0, 0.0, 0.0]}
        hits = client.query_points("c", query=[0.0, 1.0, 0.0], using="b", limit=3).points
        assert [h.id for h in hits] == [20]
        assert client.count("c", exact=True).count == 11
        client.close()
    finally:
        again.stop()
