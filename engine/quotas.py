"""The node's quota configuration (Qdrant 1.19's `/quotas`), kept in `<storage>/quotas.json`.

Quiver stores and reports the configuration, and measures the usage it is compared against, but does
not enforce limits: a configuration with `enabled: true` is refused (`BadRequest`) rather than
accepted and ignored. With `enabled: false`, Qdrant enforces nothing either, so storing the limits
is exactly its behaviour.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from engine.errors import BadRequest
from storage.atomic import atomic_write_bytes


@dataclass(frozen=True, slots=True)
class QuotaConfig:
    enabled: bool = False
    max_resident_memory_percent: int | None = None
    max_disk_usage_percent: int | None = None
    release_margin_percent: int | None = None


class QuotaStore:
    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._config = self._load()

    def _load(self) -> QuotaConfig:
        if self.root is None:
            return QuotaConfig()
        try:
            stored = json.loads((self.root / "quotas.json").read_bytes())
            return QuotaConfig(**{k: v for k, v in stored.items() if k in QuotaConfig.__slots__})
        except (OSError, ValueError, TypeError, AttributeError):
            return QuotaConfig()

    @property
    def config(self) -> QuotaConfig:
        return self._config

    def set(self, config: QuotaConfig) -> None:
        if config.enabled:
            raise BadRequest("quota enforcement is not implemented by Quiver: only `enabled: false` can be set")
        with self._lock:
            if self.root is not None:
                self.root.mkdir(parents=True, exist_ok=True)
                atomic_write_bytes(self.root / "quotas.json", json.dumps(asdict(config)).encode())
            self._config = config


_stores: dict[Path | None, QuotaStore] = {}
_stores_lock = threading.Lock()


def quota_store(root: Path | None) -> QuotaStore:
    with _stores_lock:
        found = _stores.get(root)
        if found is None:
            found = _stores[root] = QuotaStore(root)
        return found
