"""CPU time of a process and of each of its threads, read from /proc (Linux only).

Process CPU comes from /proc/PID/stat (utime + stime, clock ticks: 10 ms resolution, fine over
a window of thousands of requests). Per-thread CPU comes from /proc/PID/task/TID/schedstat, whose
first field is the nanoseconds the thread ran on a CPU (exact, no tick rounding); the thread's
name is /proc/PID/task/TID/comm (set from the Python thread name by `bench.core_v2.named_threads`).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_s(pid: int) -> float:
    """utime + stime of every thread of `pid` so far, in seconds."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()  # the command name may contain spaces
    return (int(fields[11]) + int(fields[12])) / TICKS  # fields 14 and 15 of proc(5)


@dataclass(frozen=True, slots=True)
class ThreadSample:
    tid: int
    name: str
    cpu_ns: int


def thread_samples(pid: int) -> dict[int, ThreadSample]:
    """Every live thread of `pid`: name and on-CPU nanoseconds so far (threads may vanish meanwhile)."""
    out: dict[int, ThreadSample] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            cpu_ns = int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
        tid = int(task.name)
        out[tid] = ThreadSample(tid, "MainThread" if tid == pid else name, cpu_ns)
    return out


@dataclass(slots=True)
class CpuWindow:
    """Process and per-thread CPU of one process over a window: `start()`, the work, `stop()`."""

    pid: int
    wall_s: float = 0.0
    process_s: float = 0.0
    threads: dict[str, float] | None = None  # thread name -> CPU seconds in the window
    _t0: float = 0.0
    _p0: float = 0.0
    _th0: dict[int, ThreadSample] | None = None

    def start(self) -> CpuWindow:
        self._th0 = thread_samples(self.pid)
        self._p0 = process_cpu_s(self.pid)
        self._t0 = time.perf_counter()
        return self

    def stop(self) -> CpuWindow:
        self.wall_s = time.perf_counter() - self._t0
        self.process_s = process_cpu_s(self.pid) - self._p0
        before = self._th0 or {}
        after = thread_samples(self.pid)
        per_name: dict[str, float] = {}
        for tid, sample in after.items():
            base = before.get(tid)
            delta = sample.cpu_ns - (base.cpu_ns if base is not None else 0)
            if delta > 0:
                per_name[_key(sample.name, per_name)] = delta / 1e9
        self.threads = dict(sorted(per_name.items(), key=lambda kv: -kv[1]))
        return self

    def cores(self, prefix: str) -> float:
        """CPU seconds per wall second of the threads whose name starts with `prefix`."""
        used = sum(s for name, s in (self.threads or {}).items() if name.startswith(prefix))
        return used / self.wall_s if self.wall_s > 0 else 0.0

    def busiest(self, prefix: str) -> float:
        """The largest single-thread share of a core among threads named `prefix*`."""
        shares = [s for name, s in (self.threads or {}).items() if name.startswith(prefix)]
        return max(shares) / self.wall_s if shares and self.wall_s > 0 else 0.0

    def summary(self, requests: int, pool_prefix: str) -> dict[str, object]:
        return {
            "wall_s": round(self.wall_s, 3),
            "process_cpu_s": round(self.process_s, 3),
            "cpu_ms_per_request": round(self.process_s * 1e3 / requests, 4) if requests else None,
            "process_cores": round(self.process_s / self.wall_s, 3) if self.wall_s > 0 else None,
            "pool_cores": round(self.cores(pool_prefix), 3),
            "pool_busiest_thread_cores": round(self.busiest(pool_prefix), 3),
            "event_loop_cores": round(self.cores("MainThread"), 3),
            "threads_cpu_s": {name: round(s, 4) for name, s in (self.threads or {}).items()},
        }


def _key(name: str, taken: dict[str, float]) -> str:
    """Thread names repeat (e.g. grpc's); keep each thread apart as name, name#2, ..."""
    if name not in taken:
        return name
    i = 2
    while f"{name}#{i}" in taken:
        i += 1
    return f"{name}#{i}"
