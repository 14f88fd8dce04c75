"""Collection and alias changes through the metadata (compare-and-set records, meta.py).

A collection exists cluster-wide once its record is committed; create answers after this node's
watcher has seen it (so the same node reads its own create). The shard streams are made before the
record is committed (a replica that sees the record can subscribe at once) and deleted after the
record is gone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from cluster.node import ClusterNode
from cluster.records import CollectionRecord, new_shards
from cluster.streams import create_shard_streams, delete_shard_streams
from engine.errors import AlreadyExists, BadInput, BadRequest, NotFound
from engine.strict_mode.config import active
from engine.toc import (
    AliasOperation,
    CreateAlias,
    DeleteAlias,
    RenameAlias,
    check_collection_name,
    check_vector_sizes,
    missing_collection,
)
from engine.types.config import CollectionConfig

SEEN_TIMEOUT_S = 10.0


def check_supported(config: CollectionConfig) -> None:
    """What a cluster collection cannot have yet: strict mode (its limits and rate limits are
    per collection, and no node sees the whole collection's sizes in cluster mode)."""
    if active(config) is not None:
        raise BadRequest("Strict mode is not supported in cluster mode yet")


async def create_collection(node: ClusterNode, name: str, config: CollectionConfig) -> None:
    check_collection_name(name)
    check_vector_sizes(config)
    check_supported(config)
    if name in node.meta.aliases:
        raise AlreadyExists(f"Alias `{name}` already exists!")
    params = config.params
    custom = params.sharding_method == "custom"
    peers = node.meta.alive_peers() or [node.peer_id]
    record = CollectionRecord(
        name=name, uuid=uuid.uuid4().hex, config=config, sharding_method="custom" if custom else "auto",
        # custom sharding starts with no shards: each shard key brings its own (create_shard_key)
        shards=[] if custom else new_shards(0, params.shard_number, None, peers, params.replication_factor,
                                            start=hash(name) % len(peers)),
    )
    await create_shard_streams(node.js, record.uuid, [s.id for s in record.shards], node.stream_replicas)

    def commit(current: CollectionRecord | None) -> CollectionRecord:
        if current is not None and current.uuid != record.uuid:  # our own: a retried commit
            raise AlreadyExists(f"Collection `{name}` already exists!")
        return record
    try:
        await node.meta.change_collection(name, commit)
    except AlreadyExists:
        await delete_shard_streams(node.js, record.uuid, [s.id for s in record.shards])
        raise
    await node.meta.wait_seen(lambda: _has(node, name, record.uuid), SEEN_TIMEOUT_S)
    await node.reconcile()


def _has(node: ClusterNode, name: str, uuid_hex: str) -> bool:
    current = node.meta.collections.get(name)
    return current is not None and current.uuid == uuid_hex


async def delete_collection(node: ClusterNode, name: str) -> bool:
    """Delete by the collection's own name (as Qdrant: an alias name deletes nothing)."""
    removed: list[CollectionRecord] = []

    def drop(current: CollectionRecord | None) -> None:
        if current is not None:
            removed.append(current)
    await node.meta.change_collection(name, drop)
    if not removed:
        return False
    record = removed[-1]
    if any(target == name for target in node.meta.aliases.values()):
        await node.meta.change_aliases(lambda aliases: {a: c for a, c in aliases.items() if c != name})
    await node.meta.wait_seen(lambda: not _has(node, name, record.uuid), SEEN_TIMEOUT_S)
    await node.reconcile()
    await delete_shard_streams(node.js, record.uuid, [s.id for s in record.shards])
    return True


async def update_config(node: ClusterNode, name: str, change: Callable[[CollectionConfig], CollectionConfig]) -> None:
    real = node.resolve(name)

    def apply(current: CollectionRecord | None) -> CollectionRecord:
        if current is None:
            raise missing_collection(name)
        config = change(current.config)
        check_supported(config)
        return current.bumped(config=config)
    committed = await node.meta.change_collection(real, apply)
    version = committed.version if committed is not None else 0
    await node.meta.wait_seen(lambda: real in node.meta.collections
                              and node.meta.collections[real].version >= version, SEEN_TIMEOUT_S)
    await node.reconcile()


async def update_aliases(node: ClusterNode, actions: list[AliasOperation]) -> None:
    """All actions of one request commit together or not at all (one record, one CAS)."""
    def apply(aliases: dict[str, str]) -> dict[str, str]:
        result = dict(aliases)
        for action in actions:
            match action:
                case CreateAlias(collection_name=target, alias_name=alias):
                    if target not in node.meta.collections:
                        raise missing_collection(target)
                    if alias in node.meta.collections:
                        raise AlreadyExists(f"Collection `{alias}` already exists!")
                    result[alias] = target
                case DeleteAlias(alias_name=alias):
                    if alias not in result:
                        raise missing_alias(alias)
                    del result[alias]
                case RenameAlias(old_alias_name=old, new_alias_name=new):
                    if old not in result:
                        raise missing_alias(old)
                    if new in node.meta.collections:
                        raise BadInput(f"Collection `{new}` already exists!")
                    result[new] = result.pop(old)
        return result
    committed = await node.meta.change_aliases(apply)
    await node.meta.wait_seen(lambda: node.meta.aliases == committed, SEEN_TIMEOUT_S)


def missing_alias(alias: str) -> NotFound:
    return NotFound(f"Alias {alias} does not exists!")  # Qdrant's wording
