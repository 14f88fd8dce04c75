"""Every field of every gRPC request message is either converted or deliberately ignored.

The walk starts at the input message of each RPC of the four public services and follows every
message-typed field (map values included). Each `message.field` must be listed exactly once in
`server/convert/grpc/coverage.py`, and the lists are checked against the servicers themselves by a
differential run: the request goes through the real servicer method (undecorated) with a recording
stand-in for `Service`; the first service call (its arguments rendered with `repr`, a collection
update applied to a sample config) or the conversion error is the outcome. A field is *converted*
when setting it changes that outcome for at least one sample value, on at least one path from an
implemented RPC to the field's message; an IGNORED field must change nothing.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Any

import pytest
from google.protobuf import message_factory
from google.protobuf.descriptor import FieldDescriptor as FD

from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams
from server.convert.grpc.coverage import converted_fields, ignored_fields
from server.grpc.collections_service import CollectionsService
from server.grpc.points_service import PointsService
from server.grpc.qdrant_service import QdrantService
from server.grpc.snapshots_service import SnapshotsService
from server.pb import collections_pb2 as cpb
from server.pb import collections_service_pb2, points_service_pb2, qdrant_pb2, snapshots_service_pb2
from server.pb import json_with_int_pb2 as jpb
from server.pb import points_pb2 as ppb
from server.pb import qdrant_common_pb2 as common

MODULES = (qdrant_pb2, collections_service_pb2, points_service_pb2, snapshots_service_pb2)


# ---- a recording stand-in for Service ---------------------------------------------------------
class _Stop(Exception):
    """Raised by the recorder after its first call: what the servicer hands over is recorded."""


def _normalise(value: Any) -> str:
    if callable(value) and not isinstance(value, type):
        base = CollectionConfig(params=CollectionParams(vectors={"k": VectorParams(size=2, distance=Distance.DOT)},
                                                        unnamed=False))
        try:
            return "applied:" + repr(value(base))
        except Exception as exc:
            return f"apply-error:{type(exc).__name__}:{exc}"
    return repr(value)


class Recorder:
    """Stands in for `Service`: records the first call a servicer makes, then stops it. The
    operation of `update_from`/`update_batch_from` is built first, as the service does (its errors
    are the call's), and recorded as a value."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> Any:
            if name in ("update_from", "update_batch_from"):
                args = (args[0], args[1](), *args[2:])
            self.calls.append(name + "(" + ", ".join([_normalise(a) for a in args]
                                                   + [f"{k}={_normalise(v)}" for k, v in sorted(kwargs.items())]) + ")")
            raise _Stop
        return record


def servicers(recorder: Any) -> dict[str, Any]:
    return {"qdrant.Qdrant": QdrantService(), "qdrant.Collections": CollectionsService(recorder),
            "qdrant.Points": PointsService(recorder), "qdrant.Snapshots": SnapshotsService(recorder, "/snapshots")}


def rpcs() -> list[Any]:
    return [m for mod in MODULES for service in mod.DESCRIPTOR.services_by_name.values() for m in service.methods]


# ---- walking messages, building requests, proving effects ----------------------------------------
def is_map(fd: Any) -> bool:
    return fd.message_type is not None and fd.message_type.GetOptions().map_entry


def children(md: Any) -> list[tuple[Any, Any]]:
    """(field, message type reached) for message-typed fields (map values included)."""
    out = []
    for fd in md.fields:
        if is_map(fd):
            v = fd.message_type.fields_by_name["value"]
            if v.message_type is not None:
                out.append((fd, v.message_type))
        elif fd.message_type is not None:
            out.append((fd, fd.message_type))
    return out


def walk_fields(roots: list[Any]) -> list[tuple[Any, Any]]:
    seen: dict[str, Any] = {}
    stack = list(roots)
    while stack:
        md = stack.pop()
        if md.full_name in seen:
            continue
        seen[md.full_name] = md
        stack.extend(m for _, m in children(md))
    return [(md, fd) for md in seen.values() for fd in md.fields]


def paths_to(roots: list[tuple[Any, Any]], target: str, per_rpc: int = 2, depth: int = 8) -> list[tuple[Any, list[Any]]]:
    """Up to `per_rpc` shortest field paths from each implemented RPC's request to message `target`."""
    found: list[tuple[Any, list[Any]]] = []
    for rpc, _ in roots:
        mine = 0
        visits: dict[str, int] = {}
        queue: deque[tuple[Any, list[Any]]] = deque([(rpc.input_type, [])])
        while queue and mine < per_rpc:
            md, path = queue.popleft()
            if md.full_name == target:
                found.append((rpc, path))
                mine += 1
                continue
            visits[md.full_name] = visits.get(md.full_name, 0) + 1
            if len(path) >= depth or visits[md.full_name] > 4:
                continue
            queue.extend((child, [*path, fd]) for fd, child in children(md) if all(f is not fd for f in path))
    found.sort(key=lambda item: len(item[1]))
    return found


PREPARE: dict[str, Callable[[Any], None]] = {
    "qdrant.FieldCondition": lambda m: setattr(m, "key", "k"),
    "qdrant.PointStruct": lambda m: (m.id.CopyFrom(_pid(1)), m.vectors.CopyFrom(_dense())),
    "qdrant.PointVectors": lambda m: (m.id.CopyFrom(_pid(1)), m.vectors.CopyFrom(_dense())),
    "qdrant.SearchPoints": lambda m: (setattr(m, "collection_name", "c"), m.vector.extend([1.0, 2.0]),
                                      setattr(m, "limit", 3)),
    "qdrant.QueryPoints": lambda m: setattr(m, "collection_name", "c"),
    "qdrant.PointsUpdateOperation.SetPayload": lambda m: (m.points_selector.CopyFrom(_selector()),
                                                          m.payload["a"].CopyFrom(jpb.Value(integer_value=1))),
    "qdrant.PointsUpdateOperation.OverwritePayload": lambda m: (m.points_selector.CopyFrom(_selector()),
                                                                m.payload["a"].CopyFrom(jpb.Value(integer_value=1))),
    "qdrant.PointsUpdateOperation.DeletePayload": lambda m: (m.points_selector.CopyFrom(_selector()),
                                                             m.keys.append("a")),
    "qdrant.PointsUpdateOperation.DeletePoints": lambda m: m.points.CopyFrom(_selector()),
    "qdrant.PointsUpdateOperation.ClearPayload": lambda m: m.points.CopyFrom(_selector()),
    "qdrant.PointsUpdateOperation.DeleteVectors": lambda m: (m.points_selector.CopyFrom(_selector()),
                                                             m.vectors.names.append("a")),
    "qdrant.PointsUpdateOperation.UpdateVectors": lambda m: m.points.add().CopyFrom(
        ppb.PointVectors(id=_pid(1), vectors=_dense())),
    "qdrant.PrefetchQuery": lambda m: m.query.nearest.dense.data.extend([1.0, 2.0]),
    "qdrant.NearestInputWithMmr": lambda m: m.nearest.dense.data.extend([1.0, 2.0]),
    "qdrant.RelevanceFeedbackInput": lambda m: (m.target.dense.data.extend([1.0, 2.0]),
                                                m.strategy.naive.SetInParent()),
    "qdrant.FeedbackItem": lambda m: m.example.dense.data.extend([1.0, 2.0]),
    "qdrant.ContextInputPair": lambda m: (m.positive.id.CopyFrom(_pid(1)), m.negative.id.CopyFrom(_pid(2))),
    "qdrant.DiscoverInput": lambda m: m.target.id.CopyFrom(_pid(1)),
    "qdrant.DecayParamsExpression": lambda m: setattr(m.x, "constant", 1.0),
    "qdrant.DivExpression": lambda m: (setattr(m.left, "constant", 1.0), setattr(m.right, "constant", 0.0)),
    "qdrant.PowExpression": lambda m: (setattr(m.base, "constant", 2.0), setattr(m.exponent, "constant", 3.0)),
    "qdrant.Formula": lambda m: setattr(m.expression, "constant", 1.0),
    "qdrant.GeoLineString": lambda m: m.points.extend([common.GeoPoint(lon=a, lat=b) for a, b in RING]),
    "qdrant.GeoPolygon": lambda m: m.exterior.points.extend([common.GeoPoint(lon=a, lat=b) for a, b in RING]),
    "qdrant.NestedCondition": lambda m: (setattr(m, "key", "k"), setattr(m.filter.must.add().is_empty, "key", "a")),
    "qdrant.MinShould": lambda m: (setattr(m, "min_count", 1), setattr(m.conditions.add().is_empty, "key", "a")),
    "qdrant.OrderBy": lambda m: setattr(m, "key", "k"),
    "qdrant.Value": lambda m: setattr(m, "integer_value", 1) if m.WhichOneof("kind") is None else None,
}
RING = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]
ROOT_FIX: dict[str, Callable[[Any], None]] = {
    "qdrant.TextIndexParams": lambda r: setattr(r, "field_type", ppb.FieldTypeText),
    "qdrant.IntegerIndexParams": lambda r: setattr(r, "field_type", ppb.FieldTypeInteger),
    "qdrant.FloatIndexParams": lambda r: setattr(r, "field_type", ppb.FieldTypeFloat),
    "qdrant.GeoIndexParams": lambda r: setattr(r, "field_type", ppb.FieldTypeGeo),
    "qdrant.BoolIndexParams": lambda r: setattr(r, "field_type", ppb.FieldTypeBool),
    "qdrant.DatetimeIndexParams": lambda r: setattr(r, "field_type", ppb.FieldTypeDatetime),
    "qdrant.UuidIndexParams": lambda r: setattr(r, "field_type", ppb.FieldTypeUuid),
}


