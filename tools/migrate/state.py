"""The checkpoint file of a migration: per collection, the scroll offset after the last batch the
target acknowledged (`wait=true`), so a resumed run re-sends at most one batch, which is an upsert
of the same ids and so neither duplicates nor loses a point."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PointId = int | str


@dataclass(slots=True)
class CollectionState:
    created: bool = False  # target collection, payload indexes created
    offset: PointId | None = None  # next scroll offset to read from the source
    copied: int = 0  # points acknowledged by the target so far
    done: bool = False  # every point copied


@dataclass(slots=True)
class MigrationState:
    source: str
    target: str
    collections: dict[str, CollectionState] = field(default_factory=dict)

    def collection(self, name: str) -> CollectionState:
        return self.collections.setdefault(name, CollectionState())


def load_state(path: Path, source: str, target: str) -> MigrationState:
    """The saved state for this source/target pair, or a fresh one; a file for another pair is refused."""
    if not path.exists():
        return MigrationState(source=source, target=target)
    data: dict[str, Any] = json.loads(path.read_text())
    if data.get("source") != source or data.get("target") != target:
        raise ValueError(f"state file {path} belongs to {data.get('source')} -> {data.get('target')}; "
                         "use another --state file for this migration")
    collections = {name: CollectionState(**entry) for name, entry in data.get("collections", {}).items()}
    return MigrationState(source=source, target=target, collections=collections)


def save_state(path: Path, state: MigrationState) -> None:
    """Write atomically (temp file, fsync, rename): a crash leaves the previous checkpoint intact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(asdict(state), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
