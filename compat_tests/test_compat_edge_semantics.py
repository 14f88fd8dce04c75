"""Smaller semantics users rely on: payload JSON round trip, defaults, selectors, normalisation."""

from __future__ import annotations

import httpx
import pytest
from compat_helpers import assert_ok, assert_qdrant_error, count, create_simple, is_local, sample_points
from conftest import unique_collection_name
from qdrant_client import QdrantClient, models

ODD_PAYLOAD = {
    "big": 9007199254740993,
    "neg": -(2**63),
    "tiny": 1.5e-10,
    "unicode": "ünïcödé ✓ 漢字",
    "nested": {"deep": [[1, 2], [3]], "empty": {}, "none": None},
    "bools": [True, False],
    "mixed": [1, "a", 2.5, None, {"k": "v"}],
}


def test_payload_json_round_trip(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    client.upsert(
        collection_name,
        points=[models.PointStruct(id=1, vector=[1, 0, 0, 0], payload=ODD_PAYLOAD)],
        wait=True,
    )
    assert client.retrieve(collection_name, ids=[1])[0].payload == ODD_PAYLOAD
    hit = client.query_points(collection_name, query=[1, 0, 0, 0], limit=1, with_payload=True).points[0]
    assert hit.payload == ODD_PAYLOAD


def test_write_without_wait_defaults_to_acknowledged(raw: httpx.Client, collection_name: str) -> None:
    assert_ok(raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 2, "distance": "Dot"}}))
    result = assert_ok(
        raw.put(f"/collections/{collection_name}/points", json={"points": [{"id": 1, "vector": [1, 1]}]})
    )
    assert result["status"] == "acknowledged"


def test_point_not_found_message(raw: httpx.Client, collection_name: str) -> None:
    assert_ok(raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 2, "distance": "Dot"}}))
    response = raw.get(f"/collections/{collection_name}/points/424242")
    assert_qdrant_error(response, 404, "Not found: No point with id 424242 found")


def test_index_counts_only_values_of_its_type(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    client.upsert(
        collection_name,
        points=[
            models.PointStruct(id=1, vector=[1, 0, 0, 0], payload={"v": 1}),
            models.PointStruct(id=2, vector=[0, 1, 0, 0], payload={"v": "text"}),
            models.PointStruct(id=3, vector=[0, 0, 1, 0], payload={"other": 3}),
            models.PointStruct(id=4, vector=[0, 0, 0, 1], payload={"v": [5, 6]}),
        ],
        wait=True,
    )
    client.create_payload_index(
        collection_name, field_name="v", field_schema=models.PayloadSchemaType.INTEGER, wait=True
    )
    flt = models.Filter(must=[models.FieldCondition(key="v", range=models.Range(gte=0))])
    assert count(client, collection_name, flt) == 2
    if not is_local(client):
        assert client.get_collection(collection_name).payload_schema["v"].points == 2


def test_empty_filter_matches_everything(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    client.upsert(collection_name, points=sample_points(9), wait=True)
    assert count(client, collection_name, models.Filter()) == 9
    assert len(client.scroll(collection_name, scroll_filter=models.Filter(must=[]), limit=100)[0]) == 9


def test_named_vector_selector(client: QdrantClient, collection_name: str) -> None:
    client.create_collection(
        collection_name,
        vectors_config={
            "a": models.VectorParams(size=2, distance=models.Distance.DOT),
            "b": models.VectorParams(size=2, distance=models.Distance.DOT),
        },
    )
    client.upsert(
        collection_name, points=[models.PointStruct(id=1, vector={"a": [1, 2], "b": [3, 4]})], wait=True
    )
    assert client.retrieve(collection_name, ids=[1], with_vectors=["b"])[0].vector == {"b": [3.0, 4.0]}
    hit = client.query_points(collection_name, query=[1, 1], using="a", with_vectors=["a"], limit=1).points[0]
    assert hit.vector == {"a": [1.0, 2.0]}


def test_cosine_vectors_are_normalised(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name, distance=models.Distance.COSINE)
    client.upsert(collection_name, points=[models.PointStruct(id=1, vector=[3, 0, 4, 0])], wait=True)
    assert client.retrieve(collection_name, ids=[1], with_vectors=True)[0].vector == pytest.approx(
        [0.6, 0, 0.8, 0], abs=1e-6
    )
    hit = client.query_points(collection_name, query=[30, 0, 40, 0], limit=1).points[0]
    assert hit.score == pytest.approx(1.0, abs=1e-5)


def test_euclid_and_manhattan_scores_are_distances(client: QdrantClient) -> None:
    for distance, expected in ((models.Distance.EUCLID, [0.0, 5.0]), (models.Distance.MANHATTAN, [0.0, 7.0])):
        name = unique_collection_name(distance.value.lower())
        create_simple(client, name, distance=distance)
        try:
            client.upsert(
                name,
                points=[
                    models.PointStruct(id=1, vector=[0, 0, 0, 0]),
                    models.PointStruct(id=2, vector=[3, 4, 0, 0]),
                ],
                wait=True,
            )
            hits = client.query_points(name, query=[0, 0, 0, 0], limit=2).points
            assert [h.id for h in hits] == [1, 2]
            assert [h.score for h in hits] == pytest.approx(expected, abs=1e-5)
        finally:
            client.delete_collection(name)


@pytest.mark.parametrize(
    ("probe", "text"), [("/healthz", "healthz check passed"), ("/livez", "livez check passed")]
)
def test_probe_texts(raw: httpx.Client, probe: str, text: str) -> None:
    assert raw.get(probe).text.strip() == text
