"""A peer that looks dead for a moment (a late heartbeat) does not fail a write; one that stays dead
does, once the liveness grace is over (cluster/liveness.py, cluster/writes.py)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import pytest

from cluster import liveness, writes
from cluster.records import ACTIVE, CollectionRecord, ShardRecord
from engine.errors import ServiceError
from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams

PEER = 7


def _record() -> CollectionRecord:
    config = CollectionConfig(params=CollectionParams(vectors={"": VectorParams(size=2, distance=Distance.DOT)},
                                                      unnamed=True))
    return CollectionRecord(name="c", uuid="u", config=config, shards=[ShardRecord(id=0, key=None,
                                                                                   replicas={PEER: ACTIVE})])


@dataclass
class _Applied:
    reports_after: int | None = None
    """The replica reports the sequence applied after this many checks (None: never)."""
    checks: int = 0

    def error(self, key: Any, seq: int) -> None:
        self.checks += 1

    def reported(self, key: Any, seq: int) -> set[int]:
        done = self.reports_after is not None and self.checks > self.reports_after
        return {PEER} if done else set()

    async def changed(self, key: Any, timeout: float) -> None:
        await asyncio.sleep(0.01)


@dataclass
class _Node:
    """The replica's peer looks dead for the first `dead_checks` liveness checks (None: for good)."""

    dead_checks: int | None
    record: CollectionRecord = field(default_factory=_record)
    applied: _Applied = field(default_factory=_Applied)
    checks: int = 0
    peer_id: int = 1
    registered: bool = True
    """False: the replica's peer left the cluster (its entry deleted), so it is dead for certain."""

    def __post_init__(self) -> None:
        peers = {PEER: object()} if self.registered else {}
        self.meta = type("Meta", (), {"collections": {"c": self.record}, "peers": peers})()

    def active_replicas(self, name: str, shard_id: int) -> list[int]:
        self.checks += 1
        dead = self.dead_checks is None or self.checks <= self.dead_checks
        return [] if dead else [PEER]


@pytest.fixture(autouse=True)
def _fast_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(liveness, "CHECK_S", 0.01)


def test_enough_answers_at_once_when_the_count_is_there() -> None:
    assert asyncio.run(liveness.enough(lambda: 2, 2, grace=60)) == 2


def test_a_short_blip_is_waited_out() -> None:
    counts = iter([0, 0, 0, 1])
    assert asyncio.run(liveness.enough(lambda: next(counts), 1, grace=60)) == 1


def test_a_lasting_shortage_answers_the_short_count() -> None:
    assert asyncio.run(liveness.enough(lambda: 0, 1, grace=0.05)) == 0


def test_write_check_rides_out_a_late_heartbeat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(liveness, "GRACE_S", 60.0)
    node = _Node(dead_checks=3)
    asyncio.run(writes._check_replicas(node, node.record, {0}))  # type: ignore[arg-type]
    assert node.checks > 3  # it looked again until the peer was back


def test_write_check_refuses_a_peer_that_stays_dead(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(liveness, "GRACE_S", 0.05)
    node = _Node(dead_checks=None)
    with pytest.raises(ServiceError, match="does not have enough active replicas: 0 of 1"):
        asyncio.run(writes._check_replicas(node, node.record, {0}))  # type: ignore[arg-type]


def test_waiting_writer_keeps_waiting_through_a_blip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(liveness, "GRACE_S", 60.0)
    node = _Node(dead_checks=5, applied=_Applied(reports_after=8))
    part = writes.Published(shard_id=0, seq=1)
    assert asyncio.run(writes._wait_part(node, node.record, part)) is None  # type: ignore[arg-type]


def test_waiting_writer_fails_once_the_replica_stays_dead(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(liveness, "GRACE_S", 0.05)
    node = _Node(dead_checks=None)
    part = writes.Published(shard_id=0, seq=1)
    with pytest.raises(ServiceError, match="not have enough active replicas"):
        asyncio.run(writes._wait_part(node, node.record, part))  # type: ignore[arg-type]


def test_a_peer_that_left_fails_the_write_without_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(liveness, "GRACE_S", 60.0)
    for check in ("before", "waiting"):
        node = _Node(dead_checks=None, registered=False)
        with pytest.raises(ServiceError, match="not have enough active replicas"):
            if check == "before":
                asyncio.run(writes._check_replicas(node, node.record, {0}))  # type: ignore[arg-type]
            else:
                asyncio.run(writes._wait_part(node, node.record, writes.Published(0, 1)))  # type: ignore[arg-type]


def test_read_of_a_shard_without_active_replicas_fails_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Partial replicas are not a liveness blip: no grace (it would hang here for 60 s)."""
    from cluster.reads import ClusterReads
    from cluster.records import PARTIAL

    monkeypatch.setattr(liveness, "GRACE_S", 60.0)
    record = _record()
    record.shards[0].replicas[PEER] = PARTIAL
    node = _Node(dead_checks=None, record=record)
    reads = ClusterReads.__new__(ClusterReads)
    reads.node = node  # type: ignore[assignment]
    with pytest.raises(ServiceError, match="does not have enough active replicas"):
        asyncio.run(asyncio.wait_for(reads.fan_out(record, record.shards, "count", None, None, None), 5))


def test_read_waits_out_a_late_heartbeat(monkeypatch: pytest.MonkeyPatch) -> None:
    from cluster.reads import ClusterReads

    monkeypatch.setattr(liveness, "GRACE_S", 60.0)
    node = _Node(dead_checks=3)
    reads = ClusterReads.__new__(ClusterReads)
    reads.node = node  # type: ignore[assignment]

    async def ask(peer: int, method: str, record: Any, shard_ids: list[int], request: Any,
                  timeout: float | None) -> list[Any]:
        return [f"{method} from {peer}"] * len(shard_ids)
    reads._ask = ask  # type: ignore[method-assign]
    answers = asyncio.run(asyncio.wait_for(reads.fan_out(node.record, node.record.shards, "count", None, None, None),
                                           5))
    assert [a for a, _ in answers] == [[f"count from {PEER}"]]


def test_write_to_a_shard_without_active_replicas_fails_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from cluster.records import RECOVERY

    monkeypatch.setattr(liveness, "GRACE_S", 60.0)
    record = _record()
    record.shards[0].replicas[PEER] = RECOVERY
    node = _Node(dead_checks=None, record=record)
    with pytest.raises(ServiceError, match="not have enough active replicas"):
        asyncio.run(asyncio.wait_for(writes._check_replicas(node, record, {0}), 5))  # type: ignore[arg-type]
