"""Encoders of engine/quantization: config reading and defaults, the bit layouts of the binary
encodings, packing, and that each method ranks like the float vectors it stands for."""

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engine.collection import reads
from engine.quantization import build_quantized, parse_spec, restore_quantized
from engine.quantization.binary import BinaryQuantized
from engine.quantization.spec import BinaryEncoding, Method, QueryEncoding, TurboBits, effective_spec
from engine.quantization.turbo import pack, unpack
from engine.shard.optimizer import optimize_shard
from engine.toc import TableOfContents
from engine.types.config import CollectionConfig, CollectionParams, Distance, OptimizersConfig, VectorParams
from engine.types.operations import UpsertPoints
from engine.types.points import PointStruct
from engine.types.requests import NearestQuery, QuantizationSearchParams, QueryRequest, SearchParams

RNG = np.random.default_rng(3)
ROWS = RNG.normal(size=(3000, 48)).astype(np.float32)
ROWS /= np.linalg.norm(ROWS, axis=1, keepdims=True)
QUERIES = (ROWS[:20] + 0.3 * RNG.normal(size=(20, 48))).astype(np.float32)


def test_specs_and_defaults() -> None:
    scalar = parse_spec({"scalar": {"type": "int8", "quantile": 0.99, "always_ram": True}})
    assert scalar is not None and scalar.method is Method.SCALAR and scalar.quantile == pytest.approx(0.99)
    assert scalar.always_ram is True and not scalar.default_rescore
    binary = parse_spec({"binary": {}})
    assert binary is not None and binary.encoding is BinaryEncoding.ONE_BIT and binary.default_rescore
    grpc_shaped = parse_spec({"binary": {"encoding": "one_and_half_bits", "query_encoding": {"setting": "scalar4_bits"}}})
    assert grpc_shaped is not None and grpc_shaped.query_encoding is QueryEncoding.SCALAR4BITS
    product = parse_spec({"product": {"compression": "x32"}})
    assert product is not None and product.compression == "x32" and not product.default_rescore
    turbo = parse_spec({"turbo": {}})
    assert turbo is not None and turbo.bits is TurboBits.BITS4 and not turbo.default_rescore
    two = parse_spec({"turboquant": {"bits": "bits2"}})
    assert two is not None and two.default_rescore
    assert parse_spec(None) is None and parse_spec("Disabled") is None and parse_spec({"product": {"compression": "x3"}}) is None
    # the vector's own config wins over the collection's
    assert effective_spec({"scalar": {"type": "int8"}}, {"binary": {}}) == binary
    assert effective_spec({"scalar": {"type": "int8"}}, None) == parse_spec({"scalar": {"type": "int8"}})


def test_binary_bit_layouts() -> None:
    rows = np.array([[-3.0, 0.0, 3.0, 0.5], [3.0, -3.0, 0.0, -0.5]], dtype=np.float32)
    one = BinaryQuantized.build(parse_spec({"binary": {}}), Distance.DOT, rows)  # type: ignore[arg-type]
    assert np.unpackbits(one.codes, axis=1, bitorder="little")[:, :4].tolist() == [[0, 0, 1, 1], [1, 0, 0, 0]]
    two = BinaryQuantized.build(parse_spec({"binary": {"encoding": "two_bits"}}), Distance.DOT, rows)  # type: ignore[arg-type]
    two.stats = np.array([[0, 0, 0, 0], [1, 1, 1, 1]], dtype=np.float32)  # z-scores = the values
    bits = np.unpackbits(two.encode(rows), axis=1, bitorder="little")[:, :8]
    # first bits (z > -2/3) then second bits (z >= 2/3): -3 -> 00, 0 -> 10, 3 -> 11, 0.5 -> 10
    assert bits.tolist() == [[0, 1, 1, 1, 0, 0, 1, 0], [1, 0, 1, 1, 1, 0, 0, 0]]
    half = BinaryQuantized.build(parse_spec({"binary": {"encoding": "one_and_half_bits"}}), Distance.DOT, rows)  # type: ignore[arg-type]
    half.stats = two.stats
    bits = np.unpackbits(half.encode(rows), axis=1, bitorder="little")[:, :6]
    # second bits of dimension pairs OR-ed: (0 | 0), (1 | 0) for row 0; (1 | 0), (0 | 0) for row 1
    assert bits.tolist() == [[0, 1, 1, 1, 0, 1], [1, 0, 1, 1, 1, 0]]
    assert half.bits == 6 and half.codes.shape[1] == 1


