"""Point writes: upsert (list and batch formats, u64 and UUID ids), delete, payload ops, vectors, batch."""

from __future__ import annotations

import uuid

import httpx
from compat_helpers import assert_ok, count, create_simple, sample_points
from qdrant_client import QdrantClient, models

UUID_ID = "5c56c793-69f3-4fbf-87e6-c4bf54c28c26"


def test_upsert_list_format_and_get_one(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    result = client.upsert(collection_name, points=sample_points(5), wait=True)
    assert result.status == models.UpdateStatus.COMPLETED
    assert count(client, collection_name) == 5
    record = client.retrieve(collection_name, ids=[3], with_vectors=True)[0]
    assert record.id == 3
    assert record.payload == sample_points(5)[2].payload
    assert record.vector == sample_points(5)[2].vector or all(
        abs(a - b) < 1e-6 for a, b in zip(record.vector, sample_points(5)[2].vector, strict=True)
    )


def test_upsert_batch_format_with_uuid_ids(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name, size=3)
    ids = [UUID_ID, 7, str(uuid.UUID(int=42))]
    client.upsert(
        collection_name,
        points=models.Batch(
            ids=ids, vectors=[[1, 0, 0], [0, 1, 0], [0, 0, 1]], payloads=[{"a": 1}, {"a": 2}, {"a": 3}]
        ),
        wait=True,
    )
    records = {str(r.id): r.payload for r in client.retrieve(collection_name, ids=ids)}
    assert records == {UUID_ID: {"a": 1}, "7": {"a": 2}, str(uuid.UUID(int=42)): {"a": 3}}


def test_uuid_ids_are_normalised(raw: httpx.Client, collection_name: str) -> None:
    assert_ok(raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 2, "distance": "Dot"}}))
    simple = UUID_ID.replace("-", "").upper()
    assert_ok(
        raw.put(
            f"/collections/{collection_name}/points?wait=true",
            json={"points": [{"id": simple, "vector": [1, 2]}]},
        )
    )
    assert assert_ok(raw.get(f"/collections/{collection_name}/points/{UUID_ID}"))["id"] == UUID_ID


def test_upsert_overwrites_point(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    client.upsert(
        collection_name,
        points=[models.PointStruct(id=1, vector=[1, 1, 1, 1], payload={"a": 1, "b": 2})],
        wait=True,
    )
    client.upsert(
        collection_name, points=[models.PointStruct(id=1, vector=[2, 2, 2, 2], payload={"c": 3})], wait=True
    )
    record = client.retrieve(collection_name, ids=[1], with_vectors=True)[0]
    assert record.payload == {"c": 3}
    assert record.vector == [2.0, 2.0, 2.0, 2.0]
    assert count(client, collection_name) == 1


def test_large_u64_id(raw: httpx.Client, collection_name: str) -> None:
    big = 2**64 - 1
    assert_ok(raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 2, "distance": "Dot"}}))
    assert_ok(
        raw.put(
            f"/collections/{collection_name}/points?wait=true",
            json={"points": [{"id": big, "vector": [1, 2]}]},
        )
    )
    assert assert_ok(raw.get(f"/collections/{collection_name}/points/{big}"))["id"] == big


