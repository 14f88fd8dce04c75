"""Snapshot file names: generating them as Qdrant does, checking user-given ones, describing files.

A name from a request is a single path component: no separators, no `..`, no hidden names (our own
temporary files start with a dot). Anything else is reported as not found, as Qdrant does, so a
traversal attempt learns nothing about the file system.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from engine.errors import NotFound

SUFFIX = ".snapshot"
CHECKSUM_SUFFIX = ".checksum"


@dataclass(slots=True)
class SnapshotDescription:
    name: str
    creation_time: str | None
    size: int
    checksum: str | None


def _stamp(now: float | None = None) -> str:
    return time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime(time.time() if now is None else now))


def collection_snapshot_name(collection: str, now: float | None = None) -> str:
    """`{collection}-{id}-{YYYY-MM-DD-HH-MM-SS}.snapshot`; Qdrant puts its peer id in the middle, we
    use a random 16-digit number so that two snapshots taken in the same second never collide."""
    ident = 10**15 + secrets.randbelow(9 * 10**15)
    return f"{collection}-{ident}-{_stamp(now)}{SUFFIX}"


def full_snapshot_name(now: float | None = None) -> str:
    ident = 10**15 + secrets.randbelow(9 * 10**15)
    return f"full-snapshot-{ident}-{_stamp(now)}{SUFFIX}"


def is_safe_name(name: str) -> bool:
    return (
        bool(name)
        and len(name) <= 255
        and not name.startswith(".")
        and "/" not in name
        and "\\" not in name
        and "\x00" not in name
        and name not in (".", "..")
    )


def snapshot_missing(name: str) -> NotFound:
    return NotFound(f"Snapshot {name} not found")


def resolve(directory: Path, name: str) -> Path:
    """The file of snapshot `name` in `directory`; NotFound if the name is unsafe or absent."""
    if not is_safe_name(name):
        raise snapshot_missing(name)
    path = directory / name
    if not path.is_file() or path.is_symlink():
        raise snapshot_missing(name)
    return path


def checksum_path(snapshot: Path) -> Path:
    return snapshot.with_name(snapshot.name + CHECKSUM_SUFFIX)


def describe(path: Path) -> SnapshotDescription:
    stat = path.stat()
    sidecar = checksum_path(path)
    checksum = sidecar.read_text().strip() if sidecar.is_file() else None
    created = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(stat.st_mtime))
    return SnapshotDescription(name=path.name, creation_time=created, size=stat.st_size, checksum=checksum)


def list_snapshots(directory: Path) -> list[SnapshotDescription]:
    """Every finished snapshot in `directory`, oldest first (temporary and checksum files hidden)."""
    if not directory.is_dir():
        return []
    found = [
        p for p in directory.iterdir()
        if p.name.endswith(SUFFIX) and is_safe_name(p.name) and p.is_file() and not p.is_symlink()
    ]
    described = []
    for path in found:
        try:
            described.append(describe(path))
        except FileNotFoundError:  # deleted while listing
            continue
    return sorted(described, key=lambda d: (d.creation_time or "", d.name))