@pytest.mark.parametrize("bits", [1, 2, 4])
def test_packing_round_trips(bits: int) -> None:
    codes = RNG.integers(0, 1 << bits, size=(7, 21)).astype(np.uint8)
    packed = pack(codes, bits)
    assert packed.shape == (7, -(-21 * bits // 8))
    assert np.array_equal(unpack(packed, bits, 21), codes)


CONFIGS: list[tuple[dict[str, Any], float, float]] = [
    # config, recall@10 within the best 40 by quantized score at least (isotropic random data, the
    # hard case for binary codes), bytes per 48-dim vector
    ({"scalar": {"type": "int8"}}, 0.99, 48),
    ({"scalar": {"type": "int8", "quantile": 0.95}}, 0.95, 48),
    ({"binary": {}}, 0.35, 6),
    ({"binary": {"encoding": "two_bits"}}, 0.5, 12),
    ({"binary": {"encoding": "one_and_half_bits"}}, 0.3, 9),
    ({"binary": {"query_encoding": "scalar8bits"}}, 0.45, 6),
    ({"product": {"compression": "x4"}}, 0.95, 48),
    ({"product": {"compression": "x16"}}, 0.9, 12),
    ({"turbo": {"bits": "bits4"}}, 0.97, 28),
    ({"turbo": {"bits": "bits2"}}, 0.9, 16),
    ({"turbo": {"bits": "bits1_5"}}, 0.65, 13),
    ({"turbo": {"bits": "bits1"}}, 0.5, 10),
]


@pytest.mark.parametrize(("config", "want_recall", "size"), CONFIGS)
@pytest.mark.parametrize("distance", [Distance.COSINE, Distance.EUCLID, Distance.MANHATTAN])
def test_quantized_scores_rank_like_float_scores(config: dict[str, Any], want_recall: float, size: float,
                                                 distance: Distance) -> None:
    spec = parse_spec(config)
    assert spec is not None
    quantized = build_quantized(spec, distance, ROWS)
    higher = distance is Distance.COSINE
    found = 0
    for q in QUERIES:
        match distance:
            case Distance.COSINE:
                exact = ROWS @ q
            case Distance.EUCLID:
                exact = np.linalg.norm(ROWS - q, axis=1)
            case _:
                exact = np.abs(ROWS - q).sum(axis=1)
        approx = quantized.score(q)
        best = np.argsort(-exact if higher else exact)[:10]
        preselected = np.argsort(-approx if higher else approx)[:40]
        found += len(set(best.tolist()) & set(preselected.tolist()))
        subset = np.array([5, 17, 2999])
        assert np.allclose(quantized.score(q, subset), approx[subset], atol=1e-4)
    assert found / (10 * len(QUERIES)) >= want_recall * (0.8 if distance is Distance.MANHATTAN else 1)
    assert quantized.bytes_per_vector() <= size + 8
    restored = restore_quantized(spec, distance, quantized.arrays())
    assert np.allclose(restored.score(QUERIES[0]), quantized.score(QUERIES[0]), atol=1e-4)


def test_scalar_scores_approximate_the_dot_product() -> None:
    quantized = build_quantized(parse_spec({"scalar": {"type": "int8"}}), Distance.DOT, ROWS)  # type: ignore[arg-type]
    assert np.allclose(quantized.score(QUERIES[1]), ROWS @ QUERIES[1], atol=0.02)


@pytest.mark.parametrize("on_disk", [False, True])
def test_codes_survive_a_restart(tmp_path: Path, on_disk: bool) -> None:
    vp = VectorParams(size=16, distance=Distance.DOT, on_disk=on_disk, quantization_config={"binary": {}})
    config = CollectionConfig(params=CollectionParams(vectors={"": vp}, unnamed=True),
                              optimizer_config=OptimizersConfig(indexing_threshold=1))
    toc = TableOfContents(tmp_path)
    col = toc.create("c", config)
    rng = np.random.default_rng(1)
    col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": rng.normal(size=16).astype(np.float32)})
                                    for i in range(400)]))
    assert optimize_shard(col.shard)
    request = QueryRequest(query=NearestQuery(vector=np.ones(16, dtype=np.float32)), limit=5,
                           params=SearchParams(quantization=QuantizationSearchParams(rescore=False)))
    before = [(p.id, p.score) for p in reads.query(col, request)]
    toc.close()
    again = TableOfContents(tmp_path)
    again.load()
    sealed = [s for s in again.get("c").shard.holder.segments if s.sealed]
    assert sealed and all("" in s.quantized for s in sealed)
    codes = sealed[0].quantized[""].arrays()["codes"]
    assert isinstance(codes, np.memmap) == on_disk
    assert [(p.id, p.score) for p in reads.query(again.get("c"), request)] == before
    again.close()


