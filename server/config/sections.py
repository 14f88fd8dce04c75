"""The sections of Qdrant 1.19's `config/config.yaml` as typed models, with Qdrant's defaults.

Every key Qdrant's `Settings` deserialises is declared here, so a typo is an error instead of a
silently ignored key (Qdrant itself ignores unknown keys; Quiver refuses them). Which of these keys
Quiver acts on is listed in `server/config/support.py`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import NoDecode

LogFormat = Literal["text", "json"]
Memory = Literal["cold", "cached", "pinned"]


class Section(BaseModel):
    """Unknown keys are refused; values are checked as Qdrant's serde types would be."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


# ---------------------------------------------------------------- logger


class OnDiskLogConfig(Section):
    enabled: bool | None = None
    log_file: str | None = None
    log_level: str | None = None
    format: LogFormat | None = None
    span_events: list[Literal["new", "enter", "exit", "close"]] | None = None
    buffer_size_bytes: int | None = Field(default=None, ge=0)


class LoggerConfig(Section):
    log_level: str | None = None
    span_events: list[Literal["new", "enter", "exit", "close"]] | None = None
    format: LogFormat | None = None
    color: bool | Literal["auto"] | None = None
    on_disk: OnDiskLogConfig = OnDiskLogConfig()


# ---------------------------------------------------------------- service


class ServiceConfig(Section):
    host: str = Field(default="127.0.0.1", min_length=1)
    """Qdrant's image binds 0.0.0.0; a laptop run of Quiver binds loopback unless told otherwise."""
    http_port: int = Field(default=6333, ge=0, le=65535)
    grpc_port: int | None = Field(default=6334, ge=0, le=65535)
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    max_request_size_mb: int = Field(default=32, ge=0)
    max_workers: int | None = Field(default=0, ge=0)
    http_keep_alive_timeout_sec: int = Field(default=5, ge=1)
    http_header_timeout_sec: int = Field(default=10, ge=1)
    """Quiver's own: the longest a REST client may take to send a request's headers."""
    max_connections: int | None = Field(default=None, ge=1)
    """Quiver's own: open REST connections at most (default: the descriptor limit minus 256)."""
    http_client_request_timeout_sec: int = Field(default=5, ge=1)
    http_client_disconnect_timeout_sec: int = Field(default=5, ge=1)
    enable_cors: bool = True
    enable_tls: bool = False
    verify_https_client_certificate: bool = False
    api_key: str | None = None
    alt_api_key: str | None = None
    read_only_api_key: str | None = None
    jwt_rbac: bool | None = None
    enforce_internal_auth: bool | None = None
    hide_jwt_dashboard: bool | None = None
    static_content_dir: str | None = None
    enable_static_content: bool | None = None
    slow_query_secs: float | None = None
    hardware_reporting: bool | None = None
    metrics_prefix: str | None = None
    enable_snapshot_url_recovery: bool = True
    snapshot_url_max_size_mb: int = Field(default=16384, ge=1)
    """Quiver's own: the largest snapshot a recovery from a URL downloads (README "Security")."""
    snapshot_url_timeout_sec: int = Field(default=3600, ge=1)
    """Quiver's own: the longest a download from a URL may take in total."""
    snapshot_url_allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    """Quiver's own: the hosts a snapshot URL may name (empty: any host, as Qdrant)."""

    @field_validator("grpc_port", "metrics_port", mode="before")
    @classmethod
    def _null_port(cls, value: Any) -> Any:
        # `QDRANT__SERVICE__GRPC_PORT=null` (or empty) disables gRPC, as `grpc_port: null` in YAML
        return None if isinstance(value, str) and value.strip().lower() in ("", "null", "none") else value

    @field_validator("snapshot_url_allowed_hosts", mode="before")
    @classmethod
    def _host_list(cls, value: Any) -> Any:
        # an environment variable gives one string: comma-separated host names
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("metrics_prefix")
    @classmethod
    def _metrics_prefix(cls, value: str | None) -> str | None:
        if value and not all(c.isascii() and (c.isalnum() or c == "_") for c in value):
            raise ValueError("Metrics prefix must be of all alphanumeric characters, with an exception for '_'")
        return value


# ---------------------------------------------------------------- storage


class S3Config(Section):
    bucket: str
    region: str | None = None
    access_key: str | None = None
    secret_key: str | None = None
    endpoint_url: str | None = None


class SnapshotsConfig(Section):
    snapshots_storage: Literal["local", "s3"] = "local"
    s3_config: S3Config | None = None


class PayloadStorageConfig(Section):
    memory: Literal["cold", "cached"] | None = None


class WalConfig(Section):
    wal_capacity_mb: int = Field(default=32, ge=1)
    wal_segments_ahead: int = Field(default=0, ge=0)
    wal_retain_closed: int = Field(default=1, ge=1)


