"""An int → bytes store (point payloads) kept in memory and persisted on :meth:`BlobStore.flush`.

On disk it is one append-only file of framed records (:mod:`storage.framing`). Each flush
appends one record holding the batch of puts and deletes made since the previous flush, then
fsyncs. Opening replays the batches. When the file grows well past the live data it is
compacted: all live items are written as a single record to a new file that atomically
replaces the old one.

Durability: changes are visible to ``get`` immediately but reach disk only at ``flush``; the
caller (a segment flushed by the engine) relies on its WAL for anything newer. A batch torn by
a crash during flush is dropped on open as a whole, so a flush is all-or-nothing.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import msgpack

from storage.atomic import atomic_write_bytes
from storage.errors import CorruptionError
from storage.framing import (
    FILE_HEADER_SIZE,
    RECORD_HEADER_SIZE,
    decode_file_header,
    decode_record,
    encode_file_header,
    encode_record,
    intact_record_follows,
    scan_records,
)

log = logging.getLogger(__name__)

BLOB_MAGIC = b"QVBLOB01"


class BlobStore:
    """Thread-safe key → bytes map backed by the file at ``path`` (created on first flush).

    ``compact_ratio`` and ``compact_min_bytes`` decide when a flush rewrites the file: once it
    exceeds both ``compact_min_bytes`` and ``compact_ratio`` times the size of the live data.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        fsync: bool = True,
        compact_ratio: float = 2.0,
        compact_min_bytes: int = 1 << 20,
    ) -> None:
        self._path = Path(path)
        self._fsync = fsync
        self._compact_ratio = compact_ratio
        self._compact_min_bytes = compact_min_bytes
        # Guards the dicts and the file; reads of a single key rely on dict.get being atomic.
        self._lock = threading.Lock()
        self._data: dict[int, bytes] = {}
        self._pending_puts: dict[int, bytes] = {}
        self._pending_deletes: set[int] = set()
        self._file_size = 0  # 0: no file yet
        self._next_batch = 0
        self._live_bytes = 0
        self._load()

    # -- reading ---------------------------------------------------------------------------

    def get(self, key: int) -> bytes | None:
        return self._data.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)

    def items(self) -> Iterator[tuple[int, bytes]]:
        """Iterate over a snapshot of all items (including unflushed changes), in no set order."""
        with self._lock:
            snapshot = list(self._data.items())
        return iter(snapshot)

    def keys(self) -> list[int]:
        with self._lock:
            return list(self._data)

    # -- writing ---------------------------------------------------------------------------

    def put_many(self, items: Iterable[tuple[int, bytes]]) -> None:
        """Insert or replace values. Visible at once; persisted by the next :meth:`flush`."""
        with self._lock:
            for key, value in items:
                if not isinstance(value, bytes):
                    raise TypeError(f"blob values must be bytes, not {type(value).__name__}")
                old = self._data.get(key)
                if old is not None:
                    self._live_bytes -= len(old) + RECORD_HEADER_SIZE
                self._data[key] = value
                self._live_bytes += len(value) + RECORD_HEADER_SIZE
                self._pending_puts[key] = value
                self._pending_deletes.discard(key)

    def delete_many(self, keys: Iterable[int]) -> None:
        """Remove keys (absent keys are ignored). Persisted by the next :meth:`flush`."""
        with self._lock:
            for key in keys:
                old = self._data.pop(key, None)
                if old is not None:
                    self._live_bytes -= len(old) + RECORD_HEADER_SIZE
                self._pending_puts.pop(key, None)
                self._pending_deletes.add(key)

    def flush(self) -> None:
        """Persist every change since the last flush as one atomic batch (fsynced if configured)."""
        with self._lock:
            if not self._pending_puts and not self._pending_deletes:
                return
            if self._file_size == 0:
                self._rewrite()  # first flush (or file lost): write a fresh file atomically
            else:
                batch = msgpack.packb([list(self._pending_puts.items()), list(self._pending_deletes)])
                self._append(encode_record(self._next_batch, batch))
                if self._file_size > self._compact_min_bytes and self._file_size > self._compact_ratio * max(
                    self._live_bytes, 1
                ):
                    self._rewrite()
            self._pending_puts.clear()
            self._pending_deletes.clear()

    def compact(self) -> None:
        """Rewrite the file with only live items (also persists pending changes)."""
        with self._lock:
            self._rewrite()
            self._pending_puts.clear()
            self._pending_deletes.clear()

    @property
    def file_size(self) -> int:
        return self._file_size

    # -- internals (caller holds the lock) -------------------------------------------------

    def _append(self, record: bytes) -> None:
        fd = os.open(self._path, os.O_WRONLY)
        try:
            try:
                os.lseek(fd, self._file_size, os.SEEK_SET)
                view = memoryview(record)
                while view:
                    view = view[os.write(fd, view) :]
                if self._fsync:
                    # The batch is only "flushed" once it is on disk; until then pending stays.
                    os.fsync(fd)
            except OSError:
                os.ftruncate(fd, self._file_size)  # leave no torn batch behind
                raise
        finally:
            os.close(fd)
        self._file_size += len(record)
        self._next_batch += 1

    def _rewrite(self) -> None:
        snapshot = msgpack.packb([list(self._data.items()), []])
        content = encode_file_header(BLOB_MAGIC, 0) + encode_record(0, snapshot)
        atomic_write_bytes(self._path, content, fsync=self._fsync)
        self._file_size = len(content)
        self._next_batch = 1

    def _load(self) -> None:
        try:
            with open(self._path, "rb") as f:
                buf = memoryview(f.read())
        except FileNotFoundError:
            return
        base = decode_file_header(buf, BLOB_MAGIC)
        if base is None:
            raise CorruptionError(f"blob file {self._path} has a bad header")
        count, good_end, reason = scan_records(buf, FILE_HEADER_SIZE, len(buf), base)
        if reason is not None:
            if intact_record_follows(buf, good_end, len(buf), base + count):
                raise CorruptionError(f"blob file {self._path}: batch {base + count} is damaged ({reason})")
            log.warning("blob file %s: dropping torn batch at offset %d (%s)", self._path, good_end, reason)
            with open(self._path, "r+b") as f:
                f.truncate(good_end)
                os.fsync(f.fileno())
        offset = FILE_HEADER_SIZE
        for seq in range(base, base + count):
            found = decode_record(buf, offset, good_end, seq)
            if isinstance(found, str):  # scan_records just validated these
                raise CorruptionError(f"blob file {self._path}: batch {seq} unreadable ({found})")
            start, offset = found
            self._apply(msgpack.unpackb(buf[start:offset], raw=False))
        self._file_size = good_end
        self._next_batch = base + count
        self._live_bytes = sum(len(v) + RECORD_HEADER_SIZE for v in self._data.values())

    def _apply(self, batch: Any) -> None:
        puts, deletes = batch
        for key in deletes:
            self._data.pop(key, None)
        for key, value in puts:
            self._data[key] = value
