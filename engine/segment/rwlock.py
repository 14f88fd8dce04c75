"""A readers-writer lock: many readers at once, one writer alone, writers preferred.

Readers are re-entrant per thread (a query that looks a vector up in the collection it searches
takes the same read lock twice); a nested read is granted even while a writer waits, otherwise the
writer would wait for the reader and the reader for the writer. Writers are not re-entrant.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class RWLock:
    __slots__ = ("_mutex", "_cond", "_readers", "_writer", "_waiting_writers", "_local")

    def __init__(self) -> None:
        # Readers take `_mutex` with plain acquire/release (C calls) and only wait on `_cond`,
        # which shares it, when a writer holds or wants the lock: every read of every query
        # passes here, and the Condition's Python-level `with` costs more than the count itself.
        self._mutex = threading.Lock()
        self._cond = threading.Condition(self._mutex)
        self._readers = 0
        self._writer = False
        self._waiting_writers = 0
        self._local = threading.local()

    def acquire_read(self) -> None:
        local = self._local
        depth = getattr(local, "depth", 0)
        if depth:
            local.depth = depth + 1  # re-entrant: this thread already counts as a reader
            return
        mutex = self._mutex
        mutex.acquire()
        try:
            while self._writer or self._waiting_writers:
                self._cond.wait()
            self._readers += 1
        finally:
            mutex.release()
        local.depth = 1

    def release_read(self) -> None:
        local = self._local
        depth = local.depth - 1
        local.depth = depth
        if depth:
            return
        mutex = self._mutex
        mutex.acquire()
        try:
            self._readers -= 1
            if not self._readers and self._waiting_writers:
                self._cond.notify_all()  # only writers wait while readers hold the lock
        finally:
            mutex.release()

    def acquire_write(self) -> None:
        with self._cond:
            self._waiting_writers += 1
            try:
                while self._writer or self._readers:
                    self._cond.wait()
            finally:
                self._waiting_writers -= 1
            self._writer = True

    def release_write(self) -> None:
        with self._cond:
            self._writer = False
            self._cond.notify_all()

    @contextmanager
    def read(self) -> Iterator[None]:
        self.acquire_read()
        try:
            yield
        finally:
            self.release_read()

    @contextmanager
    def write(self) -> Iterator[None]:
        self.acquire_write()
        try:
            yield
        finally:
            self.release_write()