def descend(msg: Any, path: list[Any]) -> Any:
    root = msg
    for fd in path:
        fresh = False
        if is_map(fd):
            key_fd = fd.message_type.fields_by_name["key"]
            container = getattr(msg, fd.name)
            key = "k" if key_fd.type == FD.TYPE_STRING else 1
            fresh = key not in container
            msg = container[key]
        elif fd.is_repeated:
            container = getattr(msg, fd.name)
            fresh = not len(container)
            msg = container[0] if len(container) else container.add()
        else:
            fresh = not msg.HasField(fd.name)
            sub = getattr(msg, fd.name)
            sub.SetInParent()
            msg = sub
        prepare = PREPARE.get(msg.DESCRIPTOR.full_name)
        if fresh and prepare is not None:
            prepare(msg)
        fix = ROOT_FIX.get(msg.DESCRIPTOR.full_name)
        if fix is not None and "field_type" in root.DESCRIPTOR.fields_by_name:
            fix(root)
    return msg


STRINGS = ["x", "2024-01-02T03:04:05Z", "a.b", "Cosine", "1", ""]


def scalar_candidates(fd: Any) -> list[Any]:
    t = fd.type
    if t == FD.TYPE_BOOL:
        return [True, False]
    if t == FD.TYPE_ENUM:
        return [v.number for v in fd.enum_type.values][1:] + [fd.enum_type.values[0].number]
    if t in (FD.TYPE_FLOAT, FD.TYPE_DOUBLE):
        return [0.5, 0.0, 2.0, 1.0]
    if t == FD.TYPE_STRING:
        return STRINGS
    if t == FD.TYPE_BYTES:
        return [b"x"]
    if t in (FD.TYPE_INT32, FD.TYPE_INT64, FD.TYPE_SINT32, FD.TYPE_SINT64, FD.TYPE_SFIXED32, FD.TYPE_SFIXED64):
        return [3, 0, 1, 100, -1]
    return [3, 0, 1, 100]


