"""gRPC point updates → engine operations: upsert, delete, payload and vector ops, field indexes,
and the `UpdateBatch` operation list. Same operations (and so the same semantics) as REST."""

from __future__ import annotations

from typing import Any

from engine.errors import BadRequest
from engine.point_id import PointId
from engine.types.filters import Filter
from engine.types.operations import (
    UPDATE_MODES,
    ClearPayload,
    CreateFieldIndex,
    DeleteFieldIndex,
    DeletePayload,
    DeletePoints,
    DeleteVectors,
    OverwritePayload,
    PointOperation,
    SetPayload,
    UpdateVectors,
    UpsertPoints,
)
from engine.types.points import PointStruct
from server.convert.grpc.filters import filter_from_pb
from server.convert.grpc.payload_schema import payload_schema_from_pb
from server.convert.grpc.values import (
    GrpcInputError,
    point_id_from_pb,
    point_ids_from_pb,
    struct_from_pb,
    vectors_from_pb,
)
from server.convert.points import OVERWRITE_KEY_UNSUPPORTED


def _points(points: Any) -> list[PointStruct]:
    return [
        PointStruct(id=point_id_from_pb(p.id),
                    vectors=vectors_from_pb(p.vectors) if p.HasField("vectors") else {},
                    payload=struct_from_pb(p.payload) or None)  # as REST: no payload sent → None
        for p in points
    ]


def _upsert(points: Any, message: Any) -> UpsertPoints:
    mode = message.update_mode if message.HasField("update_mode") else 0
    if not 0 <= mode < len(UPDATE_MODES):
        raise GrpcInputError(f"unknown update_mode {mode}")
    return UpsertPoints(points=_points(points),
                        update_filter=filter_from_pb(message.update_filter, message.HasField("update_filter")),
                        update_mode=UPDATE_MODES[mode])


def upsert_from_pb(request: Any) -> UpsertPoints:
    return _upsert(request.points, request)


def selector_from_pb(selector: Any, present: bool = True) -> tuple[list[PointId] | None, Filter | None]:
    """`PointsSelector`: ids or a filter, exactly one (as REST)."""
    kind = selector.WhichOneof("points_selector_one_of") if present else None
    match kind:
        case "points":
            return point_ids_from_pb(selector.points.ids), None
        case "filter":
            return None, filter_from_pb(selector.filter)
    raise GrpcInputError("either `points` or `filter` is required in the points selector")


def delete_from_pb(request: Any) -> DeletePoints:
    ids, flt = selector_from_pb(request.points, request.HasField("points"))
    return DeletePoints(ids=ids, filter=flt)


def set_payload_from_pb(message: Any) -> SetPayload:
    ids, flt = selector_from_pb(message.points_selector, message.HasField("points_selector"))
    key = message.key if message.HasField("key") else None
    return SetPayload(payload=struct_from_pb(message.payload), ids=ids, filter=flt, key=key)



def overwrite_payload_from_pb(message: Any) -> OverwritePayload:
    ids, flt = selector_from_pb(message.points_selector, message.HasField("points_selector"))
    if message.HasField("key"):
        raise BadRequest(OVERWRITE_KEY_UNSUPPORTED)
    return OverwritePayload(payload=struct_from_pb(message.payload), ids=ids, filter=flt)



def delete_payload_from_pb(message: Any) -> DeletePayload:
    ids, flt = selector_from_pb(message.points_selector, message.HasField("points_selector"))
    return DeletePayload(keys=list(message.keys), ids=ids, filter=flt)



def clear_payload_from_pb(request: Any) -> ClearPayload:
    ids, flt = selector_from_pb(request.points, request.HasField("points"))
    return ClearPayload(ids=ids, filter=flt)


def update_vectors_from_pb(message: Any) -> UpdateVectors:
    if not message.points:
        raise GrpcInputError("`points` must be a non-empty list")
    points = [(point_id_from_pb(p.id), vectors_from_pb(p.vectors)) for p in message.points]
    return UpdateVectors(points=points,
                         update_filter=filter_from_pb(message.update_filter, message.HasField("update_filter")))



def _delete_vectors(selector: Any, present: bool, names: Any) -> DeleteVectors:
    if not names:
        raise GrpcInputError("`vectors` must name at least one vector")
    ids, flt = selector_from_pb(selector, present)
    return DeleteVectors(vector_names=list(names), ids=ids, filter=flt)


def delete_vectors_from_pb(request: Any) -> DeleteVectors:
    return _delete_vectors(request.points_selector, request.HasField("points_selector"), request.vectors.names)


def create_index_from_pb(request: Any) -> CreateFieldIndex:
    if not request.field_name:
        raise GrpcInputError("`field_name` must be a non-empty string")
    return CreateFieldIndex(key=request.field_name, schema=payload_schema_from_pb(request))


def delete_index_from_pb(request: Any) -> DeleteFieldIndex:
    return DeleteFieldIndex(key=request.field_name)


def batch_op_from_pb(op: Any) -> PointOperation:
    """One `PointsUpdateOperation` of an UpdateBatch request."""
    kind = op.WhichOneof("operation")
    match kind:
        case "upsert":
            return _upsert(op.upsert.points, op.upsert)
        case "delete_points":
            return delete_from_pb(op.delete_points)
        case "delete_deprecated":
            ids, flt = selector_from_pb(op.delete_deprecated)
            return DeletePoints(ids=ids, filter=flt)
        case "set_payload":
            return set_payload_from_pb(op.set_payload)
        case "overwrite_payload":
            return overwrite_payload_from_pb(op.overwrite_payload)
        case "delete_payload":
            return delete_payload_from_pb(op.delete_payload)
        case "clear_payload":
            return clear_payload_from_pb(op.clear_payload)
        case "clear_payload_deprecated":
            ids, flt = selector_from_pb(op.clear_payload_deprecated)
            return ClearPayload(ids=ids, filter=flt)
        case "update_vectors":
            return update_vectors_from_pb(op.update_vectors)
        case "delete_vectors":
            dv = op.delete_vectors
            return _delete_vectors(dv.points_selector, dv.HasField("points_selector"), dv.vectors.names)
    raise GrpcInputError("empty update operation: set one of the `operation` variants")


def batch_from_pb(request: Any) -> list[PointOperation]:
    return [batch_op_from_pb(op) for op in request.operations]
