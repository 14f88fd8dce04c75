"""The shard streams: one JetStream stream per shard (the shard's replicated WAL)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import APIError, NotFoundError

from cluster import names
from cluster.retry import retrying

log = logging.getLogger("quiver.cluster.streams")


NOT_CLUSTERED = 10074
"""JetStream's error code for "replicas > 1 not supported in non-clustered mode"."""
FORMING_S = 15.0
"""How long a clustered JetStream may lack servers for `wanted` replicas before fewer are used
(servers of a just-started cluster join within seconds)."""


async def usable_replicas(js: JetStreamContext, wanted: int, probe: str) -> int:
    """`wanted` capped at what JetStream accepts, found with a probe stream: a single server takes
    only 1 (it says so at once); a cluster that cannot place `wanted` replicas yet is asked again
    for `FORMING_S` before one replica fewer is tried."""
    replicas = max(1, wanted)
    deadline = time.monotonic() + FORMING_S
    while replicas > 1:
        try:
            await js.add_stream(StreamConfig(name=f"QV_PROBE_{probe}", subjects=[f"qv.probe.{probe}"],
                                             storage=StorageType.MEMORY, num_replicas=replicas, max_msgs=1))
        except APIError as e:
            if e.err_code == NOT_CLUSTERED:
                return 1
            if time.monotonic() < deadline:
                await asyncio.sleep(0.5)
                continue
            log.warning("JetStream refused stream replicas", extra={"replicas": replicas, "reason": str(e)})
            replicas -= 1
            deadline = time.monotonic() + 1.0
            continue
        except Exception:  # noqa: BLE001 - no answer yet (meta leader election): ask again
            if time.monotonic() < deadline:
                await asyncio.sleep(0.5)
                continue
            replicas -= 1
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
