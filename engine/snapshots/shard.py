"""Shard snapshots of a standalone node: every collection is one local shard, shard 0.

Qdrant keeps a shard's snapshots in `snapshots/<collection>/shards/<shard_id>/`; so does Quiver.
A shard snapshot here holds what the collection snapshot holds (the single shard *is* the
collection's data, with its config so that the archive can be checked on recovery). Recovering one
replaces the shard's data of an *existing* collection — points, payload indexes, WAL — and keeps the
collection's config, aliases and snapshots, as Qdrant (engine/snapshots/recover.py): a shard
snapshot never creates a collection. Any shard id but 0 is Qdrant's `Not found: shard N`.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from engine.errors import NotFound
from engine.snapshots import counters, names
from engine.snapshots.archive import archive_collection
from engine.snapshots.locations import LocalSnapshot
from engine.snapshots.manager import SnapshotManager
from engine.snapshots.names import SnapshotDescription

LOCAL_SHARD = 0


def check_shard(manager: SnapshotManager, collection: str, shard_id: int) -> str:
    """The collection's real name once it and the shard exist (a missing collection is a 404 first)."""
    name = manager.toc.resolve(collection)
    manager.toc.get(name)
    if shard_id != LOCAL_SHARD:
        raise NotFound(f"shard {shard_id}")
    return name


def shard_dir(manager: SnapshotManager, collection: str, shard_id: int) -> Path:
    return manager.root / check_shard(manager, collection, shard_id) / "shards" / str(shard_id)


def create(manager: SnapshotManager, collection: str, shard_id: int) -> SnapshotDescription:
    name = check_shard(manager, collection, shard_id)
    snapshot = names.collection_snapshot_name(f"{name}-shard-{shard_id}")
    with counters.creating(name):
        return archive_collection(manager.toc.get(name), shard_dir(manager, name, shard_id), snapshot,
                                  manager.tmp)


def list_snapshots(manager: SnapshotManager, collection: str, shard_id: int) -> list[SnapshotDescription]:
    return names.list_snapshots(shard_dir(manager, collection, shard_id))


def path(manager: SnapshotManager, collection: str, shard_id: int, snapshot: str) -> Path:
    return names.resolve(shard_dir(manager, collection, shard_id), snapshot)


def delete(manager: SnapshotManager, collection: str, shard_id: int, snapshot: str) -> bool:
    target = path(manager, collection, shard_id, snapshot)
    target.unlink()
    names.checksum_path(target).unlink(missing_ok=True)
    return True


def stream(manager: SnapshotManager, collection: str, shard_id: int) -> tuple[Path, Path]:
    """A fresh snapshot written under the temp directory for one download: (file, its directory,
    which the caller removes once the file is sent)."""
    name = check_shard(manager, collection, shard_id)
    directory = manager.tmp / f"stream-{secrets.token_hex(8)}"
    try:
        with counters.creating(name):
            desc = archive_collection(manager.toc.get(name), directory,
                                      names.collection_snapshot_name(f"{name}-shard-{shard_id}"), manager.tmp)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return directory / desc.name, directory


def recover(manager: SnapshotManager, collection: str, shard_id: int, location: str,
            checksum: str | None = None, api_key: str | None = None) -> bool:
    name = check_shard(manager, collection, shard_id)
    return manager.recover(name, location, checksum, api_key, keep_config=True)


def recover_saved(manager: SnapshotManager, collection: str, shard_id: int, saved: LocalSnapshot,
                  checksum: str | None = None) -> bool:
    try:
        name = check_shard(manager, collection, shard_id)
    except BaseException:
        saved.discard()
        raise
    return manager.recover_saved(name, saved, checksum, keep_config=True)
