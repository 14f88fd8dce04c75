"""The node's resource quotas (Qdrant 1.19's `/quotas`), kept in `<storage>/quotas.json`, and their
enforcement.

With `enabled: true`, an update that consumes memory or disk (`consumes_quota`: upserts, vector
and payload changes, and — checked before they start, as Qdrant gates them before consensus —
payload index and named-vector creation; never deletes of points, indexes or vectors) is refused
with Qdrant's `Insufficient storage` (HTTP 507, gRPC RESOURCE_EXHAUSTED) while this process's
resident memory, as a percentage of total memory (the cgroup limit when there is one), or the
filesystem of the storage directory, as a percentage of its capacity, is at or over its limit. A
limit that tripped holds until the usage falls `release_margin_percent` (default 5) below it, so a
node resting on its limit does not flip in and out of service between readings. A resource that
cannot be measured here is not enforced. With `enabled: false` nothing is enforced, as in Qdrant.

The storage config's `quotas` section seeds the store on the first start (no quotas.json yet);
afterwards the file and `PUT /quotas` decide, as in Qdrant.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from engine.errors import InsufficientStorage
from engine.types.operations import (
    ClearPayload,
    CreateFieldIndex,
    CreateVectorName,
    DeletePayload,
    DeleteVectors,
    Operation,
    OverwritePayload,
    SetPayload,
    UpdateVectors,
    UpsertPoints,
)
from storage.atomic import atomic_write_bytes

DEFAULT_RELEASE_MARGIN_PERCENT = 5
READING_TTL_S = 0.5
"""A reading is reused this long: a busy writer does not read /proc and statvfs per request."""


@dataclass(frozen=True, slots=True)
class QuotaConfig:
    enabled: bool = False
    max_resident_memory_percent: int | None = None
    max_disk_usage_percent: int | None = None
    release_margin_percent: int | None = None


@dataclass(frozen=True, slots=True)
class QuotaUsage:
    resident_memory_percent: int | None
    disk_usage_percent: int | None


def percent_of(used: int, total: int) -> int | None:
    """Qdrant's integer percentage (rounded down, at most 100); None without a total."""
    return None if total <= 0 else min(100, used * 100 // total)


def _memory_total() -> int | None:
    try:  # a cgroup v2 limit applies first, as in Qdrant
        raw = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if raw.isdigit():
            return int(raw)
    except OSError:
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return None


def _resident_bytes() -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def measure(storage_path: Path | None) -> QuotaUsage:
    """This process's resident memory and the storage filesystem's fill, as Qdrant measures them
    (used = total - available to us)."""
    rss, total = _resident_bytes(), _memory_total()
    memory = percent_of(rss, total) if rss is not None and total else None
    target = storage_path if storage_path is not None and storage_path.exists() else Path(".")
    try:
        disk_stat = shutil.disk_usage(target)
        disk = percent_of(disk_stat.total - disk_stat.free, disk_stat.total)
    except OSError:
        disk = None
    return QuotaUsage(resident_memory_percent=memory, disk_usage_percent=disk)


def consumes_quota(op: Operation) -> bool:
    """Qdrant's `consumes_quota` plus the operations it gates before consensus (index and vector
    creation); deletes of points, indexes and named vectors only free resources."""
    return isinstance(op, UpsertPoints | UpdateVectors | DeleteVectors | SetPayload | OverwritePayload
                      | DeletePayload | ClearPayload | CreateFieldIndex | CreateVectorName)


@dataclass(frozen=True, slots=True)
class _Resource:
    parameter: str
    description: str
    total: str
    remedy: str


_MEMORY = _Resource("max_resident_memory_percent", "Resident memory usage", "total memory",
                    "Reduce memory usage (e.g. delete points or drop collections)")
_DISK = _Resource("max_disk_usage_percent", "Disk usage", "total capacity",
                  "Reduce disk usage (e.g. delete points or drop collections)")


def _rejection(resource: _Resource, used: int, limit: int, threshold: int) -> str:
    if used >= limit:
        condition = (f"{resource.description} is at {used}% of {resource.total}, "
                     f"exceeding the configured limit of {limit}%")
    else:
        condition = (f"{resource.description} is at {used}% of {resource.total}. It reached the configured "
                     f"limit of {limit}% and has to fall below {threshold}% before this node takes writes again")
    return f"{condition}. Help: {resource.remedy}, or raise `{resource.parameter}` in the global quota config."


class QuotaStore:
    def __init__(self, root: Path | None, meter: Callable[[], QuotaUsage] | None = None,
                 seed: QuotaConfig | None = None) -> None:
        self.root = root
        self._meter = meter if meter is not None else lambda: measure(root)
        self._lock = threading.Lock()
        self._config = self._load(seed)
        self._reading: tuple[float, QuotaUsage] | None = None
        self._exceeded = {_MEMORY.parameter: False, _DISK.parameter: False}
        """Whether each resource was over its limit when last judged (the release margin holds it)."""

    def _load(self, seed: QuotaConfig | None) -> QuotaConfig:
        path = None if self.root is None else self.root / "quotas.json"
        if path is None or not path.exists():
            return seed or QuotaConfig()
        try:
            stored = json.loads(path.read_bytes())
            return QuotaConfig(**{k: v for k, v in stored.items() if k in QuotaConfig.__slots__})
        except (OSError, ValueError, TypeError, AttributeError):
            return seed or QuotaConfig()

    @property
    def config(self) -> QuotaConfig:
        return self._config

    def set(self, config: QuotaConfig) -> None:
        with self._lock:
            if self.root is not None:
                self.root.mkdir(parents=True, exist_ok=True)
                atomic_write_bytes(self.root / "quotas.json", json.dumps(asdict(config)).encode())
            self._config = config
            self._reading = None  # judged afresh under the new limits
            self._exceeded = dict.fromkeys(self._exceeded, False)

    def usage(self) -> QuotaUsage:
        """A fresh reading (what `GET /quotas` reports)."""
        return self._meter()

    def check_write(self, ops: Sequence[Operation]) -> None:
        """Refuse operations that consume memory or disk while a limit is reached (InsufficientStorage)."""
        if not self._config.enabled or not any(consumes_quota(op) for op in ops):
            return
        first = next((error for _, error in self._evaluate().values() if error is not None), None)
        if first is not None:
            raise InsufficientStorage(first)

    def exceeded(self) -> dict[str, bool | None]:
        """Per resource (`memory`, `disk`): whether writes are refused for it now; None when it is not
        enforced (not capped or not measurable). Empty while the quota is disabled."""
        if not self._config.enabled:
            return {}
        return {resource: verdict for resource, (verdict, _) in self._evaluate().items()}

    def _evaluate(self) -> dict[str, tuple[bool | None, str | None]]:
        """Both resources judged (memory first, as Qdrant), each keeping its verdict for the margin."""
        config = self._config
        margin = DEFAULT_RELEASE_MARGIN_PERCENT if config.release_margin_percent is None \
            else config.release_margin_percent
        with self._lock:
            now = time.monotonic()
            if self._reading is None or now - self._reading[0] > READING_TTL_S:
                self._reading = (now, self._meter())
            usage = self._reading[1]
            return {
                "memory": self._judge(_MEMORY, config.max_resident_memory_percent, usage.resident_memory_percent,
                                      margin),
                "disk": self._judge(_DISK, config.max_disk_usage_percent, usage.disk_usage_percent, margin),
            }

    def _judge(self, resource: _Resource, limit: int | None, used: int | None,
               margin: int) -> tuple[bool | None, str | None]:
        if limit is None or used is None:  # not capped, or not measurable here: not enforced
            self._exceeded[resource.parameter] = False
            return None, None
        threshold = max(1, limit - margin) if self._exceeded[resource.parameter] else limit
        exceeded = used >= threshold
        self._exceeded[resource.parameter] = exceeded
        return exceeded, _rejection(resource, used, limit, threshold) if exceeded else None


_stores: dict[Path | None, QuotaStore] = {}
_stores_lock = threading.Lock()


def quota_store(root: Path | None, seed: QuotaConfig | None = None) -> QuotaStore:
    """The store of the storage at `root` (one per process); `seed`: the storage config's `quotas`,
    used when no quotas.json exists yet (only the first call of a process can seed)."""
    with _stores_lock:
        found = _stores.get(root)
        if found is None:
            found = _stores[root] = QuotaStore(root, seed=seed)
        return found
