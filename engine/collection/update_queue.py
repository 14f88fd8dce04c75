"""The update worker of a collection: operations are applied in WAL order, after they are durable.

A writer appends its operation to the WAL and pushes it here under the collection's append mutex,
so the queue order is the WAL order. Whoever drains applies the queued operations one by one:
`wait=true` writers drain in their own thread up to their operation (their answer then reflects
it), `wait=false` writers hand the draining to a small shared pool and answer right after the WAL
append. Before an operation is applied its WAL record is made durable (`sync`), so a reader can
never see a write that a crash could still lose.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from engine.types.operations import Operation

log = logging.getLogger("quiver.updates")

_BACKGROUND = ThreadPoolExecutor(max_workers=2, thread_name_prefix="update-worker")
"""Applies `wait=false` operations of every collection (each drain serialises per collection)."""


class UpdateQueue:
    def __init__(self, apply: Callable[[int, Operation], None], sync: Callable[[int], None]) -> None:
        self._apply = apply
        self._sync = sync
        self._pending: deque[tuple[int, Operation]] = deque()
        self._lock = threading.Lock()
        """Guards `_pending` and `applied`."""
        self._draining = threading.Lock()
        """One drainer at a time, so operations are applied in order."""
        self.applied = 0
        """The highest operation number applied (all lower queued ones are applied too)."""
        self.failed: str | None = None

    def push(self, op_num: int, op: Operation) -> None:
        """Queue an operation (the caller holds the append mutex: pushes come in WAL order)."""
        with self._lock:
            self._pending.append((op_num, op))

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)

    def drain(self, until: int | None = None) -> None:
        """Apply queued operations in order; with `until`, stop once that one is applied."""
        with self._draining:
            while True:
                with self._lock:
                    if not self._pending or (until is not None and self.applied >= until):
                        return
                    op_num, op = self._pending[0]
                self._sync(op_num)  # durable before visible
                try:
                    self._apply(op_num, op)
                except Exception as exc:  # a validated op should apply; never wedge the queue
                    log.exception("operation failed to apply", extra={"operation": op_num})
                    self.failed = str(exc)
                with self._lock:
                    self._pending.popleft()
                    self.applied = max(self.applied, op_num)

    def drain_later(self) -> None:
        _BACKGROUND.submit(self.drain)
