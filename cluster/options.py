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
    rest_url: str = ""
    grpc_url: str = ""
