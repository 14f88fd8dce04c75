"""Metadata records, KV key names, replica progress and the op codec as the streams carry it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cluster import names
from cluster.progress import Progress, resume_after
from cluster.records import ACTIVE, CollectionRecord, ShardRecord, from_json, new_shards, place, to_json
from engine.errors import BadInput
from engine.persistence.codec import decode, encode
from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams
from engine.types.filters import FieldMatch, Filter, MatchValue
from engine.types.operations import (
    ClearPayload,
    CreateFieldIndex,
    DeleteFieldIndex,
    DeletePayload,
    DeletePoints,
    DeleteVectors,
    OverwritePayload,
    SetPayload,
    UpdateVectors,
    UpsertPoints,
)
from engine.types.payload_schema import PayloadSchema
from engine.types.points import PointStruct


def _config() -> CollectionConfig:
    return CollectionConfig(params=CollectionParams(vectors={"": VectorParams(size=3, distance=Distance.COSINE)},
                                                    unnamed=True, shard_number=6, replication_factor=2))


def test_record_json_round_trip() -> None:
    record = CollectionRecord(name="docs/ü", uuid="ab" * 16, config=_config(), sharding_method="custom",
                              shards=[ShardRecord(id=0, key="tenant-a", replicas={7: ACTIVE, 9: "Partial"}),
                                      ShardRecord(id=1, key=12, replicas={9: ACTIVE})],
                              transfers=[{"shard_id": 0, "from": 7, "to": 9}], version=3)
    back = from_json(to_json(record))
    assert back == record
    assert back.shard_keys == ["tenant-a", 12]
    assert back.bumped(sharding_method="auto").version == 4


@pytest.mark.parametrize("name", ["docs", "a b/c", "ünï_cödé", "x" * 255, "."])
def test_kv_keys_round_trip_and_are_kv_safe(name: str) -> None:
    key = names.name_key(name)
    assert names.key_name(key) == name
    assert all(c.isalnum() or c in "-/_=." for c in key)


def test_placement_round_robin_distinct_peers() -> None:
    placement = place(list(range(6)), [30, 10, 20], 2)
    for sid, peers in placement.items():
        assert len(set(peers)) == 2, sid
    load = [sum(p in peers for peers in placement.values()) for p in (10, 20, 30)]
    assert load == [4, 4, 4]
    assert place([0], [5], 3) == {0: [5]}  # fewer peers than replicas: what there is
    with pytest.raises(BadInput):
        place([0], [], 1)
    shards = new_shards(3, 2, "k", [1, 2], 2)
    assert [(s.id, s.key, s.replicas) for s in shards] == [(3, "k", {1: ACTIVE, 2: ACTIVE}),
                                                         (4, "k", {2: ACTIVE, 1: ACTIVE})]


def test_progress_resume(tmp_path: Path) -> None:
    progress = Progress(tmp_path / "p.applied")
    assert progress.read() is None
    assert resume_after(None, 0) == 0
    progress.starting(seq=41, op_before=17)
    progress.close()
    again = Progress(tmp_path / "p.applied")
    assert again.read() == (41, 17)
    assert resume_after(again.read(), 18) == 41  # the local engine logged it: applied
    assert resume_after(again.read(), 17) == 40  # it never reached the local WAL: apply again
    again.remove()
    assert not (tmp_path / "p.applied").exists()


def _ops() -> list[object]:
    flt = Filter(must=(FieldMatch(key="a", match=MatchValue(value="x")),))
    vec = {"": np.array([0.1, 0.2, 0.3], dtype=np.float32)}
    return [
        UpsertPoints(points=[PointStruct(id=1, vectors=vec, payload={"a": [1, {"b": None}]}),
                             PointStruct(id="00000000-0000-0000-0000-000000000007", vectors=vec)],
                     update_filter=flt, update_mode="update_only"),
        DeletePoints(ids=[1, 2]), DeletePoints(filter=flt),
        SetPayload(payload={"k": 1}, ids=[1], key="a.b"), OverwritePayload(payload={"z": True}, filter=flt),
        DeletePayload(keys=["a"], ids=[3]), ClearPayload(filter=flt),
        UpdateVectors(points=[(1, vec)]), DeleteVectors(vector_names=[""], ids=[1]),
        CreateFieldIndex(key="a", schema=PayloadSchema(type="keyword")), DeleteFieldIndex(key="a"),
    ]


@pytest.mark.parametrize("op", _ops(), ids=lambda op: type(op).__name__)
def test_every_operation_survives_the_stream_codec(op: object) -> None:
    back = decode(encode(op))
    assert type(back) is type(op)
    if isinstance(op, UpsertPoints):
        assert [p.id for p in back.points] == [p.id for p in op.points]
        assert back.points[0].payload == op.points[0].payload and back.update_mode == op.update_mode
        np.testing.assert_array_equal(back.points[0].vectors[""], op.points[0].vectors[""])
    elif isinstance(op, UpdateVectors):
        np.testing.assert_array_equal(back.points[0][1][""], op.points[0][1][""])
    else:
        assert back == op


def test_replica_state_flip_touches_one_peer() -> None:
    from cluster.records import RECOVERY, with_replica_state
    record = CollectionRecord(name="c", uuid="u", config=_config(),
                              shards=[ShardRecord(id=0, key=None, replicas={1: ACTIVE, 2: ACTIVE}),
                                      ShardRecord(id=1, key=None, replicas={2: "Partial"})])
    flipped = with_replica_state(record, 2, ACTIVE, RECOVERY)
    assert [s.replicas for s in flipped.shards] == [{1: ACTIVE, 2: RECOVERY}, {2: "Partial"}]
    assert flipped.version == record.version + 1
    assert with_replica_state(record, 3, ACTIVE, RECOVERY) is record  # nothing to change: no new version
