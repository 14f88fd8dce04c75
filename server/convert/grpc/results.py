"""Engine results → gRPC messages: ScoredPoint, RetrievedPoint, UpdateResult, facet hits.

Payloads keep the int/double distinction (`values.value_to_pb`); vectors render as one unnamed
`vector` or a map of named ones, following the collection's layout (as REST does).
"""

from __future__ import annotations

from typing import Any

from engine.types.config import CollectionParams
from engine.types.points import FacetHit, Record, ScoredPoint, UpdateResult, UpdateStatus
from server.convert.grpc.values import point_id_to_pb, struct_to_pb, vectors_to_pb
from server.pb import collections_pb2 as cpb
from server.pb import points_pb2 as ppb

_STATUS = {
    UpdateStatus.ACKNOWLEDGED: ppb.Acknowledged,
    UpdateStatus.COMPLETED: ppb.Completed,
    UpdateStatus.WAIT_TIMEOUT: ppb.WaitTimeout,
}


def _order_value(value: int | float) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return ppb.OrderValue(int=value)
    return ppb.OrderValue(float=float(value))


def _shard_key(key: str | int) -> Any:
    return cpb.ShardKey(keyword=key) if isinstance(key, str) else cpb.ShardKey(number=key)


def scored_to_pb(p: ScoredPoint, params: CollectionParams) -> Any:
    out = ppb.ScoredPoint(id=point_id_to_pb(p.id), payload=struct_to_pb(p.payload), score=p.score,
                          version=p.version)
    if p.vectors is not None:
        out.vectors.CopyFrom(vectors_to_pb(p.vectors, params.unnamed))
    if p.shard_key is not None:
        out.shard_key.CopyFrom(_shard_key(p.shard_key))
    if p.order_value is not None:
        out.order_value.CopyFrom(_order_value(p.order_value))
    return out


def record_to_pb(r: Record, params: CollectionParams) -> Any:
    out = ppb.RetrievedPoint(id=point_id_to_pb(r.id), payload=struct_to_pb(r.payload))
    if r.vectors is not None:
        out.vectors.CopyFrom(vectors_to_pb(r.vectors, params.unnamed))
    if r.shard_key is not None:
        out.shard_key.CopyFrom(_shard_key(r.shard_key))
    if r.order_value is not None:
        out.order_value.CopyFrom(_order_value(r.order_value))
    return out


def update_to_pb(result: UpdateResult) -> Any:
    out = ppb.UpdateResult(status=_STATUS[result.status])
    if result.operation_id is not None:
        out.operation_id = result.operation_id
    return out


def facet_hit_to_pb(hit: FacetHit) -> Any:
    value = hit.value
    if isinstance(value, bool):
        fv = ppb.FacetValue(bool_value=value)
    elif isinstance(value, int):
        fv = ppb.FacetValue(integer_value=value)
    else:
        fv = ppb.FacetValue(string_value=str(value))
    return ppb.FacetHit(value=fv, count=hit.count)
