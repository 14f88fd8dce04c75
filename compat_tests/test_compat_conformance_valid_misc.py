"""Rows of Qdrant 1.19's query semantics where Quiver differed: formula variables whose payload
value is `null`, a root `offset` with prefetches, `lookup_from` a missing collection, the score of
`order_by` results, a random sample with `offset`, a collection metadata key set to `null`.

Facts from Qdrant v1.19.0: rescore_formula/formula_scorer.rs (a stored null is a value, not a
number; the default is used only when no value is found) and struct_payload_index value_retriever
(an indexed key reads the index, which holds no nulls); shard/query/planned_query.rs (only the root
limit grows by the offset); common/fetch_vectors.rs (`Collection X not found`);
local_shard/scroll.rs `query_scroll` (score 1.0); universal_query/collection_query.rs (a random
sample without prefetches ignores the offset); collection_ops.rs `update_metadata` + `merge_map`
(null removes the key). Each through the stock client on REST and gRPC, and raw HTTP for the text.
"""

from __future__ import annotations

import httpx
import pytest
from compat_helpers import assert_ok, assert_qdrant_error, is_local
from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import UnexpectedResponse

ERRORS = (UnexpectedResponse, Exception)  # REST raises UnexpectedResponse, gRPC an RpcError


def _points(client: QdrantClient, name: str) -> None:
    """Five points on a 2-d Dot collection: score of [1, 0] is the id; `z` is null on odd ids."""
    client.create_collection(name, vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT))
    client.upsert(name, [models.PointStruct(id=i, vector=[float(i), 1.0], payload={"n": i, "z": None if i % 2 else i})
                         for i in range(1, 6)], wait=True)


def _formula(client: QdrantClient, name: str, defaults: dict[str, object]) -> list[tuple[object, float]]:
    query = models.FormulaQuery(formula=models.SumExpression(sum=["$score", "z"]), defaults=defaults)
    hits = client.query_points(name, prefetch=models.Prefetch(query=[1.0, 0.0], limit=5), query=query, limit=5).points
    return [(p.id, p.score) for p in hits]


def test_formula_null_payload_value_is_not_a_number(client: QdrantClient, collection_name: str) -> None:
    if is_local(client):
        pytest.skip("local mode has no formula queries")
    _points(client, collection_name)
    for defaults in ({}, {"z": 100}):  # the default does not replace a stored null
        with pytest.raises(ERRORS) as err:
            _formula(client, collection_name, defaults)
        assert "Expected number value for z in the payload and/or in the formula defaults. " \
               "Error: Value is not a number" in str(err.value)


def test_formula_null_of_an_indexed_key_takes_the_default(client: QdrantClient, collection_name: str) -> None:
    if is_local(client):
        pytest.skip("local mode has no formula queries")
    _points(client, collection_name)
    client.create_payload_index(collection_name, "z", field_schema=models.PayloadSchemaType.INTEGER, wait=True)
    assert _formula(client, collection_name, {"z": 100}) == [(5, 105.0), (3, 103.0), (1, 101.0), (4, 8.0), (2, 4.0)]
    with pytest.raises(ERRORS) as err:
        _formula(client, collection_name, {})
    assert "Expected number value for z in the payload and/or in the formula defaults. " \
           "Error: No value found in a payload nor defaults" in str(err.value)


def test_formula_errors_over_raw_http(raw: httpx.Client, collection_name: str) -> None:
    assert_ok(raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 2, "distance": "Dot"}}))
    body = {"points": [{"id": 1, "vector": [1, 1], "payload": {"z": None}}]}
    assert_ok(raw.put(f"/collections/{collection_name}/points?wait=true", json=body))
    query = {"prefetch": {"query": [1, 0]}, "query": {"formula": {"sum": ["$score", "z"]}}}
    response = raw.post(f"/collections/{collection_name}/points/query", json=query)
    assert_qdrant_error(response, 400, "Wrong input: Expected number value for z in the payload and/or in the "
                        "formula defaults. Error: Value is not a number")
    query["query"] = {"formula": {"sum": ["$score", "absent"]}}
    response = raw.post(f"/collections/{collection_name}/points/query", json=query)
    assert_qdrant_error(response, 400, "Wrong input: Expected number value for absent in the payload and/or in "
                        "the formula defaults. Error: No value found in a payload nor defaults")


