"""The shard streams: one JetStream stream per shard (the shard's replicated WAL)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from cluster import names
from cluster.retry import retrying

log = logging.getLogger("quiver.cluster.streams")


async def usable_replicas(js: JetStreamContext, wanted: int, probe: str) -> int:
    """`wanted` capped at what the JetStream cluster accepts: a probe stream is created with
    `wanted` replicas, then fewer until the server accepts it (a single server takes only 1)."""
    for replicas in range(max(1, wanted), 0, -1):
        try:
            await js.add_stream(StreamConfig(name=f"QV_PROBE_{probe}", subjects=[f"qv.probe.{probe}"], storage=StorageType.MEMORY,
                                             num_replicas=replicas, max_msgs=1))
        except Exception as e:  # noqa: BLE001 - "insufficient resources" / "replicas > 1 not supported"
            log.debug("stream replicas refused", extra={"replicas": replicas, "reason": str(e)})
            continue
        with contextlib.suppress(Exception):
            await js.delete_stream(f"QV_PROBE_{probe}")
        return replicas
    return 1


def shard_stream_config(uuid_hex: str, shard_id: int, replicas: int) -> StreamConfig:
    return StreamConfig(name=names.stream_name(uuid_hex, shard_id), subjects=[names.ops_subject(uuid_hex, shard_id)],
                        storage=StorageType.FILE, num_replicas=replicas, retention=RetentionPolicy.LIMITS,
                        discard=DiscardPolicy.OLD)


async def create_shard_streams(js: JetStreamContext, uuid_hex: str, shard_ids: list[int], replicas: int) -> None:
    # concurrently: each stream is a Raft group of its own, created in a round trip or more
    async def create(shard_id: int) -> None:
        config = shard_stream_config(uuid_hex, shard_id, replicas)
        await retrying(lambda: js.add_stream(config), "create stream")
    await asyncio.gather(*(create(sid) for sid in shard_ids))


async def delete_shard_streams(js: JetStreamContext, uuid_hex: str, shard_ids: list[int]) -> None:
    async def delete(shard_id: int) -> None:
        with contextlib.suppress(NotFoundError):
            await js.delete_stream(names.stream_name(uuid_hex, shard_id))
    await asyncio.gather(*(delete(sid) for sid in shard_ids))
