"""Which configuration keys Quiver acts on. Every other key that a source sets is parsed and
validated, then named once at start as ignored, so no setting is silently dropped.

A key is implemented when it, or a section above it, is listed in IMPLEMENTED. Whoever wires a
key moves it here from PENDING."""

from __future__ import annotations

IMPLEMENTED: frozenset[str] = frozenset({
    "log_level",
    "logger.log_level",
    "logger.format",
    "service.host",
    "service.api_key",
    "service.alt_api_key",
    "service.read_only_api_key",
    "service.jwt_rbac",
    "service.http_port",
    "service.grpc_port",
    "service.max_request_size_mb",
    "service.metrics_prefix",
    "service.slow_query_secs",
    "service.enable_tls",
    "service.enable_cors",
    "service.verify_https_client_certificate",
    "service.http_keep_alive_timeout_sec",
    "service.http_header_timeout_sec",
    "service.max_connections",
    "service.enable_snapshot_url_recovery",
    "service.snapshot_url_max_size_mb",
    "service.snapshot_url_timeout_sec",
    "service.snapshot_url_allowed_hosts",
    "tls.cert",
    "tls.key",
    "tls.ca_cert",
    "storage.storage_path",
    "storage.snapshots_path",
    "storage.wal_fsync",
    "storage.shard_transfer_method",
    "storage.performance.max_search_threads",
    "cluster.enabled",
    "cluster.peer_id",
    "cluster.nats",
})

PENDING: frozenset[str] = frozenset()
"""Parsed and validated, wired by a later change: reported as "not implemented yet"."""


def _covered(key: str, keys: frozenset[str]) -> bool:
    parts = key.split(".")
    return any(".".join(parts[:depth]) in keys for depth in range(1, len(parts) + 1))


def unimplemented(given: list[str]) -> tuple[list[str], list[str]]:
    """(keys Quiver ignores, keys not implemented yet) among the keys the sources set."""
    ignored = [k for k in given if not _covered(k, IMPLEMENTED) and not _covered(k, PENDING)]
    pending = [k for k in given if not _covered(k, IMPLEMENTED) and _covered(k, PENDING)]
    return ignored, pending
