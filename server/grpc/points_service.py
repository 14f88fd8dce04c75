"""`qdrant.Points`: updates, reads, search, the query API (Query*, QueryGroups, SearchMatrix*) and the
deprecated Recommend*, Discover*, SearchGroups RPCs, all over the shared service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc

from engine.types.config import CollectionParams
from engine.types.operations import Operation
from engine.types.requests import GroupsRequest, QueryRequest
from engine.types.sharding import Addressed
from server.convert.grpc import legacy_queries as legacy
from server.convert.grpc import points as pconv
from server.convert.grpc import queries as qconv
from server.convert.grpc import query_api
from server.convert.grpc import vector_names as vconv
from server.convert.grpc.query_results import groups_to_pb, matrix_offsets_to_pb, matrix_pairs_to_pb
from server.convert.grpc.results import facet_hit_to_pb, record_to_pb, scored_to_pb, update_to_pb
from server.convert.grpc.sharding import batch_op_selector_from_pb, selector_from_pb
from server.convert.grpc.values import point_id_to_pb
from server.grpc.handler import rpc
from server.pb import points_pb2 as ppb
from server.pb import points_service_pb2_grpc
from server.service import Service


def _wait(request: Any) -> bool:
    return bool(request.wait) if request.HasField("wait") else False


def _update(convert: Callable[[Any], Operation]) -> Any:
    """An RPC that turns its request into one operation and answers `PointsOperationResponse`; the
    conversion (a Python loop over an upsert's points) runs on the pool thread that logs it."""

    async def run(self: PointsService, request: Any, context: grpc.aio.ServicerContext) -> Any:
        def build() -> Addressed:  # on the pool thread
            return Addressed(convert(request), selector_from_pb(request))
        result = await self.service.update_from(request.collection_name, build, _wait(request),
                                                qconv.timeout_from_pb(request))
        return ppb.PointsOperationResponse(result=update_to_pb(result))

    run.__name__ = convert.__name__
    return rpc(run)


class PointsService(points_service_pb2_grpc.PointsServicer):  # type: ignore[misc]
    def __init__(self, service: Service) -> None:
        self.service = service

    def _params(self, name: str) -> CollectionParams:
        return self.service.params(name)

    # ---- updates ---------------------------------------------------------------------------
    Upsert = _update(pconv.upsert_from_pb)
    Delete = _update(pconv.delete_from_pb)
    UpdateVectors = _update(pconv.update_vectors_from_pb)
    DeleteVectors = _update(pconv.delete_vectors_from_pb)
    SetPayload = _update(pconv.set_payload_from_pb)
    OverwritePayload = _update(pconv.overwrite_payload_from_pb)
    DeletePayload = _update(pconv.delete_payload_from_pb)
    ClearPayload = _update(pconv.clear_payload_from_pb)
    CreateFieldIndex = _update(pconv.create_index_from_pb)
    DeleteFieldIndex = _update(pconv.delete_index_from_pb)

    @rpc
    async def UpdateBatch(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        def build() -> list[Addressed]:  # on the pool thread
            return [Addressed(op, batch_op_selector_from_pb(raw))
                    for op, raw in zip(pconv.batch_from_pb(request), request.operations, strict=True)]
        results = await self.service.update_batch_from(request.collection_name, build, _wait(request),
                                                       qconv.timeout_from_pb(request))
        return ppb.UpdateBatchResponse(result=[update_to_pb(r) for r in results])

    # ---- reads -----------------------------------------------------------------------------
    @rpc
    async def Get(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        ids, with_payload, with_vector = qconv.get_from_pb(request)
        records = await self.service.retrieve(request.collection_name, ids, with_payload, with_vector)
        params = self._params(request.collection_name)
        return ppb.GetResponse(result=[record_to_pb(r, params) for r in records])

    @rpc
    async def Scroll(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        page = await self.service.scroll(request.collection_name, qconv.scroll_from_pb(request),
                                         qconv.timeout_from_pb(request))
        params = self._params(request.collection_name)
        out = ppb.ScrollResponse(result=[record_to_pb(r, params) for r in page.points])
        if page.next_page_offset is not None:
            out.next_page_offset.CopyFrom(point_id_to_pb(page.next_page_offset))
        return out

    @rpc
    async def Count(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        count = await self.service.count(request.collection_name, qconv.count_from_pb(request),
                                         qconv.timeout_from_pb(request))
        return ppb.CountResponse(result=ppb.CountResult(count=count))

    @rpc
    async def Facet(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        hits = await self.service.facet(request.collection_name, qconv.facet_from_pb(request),
                                        qconv.timeout_from_pb(request))
        return ppb.FacetResponse(hits=[facet_hit_to_pb(h) for h in hits])

    @rpc
    async def Query(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        return ppb.QueryResponse(result=await self._points(request, query_api.query_from_pb(request)))

    @rpc
    async def QueryBatch(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        results = await self._batch(request, [query_api.query_from_pb(q) for q in request.query_points])
        return ppb.QueryBatchResponse(result=results)

    @rpc
    async def QueryGroups(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        return ppb.QueryGroupsResponse(result=await self._groups(request, query_api.query_groups_from_pb(request)))

    @rpc
    async def SearchMatrixPairs(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        result = await self.service.search_matrix(request.collection_name, query_api.matrix_from_pb(request),
                                                  qconv.timeout_from_pb(request))
        return ppb.SearchMatrixPairsResponse(result=matrix_pairs_to_pb(result))

    @rpc
    async def SearchMatrixOffsets(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        result = await self.service.search_matrix(request.collection_name, query_api.matrix_from_pb(request),
                                                  qconv.timeout_from_pb(request))
        return ppb.SearchMatrixOffsetsResponse(result=matrix_offsets_to_pb(result))

    # ---- deprecated RPCs, served by the same engine query ---------------------------------------
    @rpc
    async def Recommend(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        return ppb.RecommendResponse(result=await self._points(request, legacy.recommend_from_pb(request)))

    @rpc
    async def RecommendBatch(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        results = await self._batch(request, [legacy.recommend_from_pb(r) for r in request.recommend_points])
        return ppb.RecommendBatchResponse(result=results)

    @rpc
    async def RecommendGroups(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        return ppb.RecommendGroupsResponse(result=await self._groups(request, legacy.recommend_groups_from_pb(request)))

    @rpc
    async def Discover(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        return ppb.DiscoverResponse(result=await self._points(request, legacy.discover_from_pb(request)))

    @rpc
    async def DiscoverBatch(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        results = await self._batch(request, [legacy.discover_from_pb(r) for r in request.discover_points])
        return ppb.DiscoverBatchResponse(result=results)

    @rpc
    async def SearchGroups(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        return ppb.SearchGroupsResponse(result=await self._groups(request, legacy.search_groups_from_pb(request)))

    async def _points(self, request: Any, query: QueryRequest) -> list[Any]:
        points = await self.service.query(request.collection_name, query, qconv.timeout_from_pb(request))
        params = self._params(request.collection_name)
        return [scored_to_pb(p, params) for p in points]

    async def _batch(self, request: Any, queries: list[QueryRequest]) -> list[Any]:
        results = await self.service.query_batch(request.collection_name, queries, qconv.timeout_from_pb(request))
        params = self._params(request.collection_name)
        return [ppb.BatchResult(result=[scored_to_pb(p, params) for p in points]) for points in results]

    async def _groups(self, request: Any, query: GroupsRequest) -> Any:
        groups = await self.service.query_groups(request.collection_name, query, qconv.timeout_from_pb(request))
        lookup = None if query.with_lookup is None else self._params(query.with_lookup.collection)
        return groups_to_pb(groups, self._params(request.collection_name), lookup)

    @rpc
    async def Search(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        points = await self.service.query(request.collection_name, qconv.search_from_pb(request),
                                          qconv.timeout_from_pb(request))
        params = self._params(request.collection_name)
        return ppb.SearchResponse(result=[scored_to_pb(p, params) for p in points])

    @rpc
    async def SearchBatch(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        requests = [qconv.search_from_pb(s) for s in request.search_points]
        results = await self.service.query_batch(request.collection_name, requests, qconv.timeout_from_pb(request))
        params = self._params(request.collection_name)
        return ppb.SearchBatchResponse(result=[ppb.BatchResult(result=[scored_to_pb(p, params) for p in points])
                                               for points in results])

    # ---- not in the engine yet ---------------------------------------------------------------
    CreateVectorName = _update(vconv.create_vector_name_from_pb)
    DeleteVectorName = _update(vconv.delete_vector_name_from_pb)
