"""GET /collections/{name} in cluster mode: the config from the metadata, the counts summed over
one replica per shard (asked through the fan-out, cluster/reads.py `collection_info`)."""

from __future__ import annotations

from engine.collection import CollectionInfo

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
