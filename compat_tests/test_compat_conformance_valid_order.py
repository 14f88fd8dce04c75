"""Qdrant 1.19 validates a request before it runs it: a bad body on a missing collection is the
body's 400/422, not 404, on every read and write endpoint; validation messages carry the label of
the transport (`Validation error in JSON body: [...]` over REST, src/actix/mod.rs; `Validation
error in body: [...]` over gRPC, src/tonic/api/mod.rs) and name fields by the path of Qdrant's
models (REST bodies flatten an inner struct: `internal.limit` of QueryRequest, `search_request.limit`
of SearchRequest, `searches[0]....` of a batch; validation.rs `label_errors` renders each rule).

The collection config diffs follow config_diff.rs (ef_construct >= 4, full_scan_threshold >= 10,
deleted_threshold in [0, 1], vacuum_min_vector_number >= 100, max_segment_size >= 1,
wal_capacity_mb >= 1; a negative unsigned integer is serde's 400), on create and on PATCH.
"""

from __future__ import annotations

from typing import Any

import grpc
import httpx
import pytest
from compat_helpers import assert_ok, assert_qdrant_error
from compat_server import ServerProcess
from conftest import make_client, unique_collection_name
from qdrant_client import models

_LIMIT0 = "value 0 invalid, must be 1 or larger]"

# (method, path under the collection, body, status, the whole message; a final `*`: its beginning)
CASES: list[tuple[str, str, Any, int, str]] = [
    ("POST", "/points/query", {"limit": 0}, 422, f"Validation error in JSON body: [internal.limit: {_LIMIT0}"),
    ("POST", "/points/query", {"query": {"nearest": [1, 0], "mmr": {"diversity": 2}}}, 422,
     "Validation error in JSON body: [internal.query.mmr.diversity: value 2.0 invalid, must be from 0.0 to 1.0]"),
    ("POST", "/points/query", {"query": [1, 0], "params": {"hnsw_ef": 0}}, 422,
     f"Validation error in JSON body: [internal.params.hnsw_ef: {_LIMIT0}"),
    ("POST", "/points/query", {"query": [1, 0], "params": {"hnsw_ef": -1}}, 400,
     "Format error in JSON body: invalid value: integer `-1`, expected usize"),
    ("POST", "/points/query", {"query": {"relevance_feedback": {"target": [1, 0], "feedback": [],
                                                                "strategy": {"naive": {"a": 1, "b": -1, "c": 1}}}}},
     422, "Validation error in JSON body: [internal.query.relevance_feedback.strategy.naive.b: value -1.0 invalid, "
          "must be 0.0 or larger]"),
    ("POST", "/points/query/batch", {"searches": [{}, {"limit": 0}]}, 422,
     f"Validation error in JSON body: [searches[1].internal.limit: {_LIMIT0}"),
    ("POST", "/points/query/groups", {"group_by": "g", "limit": 0}, 422,
     f"Validation error in JSON body: [search_group_request.group_request.limit: {_LIMIT0}"),
    ("POST", "/points/search", {"vector": [1, 0], "limit": 0}, 422,
     f"Validation error in JSON body: [search_request.limit: {_LIMIT0}"),
    ("POST", "/points/search/batch", {"searches": [{"vector": [1, 0], "limit": 0}]}, 422,
     f"Validation error in JSON body: [searches[0].search_request.limit: {_LIMIT0}"),
    ("POST", "/points/search/groups", {"vector": [1, 0], "group_by": "g", "limit": 1, "group_size": 0}, 422,
     f"Validation error in JSON body: [search_group_request.group_request.group_size: {_LIMIT0}"),
    ("POST", "/points/recommend", {"positive": [1], "limit": 0}, 422,
     f"Validation error in JSON body: [recommend_request.limit: {_LIMIT0}"),
    ("POST", "/points/discover", {"target": 1, "limit": 0}, 422,
     f"Validation error in JSON body: [discover_request.limit: {_LIMIT0}"),
    ("POST", "/points/scroll", {"limit": 0}, 422, f"Validation error in JSON body: [scroll_request.limit: {_LIMIT0}"),
    ("POST", "/points/search/matrix/pairs", {"sample": 1}, 422,
     "Validation error in JSON body: [search_request.sample: value 1 invalid, must be 2 or larger]"),
    ("POST", "/facet", {"key": "k", "limit": 0}, 422, f"Validation error in JSON body: [facet_request.limit: {_LIMIT0}"),
    ("PATCH", "", {"optimizers_config": {"deleted_threshold": 5}}, 422,
     "Validation error in JSON body: [optimizers_config.deleted_threshold: value 5.0 invalid, must be from 0.0 to 1.0]"),
    ("PATCH", "", {"hnsw_config": {"ef_construct": 2}}, 422,
     "Validation error in JSON body: [hnsw_config.ef_construct: value 2 invalid, must be 4 or larger]"),
    ("PATCH", "", {"hnsw_config": {"m": -1}}, 400, "Format error in JSON body: invalid value: integer `-1`, expected usize"),
    ("PATCH", "", {"params": {"replication_factor": 0}}, 400,
     "Format error in JSON body: invalid value: integer `0`, expected a nonzero u32"),
    ("PUT", "/points", {"points": [{"id": 1, "vector": {"s": {"indices": [1, 1], "values": [1, 2]}}}]}, 422,
     "Validation error in JSON body: [*"),  # the order is the row here; the field path is not checked
    ("PUT", "/index", {"field_name": "n", "field_schema": {"type": "integer", "lookup": False, "range": False}}, 422,
     "Validation error in JSON body: [field_schema.lookup: Validation error: the 'lookup' and 'range' capabilities "
     "can't be both disabled [{}]]"),
]