def message_fillers(md: Any) -> list[Callable[[Any], None]]:
    out: list[Callable[[Any], None]] = [lambda m: None]
    for sub in md.fields[:12]:
        if sub.message_type is None and not sub.is_repeated:
            for c in scalar_candidates(sub)[:2]:
                out.append(lambda m, sub=sub, c=c: setattr(m, sub.name, c))
        elif sub.message_type is None:
            for c in scalar_candidates(sub)[:1]:
                out.append(lambda m, sub=sub, c=c: getattr(m, sub.name).append(c))
        elif not sub.is_repeated:
            out.append(lambda m, sub=sub: getattr(m, sub.name).SetInParent())
        elif not is_map(sub):
            out.append(lambda m, sub=sub: getattr(m, sub.name).add())
    return out


EXTRA: dict[str, Callable[[Any], None]] = {
    "qdrant.VectorsConfigDiff.params_map": lambda m: setattr(m.params_map.map["k"], "on_disk", True),
}


def assignments(fd: Any) -> list[Callable[[Any], None]]:
    extra = EXTRA.get(fd.full_name)
    if extra is not None:
        return [extra]
    if is_map(fd):
        key_fd = fd.message_type.fields_by_name["key"]
        val_fd = fd.message_type.fields_by_name["value"]
        key = "k" if key_fd.type == FD.TYPE_STRING else 1
        if val_fd.message_type is not None:
            return [lambda m, f=f: f(getattr(m, fd.name)[key]) for f in message_fillers(val_fd.message_type)]
        return [lambda m, c=c: getattr(m, fd.name).__setitem__(key, c) for c in scalar_candidates(val_fd)]
    if fd.is_repeated:
        if fd.message_type is not None:
            return [lambda m, f=f: f(getattr(m, fd.name).add()) for f in message_fillers(fd.message_type)]
        return [lambda m, c=c: getattr(m, fd.name).append(c) for c in scalar_candidates(fd)]
    if fd.message_type is not None:
        def fill(m: Any, f: Any) -> None:
            m.ClearField(fd.name)
            sub = getattr(m, fd.name)
            sub.SetInParent()
            f(sub)
        return [lambda m, f=f: fill(m, f) for f in message_fillers(fd.message_type)]
    return [lambda m, c=c: setattr(m, fd.name, c) for c in scalar_candidates(fd)]


