"""The background workers that serve every collection of the table of contents: the optimizer
(one thread; see engine/shard/optimizer.py for what one step does) and the flush worker (every
collection is snapshotted at most every `flush_interval_sec`, which lets its WAL be truncated;
between flushes the WAL alone guarantees durability)."""

from __future__ import annotations

import logging
import threading
import time

from engine.shard.optimizer import optimize_shard
from engine.toc import TableOfContents

log = logging.getLogger("quiver.flusher")
opt_log = logging.getLogger("quiver.optimizer")


class Optimizer:
    """One background thread optimizing every collection in turn."""

    def __init__(self, toc: TableOfContents, interval: float = 0.2, threads: int = 0) -> None:
        self.toc = toc
        self.interval = interval
        self.threads = threads
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="optimizer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def run_once(self) -> bool:
        did = False
        for name in self.toc.names():
            try:
                col = self.toc.get(name)
            except Exception:  # deleted meanwhile
                continue
            try:
                did = optimize_shard(col.shard, self.threads, batch_ingest=True) or did
            except Exception as exc:  # an optimizer failure must not kill the thread
                opt_log.exception("optimization failed", extra={"collection": name})
                col.shard.optimizer_error = str(exc)
        return did

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self.run_once():
                self._stop.wait(self.interval)


class Flusher:
    def __init__(self, toc: TableOfContents, tick: float = 0.5) -> None:
        self.toc = toc
        self.tick = tick
        self._last: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="flusher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=60)

    def run_once(self, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        flushed = 0
        for name in self.toc.names():
            try:
                collection = self.toc.get(name)
            except Exception:  # deleted meanwhile
                continue
            interval = collection.config.optimizer_config.flush_interval_sec
            if now - self._last.get(name, 0.0) < interval:
                continue
            self._last[name] = now
            try:
                if collection.flush(periodic=True):
                    flushed += 1
            except Exception:  # keep flushing the others; the WAL still holds everything
                log.exception("flush failed", extra={"collection": name})
        return flushed

    def _run(self) -> None:
        while not self._stop.wait(self.tick):
            self.run_once()