@pytest.fixture(scope="module")
def existing(raw: httpx.Client) -> Any:
    name = unique_collection_name("order")
    assert_ok(raw.put(f"/collections/{name}", json={"vectors": {"size": 2, "distance": "Dot"},
                                                    "sparse_vectors": {"s": {}}}))
    yield name
    raw.delete(f"/collections/{name}")


@pytest.mark.parametrize(("method", "path", "body", "status", "message"), CASES,
                         ids=[f"{c[0]}{c[1] or '/'}-{i}" for i, c in enumerate(CASES)])
def test_bad_body_is_refused_before_the_collection_is_looked_up(
        raw: httpx.Client, existing: str, method: str, path: str, body: Any, status: int, message: str) -> None:
    for name in (existing, "no_such_collection_here"):
        response = raw.request(method, f"/collections/{name}{path}", json=body)
        got = assert_qdrant_error(response, status)
        assert got.startswith(message[:-1]) if message.endswith("*") else got == message, (name, got)
    assert raw.get("/collections/no_such_collection_here/exists").json()["result"]["exists"] is False


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"hnsw_config": {"full_scan_threshold": 5}}, 422,
     "Validation error in JSON body: [hnsw_config.full_scan_threshold: value 5 invalid, must be 10 or larger]"),
    ({"optimizers_config": {"vacuum_min_vector_number": 5}}, 422, "Validation error in JSON body: "
     "[optimizers_config.vacuum_min_vector_number: value 5 invalid, must be 100 or larger]"),
    ({"optimizers_config": {"max_segment_size": 0}}, 422,
     f"Validation error in JSON body: [optimizers_config.max_segment_size: {_LIMIT0}"),
    ({"wal_config": {"wal_capacity_mb": 0}}, 422, f"Validation error in JSON body: [wal_config.wal_capacity_mb: {_LIMIT0}"),
    ({"optimizers_config": {"flush_interval_sec": -1}}, 400,
     "Format error in JSON body: invalid value: integer `-1`, expected u64"),
    ({"hnsw_config": {"on_disk": 1}}, 400, "Format error in JSON body: invalid type: integer `1`, expected a boolean"),
])
def test_create_collection_checks_config_diffs(raw: httpx.Client, collection_name: str, body: dict[str, Any],
                                               status: int, message: str) -> None:
    response = raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 2, "distance": "Dot"}, **body})
    assert assert_qdrant_error(response, status) == message
    assert raw.get(f"/collections/{collection_name}/exists").json()["result"]["exists"] is False


def _grpc_error(server: ServerProcess | None, call: Any) -> grpc.RpcError:
    if server is None:
        pytest.skip("gRPC needs the real server")
    client = make_client(server, "grpc")
    try:
        with pytest.raises(grpc.RpcError) as err:
            call(client)
        return err.value
    finally:
        client.close()


def test_grpc_validation_says_body_and_comes_before_existence(server: ServerProcess | None) -> None:
    err = _grpc_error(server, lambda c: c.query_points(
        "no_such_collection_here", query=models.NearestQuery(nearest=[1.0, 0.0], mmr=models.Mmr(diversity=2.0))))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    # the oneof `Query.variant` is a path element, as Qdrant flattens it (its tests/basic_sparse_grpc_test.sh
    # expects `points[0].vectors.vectors_options.vectors.[].values` the same way)
    assert err.details() == ("Validation error in body: [query.variant.mmr.diversity: value 2.0 invalid, "
                             "must be from 0.0 to 1.0]")


def test_grpc_config_diff_is_validated_before_existence(server: ServerProcess | None) -> None:
    err = _grpc_error(server, lambda c: c.update_collection(
        "no_such_collection_here", hnsw_config=models.HnswConfigDiff(ef_construct=2)))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert err.details() == "Validation error in body: [hnsw_config.ef_construct: value 2 invalid, must be 4 or larger]"


def test_grpc_limit_message_names_the_field_without_json(server: ServerProcess | None, collection_name: str) -> None:
    def call(client: Any) -> None:
        client.create_collection(collection_name, vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT))
        client.query_points(collection_name, query=[1.0, 0.0], search_params=models.SearchParams(
            quantization=models.QuantizationSearchParams(oversampling=0.5)))

    err = _grpc_error(server, call)
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "JSON" not in str(err.details())
    assert err.details() == ("Validation error in body: [params.quantization.oversampling: value 0.5 invalid, "
                             "must be 1.0 or larger]")
