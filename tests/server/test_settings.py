"""Configuration: Qdrant's layout and precedence, one-line errors, the ignored-keys report."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.config.support import unimplemented
from server.logs import parse_level
from server.settings import ConfigError, load_settings


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_sit_outside_the_source_packages(tmp_path: Path) -> None:
    settings, sources = load_settings(env={}, cwd=tmp_path)
    assert settings.service.http_port == 6333 and settings.service.grpc_port == 6334
    assert settings.storage.storage_path == "./data/storage"
    assert settings.storage.snapshots_path == "./data/snapshots"
    assert settings.storage.wal_fsync == "always"
    assert settings.max_request_bytes == 32 * 1024 * 1024
    assert sources.given_keys() == []
    assert sources.warnings == ["Config file not found: config/config", "Config file not found: config/development"]


def test_precedence_config_run_mode_local_cli_env(tmp_path: Path) -> None:
    _write(tmp_path / "config/config.yaml", "service: {http_port: 1001, grpc_port: 2001, max_request_size_mb: 5}\n"
                                           "storage: {wal_fsync: never}\n")
    _write(tmp_path / "config/production.yaml", "service: {http_port: 1002, grpc_port: 2002}\n")
    _write(tmp_path / "config/local.yaml", "service: {http_port: 1003}\n")
    cli = _write(tmp_path / "custom.yaml", "service: {http_port: 1004}\n")
    env = {"RUN_MODE": "production", "QDRANT__SERVICE__HTTP_PORT": "1005"}
    settings, sources = load_settings(str(cli), env=env, cwd=tmp_path)
    assert settings.service.http_port == 1005
    assert settings.service.grpc_port == 2002          # production.yaml over config.yaml
    assert settings.service.max_request_size_mb == 5   # untouched keys of earlier files survive
    assert settings.storage.wal_fsync == "never"
    assert sources.origin[("service", "http_port")] == "QDRANT__SERVICE__HTTP_PORT"
    assert sources.origin[("service", "grpc_port")].endswith("production.yaml")
    settings, _ = load_settings(str(cli), env={"RUN_MODE": "production"}, cwd=tmp_path)
    assert settings.service.http_port == 1004


def test_env_is_nested_case_insensitive_and_typed(tmp_path: Path) -> None:
    env = {"qdrant__storage__performance__max_search_threads": "3", "QDRANT__SERVICE__GRPC_PORT": "null",
           "QDRANT__LOG_LEVEL": "debug", "QDRANT__STORAGE__OPTIMIZERS__DELETED_THRESHOLD": "0.5"}
    settings, sources = load_settings(env=env, cwd=tmp_path)
    assert settings.storage.performance.max_search_threads == 3
    assert settings.service.grpc_port is None
    assert settings.effective_log_level == "debug"
    assert settings.storage.optimizers.deleted_threshold == 0.5
    assert "storage.optimizers.deleted_threshold" in sources.given_keys()


@pytest.mark.parametrize(("env", "expected"), [
    ({"QDRANT__SERVICE__HTTP_PORT": "abc"},
     "'service.http_port': Input should be a valid integer, unable to parse string as an integer, got 'abc' "
     "(from QDRANT__SERVICE__HTTP_PORT)"),
    ({"QDRANT__SERVICE__HTTP_PORTT": "1"}, "unknown key 'service.http_portt' (from QDRANT__SERVICE__HTTP_PORTT)"),
    ({"QDRANT__NO_SUCH": "1"}, "unknown key 'no_such' (from QDRANT__NO_SUCH)"),
    ({"QDRANT__STORAGE__WAL_FSYNC": "sometimes"}, "'storage.wal_fsync': Input should be 'always', 'interval' or"),
    ({"QDRANT__SERVICE__METRICS_PREFIX": "a-b"}, "Metrics prefix must be of all alphanumeric characters"),
    ({"QDRANT__STORAGE__OPTIMIZERS__DELETED_THRESHOLD": "2"}, "'storage.optimizers.deleted_threshold': Input "
                                                              "should be less than or equal to 1"),
])
def test_invalid_env_is_one_line_naming_the_key(tmp_path: Path, env: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env=env, cwd=tmp_path)
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_secret_values_are_not_echoed(tmp_path: Path) -> None:
    _write(tmp_path / "config/config.yaml", "service: {api_key: [secret-value]}\n")
    with pytest.raises(ConfigError) as info:
        load_settings(env={}, cwd=tmp_path)
    assert "'service.api_key'" in str(info.value) and "secret-value" not in str(info.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("service:\n  http_port: [1\n", "not valid YAML at line 3, column 1"),
    ("- 1\n", "the top level must be a mapping of keys"),
    ("storage:\n  optimizerz: {}\n", "unknown key 'storage.optimizerz' (from "),
    ("service:\n  grpc_port: 70000\n", "'service.grpc_port': Input should be less than or equal to 65535"),
])
def test_invalid_file_is_one_line(tmp_path: Path, text: str, expected: str) -> None:
    _write(tmp_path / "config/config.yaml", text)
    with pytest.raises(ConfigError) as info:
        load_settings(env={}, cwd=tmp_path)
    assert expected in str(info.value) and "\n" not in str(info.value)


def test_missing_cli_config_is_reported_not_fatal(tmp_path: Path) -> None:
    _, sources = load_settings("nope.yaml", env={}, cwd=tmp_path)
    assert "Config file via --config-path is not found: nope.yaml" in sources.warnings


def test_qdrant_config_yaml_keys_parse(tmp_path: Path) -> None:
    """A config in Qdrant's shape (its documented keys, *_kb names included) is accepted."""
    _write(tmp_path / "config/config.yaml", """
log_level: INFO
logger: {format: json, on_disk: {enabled: false, log_file: x.log, log_level: INFO, format: text, buffer_size_bytes: 1024}}
storage:
  storage_path: ./s
  snapshots_config: {snapshots_storage: local}
  temp_path: null
  on_disk_payload: true
  payload: {memory: cold}
  low_memory_mode: disabled
  update_concurrency: null
  wal: {wal_capacity_mb: 32, wal_segments_ahead: 0}
  node_type: "Normal"
  performance: {max_search_threads: 0, optimizer_cpu_budget: -1, update_rate_limit: null,
                incoming_shard_transfers_limit: 1, outgoing_shard_transfers_limit: 1, async_scorer: false,
                io_uring: disabled, max_concurrent_collection_loads: 1, max_concurrent_shard_loads: 1,
                max_concurrent_segment_loads: 8}
  optimizers: {deleted_threshold: 0.2, vacuum_min_vector_number: 1000, default_segment_number: 0,
               max_segment_size_kb: null, indexing_threshold_kb: 10000, flush_interval_sec: 5,
               max_optimization_threads: null}
  optimizers_overwrite: {deleted_threshold: 0.2, max_segment_size_kb: null}
  hnsw_index: {m: 16, ef_construct: 100, full_scan_threshold_kb: 10000, max_indexing_threads: 0,
               on_disk: false, memory: cached, payload_m: null}
  shard_transfer_method: null
  collection:
    replication_factor: 1
    write_consistency_factor: 1
    vectors: {on_disk: null, memory: null}
    shard_number_per_node: 1
    quantization: null
    strict_mode: {enabled: false, max_query_limit: null, max_timeout: null, unindexed_filtering_retrieve: null,
                  unindexed_filtering_update: null, search_max_hnsw_ef: null, search_allow_exact: null,
                  search_max_oversampling: null}
  max_collections: null
  quotas: {enabled: false, max_resident_memory_percent: null, max_disk_usage_percent: null,
           release_margin_percent: null}
service:
  max_request_size_mb: 32
  max_workers: 0
  host: 0.0.0.0
  http_port: 6333
  grpc_port: 6334
  enable_cors: true
  enable_tls: false
  verify_https_client_certificate: false
  api_key: k
  read_only_api_key: r
  jwt_rbac: true
  enforce_internal_auth: true
  hardware_reporting: true
  metrics_prefix: qdrant_
  enable_snapshot_url_recovery: true
cluster: {enabled: false, p2p: {port: 6335, enable_tls: false}, consensus: {tick_period_ms: 100, compact_wal_entries: 128}}
telemetry_disabled: false
tls: {cert: ./tls/cert.pem, key: ./tls/key.pem, ca_cert: ./tls/cacert.pem, cert_ttl: 3600}
audit: {enabled: false, dir: ./storage/audit, rotation: daily, max_log_files: 7, trust_forwarded_headers: false}
""")
    settings, sources = load_settings(env={}, cwd=tmp_path)
    assert settings.storage.optimizers.indexing_threshold_kb == 10000
    assert settings.storage.hnsw_index.full_scan_threshold_kb == 10000
    assert settings.service.host == "0.0.0.0" and settings.service.jwt_rbac is True
    assert settings.tls is not None and settings.tls.ca_cert == "./tls/cacert.pem"
    ignored, pending = unimplemented(sources.given_keys())
    assert "storage.optimizers.deleted_threshold" in ignored and "cluster.p2p.port" in ignored
    assert "tls.cert_ttl" in ignored  # certificates are read once at start
    assert not {"service.enable_tls", "service.enable_cors", "tls.cert", "tls.ca_cert"} & set(ignored + pending)
    assert "service.api_key" not in ignored + pending
    assert "service.http_port" not in ignored + pending and "storage.storage_path" not in ignored + pending


def test_log_level_directives() -> None:
    assert parse_level("INFO") == (20, {})
    assert parse_level("warn,quiver.access=off,actix_web::middleware::logger=debug") == (
        30, {"quiver.access": 60, "actix_web.middleware.logger": 10})
    with pytest.raises(ValueError, match="unknown log level 'loud'"):
        parse_level("loud")