def test_turbo4_columns_store_the_codes() -> None:
    """`turbo4`: the column holds 4-bit codes + a float32 scale per vector (dim/2 + 4 bytes), reads
    decode them, and scores computed from the codes equal the scores of the decoded vectors."""
    from engine import distance as dist
    from engine.segment.column_image import ColumnImage
    from engine.segment.vector_column import VectorColumn
    from engine.types.config import Datatype

    for distance in (Distance.COSINE, Distance.DOT, Distance.EUCLID, Distance.MANHATTAN):
        column = VectorColumn(48, distance, Datatype.TURBO4)
        column.set_rows(0, ROWS[:10] * 3.0)
        column.set(10, ROWS[10] * 3.0)
        assert column.data.dtype == np.uint8
        assert column.row_bytes == 24 + 4 + (4 if distance is Distance.EUCLID else 0)  # float32: 192
        decoded = np.stack([column.get(i) for i in range(11)])  # type: ignore[misc]
        assert decoded.dtype == np.float32 and decoded.shape == (11, 48)
        expected = dist.preprocess_many(distance, ROWS[:11] * 3.0)
        assert not np.allclose(decoded, expected, atol=1e-3)  # lossy
        cos = np.einsum("ij,ij->i", decoded, expected) / (np.linalg.norm(decoded, axis=1)
                                                         * np.linalg.norm(expected, axis=1))
        assert (cos > 0.98).all()
        # the decoded vector is as long as the original (the scale restores it)
        assert np.allclose(np.linalg.norm(decoded, axis=1), np.linalg.norm(expected, axis=1), rtol=1e-4)
        query = column.prepare(ROWS[20])
        from_codes = column.score(np.arange(11), query)
        assert np.allclose(from_codes, dist.score(distance, decoded, query), rtol=1e-4, atol=1e-4)
        assert np.allclose(column.score_prefix(11, query), from_codes, rtol=1e-5, atol=1e-5)
        assert np.allclose(column.float_rows(np.arange(11)), decoded, atol=1e-5)
        assert np.allclose(column.float_prefix(11), decoded, atol=1e-5)
        # a segment image copies the codes; a file of float32 reconstructions (the layout before the
        # codes were the stored form) is encoded on load
        copy = VectorColumn(48, distance, Datatype.TURBO4)
        copy.load(0, column.image(np.arange(11)))
        assert np.array_equal(copy.data[:11], column.data[:11])
        old = VectorColumn(48, distance, Datatype.TURBO4)
        old.load(0, ColumnImage(present=np.ones(11, dtype=bool), rows=decoded))
        assert old.data.dtype == np.uint8
        assert np.allclose(np.stack([old.get(i) for i in range(11)]), decoded, atol=0.05)  # type: ignore[misc]
