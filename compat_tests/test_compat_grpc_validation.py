"""gRPC request validation as Qdrant 1.19's tonic layer does it (src/tonic/api/mod.rs `validate`,
the field constraints of lib/api/build.rs): INVALID_ARGUMENT `Validation error in body: [path:
message]`, checked before the collection is looked up (every case names a missing collection or
would reach one), with the paths Qdrant's flattening builds: `search_points[1].limit`,
`prefetch[1].prefetch[0].limit`, a oneof by its own name (`vectors_config.config.size`,
`query.variant.mmr.diversity`) and a map entry as `.[]`. Raw stubs of the stock client's generated
messages, so a field the client would fill for us (a limit, a name) can be sent empty."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import grpc
import pytest
from compat_server import ServerProcess
from qdrant_client import grpc as g

MISSING = "no_such_collection_for_validation"
_MIN1 = "value 0 invalid, must be 1 or larger"


@pytest.fixture(scope="module")
def stubs(server: ServerProcess | None) -> Iterator[tuple[Any, Any]]:
    if server is None:
        pytest.skip("raw gRPC needs the real server")
    channel = grpc.insecure_channel(f"127.0.0.1:{server.grpc_port}")
    try:
        yield g.PointsStub(channel), g.CollectionsStub(channel)
    finally:
        channel.close()


def _dense(size: int) -> Any:
    return g.VectorsConfig(params=g.VectorParams(size=size, distance=g.Distance.Dot))


CASES: list[tuple[str, Callable[[Any, Any], Any], str]] = [
    ("search limit", lambda p, c: p.Search(g.SearchPoints(collection_name=MISSING, vector=[1, 0], limit=0)),
     f"limit: {_MIN1}"),
    ("search timeout", lambda p, c: p.Search(g.SearchPoints(collection_name=MISSING, vector=[1, 0], limit=1,
                                                            timeout=0)), f"timeout: {_MIN1}"),
    ("search params", lambda p, c: p.Search(g.SearchPoints(collection_name=MISSING, vector=[1, 0], limit=1,
                                                           params=g.SearchParams(hnsw_ef=0))),
     f"params.hnsw_ef: {_MIN1}"),
    ("search batch", lambda p, c: p.SearchBatch(g.SearchBatchPoints(collection_name=MISSING, search_points=[
        g.SearchPoints(collection_name=MISSING, vector=[1, 0], limit=1),
        g.SearchPoints(collection_name=MISSING, vector=[1, 0], limit=0)])), f"search_points[1].limit: {_MIN1}"),
    ("query timeout", lambda p, c: p.Query(g.QueryPoints(collection_name=MISSING, timeout=0)), f"timeout: {_MIN1}"),
    ("query prefetch", lambda p, c: p.Query(g.QueryPoints(collection_name=MISSING, prefetch=[
        g.PrefetchQuery(limit=2), g.PrefetchQuery(prefetch=[g.PrefetchQuery(limit=0)])])),
     f"prefetch[1].prefetch[0].limit: {_MIN1}"),
    ("query prefetch params", lambda p, c: p.Query(g.QueryPoints(collection_name=MISSING, prefetch=[
        g.PrefetchQuery(params=g.SearchParams(quantization=g.QuantizationSearchParams(oversampling=0.5)))])),
     "prefetch[0].params.quantization.oversampling: value 0.5 invalid, must be 1.0 or larger"),
    ("query batch", lambda p, c: p.QueryBatch(g.QueryBatchPoints(collection_name=MISSING, query_points=[
        g.QueryPoints(collection_name=MISSING, limit=0)])), f"query_points[0].limit: {_MIN1}"),
    ("query rrf", lambda p, c: p.Query(g.QueryPoints(collection_name=MISSING, query=g.Query(rrf=g.Rrf(k=0)))),
     f"query.variant.k: {_MIN1}"),
    ("recommend timeout", lambda p, c: p.Recommend(g.RecommendPoints(collection_name=MISSING, positive=[
        g.PointId(num=1)], limit=1, timeout=0)), f"timeout: {_MIN1}"),
    ("recommend batch name", lambda p, c: p.RecommendBatch(g.RecommendBatchPoints(collection_name=MISSING,
                                                                                  recommend_points=[
        g.RecommendPoints(positive=[g.PointId(num=1)], limit=1)])),
     'recommend_points[0].collection_name: value "" invalid, must be from 1 to 255 characters'),
    ("facet key", lambda p, c: p.Facet(g.FacetCounts(collection_name=MISSING, key="")),
     'key: value "" invalid, must be at least 1 characters'),
    ("matrix sample", lambda p, c: p.SearchMatrixPairs(g.SearchMatrixPoints(collection_name=MISSING, sample=1)),
     "sample: value 1 invalid, must be 2 or larger"),
    ("count empty name", lambda p, c: p.Count(g.CountPoints(collection_name="")),
     'collection_name: value "" invalid, must be from 1 to 255 characters'),
    ("upsert slash", lambda p, c: p.Upsert(g.UpsertPoints(collection_name="a/b", points=[])),
     'collection_name: collection name cannot contain "/" char'),
    ("create size", lambda p, c: c.Create(g.CreateCollection(collection_name=MISSING, vectors_config=_dense(0))),
     "vectors_config.config.size: value 0 invalid, must be from 1 to 65536"),
    ("create named size", lambda p, c: c.Create(g.CreateCollection(collection_name=MISSING, vectors_config=(
        g.VectorsConfig(params_map=g.VectorParamsMap(map={"a": g.VectorParams(size=70000,
                                                                               distance=g.Distance.Dot)}))))),
     "vectors_config.config.map.[].size: value 70000 invalid, must be from 1 to 65536"),
    ("create quantile", lambda p, c: c.Create(g.CreateCollection(collection_name=MISSING, vectors_config=_dense(2),
                                                                 quantization_config=g.QuantizationConfig(
        scalar=g.ScalarQuantization(type=g.QuantizationType.Int8, quantile=0.25)))),
     "quantization_config.quantization.quantile: value 0.25 invalid, must be from 0.5 to 1.0"),
    ("create name char", lambda p, c: c.Create(g.CreateCollection(collection_name="a:b", vectors_config=_dense(2))),
     'collection_name: collection name cannot contain ":" char'),
    ("update timeout", lambda p, c: c.Update(g.UpdateCollection(collection_name=MISSING, timeout=0)),
     f"timeout: {_MIN1}"),
    ("delete timeout", lambda p, c: c.Delete(g.DeleteCollection(collection_name=MISSING, timeout=0)),
     f"timeout: {_MIN1}"),
]


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_grpc_validation_text_and_order(stubs: tuple[Any, Any], case: str) -> None:
    _, call, message = next(c for c in CASES if c[0] == case)
    with pytest.raises(grpc.RpcError) as err:
        call(*stubs)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert err.value.details() == f"Validation error in body: [{message}]"


def test_a_valid_request_passes(stubs: tuple[Any, Any]) -> None:
    points, _ = stubs
    with pytest.raises(grpc.RpcError) as err:  # valid: it reaches the existence check
        points.Query(g.QueryPoints(collection_name=MISSING, prefetch=[g.PrefetchQuery(limit=2)], limit=3,
                                   query=g.Query(fusion=g.Fusion.RRF), timeout=5))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
