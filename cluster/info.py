"""GET /collections/{name} in cluster mode: the config from the metadata, the counts summed over
one replica per shard. Shards without a local replica need the rpc fan-out (cluster/reads.py);
until a shard can be reached the answer is a clear error, not a partial count."""

from __future__ import annotations

from dataclasses import replace

from cluster.node import ClusterNode
from engine.collection import CollectionInfo
from engine.errors import BadRequest

_WORST = {"green": 0, "grey": 1, "yellow": 2, "red": 3}


def merge_infos(config_source: CollectionInfo, parts: list[CollectionInfo]) -> CollectionInfo:
    """One collection's info from its shards' infos (counts summed, the worst status, the payload
    schema's point counts summed per key)."""
    schema: dict = {}  # type: ignore[type-arg]
    for part in parts:
        for key, (s, count) in part.payload_schema.items():
            schema[key] = (s, schema.get(key, (s, 0))[1] + count)
    status = max((p.status for p in parts), key=lambda s: _WORST.get(s, 0), default="green")
    optimizer = next((p.optimizer_status for p in parts if p.optimizer_status != "ok"), "ok")
    return CollectionInfo(status=status, optimizer_status=optimizer,
                          points_count=sum(p.points_count for p in parts),
                          indexed_vectors_count=sum(p.indexed_vectors_count for p in parts),
                          segments_count=sum(p.segments_count for p in parts),
                          config=config_source.config, payload_schema=schema)


async def collection_info(node: ClusterNode, name: str) -> CollectionInfo:
    record = node.record(name)
    parts: list[CollectionInfo] = []
    for shard in record.shards:
        local = node.local_replica(record.name, shard.id)
        if local is None:
            raise BadRequest("Collection info over shards held by other peers is not supported in cluster mode yet")
        parts.append(await node.run(local.info))
    empty = CollectionInfo(status="green", optimizer_status="ok", points_count=0, indexed_vectors_count=0,
                           segments_count=0, config=record.config)
    merged = merge_infos(empty, parts)
    return replace(merged, config=record.config)
