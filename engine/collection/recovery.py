"""Bringing a collection back after a restart or a crash: config, the newest manifest, then the WAL.

Replay is idempotent: every point carries the number of the operation that last wrote it, and an
operation older than that is skipped, so records already covered by the manifest change nothing.
"""

from __future__ import annotations

import logging
from pathlib import Path

from engine.collection import Collection
from engine.persistence.collection_store import CollectionStore, load_config, save_config
from storage.wal import FsyncPolicy

log = logging.getLogger("quiver.recovery")


def recover_collection(directory: Path, fsync: FsyncPolicy) -> Collection:
    config = load_config(directory)
    collection = Collection(directory.name, config)
    store = CollectionStore(directory, config, fsync)
    try:
        loaded = store.load(config)
        if loaded is not None:
            op_num, segments, schema = loaded
            shard = collection.shard
            shard.payload_schema = schema
            if not segments or segments[-1].sealed:
                segments.append(shard.new_segment())
            shard.holder.replace(segments)
            collection.replay_from(op_num)
        replayed = 0
        for seq, op in store.replay(collection.persisted_op):
            collection.replay(seq, op)
            replayed += 1
        if collection.config != config:  # a vector space created or deleted by a replayed operation
            save_config(directory, collection.config)
    except BaseException:
        store.close()
        raise
    collection.store = store
    log.info("wal replayed", extra={"collection": directory.name, "operations": replayed,
                                    "from_op": collection.persisted_op})
    return collection
