"""`qdrant.Points`: updates, reads, search and query over the shared service.

Recommend*, Discover*, SearchGroups, QueryGroups and SearchMatrix* answer UNIMPLEMENTED: the
engine has no such operations yet (REST lacks them too).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc

from engine.types.config import CollectionParams
from engine.types.operations import Operation
from server.convert.grpc import points as pconv
from server.convert.grpc import queries as qconv
from server.convert.grpc.results import facet_hit_to_pb, record_to_pb, scored_to_pb, update_to_pb
from server.convert.grpc.values import point_id_to_pb
from server.grpc.handler import rpc, unimplemented
from server.pb import points_pb2 as ppb
from server.pb import points_service_pb2_grpc
from server.service import Service


def _wait(request: Any) -> bool:
    return bool(request.wait) if request.HasField("wait") else False


def _update(convert: Callable[[Any], Operation]) -> Any:
    """An RPC that turns its request into one operation and answers `PointsOperationResponse`."""

    async def run(self: PointsService, request: Any, context: grpc.aio.ServicerContext) -> Any:
        op = convert(request)
        result = await self.service.update(request.collection_name, op, _wait(request),
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
        ops: list[Operation] = list(pconv.batch_from_pb(request))
        results = await self.service.update_batch(request.collection_name, ops, _wait(request),
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
        points = await self.service.query(request.collection_name, qconv.query_from_pb(request),
                                          qconv.timeout_from_pb(request))
        params = self._params(request.collection_name)
        return ppb.QueryResponse(result=[scored_to_pb(p, params) for p in points])

    @rpc
    async def QueryBatch(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        requests = [qconv.query_from_pb(q) for q in request.query_points]
        results = await self.service.query_batch(request.collection_name, requests, qconv.timeout_from_pb(request))
        params = self._params(request.collection_name)
        return ppb.QueryBatchResponse(result=[ppb.BatchResult(result=[scored_to_pb(p, params) for p in points])
                                              for points in results])

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
    CreateVectorName = unimplemented("CreateVectorName (adding a vector to an existing collection)")
    DeleteVectorName = unimplemented("DeleteVectorName (removing a vector from a collection)")
    SearchGroups = unimplemented("SearchGroups (grouped search)")
    QueryGroups = unimplemented("QueryGroups (grouped query)")
    Recommend = unimplemented("Recommend")
    RecommendBatch = unimplemented("RecommendBatch")
    RecommendGroups = unimplemented("RecommendGroups")
    Discover = unimplemented("Discover")
    DiscoverBatch = unimplemented("DiscoverBatch")
    SearchMatrixPairs = unimplemented("SearchMatrixPairs (distance matrix)")
    SearchMatrixOffsets = unimplemented("SearchMatrixOffsets (distance matrix)")
