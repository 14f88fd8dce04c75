"""Congruence: the server and `QdrantClient(":memory:")` give the same answers on the same data.

One seeded data set (see `compat_congruence_data`) is loaded into both; ≥ 100 seeded random filters
run through exact count, scroll (every page) and exact search (every distance), compared result by
result: same ids in the same order (ties allowed to swap), scores within 1e-4, same payloads. The
whole run happens twice: without payload indexes and with indexes on every filtered field (half
created before the upload, half after) — indexes must never change results.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from compat_congruence_data import (
    DISTANCE_VECTORS,
    INDEXED_FIELDS,
    SEED,
    FilterGenerator,
    make_points,
    query_vector,
    vectors_config,
)
from conftest import unique_collection_name
from qdrant_client import QdrantClient, models

N_FILTERS = 120
CHUNKS = 6
SCORE_TOLERANCE = 1e-4
POINTS = make_points()
IDS = [p.id for p in POINTS]
FILTERS = [FilterGenerator(SEED + i, IDS).filter() for i in range(N_FILTERS)]


class Pair:
    def __init__(
        self, server: QdrantClient, server_name: str, oracle: QdrantClient, oracle_name: str
    ) -> None:
        self.server, self.server_name = server, server_name
        self.oracle, self.oracle_name = oracle, oracle_name


def _load(client: QdrantClient, name: str, indexed: bool) -> None:
    client.create_collection(name, vectors_config=vectors_config())
    fields = list(INDEXED_FIELDS.items())
    if indexed:
        for field, schema in fields[: len(fields) // 2]:
            client.create_payload_index(name, field_name=field, field_schema=schema, wait=True)
    for start in range(0, len(POINTS), 100):
        client.upsert(name, points=POINTS[start : start + 100], wait=True)
    if indexed:
        for field, schema in fields[len(fields) // 2 :]:
            client.create_payload_index(name, field_name=field, field_schema=schema, wait=True)


@pytest.fixture(scope="module", params=["plain", "indexed"])
def pair(request: pytest.FixtureRequest, client: QdrantClient) -> Iterator[Pair]:
    indexed = request.param == "indexed"
    name = unique_collection_name(f"congruence_{request.param}")
    oracle = QdrantClient(":memory:")
    _load(client, name, indexed)
    _load(oracle, "oracle", indexed=False)
    try:
        yield Pair(client, name, oracle, "oracle")
    finally:
        client.delete_collection(name)
        oracle.close()


def _describe(flt: models.Filter | None) -> str:
    return "no filter" if flt is None else flt.model_dump_json(exclude_none=True, by_alias=True)


def _norm_id(point_id: Any) -> Any:
    return str(point_id) if not isinstance(point_id, int) else point_id


def compare_hits(
    expected: list[models.ScoredPoint], actual: list[models.ScoredPoint], limit: int
) -> str | None:
    """Tie-tolerant comparison: scores pairwise, ids per group of equal scores."""
    if len(expected) != len(actual):
        return f"{len(actual)} hits, expected {len(expected)}: {[_norm_id(h.id) for h in actual]} vs {[_norm_id(h.id) for h in expected]}"
    for position, (e, a) in enumerate(zip(expected, actual, strict=True)):
        if abs(e.score - a.score) > SCORE_TOLERANCE:
            return f"score at {position}: {a.score} (id {a.id}), expected {e.score} (id {e.id})"
    start = 0
    while start < len(expected):
        end = start + 1
        while end < len(expected) and abs(expected[end].score - expected[start].score) <= SCORE_TOLERANCE:
            end += 1
        truncated = end == len(expected) and len(expected) == limit
        if not truncated:
            want = sorted(map(str, (_norm_id(h.id) for h in expected[start:end])))
            got = sorted(map(str, (_norm_id(h.id) for h in actual[start:end])))
            if want != got:
                return f"ids at {start}..{end}: {got}, expected {want}"
        start = end
    # over gRPC an empty payload map cannot be told from an absent one: the client reads None
    by_id = {_norm_id(h.id): h.payload or None for h in expected}
    for hit in actual:
        if _norm_id(hit.id) in by_id and by_id[_norm_id(hit.id)] != (hit.payload or None):
            return f"payload of {hit.id}: {hit.payload}, expected {by_id[_norm_id(hit.id)]}"
    return None


def _scroll_all(client: QdrantClient, name: str, flt: models.Filter | None) -> list[tuple[Any, Any]]:
    seen: list[tuple[Any, Any]] = []
    offset = None
    for _ in range(100):
        records, offset = client.scroll(name, scroll_filter=flt, limit=37, offset=offset, with_payload=True)
        seen.extend((_norm_id(r.id), r.payload) for r in records)
        if offset is None:
            return seen
    raise AssertionError("scroll did not terminate after 100 pages")


def _chunk(index: int) -> list[tuple[int, models.Filter]]:
    size = N_FILTERS // CHUNKS
    return list(enumerate(FILTERS))[index * size : (index + 1) * size]


def _report(kind: str, mismatches: list[str]) -> None:
    assert not mismatches, f"{len(mismatches)} {kind} mismatches:\n" + "\n".join(mismatches[:10])


def test_filter_generator_covers_every_condition_kind() -> None:
    text = " ".join(_describe(f) for f in FILTERS)
    for marker in [
        '"match":{"value"',
        '"any"',
        '"except"',
        '"text"',
        '"phrase"',
        '"range"',
        '"geo_bounding_box"',
        '"geo_radius"',
        '"geo_polygon"',
        '"values_count"',
        '"is_empty"',
        '"is_null"',
        '"has_id"',
        '"has_vector"',
        '"nested"',
        "items[].sku",
        "meta.owner.name",
        '"min_should"',
        '"must_not"',
        '"should"',
    ]:
        assert marker in text, f"no generated filter uses {marker}"


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_count_congruent(pair: Pair, chunk: int) -> None:
    mismatches = []
    matched = 0
    for number, flt in _chunk(chunk):
        want = pair.oracle.count(pair.oracle_name, count_filter=flt, exact=True).count
        got = pair.server.count(pair.server_name, count_filter=flt, exact=True).count
        matched += want > 0
        if want != got:
            mismatches.append(f"filter #{number}: count {got}, expected {want}; {_describe(flt)}")
    _report("count", mismatches)
    assert matched > 0, "every filter in this chunk matched nothing: the data set is too sparse"


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_scroll_congruent(pair: Pair, chunk: int) -> None:
    mismatches = []
    for number, flt in _chunk(chunk):
        want = _scroll_all(pair.oracle, pair.oracle_name, flt)
        got = _scroll_all(pair.server, pair.server_name, flt)
        if [i for i, _ in want] != [i for i, _ in got]:
            mismatches.append(
                f"filter #{number}: ids {[i for i, _ in got][:15]}..., expected {[i for i, _ in want][:15]}...; {_describe(flt)}"
            )
        elif want != got:
            diff = next((w, g) for w, g in zip(want, got, strict=True) if w != g)
            mismatches.append(f"filter #{number}: payload {diff[1]}, expected {diff[0]}")
    _report("scroll", mismatches)


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_exact_search_congruent(pair: Pair, chunk: int) -> None:
    mismatches = []
    rng = random.Random(SEED + chunk)
    names = list(DISTANCE_VECTORS)
    for number, flt in _chunk(chunk):
        using = names[number % len(names)]
        vector = query_vector(rng)
        kwargs: dict[str, Any] = {
            "query": vector,
            "using": using,
            "query_filter": flt,
            "limit": 20,
            "with_payload": True,
            "search_params": models.SearchParams(exact=True),
        }
        want = pair.oracle.query_points(pair.oracle_name, **kwargs).points
        got = pair.server.query_points(pair.server_name, **kwargs).points
        problem = compare_hits(want, got, limit=20)
        if problem:
            mismatches.append(f"filter #{number} using {using}: {problem}; {_describe(flt)}")
    _report("search", mismatches)


@pytest.mark.parametrize("using", list(DISTANCE_VECTORS))
def test_unfiltered_search_each_distance(pair: Pair, using: str) -> None:
    rng = random.Random(SEED * 7 + len(using))
    for _ in range(5):
        vector = query_vector(rng)
        for exact in (True, False):
            kwargs: dict[str, Any] = {
                "query": vector,
                "using": using,
                "limit": 50,
                "with_payload": ["kw", "num"],
                "search_params": models.SearchParams(exact=exact, hnsw_ef=256),
            }
            want = pair.oracle.query_points(pair.oracle_name, **kwargs).points
            got = pair.server.query_points(pair.server_name, **kwargs).points
            problem = compare_hits(want, got, limit=50)
            assert problem is None, f"{using} exact={exact}: {problem}"


def test_has_vector_and_ids_round_trip(pair: Pair) -> None:
    flt = models.Filter(must=[models.HasVectorCondition(has_vector="opt")])
    want = pair.oracle.count(pair.oracle_name, count_filter=flt, exact=True).count
    assert 0 < want < len(POINTS)
    assert pair.server.count(pair.server_name, count_filter=flt, exact=True).count == want
    uuids = [i for i in IDS if isinstance(i, str)][:5]
    records = pair.server.retrieve(pair.server_name, ids=uuids, with_vectors=True)
    assert sorted(str(r.id) for r in records) == sorted(uuids)
    oracle_records = {
        str(r.id): r for r in pair.oracle.retrieve(pair.oracle_name, ids=uuids, with_vectors=True)
    }
    for record in records:
        expected = oracle_records[str(record.id)]
        assert record.payload == expected.payload
        assert set(record.vector) == set(expected.vector)
        for name, values in record.vector.items():
            assert values == pytest.approx(expected.vector[name], abs=1e-5)


@pytest.mark.parametrize("direction", [models.Direction.ASC, models.Direction.DESC])
def test_order_by_congruent(pair: Pair, direction: models.Direction) -> None:
    """order_by needs a range index on the server, so only the indexed run can answer it."""
    if not pair.server_name.startswith("congruence_indexed"):
        pytest.skip("order_by requires a payload index on the server")
    for number, flt in list(enumerate(FILTERS))[:20]:
        order = models.OrderBy(key="price", direction=direction)
        want, _ = pair.oracle.scroll(pair.oracle_name, scroll_filter=flt, limit=25, order_by=order)
        got, _ = pair.server.scroll(pair.server_name, scroll_filter=flt, limit=25, order_by=order)
        assert [r.payload.get("price") for r in got] == [r.payload.get("price") for r in want], (
            f"filter #{number}: {_describe(flt)}"
        )
        assert [_norm_id(r.id) for r in got] == [_norm_id(r.id) for r in want]


@pytest.mark.parametrize("key", ["kw", "tags", "items[].sku"])
def test_facet_congruent(pair: Pair, key: str) -> None:
    """Facets need a keyword index on the server, so only the indexed run can answer them."""
    if not pair.server_name.startswith("congruence_indexed"):
        pytest.skip("facet requires a payload index on the server")
    for number, flt in [(None, None), *list(enumerate(FILTERS))[:15]]:
        want = pair.oracle.facet(pair.oracle_name, key=key, facet_filter=flt, limit=50, exact=True).hits
        got = pair.server.facet(pair.server_name, key=key, facet_filter=flt, limit=50, exact=True).hits
        assert sorted((h.value, h.count) for h in got) == sorted((h.value, h.count) for h in want), (
            f"filter #{number}: {_describe(flt)}"
        )
        counts = [h.count for h in got]
        assert counts == sorted(counts, reverse=True)


def test_search_paging_and_threshold_congruent(pair: Pair) -> None:
    rng = random.Random(SEED + 99)
    for using in DISTANCE_VECTORS:
        vector = query_vector(rng)
        full = pair.oracle.query_points(pair.oracle_name, query=vector, using=using, limit=30).points
        threshold = (full[9].score + full[10].score) / 2  # never exactly on a score (float32 vs float64)
        for kwargs in ({"limit": 10, "offset": 5}, {"limit": 30, "score_threshold": threshold}):
            args: dict[str, Any] = {"query": vector, "using": using, "with_payload": False, **kwargs}
            args["search_params"] = models.SearchParams(exact=True)
            want = pair.oracle.query_points(pair.oracle_name, **args).points
            got = pair.server.query_points(pair.server_name, **args).points
            problem = compare_hits(want, got, limit=kwargs["limit"])
            assert problem is None, f"{using} {kwargs}: {problem}"
