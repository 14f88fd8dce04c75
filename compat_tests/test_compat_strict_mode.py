"""Strict mode (`strict_mode_config`): every limit enforced with Qdrant 1.19's status and text
(lib/collection/src/operations/verification), on REST (raw HTTP) and gRPC (stock client); nothing
is enforced while `enabled` is false, and a refused request changes nothing."""

from __future__ import annotations

from typing import Any

import grpc
import httpx
import pytest
from compat_helpers import assert_ok, assert_qdrant_error
from compat_server import ServerProcess
from qdrant_client import QdrantClient, models
from qdrant_client.common.client_exceptions import ResourceExhaustedResponse


def _create(raw: httpx.Client, name: str, strict: dict[str, Any], **extra: Any) -> None:
    body = {"vectors": {"size": 2, "distance": "Dot"}, "strict_mode_config": {"enabled": True, **strict}, **extra}
    assert_ok(raw.put(f"/collections/{name}", json=body))


def _upsert(raw: httpx.Client, name: str, ids: list[int], payload: dict[str, Any] | None = None) -> httpx.Response:
    points = [{"id": i, "vector": [1.0, float(i)], "payload": payload or {"city": "x", "n": i}} for i in ids]
    return raw.put(f"/collections/{name}/points?wait=true", json={"points": points})


def _count(raw: httpx.Client, name: str) -> int:
    result = assert_ok(raw.post(f"/collections/{name}/points/count", json={"exact": True}))
    return int(result["count"])


CITY = {"must": [{"key": "city", "match": {"value": "x"}}]}


@pytest.fixture
def grpc_client(server: ServerProcess | None) -> Any:
    if server is None:
        pytest.skip("strict mode needs the real server")
    client = QdrantClient(url=server.url, grpc_port=server.grpc_port, prefer_grpc=True, timeout=60)
    yield client
    client.close()


def test_max_query_limit(raw: httpx.Client, collection_name: str) -> None:
    _create(raw, collection_name, {"max_query_limit": 5})
    assert_ok(_upsert(raw, collection_name, [1, 2]))
    c = f"/collections/{collection_name}"
    error = 'Limit exceeded 6 > 5 for "limit". Help: Reduce the "limit" parameter to or below 5.'
    assert_qdrant_error(raw.post(f"{c}/points/query", json={"query": [1, 0], "limit": 6}), 400, "Bad request: " + error)
    assert_qdrant_error(raw.post(f"{c}/points/search", json={"vector": [1, 0], "limit": 6}), 400, error)
    assert_qdrant_error(raw.post(f"{c}/points/scroll", json={"limit": 6}), 400, error)
    assert_qdrant_error(raw.post(f"{c}/points/query", json={"prefetch": {"query": [1, 0], "limit": 6},
                                                            "query": {"fusion": "rrf"}, "limit": 2}), 400, error)
    assert_qdrant_error(raw.post(f"{c}/points/query/groups", json={"query": [1, 0], "group_by": "city",
                                                                   "limit": 3, "group_size": 2}), 400, "6 > 5")
    assert_ok(raw.post(f"{c}/points/query", json={"query": [1, 0], "limit": 5}))


def test_disabled_strict_mode_enforces_nothing(raw: httpx.Client, collection_name: str) -> None:
    body = {"vectors": {"size": 2, "distance": "Dot"}, "strict_mode_config": {"enabled": False, "max_query_limit": 1}}
    assert_ok(raw.put(f"/collections/{collection_name}", json=body))
    assert_ok(raw.post(f"/collections/{collection_name}/points/query", json={"query": [1, 0], "limit": 50}))
    assert_ok(raw.patch(f"/collections/{collection_name}", json={"strict_mode_config": {"enabled": True}}))
    assert_qdrant_error(raw.post(f"/collections/{collection_name}/points/query", json={"query": [1, 0], "limit": 50}),
                        400, 'Limit exceeded 50 > 1 for "limit"')


def test_max_timeout(raw: httpx.Client, collection_name: str) -> None:
    _create(raw, collection_name, {"max_timeout": 2})
    c = f"/collections/{collection_name}"
    assert_qdrant_error(raw.post(f"{c}/points/query?timeout=3", json={"query": [1, 0]}), 400,
                        'Limit exceeded 3 > 2 for "timeout"')
    assert_qdrant_error(raw.put(f"{c}/points?wait=true&timeout=5", json={"points": [{"id": 1, "vector": [1, 0]}]}),
                        400, '"timeout"')
    assert _count(raw, collection_name) == 0
    assert_ok(raw.post(f"{c}/points/query?timeout=2", json={"query": [1, 0]}))


