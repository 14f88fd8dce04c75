"""Query-API results → gRPC messages: point groups (GroupsResult) and the distance matrix."""

from __future__ import annotations

from typing import Any

from engine.types.config import CollectionParams
from engine.types.points import PointGroup
from engine.types.requests import MatrixResult
from server.convert.grpc.results import record_to_pb, scored_to_pb
from server.convert.grpc.values import point_id_to_pb
from server.pb import points_pb2 as ppb


def group_id_to_pb(value: Any) -> Any:
    if isinstance(value, int):
        return ppb.GroupId(unsigned_value=value) if value >= 0 else ppb.GroupId(integer_value=value)
    return ppb.GroupId(string_value=str(value))


def groups_to_pb(groups: list[PointGroup], params: CollectionParams,
                 lookup_params: CollectionParams | None = None) -> Any:
    out = ppb.GroupsResult()
    for group in groups:
        item = out.groups.add()
        item.id.CopyFrom(group_id_to_pb(group.id))
        item.hits.extend(scored_to_pb(p, params) for p in group.hits)
        if group.lookup is not None and lookup_params is not None:
            item.lookup.CopyFrom(record_to_pb(group.lookup, lookup_params))
    return out


def matrix_pairs_to_pb(result: MatrixResult) -> Any:
    return ppb.SearchMatrixPairs(pairs=[
        ppb.SearchMatrixPair(a=point_id_to_pb(result.ids[row]), b=point_id_to_pb(result.ids[col]), score=score)
        for row, col, score in result.entries])


def matrix_offsets_to_pb(result: MatrixResult) -> Any:
    return ppb.SearchMatrixOffsets(offsets_row=[r for r, _, _ in result.entries],
                                   offsets_col=[c for _, c, _ in result.entries],
                                   scores=[s for _, _, s in result.entries],
                                   ids=[point_id_to_pb(pid) for pid in result.ids])
