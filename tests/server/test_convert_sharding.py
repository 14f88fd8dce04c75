"""`shard_key` (REST) and `shard_key_selector` (gRPC) into the engine's ShardKeySelector."""

from __future__ import annotations

import pytest

from engine.errors import MalformedRequest
from engine.types.sharding import ShardKeySelector
from server.convert.grpc.sharding import batch_op_selector_from_pb, selector_from_pb
from server.convert.sharding import batch_selectors_from_json, selector_from_json, selector_of
from server.pb import collections_pb2 as cpb
from server.pb import points_pb2 as ppb


def test_rest_forms() -> None:
    assert selector_from_json(None) is None
    assert selector_from_json("a") == ShardKeySelector(keys=("a",))
    assert selector_from_json(7) == ShardKeySelector(keys=(7,))
    assert selector_from_json(["a", 7]) == ShardKeySelector(keys=("a", 7))
    assert selector_from_json({"target": "a", "fallback": 2}) == ShardKeySelector(keys=("a",), fallback=2)
    assert selector_of({"points": [], "shard_key": "x"}) == ShardKeySelector(keys=("x",))
    body = {"operations": [{"upsert": {"points": [], "shard_key": "a"}}, {"delete": {"points": [1]}}]}
    assert batch_selectors_from_json(body) == [ShardKeySelector(keys=("a",)), None]


@pytest.mark.parametrize("bad", [True, -1, 1.5, {"target": "a"}, [None], {"x": 1}])
def test_rest_rejects_what_is_no_selector(bad: object) -> None:
    with pytest.raises(MalformedRequest):
        selector_from_json(bad)


def test_grpc_forms() -> None:
    key = cpb.ShardKey
    request = ppb.UpsertPoints(collection_name="c")
    assert selector_from_pb(request) is None
    request.shard_key_selector.shard_keys.append(key(keyword="a"))
    request.shard_key_selector.shard_keys.append(key(number=7))
    assert selector_from_pb(request) == ShardKeySelector(keys=("a", 7))
    request.shard_key_selector.fallback.CopyFrom(key(keyword="f"))
    assert selector_from_pb(request) == ShardKeySelector(keys=("a", 7), fallback="f")
    assert selector_from_pb(ppb.CreateFieldIndexCollection(collection_name="c")) is None
    op = ppb.PointsUpdateOperation(delete_points=ppb.PointsUpdateOperation.DeletePoints())
    op.delete_points.shard_key_selector.shard_keys.append(key(keyword="b"))
    assert batch_op_selector_from_pb(op) == ShardKeySelector(keys=("b",))
