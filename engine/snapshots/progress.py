"""Progress of long snapshot operations as structured log lines, throttled so that a multi-gigabyte
archive logs a handful of lines rather than one per chunk."""

from __future__ import annotations

import logging
import time

log = logging.getLogger("quiver.snapshots")


class ProgressLog:
    def __init__(self, what: str, name: str, every_seconds: float = 2.0) -> None:
        self.what = what
        self.name = name
        self.every = every_seconds
        self.started = time.monotonic()
        self._last = self.started
        self._last_percent = -1

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        percent = 100 if total == 0 else done * 100 // total
        # Log at each 25% step or every few seconds, whichever comes first; never twice per percent.
        if percent == self._last_percent or (percent % 25 and now - self._last < self.every):
            return
        self._last, self._last_percent = now, percent
        log.info(f"{self.what} progress", extra={"snapshot": self.name, "bytes_done": done,
                                                  "bytes_total": total, "percent": percent})

    def finished(self, **extra: object) -> None:
        log.info(f"{self.what} finished", extra={"snapshot": self.name,
                                                  "seconds": round(time.monotonic() - self.started, 3), **extra})