def test_delete_by_ids_and_by_filter(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    client.upsert(collection_name, points=sample_points(10), wait=True)
    client.delete(collection_name, points_selector=models.PointIdsList(points=[1, 2, 999]), wait=True)
    assert count(client, collection_name) == 8
    even = models.Filter(must=[models.FieldCondition(key="parity", match=models.MatchValue(value="even"))])
    client.delete(collection_name, points_selector=models.FilterSelector(filter=even), wait=True)
    assert sorted(r.id for r in client.scroll(collection_name, limit=20)[0]) == [3, 5, 7, 9]


def test_set_overwrite_delete_clear_payload(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    client.upsert(collection_name, points=sample_points(3), wait=True)
    client.set_payload(collection_name, payload={"x": 1, "n": 100}, points=[1, 2], wait=True)
    assert client.retrieve(collection_name, ids=[1])[0].payload == {
        "n": 100,
        "parity": "odd",
        "tags": ["t1", "t1"],
        "x": 1,
    }
    client.overwrite_payload(collection_name, payload={"only": True}, points=[2], wait=True)
    assert client.retrieve(collection_name, ids=[2])[0].payload == {"only": True}
    client.delete_payload(collection_name, keys=["x", "tags"], points=[1], wait=True)
    assert client.retrieve(collection_name, ids=[1])[0].payload == {"n": 100, "parity": "odd"}
    client.clear_payload(collection_name, points_selector=models.PointIdsList(points=[1, 3]), wait=True)
    payloads = {r.id: r.payload for r in client.retrieve(collection_name, ids=[1, 2, 3])}
    assert payloads == {1: {}, 2: {"only": True}, 3: {}}


def test_set_payload_by_filter_and_nested_key(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    client.upsert(
        collection_name,
        points=[models.PointStruct(id=1, vector=[1, 0, 0, 0], payload={"a": {"b": 1, "c": 2}})],
        wait=True,
    )
    client.set_payload(collection_name, payload={"b": 10, "d": 4}, points=[1], key="a", wait=True)
    assert client.retrieve(collection_name, ids=[1])[0].payload == {"a": {"b": 10, "c": 2, "d": 4}}
    client.delete_payload(collection_name, keys=["a.c"], points=[1], wait=True)
    assert client.retrieve(collection_name, ids=[1])[0].payload == {"a": {"b": 10, "d": 4}}
    flt = models.Filter(must=[models.FieldCondition(key="a.b", match=models.MatchValue(value=10))])
    client.set_payload(collection_name, payload={"hit": True}, points=flt, wait=True)
    assert client.retrieve(collection_name, ids=[1])[0].payload["hit"] is True


def test_update_and_delete_vectors(client: QdrantClient, collection_name: str) -> None:
    client.create_collection(
        collection_name,
        vectors_config={
            "a": models.VectorParams(size=2, distance=models.Distance.DOT),
            "b": models.VectorParams(size=3, distance=models.Distance.DOT),
        },
    )
    client.upsert(
        collection_name,
        points=[models.PointStruct(id=1, vector={"a": [1, 2], "b": [1, 2, 3]}, payload={"k": 1})],
        wait=True,
    )
    client.update_vectors(
        collection_name, points=[models.PointVectors(id=1, vector={"a": [5, 6]})], wait=True
    )
    record = client.retrieve(collection_name, ids=[1], with_vectors=True)[0]
    assert record.vector == {"a": [5.0, 6.0], "b": [1.0, 2.0, 3.0]}
    assert record.payload == {"k": 1}
    client.delete_vectors(collection_name, vectors=["b"], points=[1], wait=True)
    assert client.retrieve(collection_name, ids=[1], with_vectors=True)[0].vector == {"a": [5.0, 6.0]}


def test_batch_update_points(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    results = client.batch_update_points(
        collection_name,
        update_operations=[
            models.UpsertOperation(upsert=models.PointsList(points=sample_points(4))),
            models.SetPayloadOperation(set_payload=models.SetPayload(payload={"batch": 1}, points=[1, 2])),
            models.DeletePayloadOperation(delete_payload=models.DeletePayload(keys=["tags"], points=[1])),
            models.DeleteOperation(delete=models.PointIdsList(points=[4])),
            models.UpdateVectorsOperation(
                update_vectors=models.UpdateVectors(
                    points=[models.PointVectors(id=3, vector=[9.0, 9.0, 9.0, 9.0])]
                )
            ),
        ],
        wait=True,
    )
    assert len(results) == 5
    assert all(r.status == models.UpdateStatus.COMPLETED for r in results)
    assert count(client, collection_name) == 3
    assert client.retrieve(collection_name, ids=[1])[0].payload == {"n": 1, "parity": "odd", "batch": 1}
    assert client.retrieve(collection_name, ids=[3], with_vectors=True)[0].vector == [9.0, 9.0, 9.0, 9.0]


def test_wait_false_is_acknowledged_and_eventually_applied(raw: httpx.Client, collection_name: str) -> None:
    assert_ok(raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 2, "distance": "Dot"}}))
    points = {"points": [{"id": i, "vector": [i, 1]} for i in range(1, 21)]}
    result = assert_ok(
        raw.put(f"/collections/{collection_name}/points", params={"wait": "false"}, json=points)
    )
    assert result["status"] == "acknowledged"
    assert isinstance(result["operation_id"], int)
    done = assert_ok(
        raw.put(
            f"/collections/{collection_name}/points",
            params={"wait": "true"},
            json={"points": [{"id": 99, "vector": [0, 0]}]},
        )
    )
    assert done["status"] == "completed"
    assert done["operation_id"] > result["operation_id"]
    assert (
        assert_ok(raw.post(f"/collections/{collection_name}/points/count", json={"exact": True}))["count"]
        == 21
    )
