"""How far a shard stream may be trimmed (cluster/trim.py `trim_floor`): behind the oldest applied
report of the shard's replicas on live peers, minus the margin, and not at all when that is unsafe;
and a snapshot replication whose source died before uploading taking another source
(cluster/transfers.py `repointed`)."""

from __future__ import annotations

from cluster.applied import AppliedTracker
from cluster.records import ACTIVE, PARTIAL, RECOVERY, CollectionRecord, ShardRecord
from cluster.trim import trim_floor
from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams

UUID = "ab" * 16


def _record(replicas: dict[int, str], transfers: list[dict[str, object]] | None = None) -> CollectionRecord:
    config = CollectionConfig(params=CollectionParams(vectors={"": VectorParams(size=2, distance=Distance.DOT)},
                                                      unnamed=True))
    return CollectionRecord(name="c", uuid=UUID, config=config, shards=[ShardRecord(id=0, key=None, replicas=replicas)],
                            transfers=list(transfers or []))


def _applied(**reports: int) -> AppliedTracker:
    tracker = AppliedTracker()
    for peer, seq in reports.items():
        tracker.note((UUID, 0), int(peer[1:]), seq)
    return tracker


def _floor(record: CollectionRecord, tracker: AppliedTracker, alive: set[int], margin: int = 0) -> int:
    return trim_floor(record, record.shards[0], tracker, alive.__contains__, margin)


def test_floor_is_the_oldest_live_report_minus_the_margin() -> None:
    record = _record({1: ACTIVE, 2: ACTIVE, 3: RECOVERY})
    tracker = _applied(p1=100, p2=80, p3=60)
    assert _floor(record, tracker, {1, 2, 3}) == 60  # a Recovery replica is waited for
    assert _floor(record, tracker, {1, 2, 3}, margin=50) == 10
    assert _floor(record, tracker, {1, 2, 3}, margin=500) == 0
    assert _floor(record, tracker, {1, 2}) == 80  # a peer that is down is not waited for


def test_no_trim_while_unsafe() -> None:
    tracker = _applied(p1=100, p2=80)
    # a live replica that has not reported yet (its node or this one just started)
    assert _floor(_record({1: ACTIVE, 2: ACTIVE, 3: ACTIVE}), tracker, {1, 2, 3}) == 0
    # a transfer of the shard in progress: its target may start behind the floor
    moving = _record({1: ACTIVE, 2: PARTIAL}, [{"shard_id": 0, "from": 1, "to": 2, "sync": True}])
    assert _floor(moving, tracker, {1, 2}) == 0
    # no Active replica on a live peer: nothing could fill a replica by snapshot
    assert _floor(_record({1: ACTIVE, 2: RECOVERY}), tracker, {2}) == 0


def test_a_snapshot_replication_whose_source_died_takes_another_source() -> None:
    from cluster.transfers import repointed
    t = {"shard_id": 0, "from": 1, "to": 3, "sync": True, "method": "snapshot", "id": "x"}
    record = _record({1: ACTIVE, 2: ACTIVE, 3: PARTIAL}, [t])
    again = repointed(record, t, {2, 3}.__contains__)
    assert len(again.transfers) == 1 and again.transfers[0]["from"] == 2 and again.transfers[0]["id"] != "x"
    assert again.version == record.version + 1
    assert repointed(record, t, {3}.__contains__) is record  # no other live Active replica
    move = {**t, "sync": False}
    assert repointed(_record({1: ACTIVE, 2: ACTIVE, 3: PARTIAL}, [move]), move, {2, 3}.__contains__).transfers == [move]
    uploaded = {**t, "snapshot": {"object": "o", "seq": 5}}
    assert repointed(_record({1: ACTIVE, 2: ACTIVE, 3: PARTIAL}, [uploaded]), uploaded,
                     {2, 3}.__contains__).transfers == [uploaded]
