"""Quantization is honoured through the stock client (REST and gRPC): once the optimizer has sealed
the collection's segments with their codes, `rescore: true` answers the exact scores, `rescore:
false` answers the quantized ones (which `ignore: true` and `exact: true` bypass), and
`oversampling` widens the preselection that rescoring re-ranks (observable as recall)."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator

import httpx
import pytest
from compat_helpers import is_local
from conftest import unique_collection_name
from qdrant_client import QdrantClient, models

DIM = 32
N = 1500
INDEXING_WAIT_S = 90
EVERYONE = models.Filter(must=[models.FieldCondition(key="n", range=models.Range(gte=0))])
"""Matches every point: the filtered plan scans all candidates on their codes (the graph is not
used for a candidate set under the full-scan threshold)."""


def _vectors() -> list[list[float]]:
    rng = random.Random(11)
    return [[rng.gauss(0, 1) for _ in range(DIM)] for _ in range(N)]


@pytest.fixture(scope="module")
def quantized(client: QdrantClient) -> Iterator[tuple[str, list[list[float]]]]:
    if is_local(client):
        pytest.skip("local mode keeps no quantized vectors")
    name = unique_collection_name("quant")
    client.create_collection(
        name,
        vectors_config=models.VectorParams(size=DIM, distance=models.Distance.DOT),
        quantization_config=models.BinaryQuantization(binary=models.BinaryQuantizationConfig(always_ram=True)),
        optimizers_config=models.OptimizersConfigDiff(indexing_threshold=10),
    )
    vectors = _vectors()
    client.upsert(name, points=[models.PointStruct(id=i, vector=v, payload={"n": i}) for i, v in enumerate(vectors)],
                  wait=True)
    client.create_payload_index(name, field_name="n", field_schema=models.PayloadSchemaType.INTEGER, wait=True)
    deadline = time.monotonic() + INDEXING_WAIT_S
    while time.monotonic() < deadline:
        info = client.get_collection(name)
        if info.status == models.CollectionStatus.GREEN and (info.indexed_vectors_count or 0) >= N:
            break
        time.sleep(0.5)
    yield name, vectors
    client.delete_collection(name)


def _search(client: QdrantClient, name: str, vector: list[float], limit: int = 10,
            params: models.SearchParams | None = None) -> list[tuple[int, float]]:
    hits = client.query_points(name, query=vector, query_filter=EVERYONE, limit=limit, search_params=params).points
    return [(int(p.id), p.score) for p in hits]


def _quant(**kwargs: object) -> models.SearchParams:
    return models.SearchParams(quantization=models.QuantizationSearchParams(**kwargs))


def test_collection_is_indexed(client: QdrantClient, quantized: tuple[str, list[list[float]]]) -> None:
    name, _ = quantized
    info = client.get_collection(name)
    assert (info.indexed_vectors_count or 0) >= N, info
    assert isinstance(info.config.quantization_config, models.BinaryQuantization)


def test_rescored_scores_equal_exact_scores(client: QdrantClient, quantized: tuple[str, list[list[float]]]) -> None:
    name, vectors = quantized
    query = [x + 0.1 for x in vectors[5]]
    exact = dict(_search(client, name, query, limit=N, params=models.SearchParams(exact=True)))
    for params in (None, _quant(rescore=True), _quant(rescore=True, oversampling=3.0)):  # binary rescores by default
        hits = _search(client, name, query, params=params)
        assert hits and hits[0][0] == 5
        for pid, score in hits:
            assert score == pytest.approx(exact[pid], rel=1e-5)


def test_rescore_false_answers_quantized_scores(client: QdrantClient, quantized: tuple[str, list[list[float]]]) -> None:
    name, vectors = quantized
    query = vectors[9]
    raw = _search(client, name, query, params=_quant(rescore=False))
    assert raw and raw[0][1] == DIM  # the point itself: every bit agrees
    assert all(float(score).is_integer() for _, score in raw)  # agreement counts of binary codes
    ignored = _search(client, name, query, params=_quant(ignore=True, rescore=False))
    exact = _search(client, name, query, params=models.SearchParams(exact=True))
    assert ignored == [(pid, pytest.approx(score, rel=1e-5)) for pid, score in exact]
    assert [s for _, s in raw] != [s for _, s in ignored]


def test_oversampling_widens_the_preselection(client: QdrantClient, quantized: tuple[str, list[list[float]]]) -> None:
    name, vectors = quantized
    rng = random.Random(3)
    found = {1.0: 0, 10.0: 0}
    for _ in range(10):
        base = vectors[rng.randrange(N)]
        query = [x + rng.gauss(0, 0.7) for x in base]
        want = {pid for pid, _ in _search(client, name, query, params=models.SearchParams(exact=True))}
        for oversampling in found:
            got = _search(client, name, query, params=_quant(rescore=True, oversampling=oversampling))
            found[oversampling] += len(want & {pid for pid, _ in got})
    assert found[10.0] > found[1.0] + 5, found


def test_turbo4_datatype_keeps_4_bit_vectors(client: QdrantClient, collection_name: str) -> None:
    """`datatype: turbo4` stores dense vectors as 4-bit TurboQuant codes: what is read back is their
    decoding, close to the input but not equal to it, and scores (computed from the codes) are the
    scores of the vectors read back."""
    if is_local(client):
        pytest.skip("local mode ignores the storage datatype")
    client.create_collection(collection_name, vectors_config=models.VectorParams(
        size=DIM, distance=models.Distance.COSINE, datatype=models.Datatype.TURBO4))
    assert client.get_collection(collection_name).config.params.vectors.datatype == models.Datatype.TURBO4
    vectors = _vectors()[:50]
    client.upsert(collection_name, points=[models.PointStruct(id=i, vector=v) for i, v in enumerate(vectors)], wait=True)
    stored = client.retrieve(collection_name, [3], with_vectors=True)[0].vector
    assert isinstance(stored, list)
    norm = sum(x * x for x in vectors[3]) ** 0.5
    original = [x / norm for x in vectors[3]]
    assert stored != pytest.approx(original, abs=1e-6)
    assert stored == pytest.approx(original, abs=0.12)
    assert sum(a * b for a, b in zip(stored, original, strict=True)) > 0.98
    hits = client.query_points(collection_name, query=vectors[3], limit=3).points
    assert hits[0].id == 3
    # scores come from the codes and are the scores of the vectors read back
    query = vectors[7]
    qn = sum(x * x for x in query) ** 0.5
    got = client.query_points(collection_name, query=query, limit=5, with_vectors=True).points
    for hit in got:
        assert isinstance(hit.vector, list)
        assert hit.score == pytest.approx(sum(a * b / qn for a, b in zip(hit.vector, query, strict=True)), abs=1e-4)


def test_sparse_vectors_refuse_turbo4(client: QdrantClient, collection_name: str) -> None:
    if is_local(client):
        pytest.skip("local mode does not validate sparse datatypes")
    with pytest.raises(Exception, match="sparse vectors do not support the `turbo4` datatype"):
        client.create_collection(collection_name, sparse_vectors_config={"text": models.SparseVectorParams(
            index=models.SparseIndexParams(datatype=models.Datatype.TURBO4))})
    assert not client.collection_exists(collection_name)


def test_sparse_turbo4_is_a_validation_error_over_http(raw: httpx.Client, collection_name: str) -> None:
    body = {"sparse_vectors": {"text": {"index": {"datatype": "turbo4"}}}}
    response = raw.put(f"/collections/{collection_name}", json=body)
    assert response.status_code == 422
    assert response.json()["status"]["error"] == (
        "Validation error in JSON body: [sparse_vectors.text.index.datatype: sparse vectors do not support the "
        "`turbo4` datatype]")
    assert raw.get(f"/collections/{collection_name}/exists").json()["result"]["exists"] is False
