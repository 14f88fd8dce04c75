"""Start-up recovery from snapshots, as Qdrant's `--storage-snapshot`, `--snapshot PATH:NAME` and
`--force-snapshot` flags: applied before the server starts answering."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from engine.snapshots.full import restore_full_snapshot
from engine.snapshots.recover import recover_from_archive
from engine.toc import TableOfContents

log = logging.getLogger("quiver.startup")


@dataclass(slots=True)
class StartupSnapshots:
    storage_snapshot: str | None = None
    collection_snapshots: list[tuple[str, str]] = field(default_factory=list)
    """(archive path, collection name) pairs."""
    force: bool = False


def parse_collection_snapshot(text: str) -> tuple[str, str]:
    path, sep, name = text.rpartition(":")
    if not sep or not path or not name:
        raise SystemExit(f"--snapshot expects PATH:COLLECTION, got {text!r}")
    return path, name


def restore_storage(snapshots: StartupSnapshots, storage_path: str) -> None:
    """Before the table of contents loads: unpack a full-storage snapshot into empty storage."""
    if snapshots.storage_snapshot is None:
        return
    root = Path(storage_path)
    collections = root / "collections"
    if collections.exists() and any(collections.iterdir()) and not snapshots.force:
        log.info("storage not empty, full snapshot skipped (use --force-snapshot)",
                 extra={"snapshot": snapshots.storage_snapshot})
        return
    names = restore_full_snapshot(Path(snapshots.storage_snapshot), root)
    log.info("full snapshot restored", extra={"collections": names})


def recover_collections(snapshots: StartupSnapshots, toc: TableOfContents) -> None:
    """After loading: recover collections from their snapshots (existing ones only with force)."""
    if toc.root is None:
        return
    for path, name in snapshots.collection_snapshots:
        if toc.exists(name) and not snapshots.force:
            log.info("collection exists, snapshot skipped (use --force-snapshot)", extra={"collection": name})
            continue
        recover_from_archive(toc, name, Path(path), None, toc.root / "tmp")
