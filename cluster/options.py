"""The cluster's settings as the cluster package sees them (server/config maps `cluster.*` here)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True, frozen=True)
class ClusterOptions:
    servers: list[str] = field(default_factory=lambda: ["nats://127.0.0.1:4222"])
    """`cluster.nats.servers`: the NATS servers to connect to (any of them; nats-py fails over)."""
    stream_replicas: int = 3
    """`cluster.nats.stream_replicas`: JetStream replicas of each stream and KV bucket, capped at
    what the JetStream cluster accepts."""
    connect_timeout_s: float = 5.0
    """`cluster.nats.connect_timeout_sec`: the first connection's timeout; the start fails after it."""
    peer_id: int | None = None
    """`cluster.peer_id`; None: the id persisted in the storage directory (engine/peer.py)."""
    trim_interval_s: float = 60.0
    """`cluster.nats.trim_interval_sec`: how often the shard streams are trimmed behind their
    replicas (cluster/trim.py); 0: never (every stream keeps its whole log)."""
    trim_margin: int = 10000
    """`cluster.nats.trim_margin`: messages kept behind the oldest sequence every live replica of a
    shard has applied, so a replica a little behind (a node restarting) resumes from the stream
    instead of needing a snapshot."""
    transfer_method: str | None = None
    """`storage.shard_transfer_method`: the method of a transfer that names none; None: `snapshot`
    when the shard's stream holds messages, else `stream_records`."""
    rest_url: str = ""
    grpc_url: str = ""
