"""gRPC wire scalars: payload Value round trips (int64 vs double, nested, null), point ids, vectors."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import BadInput, BadRequest
from engine.types.points import SparseVector
from server.convert.grpc.values import (
    point_id_from_pb,
    point_id_to_pb,
    struct_from_pb,
    struct_to_pb,
    value_from_pb,
    value_to_pb,
    vector_from_pb,
    vectors_from_pb,
    vectors_to_pb,
    with_payload_from_pb,
    with_vectors_from_pb,
)
from server.pb import json_with_int_pb2 as jpb
from server.pb import points_pb2 as ppb
from server.pb import qdrant_common_pb2 as cpb

PAYLOAD = {
    "int": 7,
    "big": 2**62,
    "neg": -(2**63),
    "float": 2.0,
    "str": "x",
    "bool": True,
    "null": None,
    "list": [1, 2.5, "a", None, False, [3], {"k": [1]}],
    "nested": {"a": {"b": {"c": 1}}},
    "empty": {},
}


def test_payload_round_trip_keeps_int_double_and_nesting() -> None:
    message = ppb.RetrievedPoint(payload=struct_to_pb(PAYLOAD))
    wire = ppb.RetrievedPoint.FromString(message.SerializeToString())
    back = struct_from_pb(wire.payload)
    assert back == PAYLOAD
    assert isinstance(back["float"], float) and isinstance(back["int"], int)
    assert isinstance(back["list"][4], bool)


def test_value_kinds() -> None:
    assert value_to_pb(True).WhichOneof("kind") == "bool_value"
    assert value_to_pb(1).WhichOneof("kind") == "integer_value"
    assert value_to_pb(1.0).WhichOneof("kind") == "double_value"
    assert value_to_pb(None).WhichOneof("kind") == "null_value"
    # beyond int64 (REST accepts u64 payload ints): degrades to a double as in Qdrant
    assert value_to_pb(2**64 - 1).WhichOneof("kind") == "double_value"
    assert value_from_pb(jpb.Value()) is None  # an unset Value reads as null


def test_non_finite_double_is_rejected() -> None:
    with pytest.raises(BadInput):
        value_from_pb(jpb.Value(double_value=float("nan")))


def test_point_ids() -> None:
    assert point_id_from_pb(cpb.PointId(num=2**64 - 1)) == 2**64 - 1
    upper = "5C56C793-69F3-4FBF-87E6-C4BF54C28C26"
    assert point_id_from_pb(cpb.PointId(uuid=upper)) == upper.lower()
    assert point_id_to_pb(5) == cpb.PointId(num=5)
    assert point_id_to_pb(upper.lower()) == cpb.PointId(uuid=upper.lower())
    with pytest.raises(BadInput):
        point_id_from_pb(cpb.PointId(uuid="not-a-uuid"))
    with pytest.raises(BadInput):
        point_id_from_pb(cpb.PointId())


def test_vectors_in_and_out() -> None:
    dense = ppb.Vector(dense=ppb.DenseVector(data=[1, 2]))
    assert vector_from_pb(dense).tolist() == [1.0, 2.0]
    assert vector_from_pb(ppb.Vector(data=[3, 4])).tolist() == [3.0, 4.0]  # the deprecated flat form
    named = ppb.Vectors(vectors=ppb.NamedVectors(vectors={"a": dense}))
    assert list(vectors_from_pb(named)) == ["a"]
    assert list(vectors_from_pb(ppb.Vectors(vector=dense))) == [""]
    sparse = vector_from_pb(ppb.Vector(sparse=ppb.SparseVector(values=[1], indices=[0])))
    assert isinstance(sparse, SparseVector) and sparse.indices.tolist() == [0]
    with pytest.raises(BadRequest):
        vector_from_pb(ppb.Vector(document=ppb.Document(text="inference")))
    with pytest.raises(BadInput):
        vector_from_pb(ppb.Vector(dense=ppb.DenseVector()))
    arr = np.array([0.5, 1.5], dtype=np.float32)
    assert vectors_to_pb({"": arr}, unnamed=True).vector.dense.data == [0.5, 1.5]
    assert list(vectors_to_pb({"x": arr}, unnamed=False).vectors.vectors) == ["x"]


def test_selectors_and_defaults() -> None:
    empty = ppb.WithPayloadSelector()
    assert with_payload_from_pb(empty, False, True).enabled is True
    assert with_payload_from_pb(empty, False, False).enabled is False
    inc = ppb.WithPayloadSelector(include=ppb.PayloadIncludeSelector(fields=["a"]))
    assert with_payload_from_pb(inc, True, False).include == ["a"]
    exc = ppb.WithPayloadSelector(exclude=ppb.PayloadExcludeSelector(fields=["b"]))
    assert with_payload_from_pb(exc, True, False).exclude == ["b"]
    assert with_vectors_from_pb(ppb.WithVectorsSelector(enable=True), True) is True
    names = ppb.WithVectorsSelector(include=ppb.VectorsSelector(names=["v"]))
    assert with_vectors_from_pb(names, True) == ["v"]
    assert with_vectors_from_pb(ppb.WithVectorsSelector(), False) is False
