"""Names on the NATS side: KV keys, stream names and subjects (one place, so nodes agree)."""

from __future__ import annotations

import base64

COLLECTIONS_BUCKET = "quiver-collections"
ALIASES_BUCKET = "quiver-aliases"
PEERS_BUCKET = "quiver-peers"
ALIASES_KEY = "aliases"
"""All aliases live in one record under this key, so one request's actions commit atomically."""
APPLIED_SUBJECTS = "qv.applied.>"


def name_key(name: str) -> str:
    """A KV-safe key for a collection name (KV keys allow only `[-/_=.a-zA-Z0-9]`)."""
    return base64.b32encode(name.encode()).decode().rstrip("=").lower() or "_"


def key_name(key: str) -> str:
    if key == "_":
        return ""
    padded = key.upper() + "=" * (-len(key) % 8)
    return base64.b32decode(padded).decode()


def stream_name(uuid_hex: str, shard_id: int) -> str:
    return f"QV_{uuid_hex}_{shard_id}"


def ops_subject(uuid_hex: str, shard_id: int) -> str:
    return f"qv.ops.{uuid_hex}.{shard_id}"


def applied_subject(uuid_hex: str, shard_id: int) -> str:
    return f"qv.applied.{uuid_hex}.{shard_id}"


def consumer_name(peer_id: int) -> str:
    return f"p{peer_id}"


def replica_name(uuid_hex: str, shard_id: int) -> str:
    """The local engine collection that holds this peer's replica of a shard."""
    return f"{uuid_hex}_{shard_id}"
