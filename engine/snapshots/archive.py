"""Writing snapshot archives.

A collection snapshot is a tar of a *staged copy* of the collection directory, never of the live
directory: the flush worker may rotate `snapshots/<op>/` and truncate the WAL, and writers append to
the WAL, while a large archive is being written. Staging takes a consistent cut quickly:

1. `Collection.flush()` so the archive holds a fresh manifest and a short WAL;
2. under the collection's flush lock (no commit, no truncation) the base files of every segment the
   manifest lists are hard-linked into the staging directory (written once, never modified, so a
   link is a frozen copy), each delta log is copied up to its committed length, and, under the
   collection lock (no append in flight), the WAL segment sizes are recorded; the WAL files are then
   copied up to those sizes, which are record boundaries.

The archive is written under a hidden temporary name in the snapshots directory, its sha256 goes to
the `.checksum` file, and only then is it renamed to its final name: a listed snapshot is complete
and has its checksum.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
from pathlib import Path

from engine.collection import Collection
from engine.errors import BadRequest
from engine.persistence.collection_store import MANIFEST, SEGMENTS
from engine.persistence.segment_files import DELTAS_FILE
from engine.snapshots.names import SnapshotDescription, checksum_path, describe
from engine.snapshots.progress import ProgressLog
from storage.atomic import atomic_write_bytes, fsync_dir, read_bytes
from storage.tar import create_tar, sha256_file

log = logging.getLogger("quiver.snapshots")


def _link_or_copy(src: Path, dest: Path) -> None:
    try:
        os.link(src, dest)
    except OSError:  # another filesystem or no hard links: a real copy is as good, only slower
        shutil.copy2(src, dest)


def _copy_prefix(src: Path, dest: Path, size: int) -> None:
    with open(src, "rb") as fin, open(dest, "wb") as fout:
        remaining = size
        while remaining > 0:
            chunk = fin.read(min(remaining, 1 << 20))
            if not chunk:
                break
            fout.write(chunk)
            remaining -= len(chunk)


def stage_collection(collection: Collection, staging: Path) -> None:
    """Fill `staging` (absent or empty) with a consistent copy of the collection's directory."""
    collection.flush()
    store = collection.store
    if store is None:
        raise BadRequest("Snapshots need a collection stored on disk")
    staging.mkdir(parents=True, exist_ok=True)
    # Private lock on purpose: it is the one that keeps the manifest, the delta logs and the WAL
    # head stable (no commit, no truncation, no removal of replaced segments meanwhile).
    with collection.flush_lock:
        with collection.append_lock:  # writers append under it: the sizes below are record boundaries
            wal_dir = store.dir / "wal"
            wal_sizes = {p.name: p.stat().st_size for p in wal_dir.iterdir()
                         if p.is_file() and not p.name.startswith(".")}
            config = read_bytes(store.dir / "config.json")
            manifest_file = store.dir / MANIFEST
            manifest = read_bytes(manifest_file) if manifest_file.exists() else None
        if manifest is not None:
            for name, committed in store.listed():
                source = store.dir / SEGMENTS / name
                target = staging / SEGMENTS / name
                target.mkdir(parents=True)
                for item in source.iterdir():  # base files are never modified: a link is a frozen copy
                    if item.name != DELTAS_FILE:
                        _link_or_copy(item, target / item.name)
                if committed:  # the delta log grows: copy its committed prefix
                    _copy_prefix(source / DELTAS_FILE, target / DELTAS_FILE, committed)
            (staging / MANIFEST).write_bytes(manifest)
        (staging / "wal").mkdir()
        for name, size in wal_sizes.items():
            _copy_prefix(wal_dir / name, staging / "wal" / name, size)
    (staging / "config.json").write_bytes(config)


def publish_archive(src_dir: Path, directory: Path, name: str, what: str) -> SnapshotDescription:
    """Tar `src_dir` into `directory/name` with its checksum file; the name appears only when complete."""
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / name
    partial = directory / f".{name}.partial-{secrets.token_hex(4)}"  # hidden: never listed
    progress = ProgressLog(what, name)
    try:
        total = create_tar(src_dir, partial, progress)
        checksum = sha256_file(partial)
        atomic_write_bytes(checksum_path(final), checksum.encode())
        os.replace(partial, final)
        fsync_dir(directory)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise
    progress.finished(bytes=total, checksum=checksum)
    return describe(final)


def archive_collection(collection: Collection, directory: Path, name: str, tmp_root: Path) -> SnapshotDescription:
    staging = tmp_root / f"snapshot-{secrets.token_hex(8)}"
    try:
        stage_collection(collection, staging)
        return publish_archive(staging, directory, name, "collection snapshot")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
