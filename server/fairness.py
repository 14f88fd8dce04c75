"""Engine threads shared fairly between collections, so one heavy collection cannot starve another.

The engine pool has `workers` threads for any one collection plus `spare` threads that only another
collection can use: a collection runs at most `workers` tasks at once (a single busy collection keeps
the full parallelism it had), and while it does, a request for a second collection still finds a
thread at once. When every thread is busy, waiting work is started round-robin by collection (not in
arrival order), so a collection with a long queue cannot hold back one with a single request.
Work not tied to a collection (creating one, listing, telemetry) shares one key.

A task that started runs to its end (Python threads cannot be pre-empted): the bound on one
request's own work comes from the engine's request validation and deadlines (`timeout`).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger("quiver.fairness")
_Task = tuple[Callable[[], Any], "Future[Any]"]


class FairPool:
    def __init__(self, workers: int, spare: int = 1) -> None:
        self.per_key = max(1, workers)
        self.capacity = self.per_key + max(0, spare)
        self._pool = ThreadPoolExecutor(max_workers=self.capacity, thread_name_prefix="engine")
        self._lock = threading.Lock()
        self._running: dict[str, int] = {}
        self._waiting: OrderedDict[str, deque[_Task]] = OrderedDict()
        self._total = 0

    def submit(self, key: str, fn: Callable[[], T]) -> Future[T]:
        """Run `fn` on an engine thread as soon as `key`'s share allows; its result as a Future."""
        future: Future[T] = Future()
        with self._lock:
            if self._total < self.capacity and self._running.get(key, 0) < self.per_key:
                self._start(key, fn, future)
            else:
                self._waiting.setdefault(key, deque()).append((fn, future))
        return future

    def waiting(self) -> dict[str, int]:
        """Queued tasks per key (telemetry and tests)."""
        with self._lock:
            return {key: len(tasks) for key, tasks in self._waiting.items()}

    def shutdown(self) -> None:
        with self._lock:
            queued = [future for tasks in self._waiting.values() for _, future in tasks]
            self._waiting.clear()
        for future in queued:
            future.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)

    # ---- inside the lock --------------------------------------------------------------------
    def _start(self, key: str, fn: Callable[[], Any], future: Future[Any]) -> None:
        self._running[key] = self._running.get(key, 0) + 1
        self._total += 1
        try:
            self._pool.submit(self._run, key, fn, future)
        except RuntimeError:  # the pool is shutting down
            self._running[key] -= 1
            self._total -= 1
            future.cancel()

    def _dispatch(self) -> None:
        """Start waiting tasks, one per key in turn, while threads are free."""
        started = True
        while started and self._total < self.capacity:
            started = False
            for key in list(self._waiting):
                if self._running.get(key, 0) >= self.per_key:
                    continue
                tasks = self._waiting[key]
                fn, future = tasks.popleft()
                if tasks:
                    self._waiting.move_to_end(key)  # its next task waits behind the other keys
                else:
                    del self._waiting[key]
                self._start(key, fn, future)
                started = True
                break

    # ---- on an engine thread ----------------------------------------------------------------
    def _run(self, key: str, fn: Callable[[], Any], future: Future[Any]) -> None:
        try:
            if future.set_running_or_notify_cancel():  # False: the caller gave up while it waited
                try:
                    result = fn()
                except BaseException as exc:  # delivered to the awaiting caller
                    future.set_exception(exc)
                else:
                    future.set_result(result)
        finally:
            with self._lock:
                self._running[key] -= 1
                if not self._running[key]:
                    del self._running[key]
                self._total -= 1
                self._dispatch()
