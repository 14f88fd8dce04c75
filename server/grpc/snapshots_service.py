"""`qdrant.Snapshots`: not implemented yet; every RPC answers UNIMPLEMENTED saying so."""

from __future__ import annotations

from server.grpc.handler import unimplemented
from server.pb import snapshots_service_pb2_grpc


class SnapshotsService(snapshots_service_pb2_grpc.SnapshotsServicer):  # type: ignore[misc]
    Create = unimplemented("Snapshots (Create)")
    List = unimplemented("Snapshots (List)")
    Delete = unimplemented("Snapshots (Delete)")
    CreateFull = unimplemented("Snapshots (CreateFull)")
    ListFull = unimplemented("Snapshots (ListFull)")
    DeleteFull = unimplemented("Snapshots (DeleteFull)")