def test_root_offset_does_not_grow_the_prefetch_limit(client: QdrantClient, collection_name: str) -> None:
    _points(client, collection_name)
    prefetch = models.Prefetch(query=[1.0, 0.0], limit=3)  # ids 5, 4, 3
    hits = client.query_points(collection_name, prefetch=prefetch, query=[1.0, 0.0], limit=2, offset=2).points
    assert [p.id for p in hits] == [3]
    fused = client.query_points(collection_name, prefetch=[prefetch, prefetch],
                                query=models.FusionQuery(fusion=models.Fusion.RRF), limit=5, offset=1).points
    assert [p.id for p in fused] == [4, 3]
    plain = client.query_points(collection_name, query=[1.0, 0.0], limit=2, offset=2).points
    assert [p.id for p in plain] == [3, 2]


def test_order_by_results_score_one(client: QdrantClient, collection_name: str) -> None:
    _points(client, collection_name)
    client.create_payload_index(collection_name, "n", field_schema=models.PayloadSchemaType.INTEGER, wait=True)
    hits = client.query_points(collection_name, query=models.OrderByQuery(order_by="n"), limit=3).points
    assert [(p.id, p.score) for p in hits] == [(1, 1.0), (2, 1.0), (3, 1.0)]
    rescored = client.query_points(collection_name, prefetch=models.Prefetch(query=[1.0, 0.0], limit=2),
                                   query=models.OrderByQuery(order_by=models.OrderBy(key="n", direction="desc")),
                                   limit=3).points
    assert [(p.id, p.score) for p in rescored] == [(5, 1.0), (4, 1.0)]


def test_random_sample_ignores_the_offset(client: QdrantClient, collection_name: str) -> None:
    _points(client, collection_name)
    sample = models.SampleQuery(sample=models.Sample.RANDOM)
    hits = client.query_points(collection_name, query=sample, limit=3, offset=4).points
    assert len(hits) == 3 and len({p.id for p in hits}) == 3
    assert all(p.score == 1.0 for p in hits)
    if not is_local(client):  # with prefetches the offset applies (local mode has no sample rescoring)
        prefetched = client.query_points(collection_name, prefetch=models.Prefetch(query=[1.0, 0.0], limit=5),
                                         query=sample, limit=3, offset=4).points
        assert len(prefetched) == 1


def test_lookup_from_a_missing_collection(client: QdrantClient, collection_name: str) -> None:
    if is_local(client):
        pytest.skip("local mode raises its own error for a missing lookup collection")
    _points(client, collection_name)
    missing = f"{collection_name}_missing"
    lookup = models.LookupLocation(collection=missing)
    with pytest.raises(ERRORS) as err:
        client.query_points(collection_name, query=1, lookup_from=lookup)
    assert f"Collection {missing} not found" in str(err.value)
    # no id to look up: the lookup collection is never read, as Qdrant
    assert len(client.query_points(collection_name, query=[1.0, 0.0], lookup_from=lookup).points) == 5


def test_lookup_from_a_missing_collection_over_raw_http(raw: httpx.Client, collection_name: str) -> None:
    assert_ok(raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 2, "distance": "Dot"}}))
    assert_ok(raw.put(f"/collections/{collection_name}/points?wait=true", json={"points": [{"id": 1, "vector": [1, 1]}]}))
    body = {"query": 1, "lookup_from": {"collection": "no_such_collection"}}
    response = raw.post(f"/collections/{collection_name}/points/query", json=body)
    assert_qdrant_error(response, 404, "Not found: Collection no_such_collection not found")


def test_metadata_null_removes_the_key(client: QdrantClient, collection_name: str) -> None:
    if is_local(client):
        pytest.skip("local mode differs from Qdrant: it stores the null (dict.update)")
    client.create_collection(collection_name, vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT),
                             metadata={"a": 1, "b": "x"})
    client.update_collection(collection_name, metadata={"a": None, "c": [1]})
    assert client.get_collection(collection_name).config.metadata == {"b": "x", "c": [1]}


def test_metadata_null_over_raw_http(raw: httpx.Client, collection_name: str) -> None:
    url = f"/collections/{collection_name}"
    assert_ok(raw.put(url, json={"vectors": {"size": 2, "distance": "Dot"}, "metadata": {"a": 1}}))
    assert_ok(raw.patch(url, json={"metadata": {"a": None}}))
    assert assert_ok(raw.get(url))["config"]["metadata"] == {}  # the emptied map stays, as Qdrant's Some({})
    other = f"{url}_fresh"
    try:  # a collection without metadata stores its first update as given, nulls included (Qdrant's branch)
        assert_ok(raw.put(other, json={"vectors": {"size": 2, "distance": "Dot"}}))
        assert "metadata" not in assert_ok(raw.get(other))["config"]
        assert_ok(raw.patch(other, json={"metadata": {"k": None, "v": 2}}))
        assert assert_ok(raw.get(other))["config"]["metadata"] == {"k": None, "v": 2}
    finally:
        raw.delete(other)

