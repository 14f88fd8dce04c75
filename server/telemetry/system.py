"""Process and machine figures from /proc (Linux), with safe fallbacks elsewhere."""

from __future__ import annotations

import contextlib
import os
import platform
import resource
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(slots=True)
class Memory:
    resident_bytes: int
    anonymous_bytes: int
    """Heap-like memory (RssAnon): what the allocators hold; Python has no jemalloc-style stats."""
    virtual_bytes: int = 0
    """All virtual memory mappings (VmSize): Qdrant's `retained` (jemalloc's mapped and retained)."""


def _status_value(field: str) -> int | None:
    """A number from /proc/self/status (kB for memory lines, a plain count for Threads)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _status_kb(field: str) -> int | None:
    value = _status_value(field)
    return None if value is None else value * 1024


def memory() -> Memory:
    resident = _status_kb("VmRSS")
    if resident is None:
        resident = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    anonymous = _status_kb("RssAnon")
    virtual = _status_kb("VmSize")
    return Memory(resident, anonymous if anonymous is not None else resident,
                  virtual if virtual is not None else resident)


def process_figures() -> dict[str, float]:
    """Qdrant's process_* / system_* gauges and counters that this platform can answer."""
    out: dict[str, float] = {}
    threads = _status_value("Threads")
    if threads is not None:
        out["process_threads"] = threads
    try:
        out["process_open_fds"] = len(os.listdir("/proc/self/fd"))
        out["process_open_mmaps"] = sum(1 for _ in open("/proc/self/maps"))  # noqa: SIM115
        out["system_max_mmaps"] = int(Path("/proc/sys/vm/max_map_count").read_text())
    except (OSError, ValueError):
        pass
    out["process_max_fds"] = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["process_minor_page_faults_total"] = usage.ru_minflt
    out["process_major_page_faults_total"] = usage.ru_majflt
    return out


def environment(storage_path: str) -> dict[str, object]:
    """Qdrant's RunningEnvironmentTelemetry."""
    out: dict[str, object] = {
        "distribution": platform.system().lower(),
        "distribution_version": platform.release(),
        "is_docker": Path("/.dockerenv").exists(),
        "cores": os.cpu_count() or 1,
        "cpu_flags": _cpu_flags(),
        "cpu_endian": sys.byteorder,
        "gpu_devices": None,
    }
    with contextlib.suppress(ValueError, OSError, AttributeError):
        out["ram_size"] = os.sysconf("SC_PHYS_PAGES") * _PAGE
    with contextlib.suppress(OSError):
        out["disk_size"] = shutil.disk_usage(storage_path if Path(storage_path).exists() else ".").total
    return out


def _cpu_flags() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                wanted = {"sse", "sse2", "avx", "avx2", "fma", "f16c", "avx512f"}
                return ",".join(f for f in line.split(":", 1)[1].split() if f in wanted)
    except OSError:
        return ""
    return ""
