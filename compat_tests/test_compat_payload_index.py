"""Payload indexes: create/delete for every field type (short and params forms), payload_schema echo."""

from __future__ import annotations

import httpx
import pytest
from compat_helpers import assert_ok, count, create_simple, is_local
from qdrant_client import QdrantClient, models

POINTS = [
    models.PointStruct(
        id=i,
        vector=[1.0, float(i), 0.5, -1.0],
        payload={
            "kw": f"k{i % 3}",
            "int": i,
            "flt": i / 3,
            "flag": i % 2 == 0,
            "geo": {"lon": 13.4 + i / 100, "lat": 52.5},
            "dt": f"2024-01-{i + 1:02d}T10:00:00Z",
            "txt": f"the quick brown fox number {i}",
            "uid": f"00000000-0000-4000-8000-{i:012d}",
        },
    )
    for i in range(10)
]
POINTS.append(models.PointStruct(id=100, vector=[0.0, 0.0, 1.0, 0.0], payload={"other": 1}))

SHORT_FORMS = [
    ("kw", models.PayloadSchemaType.KEYWORD, "keyword"),
    ("int", models.PayloadSchemaType.INTEGER, "integer"),
    ("flt", models.PayloadSchemaType.FLOAT, "float"),
    ("flag", models.PayloadSchemaType.BOOL, "bool"),
    ("geo", models.PayloadSchemaType.GEO, "geo"),
    ("dt", models.PayloadSchemaType.DATETIME, "datetime"),
    ("txt", models.PayloadSchemaType.TEXT, "text"),
    ("uid", models.PayloadSchemaType.UUID, "uuid"),
]

PARAM_FORMS = [
    ("kw", models.KeywordIndexParams(type=models.KeywordIndexType.KEYWORD, is_tenant=True), "keyword"),
    (
        "int",
        models.IntegerIndexParams(type=models.IntegerIndexType.INTEGER, lookup=True, range=True),
        "integer",
    ),
    ("flt", models.FloatIndexParams(type=models.FloatIndexType.FLOAT, on_disk=False), "float"),
    ("flag", models.BoolIndexParams(type=models.BoolIndexType.BOOL), "bool"),
    ("geo", models.GeoIndexParams(type=models.GeoIndexType.GEO), "geo"),
    ("dt", models.DatetimeIndexParams(type=models.DatetimeIndexType.DATETIME, is_principal=True), "datetime"),
    (
        "txt",
        models.TextIndexParams(
            type=models.TextIndexType.TEXT, tokenizer=models.TokenizerType.WORD, lowercase=True
        ),
        "text",
    ),
    ("uid", models.UuidIndexParams(type=models.UuidIndexType.UUID), "uuid"),
]


@pytest.fixture
def indexed(client: QdrantClient, collection_name: str) -> str:
    create_simple(client, collection_name)
    client.upsert(collection_name, points=POINTS, wait=True)
    return collection_name


@pytest.mark.parametrize(("field", "schema", "data_type"), SHORT_FORMS, ids=[f[2] for f in SHORT_FORMS])
def test_create_index_short_form(
    client: QdrantClient, indexed: str, field: str, schema, data_type: str
) -> None:  # type: ignore[no-untyped-def]
    result = client.create_payload_index(indexed, field_name=field, field_schema=schema, wait=True)
    assert result.status == models.UpdateStatus.COMPLETED
    if is_local(client):
        return  # local mode keeps no payload_schema
    info = client.get_collection(indexed).payload_schema[field]
    assert info.data_type.value == data_type
    assert info.points == 10


@pytest.mark.parametrize(("field", "params", "data_type"), PARAM_FORMS, ids=[f[2] for f in PARAM_FORMS])
def test_create_index_params_form(
    client: QdrantClient, indexed: str, field: str, params, data_type: str
) -> None:  # type: ignore[no-untyped-def]
    client.create_payload_index(indexed, field_name=field, field_schema=params, wait=True)
    if is_local(client):
        return
    info = client.get_collection(indexed).payload_schema[field]
    assert info.data_type.value == data_type
    assert info.params is not None and info.params.type.value == data_type
    assert info.points == 10


def test_delete_index(client: QdrantClient, indexed: str) -> None:
    client.create_payload_index(
        indexed, field_name="kw", field_schema=models.PayloadSchemaType.KEYWORD, wait=True
    )
    client.create_payload_index(
        indexed, field_name="int", field_schema=models.PayloadSchemaType.INTEGER, wait=True
    )
    result = client.delete_payload_index(indexed, field_name="kw", wait=True)
    assert result.status == models.UpdateStatus.COMPLETED
    if is_local(client):
        return
    assert set(client.get_collection(indexed).payload_schema) == {"int"}


def test_index_counts_follow_writes(client: QdrantClient, indexed: str) -> None:
    client.create_payload_index(
        indexed, field_name="kw", field_schema=models.PayloadSchemaType.KEYWORD, wait=True
    )
    client.upsert(
        indexed, points=[models.PointStruct(id=50, vector=[1, 1, 1, 1], payload={"kw": "new"})], wait=True
    )
    client.delete(indexed, points_selector=models.PointIdsList(points=[0, 1]), wait=True)
    flt = models.Filter(must=[models.FieldCondition(key="kw", match=models.MatchValue(value="new"))])
    assert count(client, indexed, flt) == 1
    if is_local(client):
        return
    assert client.get_collection(indexed).payload_schema["kw"].points == 9


def test_nested_path_index(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    client.upsert(
        collection_name,
        points=[
            models.PointStruct(id=1, vector=[1, 0, 0, 0], payload={"a": {"b": [{"c": "x"}, {"c": "y"}]}})
        ],
        wait=True,
    )
    client.create_payload_index(collection_name, field_name="a.b[].c", field_schema="keyword", wait=True)
    flt = models.Filter(must=[models.FieldCondition(key="a.b[].c", match=models.MatchValue(value="y"))])
    assert count(client, collection_name, flt) == 1
    if not is_local(client):
        assert client.get_collection(collection_name).payload_schema["a.b[].c"].points == 1


def test_raw_index_create_and_delete(raw: httpx.Client, collection_name: str) -> None:
    assert_ok(raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 2, "distance": "Dot"}}))
    points = {"points": [{"id": 1, "vector": [1, 0], "payload": {"city": "Berlin", "n": 3}}]}
    assert_ok(raw.put(f"/collections/{collection_name}/points?wait=true", json=points))
    body = {"field_name": "city", "field_schema": {"type": "keyword", "is_tenant": True}}
    result = assert_ok(raw.put(f"/collections/{collection_name}/index?wait=true", json=body))
    assert result["status"] == "completed"
    schema = assert_ok(raw.get(f"/collections/{collection_name}"))["payload_schema"]
    assert schema["city"]["data_type"] == "keyword"
    assert schema["city"]["points"] == 1
    assert schema["city"]["params"]["is_tenant"] is True
    assert_ok(raw.delete(f"/collections/{collection_name}/index/city?wait=true"))
    assert "city" not in assert_ok(raw.get(f"/collections/{collection_name}"))["payload_schema"]
