"""Indexed (HNSW) search path: once the optimizer has indexed a collection, approximate search must
keep high recall against exact search, filtered search must stay correct, and exact search must
still agree with `QdrantClient(":memory:")`. Congruence tests use exact search; this covers the rest.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator

import pytest
from compat_helpers import is_local
from conftest import unique_collection_name
from qdrant_client import QdrantClient, models

DIM = 16
N = 2000
RECALL_FLOOR = 0.9
INDEXING_WAIT_S = 60
IDLE_GREEN_S = 10


def _points() -> list[models.PointStruct]:
    rng = random.Random(7)
    return [
        models.PointStruct(
            id=i,
            vector=[rng.gauss(0, 1) for _ in range(DIM)],
            payload={"group": f"g{i % 20}", "n": i},
        )
        for i in range(N)
    ]


@pytest.fixture(scope="module")
def indexed(client: QdrantClient) -> Iterator[str]:
    if is_local(client):
        pytest.skip("local mode has no HNSW index")
    name = unique_collection_name("hnsw")
    client.create_collection(
        name,
        vectors_config=models.VectorParams(size=DIM, distance=models.Distance.COSINE),
        hnsw_config=models.HnswConfigDiff(m=16, ef_construct=64),
        optimizers_config=models.OptimizersConfigDiff(indexing_threshold=10, default_segment_number=2),
    )
    points = _points()
    for start in range(0, N, 500):
        client.upsert(name, points=points[start : start + 500], wait=True)
    client.create_payload_index(
        name, field_name="group", field_schema=models.PayloadSchemaType.KEYWORD, wait=True
    )
    deadline = time.monotonic() + INDEXING_WAIT_S
    green_since = None  # an idle optimizer (green for a while) will not index any more
    while time.monotonic() < deadline:
        info = client.get_collection(name)
        if info.status == models.CollectionStatus.GREEN and (info.indexed_vectors_count or 0) >= N // 2:
            break
        if info.status == models.CollectionStatus.GREEN:
            green_since = green_since or time.monotonic()
            if time.monotonic() - green_since > IDLE_GREEN_S:
                break
        else:
            green_since = None
        time.sleep(0.5)
    yield name
    client.delete_collection(name)


def test_optimizer_indexes_collection(client: QdrantClient, indexed: str) -> None:
    """Qdrant indexes segments above `indexing_threshold` (KB): here 128 KB of vectors vs 10 KB."""
    info = client.get_collection(indexed)
    assert info.status == models.CollectionStatus.GREEN
    assert (info.indexed_vectors_count or 0) >= N // 2, (
        f"not indexed (waited up to {INDEXING_WAIT_S} s): indexed_vectors_count={info.indexed_vectors_count}, "
        f"segments={info.segments_count}, optimizer_status={info.optimizer_status}"
    )


def _ids(client: QdrantClient, name: str, vector: list[float], **kwargs: object) -> list[int]:
    return [int(p.id) for p in client.query_points(name, query=vector, limit=10, **kwargs).points]  # type: ignore[arg-type]


def test_approximate_recall(client: QdrantClient, indexed: str) -> None:
    rng = random.Random(11)
    recalls = []
    for _ in range(20):
        vector = [rng.gauss(0, 1) for _ in range(DIM)]
        exact = _ids(client, indexed, vector, search_params=models.SearchParams(exact=True))
        approx = _ids(client, indexed, vector, search_params=models.SearchParams(hnsw_ef=64))
        recalls.append(len(set(exact) & set(approx)) / len(exact))
    assert sum(recalls) / len(recalls) >= RECALL_FLOOR, recalls


def test_filtered_approximate_search_is_correct(client: QdrantClient, indexed: str) -> None:
    rng = random.Random(12)
    recalls = []
    for group in ("g3", "g7", "g11"):
        flt = models.Filter(must=[models.FieldCondition(key="group", match=models.MatchValue(value=group))])
        vector = [rng.gauss(0, 1) for _ in range(DIM)]
        exact = _ids(client, indexed, vector, query_filter=flt, search_params=models.SearchParams(exact=True))
        approx = _ids(client, indexed, vector, query_filter=flt)
        assert len(approx) == 10
        assert all(i % 20 == int(group[1:]) for i in approx), approx
        recalls.append(len(set(exact) & set(approx)) / 10)
    assert sum(recalls) / len(recalls) >= RECALL_FLOOR, recalls


def test_exact_search_matches_oracle_after_indexing(client: QdrantClient, indexed: str) -> None:
    oracle = QdrantClient(":memory:")
    oracle.create_collection(
        "o", vectors_config=models.VectorParams(size=DIM, distance=models.Distance.COSINE)
    )
    oracle.upsert("o", points=_points())
    rng = random.Random(13)
    for _ in range(5):
        vector = [rng.gauss(0, 1) for _ in range(DIM)]
        params = models.SearchParams(exact=True)
        got = client.query_points(indexed, query=vector, limit=10, search_params=params).points
        want = oracle.query_points("o", query=vector, limit=10).points
        assert [p.id for p in got] == [p.id for p in want]
        assert [p.score for p in got] == pytest.approx([p.score for p in want], abs=1e-4)
    assert client.count(indexed, exact=True).count == N