class PerformanceConfig(Section):
    max_search_threads: int = Field(default=0, ge=0)
    """Threads for engine work (searches and updates); 0 = number of CPUs."""
    max_optimization_runtime_threads: int = Field(default=0, ge=0)
    update_rate_limit: int | None = Field(default=None, ge=0)
    search_timeout_sec: int | None = Field(default=None, ge=0)
    optimizer_cpu_budget: int = 0
    optimizer_io_budget: int = Field(default=0, ge=0)
    incoming_shard_transfers_limit: int | None = Field(default=1, ge=0)
    outgoing_shard_transfers_limit: int | None = Field(default=1, ge=0)
    async_scorer: bool | None = None
    io_uring: Literal["disabled", "auto"] | None = None
    max_concurrent_collection_loads: int | None = Field(default=None, ge=1)
    max_concurrent_shard_loads: int | None = Field(default=None, ge=1)
    max_concurrent_segment_loads: int | None = Field(default=None, ge=1)


class OptimizersConfig(Section):
    deleted_threshold: float = Field(default=0.2, ge=0.0, le=1.0)
    vacuum_min_vector_number: int = Field(default=1000, ge=100)
    default_segment_number: int = Field(default=0, ge=0)
    max_segment_size_kb: int | None = Field(default=None, ge=1, alias="max_segment_size")
    memmap_threshold_kb: int | None = Field(default=None, ge=0, alias="memmap_threshold")
    indexing_threshold_kb: int | None = Field(default=10000, ge=0, alias="indexing_threshold")
    flush_interval_sec: int = Field(default=5, ge=0)
    max_optimization_threads: int | None = Field(default=None, ge=0)
    prevent_unoptimized: bool | None = None

    model_config = ConfigDict(extra="forbid", validate_default=True, populate_by_name=True)


class OptimizersOverwrite(OptimizersConfig):
    """`optimizers_overwrite`: the same keys, every one optional."""

    deleted_threshold: float | None = Field(default=None, ge=0.0, le=1.0)  # type: ignore[assignment]
    vacuum_min_vector_number: int | None = Field(default=None, ge=100)  # type: ignore[assignment]
    default_segment_number: int | None = Field(default=None, ge=0)  # type: ignore[assignment]
    indexing_threshold_kb: int | None = Field(default=None, ge=0, alias="indexing_threshold")
    flush_interval_sec: int | None = Field(default=None, ge=0)  # type: ignore[assignment]


class HnswIndexConfig(Section):
    m: int = Field(default=16, ge=0)
    ef_construct: int = Field(default=100, ge=4)
    full_scan_threshold_kb: int = Field(default=10000, ge=0, alias="full_scan_threshold")
    max_indexing_threads: int = Field(default=0, ge=0)
    on_disk: bool | None = False
    memory: Memory | None = None
    payload_m: int | None = Field(default=None, ge=0)
    inline_storage: bool | None = None

    model_config = ConfigDict(extra="forbid", validate_default=True, populate_by_name=True)


class HnswGlobalConfig(Section):
    healing_threshold: float = Field(default=0.3, ge=0.0, le=1.0)


class VectorsDefaults(Section):
    on_disk: bool | None = None
    memory: Literal["cold", "cached"] | None = None


class StrictModeDefaults(Section):
    enabled: bool | None = None
    max_query_limit: int | None = Field(default=None, ge=1)
    max_timeout: int | None = Field(default=None, ge=1)
    unindexed_filtering_retrieve: bool | None = None
    unindexed_filtering_update: bool | None = None
    search_max_hnsw_ef: int | None = Field(default=None, ge=0)
    search_allow_exact: bool | None = None
    search_max_oversampling: float | None = None
    upsert_max_batchsize: int | None = Field(default=None, ge=0)
    search_max_batchsize: int | None = Field(default=None, ge=0)
    max_collection_vector_size_bytes: int | None = Field(default=None, ge=0)
    read_rate_limit: int | None = Field(default=None, ge=1)
    write_rate_limit: int | None = Field(default=None, ge=1)
    max_collection_payload_size_bytes: int | None = Field(default=None, ge=0)
    max_points_count: int | None = Field(default=None, ge=0)
    filter_max_conditions: int | None = Field(default=None, ge=0)
    condition_max_size: int | None = Field(default=None, ge=0)
    multivector_config: dict[str, Any] | None = None
    sparse_config: dict[str, Any] | None = None
    max_payload_index_count: int | None = Field(default=None, ge=0)
    max_resident_memory_percent: int | None = Field(default=None, ge=1, le=100)