def test_unindexed_filtering_retrieve_and_update(raw: httpx.Client, collection_name: str) -> None:
    _create(raw, collection_name, {"unindexed_filtering_retrieve": False, "unindexed_filtering_update": False})
    assert_ok(_upsert(raw, collection_name, [1, 2, 3]))
    c = f"/collections/{collection_name}"
    message = assert_qdrant_error(raw.post(f"{c}/points/query", json={"query": [1, 0], "filter": CITY}), 400,
                                  'Index required but not found for "city" of one of the following types: [keyword]',
                                  "Help: Create an index for this key or use a different filter.")
    assert message.startswith("Bad request: ")
    assert_qdrant_error(raw.post(f"{c}/points/scroll", json={"filter": {"must": [
        {"key": "n", "range": {"gte": 1}}]}}), 400, '"n" of one of the following types: [float, integer]')
    assert_qdrant_error(raw.post(f"{c}/points/delete?wait=true", json={"filter": CITY}), 400, 'for "city"')
    assert _count(raw, collection_name) == 3
    assert_ok(raw.put(f"{c}/index?wait=true", json={"field_name": "city", "field_schema": "keyword"}))
    assert_ok(raw.post(f"{c}/points/query", json={"query": [1, 0], "filter": CITY}))
    assert_qdrant_error(raw.post(f"{c}/points/scroll", json={"filter": {"must": [
        {"key": "city", "match": {"prefix": "x"}}]}}), 400, "[keyword (with prefix: true)]")
    assert_ok(raw.post(f"{c}/points/delete?wait=true", json={"filter": CITY}))
    assert _count(raw, collection_name) == 0


def test_group_by_needs_a_match_index(raw: httpx.Client, collection_name: str) -> None:
    _create(raw, collection_name, {"unindexed_filtering_retrieve": False})
    c = f"/collections/{collection_name}"
    body = {"query": [1, 0], "group_by": "doc", "limit": 2}
    assert_qdrant_error(raw.post(f"{c}/points/query/groups", json=body), 400,
                        'Index required but not found for "doc". Help: Create an index supporting `match` for this key.')
    assert_ok(raw.put(f"{c}/index?wait=true", json={"field_name": "doc", "field_schema": "geo"}))
    assert_qdrant_error(raw.post(f"{c}/points/query/groups", json=body), 400, 'Index of type "Geo" found for "doc"')


def test_filter_condition_limits(raw: httpx.Client, collection_name: str) -> None:
    _create(raw, collection_name, {"filter_max_conditions": 2, "condition_max_size": 3})
    c = f"/collections/{collection_name}"
    three = {"must": [{"key": "a", "match": {"value": 1}}],
             "should": [{"nested": {"key": "arr", "filter": {"must": [{"key": "x", "match": {"value": 1}},
                                                                      {"key": "y", "match": {"value": 2}}]}}}]}
    assert_qdrant_error(raw.post(f"{c}/points/count", json={"filter": three}), 400,
                        "Filter condition limit reached (3 > 2). Help: Reduce the amount of conditions of your filter.")
    big = {"must": [{"key": "a", "match": {"any": [1, 2, 3, 4]}}]}
    assert_qdrant_error(raw.post(f"{c}/points/scroll", json={"filter": big}), 400,
                        "Condition size limit reached (4 > 3). Help: Reduce the size of your condition.")
    assert_qdrant_error(raw.post(f"{c}/points/query", json={"filter": {"must": [{"has_id": [1, 2, 3, 4]}]}}), 400,
                        "Condition size limit reached (4 > 3)")
    assert_ok(raw.post(f"{c}/points/count", json={"filter": {"must": [{"key": "a", "match": {"any": [1, 2, 3]}}]}}))


def test_search_params_hnsw_ef_and_exact(raw: httpx.Client, collection_name: str) -> None:
    _create(raw, collection_name, {"search_max_hnsw_ef": 64, "search_allow_exact": False})
    c = f"/collections/{collection_name}"
    assert_qdrant_error(raw.post(f"{c}/points/query", json={"query": [1, 0], "params": {"hnsw_ef": 65}}), 400,
                        'Limit exceeded 65 > 64 for "hnsw_ef"')
    assert_qdrant_error(raw.post(f"{c}/points/search", json={"vector": [1, 0], "limit": 1, "params": {"exact": True}}),
                        400, "Exact search disabled!. Help: Set exact=false.")
    assert_qdrant_error(raw.post(f"{c}/points/count", json={"exact": True}), 400, "Exact search disabled!")
    assert_ok(raw.post(f"{c}/points/count", json={"exact": False}))
    assert_ok(raw.post(f"{c}/points/query", json={"query": [1, 0], "params": {"hnsw_ef": 64}}))


