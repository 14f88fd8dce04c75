"""Quantized search through the engine: sealed segments get codes, and the search params decide
how they are used (rescore scores equal exact scores, `ignore` and `exact` bypass the codes,
`oversampling` widens the preselection)."""

from typing import Any

import numpy as np
import pytest

from engine.collection import Collection, reads
from engine.shard.optimizer import optimize_shard
from engine.types.config import CollectionConfig, CollectionParams, Distance, OptimizersConfig, VectorParams
from engine.types.filters import FieldRange, Filter, Range
from engine.types.operations import CreateFieldIndex, UpsertPoints
from engine.types.payload_schema import PayloadSchema
from engine.types.points import PointStruct
from engine.types.requests import NearestQuery, QuantizationSearchParams, QueryRequest, SearchParams

DIM = 64
N = 3000
EVERYONE = Filter(must=(FieldRange(key="rank", range=Range(gte=0)),))
"""Matches every point: the filtered path scans all candidates on their codes."""


def build(quantization: dict[str, Any], distance: Distance = Distance.COSINE,
          per_vector: bool = False) -> tuple[Collection, np.ndarray]:
    vp = VectorParams(size=DIM, distance=distance, quantization_config=quantization if per_vector else None)
    params = CollectionParams(vectors={"": vp}, unnamed=True)
    config = CollectionConfig(params=params, optimizer_config=OptimizersConfig(indexing_threshold=100),
                              quantization_config=None if per_vector else quantization)
    col = Collection("q", config)
    col.update(CreateFieldIndex(key="rank", schema=PayloadSchema(type="integer")))
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(N, DIM)).astype(np.float32)
    for start in range(0, N, 1000):
        col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": vectors[i]}, payload={"rank": i})
                                        for i in range(start, start + 1000)]))
        while optimize_shard(col.shard):
            pass
    return col, vectors


def search(col: Collection, q: np.ndarray, flt: Filter | None = None, limit: int = 10,
           **quantization: Any) -> list[tuple[Any, float]]:
    params = SearchParams(quantization=QuantizationSearchParams(**quantization) if quantization else None)
    hits = reads.query(col, QueryRequest(query=NearestQuery(vector=q), filter=flt, limit=limit, params=params))
    return [(p.id, p.score) for p in hits]


def exact(col: Collection, q: np.ndarray, flt: Filter | None = None, limit: int = 10) -> list[tuple[Any, float]]:
    hits = reads.query(col, QueryRequest(query=NearestQuery(vector=q), filter=flt, limit=limit,
                                         params=SearchParams(exact=True)))
    return [(p.id, p.score) for p in hits]


@pytest.fixture(scope="module")
def scalar() -> tuple[Collection, np.ndarray]:
    return build({"scalar": {"type": "int8", "quantile": 0.99}})


@pytest.fixture(scope="module")
def binary() -> tuple[Collection, np.ndarray]:
    return build({"binary": {}})


def sealed_with_codes(col: Collection) -> int:
    return sum(1 for seg in col.shard.holder.segments if seg.sealed and "" in seg.quantized)


def test_sealed_segments_carry_codes(scalar: tuple[Collection, np.ndarray]) -> None:
    col, _ = scalar
    assert sealed_with_codes(col) >= 1
    assert not col.shard.holder.appendable.quantized


@pytest.mark.parametrize("flt", [None, EVERYONE])
def test_rescored_scores_equal_exact_scores(scalar: tuple[Collection, np.ndarray], flt: Filter | None) -> None:
    col, vectors = scalar
    for q in vectors[:10] + 0.1:
        want = dict(exact(col, q, flt, limit=50))
        for pid, score in search(col, q, flt, rescore=True):
            if pid in want:
                assert score == pytest.approx(want[pid], abs=1e-6)


def test_scalar_without_rescore_answers_quantized_scores(scalar: tuple[Collection, np.ndarray]) -> None:
    col, vectors = scalar
    q = vectors[3] + 0.1
    quantized = search(col, q, EVERYONE)  # scalar's default: no rescoring
    assert quantized == search(col, q, EVERYONE, rescore=False)
    plain = search(col, q, EVERYONE, ignore=True)
    assert plain == exact(col, q, EVERYONE)
    assert [s for _, s in quantized] != [s for _, s in plain]
    assert [s for _, s in quantized] == pytest.approx([s for _, s in plain], abs=0.02)


def test_binary_rescores_by_default(binary: tuple[Collection, np.ndarray]) -> None:
    col, vectors = binary
    q = vectors[7] + 0.1
    want = dict(exact(col, q, EVERYONE, limit=N))
    for pid, score in search(col, q, EVERYONE):
        assert score == pytest.approx(want[pid], abs=1e-6)
    raw = search(col, q, EVERYONE, rescore=False)
    assert all(float(s).is_integer() for _, s in raw)  # agreement counts of the bit codes


def test_oversampling_widens_the_preselection(binary: tuple[Collection, np.ndarray]) -> None:
    col, vectors = binary
    rng = np.random.default_rng(2)
    hits = {1.0: 0, 8.0: 0}
    for q in vectors[rng.integers(0, N, 15)] + 0.5 * rng.normal(size=(15, DIM)).astype(np.float32):
        want = {pid for pid, _ in exact(col, q, EVERYONE)}
        for oversampling in hits:
            hits[oversampling] += len(want & {pid for pid, _ in search(col, q, EVERYONE, oversampling=oversampling)})
    assert hits[8.0] > hits[1.0]
    assert hits[8.0] >= 1.5 * hits[1.0], hits


def test_exact_and_ignore_bypass_the_codes(binary: tuple[Collection, np.ndarray]) -> None:
    col, vectors = binary
    q = vectors[11] - 0.2
    assert search(col, q, EVERYONE, ignore=True) == exact(col, q, EVERYONE)


@pytest.mark.parametrize("config", [
    {"product": {"compression": "x16"}},
    {"binary": {"encoding": "two_bits", "query_encoding": "scalar8bits"}},
    {"binary": {"encoding": "one_and_half_bits"}},
    {"turbo": {"bits": "bits4"}},
    {"turbo": {"bits": "bits1_5"}},
])
@pytest.mark.parametrize("distance", [Distance.DOT, Distance.EUCLID])
def test_every_method_rescores_to_exact_scores(config: dict[str, Any], distance: Distance) -> None:
    col, vectors = build(config, distance, per_vector=True)
    assert sealed_with_codes(col) >= 1
    q = vectors[0] + 0.05
    want = dict(exact(col, q, EVERYONE, limit=N))
    got = search(col, q, EVERYONE, rescore=True, oversampling=4.0)
    assert got and all(score == pytest.approx(want[pid], abs=1e-4) for pid, score in got)
    assert got[0][0] == 0


def test_a_changed_config_reindexes_sealed_segments() -> None:
    col, _ = build({"scalar": {"type": "int8"}})
    col.shard.config.quantization_config = {"binary": {}}
    while optimize_shard(col.shard):
        pass
    specs = {seg.quantized[""].spec.method.value for seg in col.shard.holder.segments if seg.sealed}
    assert specs == {"binary"}
