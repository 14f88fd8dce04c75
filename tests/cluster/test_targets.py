"""Which shards a write addresses, per Qdrant's rules for shard key selectors."""

from __future__ import annotations

import pytest

from cluster.records import ACTIVE, CollectionRecord, ShardRecord
from cluster.writes import target_shards
from engine.errors import BadInput, NotFound
from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams
from engine.types.sharding import ShardKeySelector


def _record(method: str, keys: list[str | int | None]) -> CollectionRecord:
    config = CollectionConfig(params=CollectionParams(vectors={"": VectorParams(size=2, distance=Distance.DOT)},
                                                      unnamed=True))
    return CollectionRecord(name="c", uuid="u", config=config, sharding_method=method,
                            shards=[ShardRecord(id=i, key=k, replicas={1: ACTIVE}) for i, k in enumerate(keys)])


def test_auto_sharding_takes_every_shard_and_no_key() -> None:
    record = _record("auto", [None, None, None])
    assert target_shards(record, None) == [[0, 1, 2]]
    with pytest.raises(BadInput, match="Shard key a not found"):
        target_shards(record, ShardKeySelector(keys=("a",)))


def test_custom_sharding_selectors() -> None:
    record = _record("custom", ["a", "b", "b", 7])
    with pytest.raises(BadInput, match="Shard key not specified"):
        target_shards(record, None)
    assert target_shards(record, ShardKeySelector(keys=("b",))) == [[1, 2]]
    assert target_shards(record, ShardKeySelector(keys=(7, "a"))) == [[3], [0]]
    assert target_shards(record, ShardKeySelector(keys=("a",), fallback="b")) == [[0]]
    assert target_shards(record, ShardKeySelector(keys=("zz",), fallback="b")) == [[1, 2]]
    with pytest.raises(NotFound):
        target_shards(record, ShardKeySelector(keys=("zz",), fallback="yy"))
    with pytest.raises(BadInput, match="Empty shard keys selection"):
        target_shards(record, ShardKeySelector(keys=()))
    with pytest.raises(BadInput, match="Shard key 8 not found"):
        target_shards(record, ShardKeySelector(keys=("a", 8)))


def test_named_vector_changes_are_refused_in_cluster_mode() -> None:
    from cluster.writes import plan
    from engine.errors import BadRequest
    from engine.types.operations import DeleteVectorName
    with pytest.raises(BadRequest, match="not supported in cluster mode yet"):
        plan(_record("auto", [None]), DeleteVectorName(name="v"), None)


def test_large_operations_are_cut_into_messages_under_the_limit() -> None:
    import numpy as np

    from cluster.writes import messages
    from engine.errors import BadRequest
    from engine.persistence.codec import decode
    from engine.types.operations import DeletePoints, UpsertPoints
    from engine.types.points import PointStruct

    rng = np.random.default_rng(5)
    points = [PointStruct(id=i, vectors={"": rng.normal(size=64).astype(np.float32)}, payload={"i": i})
              for i in range(1000)]
    upsert = UpsertPoints(points=points, update_mode="insert_only")
    cut = messages(upsert, 50_000)
    assert len(cut) > 5 and all(len(m) <= 50_000 for m in cut)
    parts = [decode(m) for m in cut]
    assert all(isinstance(p, UpsertPoints) and p.update_mode == "insert_only" for p in parts)
    assert [p.id for part in parts for p in part.points] == list(range(1000))
    deletes = [decode(m) for m in messages(DeletePoints(ids=list(range(20_000))), 20_000)]
    assert len(deletes) > 1 and [i for d in deletes for i in d.ids] == list(range(20_000))
    assert len(messages(DeletePoints(ids=[1, 2]), 20_000)) == 1
    with pytest.raises(BadRequest, match="exceeds the cluster's message limit"):
        messages(UpsertPoints(points=points[:1]), 100)