def test_search_max_oversampling(raw: httpx.Client, collection_name: str) -> None:
    _create(raw, collection_name, {"search_max_oversampling": 2})
    c = f"/collections/{collection_name}"
    over = {"quantization": {"oversampling": 2.5}}
    assert_qdrant_error(raw.post(f"{c}/points/query", json={"query": [1, 0], "params": over}), 400,
                        'Limit exceeded 2.5 > 2 for "oversampling". Help: Reduce the "oversampling" parameter '
                        "to or below 2.")
    assert_qdrant_error(raw.post(f"{c}/points/search", json={"vector": [1, 0], "limit": 1, "params": over}), 400,
                        'Limit exceeded 2.5 > 2 for "oversampling"')
    assert_ok(raw.post(f"{c}/points/query", json={"query": [1, 0], "params": {"quantization": {"oversampling": 2}}}))


def test_search_allow_exact_refuses_a_vector_without_graph(raw: httpx.Client, collection_name: str) -> None:
    _create(raw, collection_name, {"search_allow_exact": False}, hnsw_config={"m": 0})
    c = f"/collections/{collection_name}"
    assert_qdrant_error(raw.post(f"{c}/points/query", json={"query": [1, 0]}), 400,
                        "Request is forbidden because global vector indexing is disabled (hnsw_config.m = 0). "
                        "Help: Use tenant-specific filter, enable global vector indexing or enable strict mode "
                        "`search_allow_exact` option")
    assert_ok(raw.post(f"{c}/points/scroll", json={"limit": 1}))


def test_batch_sizes(raw: httpx.Client, collection_name: str) -> None:
    _create(raw, collection_name, {"upsert_max_batchsize": 2, "search_max_batchsize": 1})
    c = f"/collections/{collection_name}"
    assert_qdrant_error(_upsert(raw, collection_name, [1, 2, 3]), 400, 'Limit exceeded 3 > 2 for "upsert limit"')
    assert _count(raw, collection_name) == 0
    assert_ok(_upsert(raw, collection_name, [1, 2]))
    vectors = {"points": [{"id": i, "vector": [0, 1]} for i in (1, 2, 3)]}
    assert_qdrant_error(raw.put(f"{c}/points/vectors?wait=true", json=vectors), 400, '3 > 2 for "update limit"')
    searches = {"searches": [{"query": [1, 0]}, {"query": [0, 1]}]}
    assert_qdrant_error(raw.post(f"{c}/points/query/batch", json=searches), 400,
                        'Limit exceeded 2 > 1 for "search batch size"')


def test_max_points_count(raw: httpx.Client, collection_name: str) -> None:
    _create(raw, collection_name, {"max_points_count": 3})
    assert_ok(_upsert(raw, collection_name, [1, 2, 3]))
    assert_qdrant_error(_upsert(raw, collection_name, [4]), 400, "Bad request: Max points count limit of 3 reached!")
    assert _count(raw, collection_name) == 3


def test_max_collection_vector_and_payload_size(raw: httpx.Client, collection_name: str) -> None:
    _create(raw, collection_name, {"max_collection_vector_size_bytes": 16})
    assert_ok(_upsert(raw, collection_name, [1, 2]))  # 2 x 2 x 4 bytes: the limit is reached now
    assert_qdrant_error(_upsert(raw, collection_name, [3]), 400, "Max vector storage size limit of 0.000015258789MB")
    other = collection_name + "_p"
    try:
        _create(raw, other, {"max_collection_payload_size_bytes": 100})
        assert_ok(_upsert(raw, other, [1, 2, 3, 4, 5], {"text": "x" * 40}))
        assert_qdrant_error(_upsert(raw, other, [6]), 400, "Max payload storage size limit of")
        assert_qdrant_error(raw.post(f"/collections/{other}/points/payload?wait=true",
                                     json={"payload": {"a": 1}, "points": [1]}), 400, "Max payload storage size")
    finally:
        raw.delete(f"/collections/{other}")


def test_max_payload_index_count(raw: httpx.Client, collection_name: str) -> None:
    _create(raw, collection_name, {"max_payload_index_count": 1})
    c = f"/collections/{collection_name}"
    assert_ok(raw.put(f"{c}/index?wait=true", json={"field_name": "a", "field_schema": "keyword"}))
    assert_qdrant_error(raw.put(f"{c}/index?wait=true", json={"field_name": "b", "field_schema": "keyword"}), 400,
                        "Collection already has the maximum number of payload indices (1). "
                        "Help: Please delete an existing index before creating a new one.")
    assert list(assert_ok(raw.get(c))["payload_schema"]) == ["a"]


