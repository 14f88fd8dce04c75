"""The snapshot facade the service calls: paths, collection checks, and one recovery at a time.

Temporary work (staging, extraction, downloads, uploads) happens under `<storage>/tmp/`, on the
storage's filesystem so that hard links and the final rename work; it is emptied when the manager
starts, which clears what a crash left behind.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import threading
from pathlib import Path
from typing import IO

from engine.collection import Collection
from engine.errors import BadRequest
from engine.snapshots import counters, full, locations, names
from engine.snapshots.archive import archive_collection
from engine.snapshots.names import SnapshotDescription
from engine.snapshots.recover import recover_from_archive
from engine.toc import TableOfContents, check_collection_name

log = logging.getLogger("quiver.snapshots")
PRIORITIES = ("no_sync", "snapshot", "replica")
"""Qdrant's SnapshotPriority. With a single replica the snapshot is always the source of truth."""


class SnapshotManager:
    def __init__(self, toc: TableOfContents, snapshots_path: str | Path,
                 downloads: locations.DownloadPolicy = locations.DownloadPolicy()) -> None:
        self.toc = toc
        self.root = Path(snapshots_path)
        self.downloads = downloads
        self._recover_lock = threading.Lock()
        """One recovery at a time: each may replace a collection, and they are rare and heavy."""
        if toc.root is not None:
            shutil.rmtree(toc.root / "tmp", ignore_errors=True)

    @property
    def tmp(self) -> Path:
        if self.toc.root is None:
            raise BadRequest("Snapshots need a storage path")
        path = self.toc.root / "tmp"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def collection_dir(self, collection: str) -> Path:
        """The snapshots directory of an existing collection (aliases resolve to their target)."""
        return self.root / self.toc.resolve(collection)

    # ---- collection snapshots ---------------------------------------------------------------
    def create(self, collection: str) -> SnapshotDescription:
        name = self.toc.resolve(collection)
        target: Collection = self.toc.get(name)
        with counters.creating(name):
            return archive_collection(target, self.root / name, names.collection_snapshot_name(name), self.tmp)

    def list_snapshots(self, collection: str) -> list[SnapshotDescription]:
        return names.list_snapshots(self.collection_dir(collection))

    def path(self, collection: str, snapshot: str) -> Path:
        return names.resolve(self.collection_dir(collection), snapshot)

    def delete(self, collection: str, snapshot: str) -> bool:
        return _delete(self.path(collection, snapshot))

    def recover(self, collection: str, location: str, checksum: str | None = None,
                api_key: str | None = None, keep_config: bool = False) -> bool:
        """`keep_config`: a shard snapshot (its data replaces the collection's; the config stays)."""
        check_collection_name(collection)
        source = locations.fetch(location, self.root, self.tmp, api_key, self.downloads)
        try:
            with self._recover_lock, counters.recovering(collection):
                recover_from_archive(self.toc, collection, source.path, checksum, self.tmp, keep_config)
        finally:
            source.discard()
        return True

    def save_upload(self, upload: IO[bytes]) -> locations.LocalSnapshot:
        return locations.save_upload(upload, self.tmp)

    def recover_saved(self, collection: str, saved: locations.LocalSnapshot, checksum: str | None = None,
                      keep_config: bool = False) -> bool:
        try:
            check_collection_name(collection)
            with self._recover_lock, counters.recovering(collection):
                recover_from_archive(self.toc, collection, saved.path, checksum, self.tmp, keep_config)
        finally:
            saved.discard()
        return True

    # ---- full snapshots ---------------------------------------------------------------------
    def create_full(self) -> SnapshotDescription:
        return full.create_full_snapshot(self.toc, self.root, self.tmp)

    def list_full(self) -> list[SnapshotDescription]:
        return names.list_snapshots(self.root)

    def full_path(self, snapshot: str) -> Path:
        return names.resolve(self.root, snapshot)

    def delete_full(self, snapshot: str) -> bool:
        return _delete(self.full_path(snapshot))


def _delete(path: Path) -> bool:
    path.unlink()
    with contextlib.suppress(FileNotFoundError):
        names.checksum_path(path).unlink()
    log.info("snapshot deleted", extra={"snapshot": path.name})
    return True
