"""Quiver's configuration: Qdrant 1.19's `config.yaml` layout, typed and validated with
pydantic-settings, read from Qdrant's sources in Qdrant's order (later wins):

  built-in defaults → config/config.yaml → config/$RUN_MODE.yaml (RUN_MODE defaults to
  `development`; the Docker image sets `production`) → config/local.yaml → `--config-path FILE`
  → `QDRANT__SECTION__KEY` environment variables (nested with `__`).

Config files are looked up relative to the working directory and are optional; `.yaml`, `.yml`
and `.json` are accepted as Qdrant's config crate does. Quiver-only keys (`storage.wal_fsync`) use
the same mechanism. An invalid value raises `ConfigError` with one line naming the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from server.config.sections import (
    AuditConfig,
    ClusterConfig,
    LoggerConfig,
    ServiceConfig,
    StorageConfig,
    TlsConfig,
)
from server.config.sources import ConfigError, ConfigSources, collect_sources

__all__ = ["ConfigError", "Settings", "load_settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="forbid", validate_default=True, env_prefix="QDRANT__",
                                      env_nested_delimiter="__", case_sensitive=False)

    log_level: str | None = "INFO"
    logger: LoggerConfig = LoggerConfig()
    storage: StorageConfig = StorageConfig()
    service: ServiceConfig = ServiceConfig()
    cluster: ClusterConfig = ClusterConfig()
    telemetry_disabled: bool = False
    tls: TlsConfig | None = TlsConfig()
    audit: AuditConfig | None = None
    debugger: dict[str, Any] = Field(default_factory=dict)
    inference: dict[str, Any] | None = None
    gpu: dict[str, Any] | None = None
    feature_flags: dict[str, Any] = Field(default_factory=dict)

    @property
    def max_request_bytes(self) -> int:
        return self.service.max_request_size_mb * 1024 * 1024

    @property
    def effective_log_level(self) -> str:
        """`logger.log_level` wins over the top-level `log_level`, as in Qdrant."""
        return self.logger.log_level or self.log_level or "INFO"

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings],
                                   init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        # the merged sources arrive as init kwargs (see load_settings): no other source is read
        return (init_settings,)


def load_settings(config_path: str | None = None, env: dict[str, str] | None = None,
                  cwd: Path | None = None) -> tuple[Settings, ConfigSources]:
    """Read every source, merge them in Qdrant's order and validate; `ConfigError` on bad input."""
    sources = collect_sources(Settings, config_path, env, cwd)
    return sources.validate(Settings), sources
