"""`qdrant.Collections`: collections, aliases, and the cluster RPCs answered as a standalone
(single-node, single-shard) Qdrant answers them."""

from __future__ import annotations

from typing import Any

import grpc

from engine.errors import MalformedRequest, StandaloneMode
from server.convert.cluster import cluster_api
from server.convert.grpc import cluster as gcluster
from server.convert.grpc import collections as conv
from server.grpc.handler import rpc
from server.pb import collections_pb2 as cpb
from server.pb import collections_service_pb2_grpc
from server.service import Service


class CollectionsService(collections_service_pb2_grpc.CollectionsServicer):  # type: ignore[misc]
    def __init__(self, service: Service) -> None:
        self.service = service

    @rpc
    async def Get(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        info = await self.service.collection_info(request.collection_name)
        return cpb.GetCollectionInfoResponse(result=conv.info_to_pb(info))

    @rpc
    async def List(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        names = await self.service.list_collections()
        return cpb.ListCollectionsResponse(collections=[cpb.CollectionDescription(name=n) for n in names])

    @rpc
    async def Create(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        config = conv.create_from_pb(request)
        result = await self.service.create_collection(request.collection_name, config)
        return cpb.CollectionOperationResponse(result=result)

    @rpc
    async def Update(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        result = await self.service.update_collection(request.collection_name, conv.update_from_pb(request))
        return cpb.CollectionOperationResponse(result=result)

    @rpc
    async def Delete(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        result = await self.service.delete_collection(request.collection_name)
        return cpb.CollectionOperationResponse(result=result)

    @rpc
    async def UpdateAliases(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        result = await self.service.update_aliases(conv.alias_actions_from_pb(request))
        return cpb.CollectionOperationResponse(result=result)

    @rpc
    async def ListCollectionAliases(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        return conv.aliases_to_pb(await self.service.list_aliases(request.collection_name))

    @rpc
    async def ListAliases(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        return conv.aliases_to_pb(await self.service.list_aliases())

    @rpc
    async def CollectionExists(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        exists = await self.service.collection_exists(request.collection_name)
        return cpb.CollectionExistsResponse(result=cpb.CollectionExists(exists=exists))

    # ---- cluster: one node holding shard 0 of every collection -----------------------------------
    @rpc
    async def CollectionClusterInfo(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        cluster = cluster_api(self.service)
        if cluster is not None:
            return gcluster.cluster_info_to_pb(await cluster.collection_cluster_info(request.collection_name))
        info = await self.service.collection_info(request.collection_name)
        shard = cpb.LocalShardInfo(shard_id=0, points_count=info.points_count, state=cpb.Active)
        return cpb.CollectionClusterInfoResponse(peer_id=self.service.peer_id(), shard_count=1, local_shards=[shard])

    # As a standalone Qdrant: the request is read, then refused (UNIMPLEMENTED, "Qdrant is running in
    # standalone mode") before the collection is even looked up.
    @rpc
    async def UpdateCollectionClusterSetup(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        cluster = cluster_api(self.service)
        if cluster is not None:
            result = await cluster.update_collection_cluster(request.collection_name,
                                                             gcluster.cluster_operation_from_pb(request))
            return cpb.UpdateCollectionClusterSetupResponse(result=result)
        if request.WhichOneof("operation") is None:
            raise MalformedRequest("empty operation")
        raise StandaloneMode()

    @rpc
    async def CreateShardKey(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        cluster = cluster_api(self.service)
        if cluster is not None:
            result = await cluster.create_shard_key(request.collection_name, gcluster.create_shard_key_from_pb(request))
            return cpb.CreateShardKeyResponse(result=result)
        if not request.HasField("request"):
            raise MalformedRequest("empty request")
        raise StandaloneMode()

    @rpc
    async def DeleteShardKey(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        cluster = cluster_api(self.service)
        if cluster is not None:
            result = await cluster.delete_shard_key(request.collection_name, gcluster.delete_shard_key_from_pb(request))
            return cpb.DeleteShardKeyResponse(result=result)
        if not request.HasField("request"):
            raise MalformedRequest("empty request")
        raise StandaloneMode()

    @rpc
    async def ListShardKeys(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        cluster = cluster_api(self.service)
        if cluster is not None:
            return gcluster.shard_keys_to_pb(await cluster.shard_keys(request.collection_name))
        await self.service.collection_info(request.collection_name)
        return cpb.ListShardKeysResponse()  # auto sharding: no user-defined shard keys
