"""An append-only file of framed records whose *committed length* is kept by the caller.

Layout: the shared framing (:mod:`storage.framing`): a 16-byte header (magic, base 0), then
records numbered 0, 1, 2, ... each with its CRC. :meth:`DeltaLog.append` writes one record and
fsyncs; it returns the new file length, which the owner records in its own atomically written
state file (the commit point). On open the file is cut back to the committed length the owner
passes in: whatever a crashed writer appended after its last commit is dropped, so an append
followed by a crash before the commit leaves no trace.

Records are only ever read whole at open time (a delta log is small next to what it amends).
"""

from __future__ import annotations

import os
from pathlib import Path

from storage.errors import CorruptionError
from storage.framing import (
    FILE_HEADER_SIZE,
    RECORD_HEADER_SIZE,
    decode_file_header,
    encode_file_header,
    encode_record,
    scan_records,
)

DELTA_MAGIC = b"QVDELTA1"


class DeltaLog:
    """Not thread-safe: its owner serialises appends (the collection's flush lock)."""

    def __init__(self, path: Path, committed: int, fsync: bool = True) -> None:
        """Open (or create when `committed` is 0) the log at `path`, cut to `committed` bytes."""
        self.path = path
        self._fsync = fsync
        self._records: list[bytes] = []
        if committed == 0:
            self.length = FILE_HEADER_SIZE
            self._count = 0
            with open(path, "wb") as fh:
                fh.write(encode_file_header(DELTA_MAGIC, 0))
                self._sync(fh.fileno())
            return
        data = path.read_bytes()
        if len(data) < committed:
            raise CorruptionError(f"{path}: {len(data)} bytes where {committed} were committed")
        view = memoryview(data)[:committed]
        if decode_file_header(view, DELTA_MAGIC) != 0:
            raise CorruptionError(f"{path}: not a delta log")
        count, end, reason = scan_records(view, FILE_HEADER_SIZE, committed, 0)
        if reason is not None or end != committed:
            raise CorruptionError(f"{path}: committed record {count} is damaged ({reason})")
        offset = FILE_HEADER_SIZE
        for _ in range(count):
            n = int.from_bytes(view[offset : offset + 4], "little")
            start = offset + RECORD_HEADER_SIZE
            self._records.append(bytes(view[start : start + n]))
            offset = start + n
        if len(data) > committed:
            os.truncate(path, committed)  # an append whose commit never happened
        self.length = committed
        self._count = count

    @property
    def records(self) -> list[bytes]:
        """The committed records found at open (appends made since are not included)."""
        return self._records

    def append(self, data: bytes) -> int:
        """Write one record durably; returns the file length to commit."""
        framed = encode_record(self._count, data)
        fd = os.open(self.path, os.O_WRONLY)
        try:
            os.pwrite(fd, framed, self.length)
            self._sync(fd)
        finally:
            os.close(fd)
        self._count += 1
        self.length += len(framed)
        return self.length

    def rollback(self, committed: int, count: int) -> None:
        """Forget appends after `committed` bytes / `count` records (a flush that failed)."""
        os.truncate(self.path, committed)
        self.length, self._count = committed, count

    @property
    def count(self) -> int:
        return self._count

    def _sync(self, fd: int) -> None:
        if self._fsync:
            os.fsync(fd)