def implemented(servs: dict[str, Any]) -> list[tuple[Any, Any]]:
    out = []
    for rpc in rpcs():
        method = getattr(servs[rpc.containing_service.full_name], rpc.name)
        raw = getattr(method, "__wrapped__", None)
        if raw is not None:
            out.append((rpc, raw))
    return out


async def outcome(rec: Recorder, servs: dict[str, Any], raw_by_name: dict[str, Any], rpc: Any, request: Any) -> str:
    rec.calls.clear()
    servicer = servs[rpc.containing_service.full_name]
    try:
        response = await raw_by_name[rpc.full_name](servicer, request, None)
    except _Stop:
        return "call:" + rec.calls[-1]
    except Exception as exc:
        return f"error:{type(exc).__name__}:{exc}"
    return "returned:" + str(response)


def _pid(n: int) -> Any:
    return common.PointId(num=n)


def _dense() -> Any:
    return ppb.Vectors(vector=ppb.Vector(dense=ppb.DenseVector(data=[1.0, 2.0])))


def _selector() -> Any:
    return ppb.PointsSelector(points=ppb.PointsIdsList(ids=[_pid(1)]))


def _point() -> Any:
    return ppb.PointStruct(id=_pid(1), vectors=_dense())


BASES: dict[str, Callable[[], dict[str, Any]]] = {
    "Points.Upsert": lambda: {"points": [_point()]},
    "Points.Delete": lambda: {"points": _selector()},
    "Points.UpdateVectors": lambda: {"points": [ppb.PointVectors(id=_pid(1), vectors=_dense())]},
    "Points.DeleteVectors": lambda: {"points_selector": _selector(), "vectors": ppb.VectorsSelector(names=["a"])},
    "Points.SetPayload": lambda: {"points_selector": _selector(), "payload": {"a": jpb.Value(integer_value=1)}},
    "Points.OverwritePayload": lambda: {"points_selector": _selector(), "payload": {"a": jpb.Value(integer_value=1)}},
    "Points.DeletePayload": lambda: {"points_selector": _selector(), "keys": ["a"]},
    "Points.ClearPayload": lambda: {"points": _selector()},
    "Points.CreateFieldIndex": lambda: {"field_name": "f", "field_type": ppb.FieldTypeKeyword},
    "Points.DeleteFieldIndex": lambda: {"field_name": "f"},
    "Points.CreateVectorName": lambda: {"vector_name": "v", "dense_config": ppb.DenseVectorCreationConfig(
        size=2, distance=cpb.Dot)},
    "Points.DeleteVectorName": lambda: {"vector_name": "v"},
    "Points.UpdateBatch": lambda: {"operations": [ppb.PointsUpdateOperation(
        upsert=ppb.PointsUpdateOperation.PointStructList(points=[_point()]))]},
    "Points.Get": lambda: {"ids": [_pid(1)]},
    "Points.Facet": lambda: {"key": "k"},
    "Points.QueryBatch": lambda: {"query_points": [ppb.QueryPoints(collection_name="c")]},
    "Points.Search": lambda: {"vector": [1.0, 2.0], "limit": 3},
    "Points.SearchGroups": lambda: {"vector": [1.0, 2.0], "limit": 3, "group_by": "g", "group_size": 2},
    "Points.Recommend": lambda: {"positive": [_pid(1)], "limit": 3},
    "Points.RecommendGroups": lambda: {"positive": [_pid(1)], "limit": 3, "group_by": "g", "group_size": 2},
    "Points.Discover": lambda: {"target": ppb.TargetVector(single=ppb.VectorExample(id=_pid(1))),
                                "context": [ppb.ContextExamplePair(positive=ppb.VectorExample(id=_pid(2)),
                                                                   negative=ppb.VectorExample(id=_pid(3)))],
                                "limit": 3},
    "Points.QueryGroups": lambda: {"group_by": "g", "query": ppb.Query(nearest=ppb.VectorInput(id=_pid(1)))},
    "Points.SearchBatch": lambda: {"search_points": [ppb.SearchPoints(collection_name="c", vector=[1.0, 2.0], limit=3)]},
    "Collections.Create": lambda: {"vectors_config": cpb.VectorsConfig(params=cpb.VectorParams(size=2, distance=cpb.Dot))},
    "Collections.UpdateAliases": lambda: {"actions": [cpb.AliasOperations(
        create_alias=cpb.CreateAlias(collection_name="c", alias_name="a"))]},
}


