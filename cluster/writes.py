"""The write path: route an operation to its shards, publish each part to its shard stream, and
answer as Qdrant's `wait`: `acknowledged` once JetStream stored every part on a quorum (the PubAck),
`completed` once `write_consistency_factor` Active replicas of each touched shard applied it.

An operation too large for one NATS message is cut by points or ids into consecutive messages
(`messages`). Checked before anything is published (so a refused write changes nothing): the routing (a custom
sharded collection needs a shard key for inserts) and, with `wait=true`, that enough Active replicas
are alive (a shortage must last the liveness grace, cluster/liveness.py, before it refuses). Errors a replica's engine raises (a missing point, a wrong vector name) come back to a
waiting writer as the same error kind; a `wait=false` writer does not see them (as Qdrant).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from nats.js.api import PubAck

from cluster import liveness, names
from cluster.node import ClusterNode
from cluster.records import READABLE, CollectionRecord
from cluster.retry import retrying
from cluster.routing import split
from engine import errors
from engine.errors import BadInput, BadRequest, EngineError, NotFound, ServiceError, Timeout
from engine.persistence.codec import encode
from engine.types.operations import (
    ClearPayload,
    CreateVectorName,
    DeletePayload,
    DeletePoints,
    DeleteVectorName,
    DeleteVectors,
    Operation,
    OverwritePayload,
    SetPayload,
    UpdateVectors,
    UpsertPoints,
)
from engine.types.sharding import ShardKeySelector

LIVENESS_CHECK_S = 0.25
"""How often a waiting writer re-checks which replicas are alive."""
DEFAULT_WAIT_S = 60.0
"""How long `wait=true` waits for the replicas when the request names no `timeout`."""


@dataclass(slots=True)
class Published:
    shard_id: int
    seq: int


def _error(kind: str, message: str) -> EngineError:
    cls = getattr(errors, kind, None)
    if isinstance(cls, type) and issubclass(cls, EngineError):
        return cls(message)
    return ServiceError(message)


def target_shards(record: CollectionRecord, selector: ShardKeySelector | None) -> list[list[int]]:
    """The shard id groups a write goes to: one group per addressed shard key (the operation is
    applied to each, as Qdrant's `_update_shard_keys`), or all shards of an auto-sharded collection."""
    if record.sharding_method != "custom":
        if selector is not None and selector.keys:
            raise BadInput(f"Shard key {selector.keys[0]} not found")
        return [[s.id for s in record.shards]]
    if selector is None:
        raise BadInput("Shard key not specified")
    if selector.fallback is not None:
        target, fallback = selector.keys[0], selector.fallback
        for key in (target, fallback):
            shards = record.shards_of_key(key)
            if shards:
                return [[s.id for s in shards]]
        raise NotFound(f"Neither target shard key {target} nor fallback shard key {fallback} exist")
    if not selector.keys:
        raise BadInput("Empty shard keys selection")
    groups = []
    for key in selector.keys:
        shards = record.shards_of_key(key)
        if not shards:
            raise BadInput(f"Shard key {key} not found")
        groups.append([s.id for s in shards])
    return groups


def plan(record: CollectionRecord, op: Operation, selector: ShardKeySelector | None) -> list[tuple[int, Operation]]:
    """`op` as the per-shard operations to publish."""
    if isinstance(op, CreateVectorName | DeleteVectorName):
        # the vector space is collection config (metadata) and segment columns (the log) at once;
        # the two would need one order across every replica, which is not built yet
        raise BadRequest("Creating or deleting a named vector is not supported in cluster mode yet")
    return [part for group in target_shards(record, selector) for part in split(op, group)]


_HEADROOM = 4096
"""Bytes of a NATS message kept free for the headers (the message id) and the framing."""
_POINT_LISTS = (UpsertPoints, UpdateVectors)
_ID_LISTS = (DeletePoints, SetPayload, OverwritePayload, DeletePayload, ClearPayload, DeleteVectors)


def _items(op: Operation) -> list[Any] | None:
    """The points or ids an operation acts on one by one (None: it cannot be cut)."""
    if isinstance(op, _POINT_LISTS):
        return list(op.points)
    if isinstance(op, _ID_LISTS) and isinstance(op.ids, list):
        return list(op.ids)
    return None


def _with_items(op: Operation, items: list[Any]) -> Operation:
    changed: Any = replace
    return changed(op, points=items) if isinstance(op, _POINT_LISTS) else changed(op, ids=items)  # type: ignore[no-any-return]


def messages(op: Operation, limit: int) -> list[bytes]:
    """`op` as shard stream messages of at most `limit` bytes (NATS refuses a message above its
    `max_payload`, 1 MB by default, and an upsert batch is easily larger): an operation on a list of
    points or ids is cut into consecutive operations on parts of the list, applied in that order as
    the batch would be. One that cannot be cut (one point over the limit) is refused with a 400
    before anything of the write is published."""
    data = encode(op)
    if len(data) <= limit:
        return [data]
    items = _items(op)
    if items is None or len(items) < 2:
        raise BadRequest(f"An operation of {len(data)} bytes exceeds the cluster's message limit of {limit} bytes "
                         "(the NATS servers' max_payload)")
    pieces = min(len(items), -(-len(data) * 5 // (limit * 4)))  # ~80% full: fewer re-cuts
    size = -(-len(items) // pieces)
    return [m for start in range(0, len(items), size) for m in messages(_with_items(op, items[start:start + size]),
                                                                         limit)]


def _not_enough(node: ClusterNode, shard_id: int, have: int, need: int) -> ServiceError:
    return ServiceError(f"The replica set for shard {shard_id} on peer {node.peer_id} does not have enough "
                        f"active replicas: {have} of {need} required by write_consistency_factor")


def _live(node: ClusterNode, name: str, shard_id: int) -> int:
    return len(node.active_replicas(name, shard_id))


def _short_for_good(node: ClusterNode, name: str, shard_id: int, need: int, done: frozenset[int] = frozenset()) -> bool:
    """Fewer than `need` replicas could ever count, whatever heartbeats come: besides those that
    reported (`done`), only Active replicas on registered peers can (not Partial or Recovery ones,
    not those of peers that left the cluster)."""
    record = node.meta.collections.get(name)
    shard = None if record is None else record.shard(shard_id)
    possible = {p for p, st in (shard.replicas.items() if shard else ()) if st in READABLE and p in node.meta.peers}
    return len(possible | done) < need


async def _check_replicas(node: ClusterNode, record: CollectionRecord, shard_ids: set[int]) -> None:
    """Enough live Active replicas for every shard, or a shortage that lasted the liveness grace."""
    need = record.config.params.write_consistency_factor
    for shard_id in sorted(shard_ids):
        have = await liveness.enough(partial(_live, node, record.name, shard_id), need,
                                     certain=partial(_short_for_good, node, record.name, shard_id, need))
        if have < need:
            raise _not_enough(node, shard_id, have, need)


async def write(node: ClusterNode, name: str, ops: list[Operation], wait: bool, timeout: float | None,
                selectors: list[ShardKeySelector | None] | None = None) -> list[int]:
    """Publish `ops` in order (each split per shard, addressed by its selector); the operation id
    of each (its last stream sequence). With `wait`, returns once each part is applied by enough
    replicas."""
    record = node.record(name)
    keys = selectors or [None] * len(ops)
    plans = [plan(record, op, key) for op, key in zip(ops, keys, strict=True)]  # all routed before any is sent
    limit = max(1024, node.nc.max_payload - _HEADROOM)
    encoded = [[(shard_id, data) for shard_id, part in parts for data in messages(part, limit)] for parts in plans]
    if wait:
        await _check_replicas(node, record, {sid for parts in plans for sid, _ in parts})
    published: list[list[Published]] = []
    for parts_data in encoded:
        done = []
        for shard_id, data in parts_data:
            ack = await _publish(node, record, shard_id, data)
            done.append(Published(shard_id, ack.seq))
        published.append(done)
    if wait:
        await _wait_applied(node, record, [p for parts in published for p in parts], timeout)
    return [max(p.seq for p in parts) for parts in published]


async def _publish(node: ClusterNode, record: CollectionRecord, shard_id: int, data: bytes) -> PubAck:
    """Stored on a quorum of the stream's servers when this returns. Retried through a leader
    election; the message id makes a retried publish that had reached the stream a no-op."""
    headers = {"Nats-Msg-Id": uuid.uuid4().hex}
    subject, stream = names.ops_subject(record.uuid, shard_id), names.stream_name(record.uuid, shard_id)
    return await retrying(lambda: node.js.publish(subject, data, stream=stream, headers=headers), "publish")


async def _wait_applied(node: ClusterNode, record: CollectionRecord, parts: list[Published],
                        timeout: float | None) -> None:
    limit = timeout or DEFAULT_WAIT_S
    try:
        answers = await asyncio.wait_for(asyncio.gather(*(_wait_part(node, record, p) for p in parts)), limit)
    except TimeoutError:
        raise Timeout(f"Operation timed out after {limit:g} seconds") from None
    for answer in answers:
        if answer is not None:
            raise _error(answer[0], answer[1])


async def _wait_part(node: ClusterNode, record: CollectionRecord, part: Published) -> list[str] | None:
    """Until `write_consistency_factor` Active replicas of the part's shard report its sequence
    applied (None), or one reports an error (returned). Fails fast, as the check before publishing
    does, once too few of the replicas that have not reported yet are alive to make up the count
    for the liveness grace (cluster/liveness.py; a replica killed mid-write is not waited for)."""
    need = record.config.params.write_consistency_factor
    key = (record.uuid, part.shard_id)
    shortage = liveness.Shortage()
    while True:
        error = node.applied.error(key, part.seq)
        if error is not None:
            return error
        current = node.meta.collections.get(record.name, record)
        shard = current.shard(part.shard_id)
        active = {p for p, st in (shard.replicas.items() if shard else ()) if st in READABLE}
        done = node.applied.reported(key, part.seq) & active
        if len(done) >= need:
            return None
        alive = set(node.active_replicas(record.name, part.shard_id))
        if shortage.lasting(len(done | alive) < need,
                            _short_for_good(node, record.name, part.shard_id, need, frozenset(done))):
            raise _not_enough(node, part.shard_id, len(done | alive), need)
        await node.applied.changed(key, LIVENESS_CHECK_S)
