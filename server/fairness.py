"""Engine threads shared fairly between collections, so one heavy collection cannot starve another.

The engine pool has `workers` threads for any one collection plus `spare` threads that only another
collection can use: a collection runs at most `workers` tasks at once (a single busy collection keeps
the full parallelism it had), and while it does, a request for a second collection still finds a
thread at once. When every thread is busy, waiting work is started round-robin by collection (not in
arrival order), so a collection with a long queue cannot hold back one with a single request.
Work not tied to a collection (creating one, listing, telemetry) shares one key.

The threads (`engine_0`, `engine_1`, ...) start on demand and take started tasks from one C queue;
a caller on the event loop gets its result through one `call_soon_threadsafe` (`submit_async`).

A task that started runs to its end (Python threads cannot be pre-empted): the bound on one
request's own work comes from the engine's request validation and deadlines (`timeout`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger("quiver.fairness")
Settle = Callable[[Any, BaseException | None], None]
"""Called on the engine thread with (result, None) or (None, exception) once a task has run."""
Start = Callable[[], bool]
"""Called on the engine thread before a task runs: False when its caller has given up (skip it)."""
_Task = tuple[Callable[[], Any], Start, Settle, Callable[[], None]]
"""(work, start, settle, cancel): cancel tells the caller the task will never run (shutdown)."""


class FairPool:
    def __init__(self, workers: int, spare: int = 1) -> None:
        self.per_key = max(1, workers)
        self.capacity = self.per_key + max(0, spare)
        self._lock = threading.Lock()
        self._running: dict[str, int] = {}
        self._waiting: OrderedDict[str, deque[_Task]] = OrderedDict()
        self._total = 0
        # started tasks go to the engine threads through one queue (a C queue: no Python lock or
        # condition per task, unlike ThreadPoolExecutor); at most `capacity` are ever in it or running
        self._queue: queue.SimpleQueue[tuple[str, _Task] | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._closed = False

    def submit(self, key: str, fn: Callable[[], T]) -> Future[T]:
        """Run `fn` on an engine thread as soon as `key`'s share allows; its result as a Future."""
        future: Future[T] = Future()

        def settle(result: Any, exc: BaseException | None) -> None:
            if exc is None:
                future.set_result(result)
            else:
                future.set_exception(exc)

        def cancel() -> None:
            future.cancel()

        self._submit(key, (fn, future.set_running_or_notify_cancel, settle, cancel))
        return future

    def submit_async(self, key: str, fn: Callable[[], T]) -> asyncio.Future[T]:
        """`submit` for a caller on the running event loop: the result comes back as an asyncio
        future, set by one `call_soon_threadsafe` from the engine thread (no concurrent Future and
        no `wrap_future` chaining per call). Cancelling it before the task starts skips the task."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()

        def settle(result: Any, exc: BaseException | None) -> None:
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting any more
                loop.call_soon_threadsafe(_settle, future, result, exc)

        def cancel() -> None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(future.cancel)

        self._submit(key, (fn, lambda: not future.cancelled(), settle, cancel))
        return future

    def waiting(self) -> dict[str, int]:
        """Queued tasks per key (telemetry and tests)."""
        with self._lock:
            return {key: len(tasks) for key, tasks in self._waiting.items()}

    def shutdown(self) -> None:
        with self._lock:
            queued = [task for tasks in self._waiting.values() for task in tasks]
            self._waiting.clear()
            self._closed = True
            threads = list(self._threads)
        for task in queued:
            task[3]()
        for _ in threads:
            self._queue.put(None)
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join()

    def _submit(self, key: str, task: _Task) -> None:
        with self._lock:
            if self._closed:
                task[3]()
                return
            if self._total < self.capacity and self._running.get(key, 0) < self.per_key:
                self._start(key, task)
            else:
                self._waiting.setdefault(key, deque()).append(task)

    # ---- inside the lock --------------------------------------------------------------------
    def _start(self, key: str, task: _Task) -> None:
        self._running[key] = self._running.get(key, 0) + 1
        self._total += 1
        if len(self._threads) < self._total:  # threads start on demand, up to `capacity`
            thread = threading.Thread(target=self._worker, name=f"engine_{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            thread.start()
        self._queue.put((key, task))

    def _dispatch(self) -> None:
        """Start waiting tasks, one per key in turn, while threads are free."""
        started = True
        while started and self._total < self.capacity:
            started = False
            for key in list(self._waiting):
                if self._running.get(key, 0) >= self.per_key:
                    continue
                tasks = self._waiting[key]
                task = tasks.popleft()
                if tasks:
                    self._waiting.move_to_end(key)  # its next task waits behind the other keys
                else:
                    del self._waiting[key]
                self._start(key, task)
                started = True
                break

    # ---- on an engine thread ----------------------------------------------------------------
    def _worker(self) -> None:
        get = self._queue.get
        while (item := get()) is not None:
            key, (fn, start, settle, _) = item
            try:
                if start():  # False: the caller gave up while it waited
                    try:
                        result = fn()
                    except BaseException as exc:  # noqa: BLE001 - delivered to the awaiting caller
                        settle(None, exc)
                    else:
                        settle(result, None)
            except BaseException:  # a failing settle must not take the engine thread down
                log.exception("engine task could not deliver its result")
            finally:
                with self._lock:
                    self._running[key] -= 1
                    if not self._running[key]:
                        del self._running[key]
                    self._total -= 1
                    self._dispatch()


def _settle(future: asyncio.Future[Any], result: Any, exc: BaseException | None) -> None:
    """On the event loop: deliver a task's outcome unless the caller has given up meanwhile."""
    if future.cancelled():
        return
    if exc is None:
        future.set_result(result)
    else:
        future.set_exception(exc)