def base(rpc: Any) -> Any:
    cls = message_factory.GetMessageClass(rpc.input_type)
    msg = cls()
    if "collection_name" in rpc.input_type.fields_by_name:
        msg.collection_name = "c"
    extra = BASES.get(f"{rpc.containing_service.name}.{rpc.name}")
    if extra is not None:
        for key, value in extra().items():
            target = getattr(msg, key)
            if isinstance(value, list):
                target.extend(value)
            elif isinstance(value, dict):
                for k, v in value.items():
                    target[k].CopyFrom(v)
            elif hasattr(value, "DESCRIPTOR"):
                target.CopyFrom(value)
            else:
                setattr(msg, key, value)
    return msg


async def prove(field: str, rec: Recorder, servs: dict[str, Any], impl: list[tuple[Any, Any]]) -> str | None:
    msg_name, _, fname = field.rpartition(".")
    raw_by_name = {rpc.full_name: raw for rpc, raw in impl}
    for rpc, path in paths_to(impl, msg_name):
        req = base(rpc)
        holder = descend(req, path)
        fd = holder.DESCRIPTOR.fields_by_name[fname]
        baseline = await outcome(rec, servs, raw_by_name, rpc, req)
        for assign in assignments(fd):
            variant = type(req)()
            variant.CopyFrom(req)
            assign(descend(variant, path))
            got = await outcome(rec, servs, raw_by_name, rpc, variant)
            if got != baseline:
                return f"{rpc.name}:{'.'.join(f.name for f in path)}"
    return None



# ---- the tests ------------------------------------------------------------------------------------
def _walked() -> set[str]:
    return {f"{md.full_name}.{fd.name}" for md, fd in walk_fields([r.input_type for r in rpcs()])}


def test_every_request_field_is_converted_or_ignored() -> None:
    walked, converted, ignored = _walked(), converted_fields(), ignored_fields()
    unlisted = sorted(walked - converted - set(ignored))
    assert not unlisted, ("request fields in neither CONVERTED nor IGNORED (server/convert/grpc/coverage.py): "
                          + ", ".join(unlisted))
    both = sorted(converted & set(ignored))
    assert not both, "fields listed as both converted and ignored: " + ", ".join(both)
    stale = sorted((converted | set(ignored)) - walked)
    assert not stale, "listed fields that no request message has: " + ", ".join(stale)
    assert all(reason.strip() for reason in ignored.values())


def test_the_walk_reaches_nested_and_map_fields() -> None:
    assert {"qdrant.SearchPoints.filter", "qdrant.Filter.must", "qdrant.Condition.field", "qdrant.Match.keyword",
            "qdrant.VectorParamsMap.map", "qdrant.Struct.fields", "qdrant.Value.integer_value"} <= _walked()


@pytest.fixture(scope="module")
def proofs() -> dict[str, str | None]:
    """field → the RPC and path on which setting it changed the outcome (None: no effect seen)."""

    async def run() -> dict[str, str | None]:
        recorder = Recorder()
        servs = servicers(recorder)
        impl = implemented(servs)
        return {name: await prove(name, recorder, servs, impl)
                for name in sorted(converted_fields() | set(ignored_fields()))}

    return asyncio.run(run())


def test_converted_fields_change_what_the_service_receives(proofs: dict[str, str | None]) -> None:
    unproven = sorted(name for name in converted_fields() if proofs[name] is None)
    assert not unproven, ("listed as CONVERTED but setting them changes nothing the service receives "
                          "(convert them, or move them to IGNORED with a reason): " + ", ".join(unproven))


def test_ignored_fields_change_nothing(proofs: dict[str, str | None]) -> None:
    effective = sorted(f"{name} (via {proofs[name]})" for name in ignored_fields() if proofs[name] is not None)
    assert not effective, ("listed as IGNORED but setting them now changes the outcome — move them to "
                           "CONVERTED in server/convert/grpc/coverage.py: " + ", ".join(effective))


def test_a_field_in_neither_table_is_reported() -> None:
    """What a new protocol field looks like to the first test: walked, but listed nowhere."""
    listed = converted_fields() | set(ignored_fields())
    assert _walked() - (listed - {"qdrant.SearchPoints.read_consistency"}) == {"qdrant.SearchPoints.read_consistency"}
