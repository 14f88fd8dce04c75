"""Collections: create (unnamed/named vectors, every distance), get, exists, list, update, delete."""

from __future__ import annotations

import httpx
import pytest
from compat_helpers import assert_ok, count, create_simple, is_local, sample_points
from qdrant_client import QdrantClient, models

DISTANCES = [models.Distance.COSINE, models.Distance.DOT, models.Distance.EUCLID, models.Distance.MANHATTAN]


@pytest.mark.parametrize("distance", DISTANCES, ids=lambda d: d.value)
def test_create_unnamed_vector_each_distance(
    client: QdrantClient, collection_name: str, distance: models.Distance
) -> None:
    assert client.create_collection(
        collection_name, vectors_config=models.VectorParams(size=8, distance=distance)
    )
    info = client.get_collection(collection_name)
    params = info.config.params.vectors
    assert isinstance(params, models.VectorParams)
    assert params.size == 8
    assert params.distance == distance
    assert info.points_count == 0


def test_create_named_vectors(client: QdrantClient, collection_name: str) -> None:
    client.create_collection(
        collection_name,
        vectors_config={
            "text": models.VectorParams(size=4, distance=models.Distance.COSINE),
            "image": models.VectorParams(size=3, distance=models.Distance.EUCLID),
        },
    )
    vectors = client.get_collection(collection_name).config.params.vectors
    assert isinstance(vectors, dict)
    assert set(vectors) == {"text", "image"}
    assert vectors["text"].size == 4 and vectors["text"].distance == models.Distance.COSINE
    assert vectors["image"].size == 3 and vectors["image"].distance == models.Distance.EUCLID


def test_get_collection_reports_status_counts_and_config(client: QdrantClient, collection_name: str) -> None:
    client.create_collection(
        collection_name,
        vectors_config=models.VectorParams(size=4, distance=models.Distance.DOT),
        hnsw_config=models.HnswConfigDiff(m=8, ef_construct=64, full_scan_threshold=5000),
        optimizers_config=models.OptimizersConfigDiff(indexing_threshold=12345, default_segment_number=2),
        wal_config=models.WalConfigDiff(wal_capacity_mb=16),
    )
    client.upsert(collection_name, points=sample_points(7), wait=True)
    info = client.get_collection(collection_name)
    assert info.status in (models.CollectionStatus.GREEN, models.CollectionStatus.YELLOW)
    assert info.points_count == 7
    assert info.segments_count >= 1
    if is_local(client):
        return  # local mode keeps no hnsw/optimizer/wal config
    assert info.config.hnsw_config.m == 8
    assert info.config.hnsw_config.ef_construct == 64
    assert info.config.hnsw_config.full_scan_threshold == 5000
    assert info.config.optimizer_config.indexing_threshold == 12345
    assert info.config.optimizer_config.default_segment_number == 2
    assert info.config.wal_config is not None and info.config.wal_config.wal_capacity_mb == 16


def test_default_config_matches_qdrant_defaults(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    config = client.get_collection(collection_name).config
    if is_local(client):
        pytest.skip("local mode does not report server defaults")
    assert (config.hnsw_config.m, config.hnsw_config.ef_construct) == (16, 100)
    assert config.hnsw_config.full_scan_threshold == 10000
    assert config.optimizer_config.deleted_threshold == pytest.approx(0.2)
    assert config.optimizer_config.vacuum_min_vector_number == 1000
    assert config.optimizer_config.flush_interval_sec == 5
    assert config.wal_config.wal_capacity_mb == 32
    assert config.wal_config.wal_segments_ahead == 0


def test_exists_and_list(client: QdrantClient, collection_name: str) -> None:
    assert not client.collection_exists(collection_name)
    create_simple(client, collection_name)
    assert client.collection_exists(collection_name)
    names = [c.name for c in client.get_collections().collections]
    assert collection_name in names


def test_update_collection_patch(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    updated = client.update_collection(
        collection_name,
        optimizers_config=models.OptimizersConfigDiff(indexing_threshold=777),
        hnsw_config=models.HnswConfigDiff(ef_construct=123),
    )
    if is_local(client):
        return  # local mode ignores the call (answers False) and keeps no optimizer config
    assert updated is True
    config = client.get_collection(collection_name).config
    assert config.optimizer_config.indexing_threshold == 777
    assert config.hnsw_config.ef_construct == 123
    assert config.hnsw_config.m == 16  # untouched fields keep their values


def test_delete_collection(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    client.upsert(collection_name, points=sample_points(3), wait=True)
    assert client.delete_collection(collection_name) is True
    assert not client.collection_exists(collection_name)
    assert collection_name not in [c.name for c in client.get_collections().collections]


def test_delete_missing_collection_answers_false(raw: httpx.Client, collection_name: str) -> None:
    assert assert_ok(raw.delete(f"/collections/{collection_name}")) is False


def test_recreate_after_delete_starts_empty(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    client.upsert(collection_name, points=sample_points(5), wait=True)
    client.delete_collection(collection_name)
    create_simple(client, collection_name)
    assert count(client, collection_name) == 0


def test_raw_create_echoes_config(raw: httpx.Client, collection_name: str) -> None:
    body = {"vectors": {"size": 5, "distance": "Manhattan", "on_disk": True}, "hnsw_config": {"m": 4}}
    assert assert_ok(raw.put(f"/collections/{collection_name}", json=body)) is True
    result = assert_ok(raw.get(f"/collections/{collection_name}"))
    assert result["config"]["params"]["vectors"]["size"] == 5
    assert result["config"]["params"]["vectors"]["distance"] == "Manhattan"
    assert result["config"]["hnsw_config"]["m"] == 4
    assert result["points_count"] == 0
    assert assert_ok(raw.get(f"/collections/{collection_name}/exists")) == {"exists": True}