def test_sparse_and_multivector_limits(raw: httpx.Client, collection_name: str) -> None:
    body = {"vectors": {"multi": {"size": 2, "distance": "Dot", "multivector_config": {"comparator": "max_sim"}}},
            "sparse_vectors": {"sparse": {}},
            "strict_mode_config": {"enabled": True, "multivector_config": {"multi": {"max_vectors": 2}},
                                   "sparse_config": {"sparse": {"max_length": 2}}}}
    assert_ok(raw.put(f"/collections/{collection_name}", json=body))
    url = f"/collections/{collection_name}/points?wait=true"
    sparse = {"points": [{"id": 1, "vector": {"sparse": {"indices": [1, 2, 3], "values": [1, 1, 1]}}}]}
    assert_qdrant_error(raw.put(url, json=sparse), 400,
                        "Sparse vector 'sparse' has a limit of 2 indices, but 3 were provided!")
    multi = {"points": [{"id": 1, "vector": {"multi": [[1, 0], [0, 1], [1, 1]]}}]}
    assert_qdrant_error(raw.put(url, json=multi), 400, "Multivector 'multi' has a limit of 2 vectors, but 3 were provided!")
    assert _count(raw, collection_name) == 0
    assert_ok(raw.put(url, json={"points": [{"id": 1, "vector": {"multi": [[1, 0], [0, 1]]}}]}))


def test_read_rate_limit_answers_429(raw: httpx.Client, collection_name: str) -> None:
    _create(raw, collection_name, {"read_rate_limit": 2})
    c = f"/collections/{collection_name}"
    assert_ok(raw.post(f"{c}/points/query", json={"query": [1, 0]}))
    assert_ok(raw.post(f"{c}/points/query", json={"query": [1, 0]}))
    response = raw.post(f"{c}/points/query", json={"query": [1, 0]})
    assert_qdrant_error(response, 429, "Rate limiting exceeded: Read rate limit exceeded: Operation requires 1 tokens "
                        "but only 0.0 were available. Retry after 30s")
    assert response.headers["retry-after"] == "30"
    assert_qdrant_error(raw.post(f"{c}/points/count", json={"filter": {"must": [
        {"key": "a", "match": {"value": 1}}, {"key": "b", "match": {"value": 1}}]}}), 429,
        "Read rate limit exceeded, request larger than rate limiter capacity, please try to split your request")


def test_write_rate_limit(raw: httpx.Client, collection_name: str) -> None:
    _create(raw, collection_name, {"write_rate_limit": 3})
    assert_ok(_upsert(raw, collection_name, [1, 2]))
    assert_qdrant_error(_upsert(raw, collection_name, [3, 4]), 429,
                        "Rate limiting exceeded: Write rate limit exceeded: Operation requires 2 tokens but only 1.0")
    assert_qdrant_error(_upsert(raw, collection_name, [5, 6, 7, 8]), 429, "request larger than rate limiter capacity")
    assert _count(raw, collection_name) == 2


def test_grpc_gets_the_same_answers(grpc_client: QdrantClient, collection_name: str) -> None:
    grpc_client.create_collection(collection_name, vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT),
                                  strict_mode_config=models.StrictModeConfig(
                                      enabled=True, max_query_limit=3, unindexed_filtering_retrieve=False,
                                      read_rate_limit=100, sparse_config=None))
    with pytest.raises(grpc.RpcError) as refused:
        grpc_client.query_points(collection_name, query=[1.0, 0.0], limit=4)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert 'Limit exceeded 4 > 3 for "limit"' in str(refused.value.details())
    flt = models.Filter(must=[models.FieldCondition(key="city", match=models.MatchValue(value="x"))])
    with pytest.raises(grpc.RpcError) as unindexed:
        grpc_client.scroll(collection_name, scroll_filter=flt, limit=2)
    assert 'Index required but not found for "city"' in str(unindexed.value.details())
    grpc_client.update_collection(collection_name, strict_mode_config=models.StrictModeConfig(
        enabled=True, read_rate_limit=1))
    grpc_client.query_points(collection_name, query=[1.0, 0.0], limit=2)
    with pytest.raises(ResourceExhaustedResponse) as limited:  # the client maps RESOURCE_EXHAUSTED + retry-after
        grpc_client.query_points(collection_name, query=[1.0, 0.0], limit=2)
    assert "Rate limiting exceeded: Read rate limit exceeded" in str(limited.value)
    assert limited.value.retry_after_s == 60


def test_rest_client_sees_the_rate_limit(server: ServerProcess | None, collection_name: str) -> None:
    if server is None:
        pytest.skip("strict mode needs the real server")
    client = QdrantClient(url=server.url, prefer_grpc=False, timeout=60)
    try:
        client.create_collection(collection_name, vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT),
                                 strict_mode_config=models.StrictModeConfig(enabled=True, write_rate_limit=1))
        client.upsert(collection_name, [models.PointStruct(id=1, vector=[1.0, 0.0])])
        with pytest.raises(ResourceExhaustedResponse) as limited:
            client.upsert(collection_name, [models.PointStruct(id=2, vector=[1.0, 0.0])])
        assert limited.value.retry_after_s == 60
        assert client.count(collection_name).count == 1
    finally:
        client.close()
