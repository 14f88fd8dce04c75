"""`qdrant.Snapshots`: collection and full-storage snapshots through the same service calls as REST.

gRPC has no `wait` flag for snapshots: Qdrant's gRPC Create/Delete always finish the work before
answering, so every call here waits. Downloads and recovery are REST-only in Qdrant too.
"""

from __future__ import annotations

from typing import Any

import grpc

from server.convert.grpc.snapshots import snapshot_to_pb
from server.grpc.handler import rpc
from server.pb import snapshots_service_pb2 as spb
from server.pb import snapshots_service_pb2_grpc
from server.service import Service


class SnapshotsService(snapshots_service_pb2_grpc.SnapshotsServicer):  # type: ignore[misc]
    def __init__(self, service: Service, snapshots_path: str) -> None:
        self.service = service
        self.snapshots_path = snapshots_path

    # ---- collection snapshots -----------------------------------------------------------------
    @rpc
    async def Create(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        desc = await self.service.create_snapshot(self.snapshots_path, request.collection_name, wait=True)
        out = spb.CreateSnapshotResponse()
        if desc is not None:
            out.snapshot_description.CopyFrom(snapshot_to_pb(desc))
        return out

    @rpc
    async def List(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        found = await self.service.list_snapshots(self.snapshots_path, request.collection_name)
        return spb.ListSnapshotsResponse(snapshot_descriptions=[snapshot_to_pb(d) for d in found])

    @rpc
    async def Delete(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        await self.service.delete_snapshot(self.snapshots_path, request.collection_name,
                                           request.snapshot_name, wait=True)
        return spb.DeleteSnapshotResponse()

    # ---- full-storage snapshots ---------------------------------------------------------------
    @rpc
    async def CreateFull(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        desc = await self.service.create_full_snapshot(self.snapshots_path, wait=True)
        out = spb.CreateSnapshotResponse()
        if desc is not None:
            out.snapshot_description.CopyFrom(snapshot_to_pb(desc))
        return out

    @rpc
    async def ListFull(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        found = await self.service.list_full_snapshots(self.snapshots_path)
        return spb.ListSnapshotsResponse(snapshot_descriptions=[snapshot_to_pb(d) for d in found])

    @rpc
    async def DeleteFull(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        await self.service.delete_full_snapshot(self.snapshots_path, request.snapshot_name, wait=True)
        return spb.DeleteSnapshotResponse()
