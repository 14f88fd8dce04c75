"""Background fsync for the ``"interval"`` policy.

A daemon thread wakes every ``interval`` seconds and asks the log to fsync if anything was
written since the last sync. Appends never wait for it; the price is that records appended
within the last interval (plus one fsync's duration) can be lost on power loss or an OS
crash. A process crash (kill -9) loses nothing: every append has already reached the kernel.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class IntervalSyncer:
    """Calls ``sync()`` every ``interval_s`` seconds until :meth:`stop`."""

    def __init__(self, sync: Callable[[], None], interval_s: float, name: str) -> None:
        self._sync = sync
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                self._sync()
            except Exception:
                # The log records the failure and surfaces it on the next append/flush;
                # keep the thread alive so a transient error does not end durability.
                log.exception("WAL background fsync failed")

    def stop(self) -> None:
        self._stop.set()
        if threading.current_thread() is not self._thread:
            self._thread.join()