class CollectionDefaults(Section):
    vectors: VectorsDefaults | None = None
    quantization: dict[str, Any] | None = None
    """A quantization config in the collection API's shape (scalar / product / binary)."""
    shard_number: int | None = Field(default=None, ge=1)
    shard_number_per_node: int | None = Field(default=None, ge=1)
    replication_factor: int | None = Field(default=1, ge=1)
    write_consistency_factor: int | None = Field(default=1, ge=1)
    strict_mode: StrictModeDefaults | None = None


class QuotaConfig(Section):
    enabled: bool = False
    max_resident_memory_percent: int | None = Field(default=None, ge=1, le=100)
    max_disk_usage_percent: int | None = Field(default=None, ge=1, le=100)
    release_margin_percent: int | None = Field(default=None, ge=0, le=100)


WalFsync = Literal["always", "interval", "never"]


class StorageConfig(Section):
    storage_path: str = Field(default="./data/storage", min_length=1)
    snapshots_path: str = Field(default="./data/snapshots", min_length=1)
    snapshots_config: SnapshotsConfig = SnapshotsConfig()
    temp_path: str | None = Field(default=None, min_length=1)
    on_disk_payload: bool = True
    payload: PayloadStorageConfig | None = None
    optimizers: OptimizersConfig = OptimizersConfig()
    optimizers_overwrite: OptimizersOverwrite | None = None
    wal: WalConfig = WalConfig()
    performance: PerformanceConfig = PerformanceConfig()
    hnsw_index: HnswIndexConfig = HnswIndexConfig()
    hnsw_global_config: HnswGlobalConfig = HnswGlobalConfig()
    mmap_advice: Literal["normal", "random", "sequential"] = "random"
    low_memory_mode: Literal["disabled", "no_resident", "no_populate"] = "disabled"
    node_type: Literal["Normal", "Listener"] = "Normal"
    update_queue_size: int | None = Field(default=None, ge=1)
    handle_collection_load_errors: bool = False
    recovery_mode: str | None = None
    update_concurrency: int | None = Field(default=None, ge=1)
    shard_transfer_method: Literal["stream_records", "snapshot", "wal_delta", "resharding_stream_records"] | None = None
    collection: CollectionDefaults | None = None
    max_collections: int | None = Field(default=None, ge=0)
    quotas: QuotaConfig | None = None
    wal_fsync: WalFsync = "always"
    """Quiver's own: when WAL appends reach the disk (README "Durability")."""


# ---------------------------------------------------------------- cluster, tls, the rest


class P2pConfig(Section):
    port: int | None = Field(default=6335, ge=0, le=65535)
    connection_pool_size: int = Field(default=2, ge=1)
    enable_tls: bool = False


class ConsensusConfig(Section):
    max_message_queue_size: int = Field(default=100, ge=0)
    tick_period_ms: int = Field(default=100, ge=1)
    bootstrap_timeout_sec: int = Field(default=15, ge=1)
    message_timeout_ticks: int = Field(default=10, ge=1)
    compact_wal_entries: int = Field(default=128, ge=0)


class NatsConfig(Section):
    """Quiver's own: the NATS JetStream servers cluster mode keeps its log and metadata in."""

    servers: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["nats://127.0.0.1:4222"], min_length=1)
    stream_replicas: int = Field(default=3, ge=1, le=5)
    """JetStream replicas of every shard stream and KV bucket (capped at the JetStream cluster's size)."""
    connect_timeout_sec: float = Field(default=5.0, gt=0)
    trim_interval_sec: float = Field(default=60.0, ge=0)
    """How often shard streams are trimmed behind their live replicas; 0: never."""
    trim_margin: int = Field(default=10000, ge=0)
    """Messages kept behind the oldest sequence every live replica of a shard applied."""

    @field_validator("servers", mode="before")
    @classmethod
    def _server_list(cls, value: Any) -> Any:
        # an environment variable gives one string: comma-separated URLs
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


class ClusterConfig(Section):
    enabled: bool = False
    peer_id: int | None = Field(default=None, ge=1, le=(1 << 53) - 1)
    grpc_timeout_ms: int = Field(default=60000, ge=1)
    connection_timeout_ms: int = Field(default=2000, ge=1)
    p2p: P2pConfig = P2pConfig()
    consensus: ConsensusConfig = ConsensusConfig()
    resharding_enabled: bool = False
    nats: NatsConfig = NatsConfig()


class TlsConfig(Section):
    cert: str = "./tls/cert.pem"
    key: str = "./tls/key.pem"
    ca_cert: str | None = "./tls/cacert.pem"
    cert_ttl: int | None = Field(default=3600, ge=1)


class AuditConfig(Section):
    enabled: bool = False
    dir: str = "./storage/audit"
    rotation: Literal["daily", "hourly", "minutely", "never"] = "daily"
    max_log_files: int = Field(default=7, ge=0)
    trust_forwarded_headers: bool = False
    log_api: bool = True
