"""This node's peer id: a random u63 made once and kept in the storage directory.

A standalone Qdrant makes up its peer id on first start and keeps it (in `raft_state.json`), so
`GET /collections/{name}/cluster` and telemetry name the same peer across restarts; Quiver keeps
it in `<storage>/peer.json`. Without a storage path (in-memory engine) the id lives for the process.
"""

from __future__ import annotations

import json
import random
import threading
from pathlib import Path

from storage.atomic import atomic_write_bytes

_lock = threading.Lock()
_ids: dict[Path | None, int] = {}


def this_peer_id(root: Path | None) -> int:
    """The peer id of the node whose storage is `root` (created and persisted on first use)."""
    with _lock:
        known = _ids.get(root)
        if known is not None:
            return known
        peer_id = _load(root)
        if peer_id is None:
            peer_id = random.getrandbits(63) or 1
            if root is not None:
                root.mkdir(parents=True, exist_ok=True)
                atomic_write_bytes(root / "peer.json", json.dumps({"peer_id": peer_id}).encode())
        _ids[root] = peer_id
        return peer_id


def _load(root: Path | None) -> int | None:
    if root is None:
        return None
    try:
        stored = json.loads((root / "peer.json").read_bytes())
    except (OSError, ValueError):
        return None  # missing or unreadable: a new id (as a fresh Qdrant storage)
    value = stored.get("peer_id") if isinstance(stored, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
