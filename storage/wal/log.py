"""The write-ahead log: append-only, segmented, CRC-framed, with a configurable fsync policy.

Durability by policy (``fsync``):

- ``"always"``: ``append`` returns only after ``fdatasync``; an acknowledged record survives
  power loss. With ``append(data, sync=False)`` followed by ``sync(seq)`` outside the caller's own
  locks, concurrent appenders share fsyncs (group commit): one ``fdatasync`` covers every record
  written before it started, and ``sync`` returns at once for records an earlier one covered.
- ``"interval"``: a background thread fsyncs at most every ``fsync_interval_ms`` when there are
  unsynced writes. Power loss or an OS crash may lose records acknowledged in the last interval
  (plus one fsync); on restart they are simply absent or cut off as a torn tail.
- ``"never"``: no fsync except an explicit :meth:`Wal.flush`. Data lives in the OS page cache.

Under every policy ``append`` hands the bytes to the kernel (``pwrite``) before returning, so a
killed process (kill -9) loses nothing that was acknowledged.

Recovery: on open only the newest segment is scanned. A torn tail there is truncated with a
warning; damage followed by intact records raises :class:`CorruptionError`. Older segments are
verified while they are replayed: ``read_from`` raises :class:`CorruptionError` on a damaged or
missing record rather than skipping acknowledged writes, so the operator learns of the loss.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Literal

from storage.atomic import fsync_dir
from storage.errors import ClosedError, LockedError, StorageError
from storage.framing import FILE_HEADER_SIZE, MAX_SEQ, encode_record
from storage.wal.segment import (
    SegmentRef,
    check_header,
    create_segment,
    list_segments,
    read_segment,
    recover_last,
    write_all,
)
from storage.wal.syncer import IntervalSyncer

log = logging.getLogger(__name__)

FsyncPolicy = Literal["always", "interval", "never"]
DEFAULT_CAPACITY_BYTES = 32 * 1024 * 1024  # Qdrant's wal_capacity_mb default
LOCK_FILE = ".lock"

# fdatasync skips flushing inode timestamps; it still flushes the size, which is what we need.
_datasync = getattr(os, "fdatasync", os.fsync)


class Wal:
    """An append-only log of opaque records numbered by a u64 sequence it assigns.

    Thread-safe. One open ``Wal`` per directory (an exclusive ``flock`` guards it).
    ``start_seq`` numbers the first record of a brand-new (empty) directory and is ignored
    when segments already exist.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        capacity_bytes: int = DEFAULT_CAPACITY_BYTES,
        fsync: FsyncPolicy = "interval",
        fsync_interval_ms: int = 200,
        start_seq: int = 0,
    ) -> None:
        if fsync not in ("always", "interval", "never"):
            raise ValueError(f"unknown fsync policy {fsync!r}")
        if capacity_bytes <= FILE_HEADER_SIZE:
            raise ValueError("capacity_bytes is too small")
        self._dir = Path(directory)
        self._capacity = capacity_bytes
        self._policy: FsyncPolicy = fsync
        self._durable = fsync != "never"
        # Guards every field below. Held across pwrite (and fsync under "always") so that the
        # order of sequence numbers is the order of bytes in the file.
        self._lock = threading.Lock()
        self._closed = False
        self._dirty = False
        self._synced_seq = -1
        """Every record with a sequence <= this is durable (guarded by `_lock`)."""
        self._sync_mutex = threading.Lock()
        """One group-commit fsync at a time (taken before `_lock`, never while holding it)."""
        self._failed: BaseException | None = None
        self._dir.mkdir(parents=True, exist_ok=True)
        self._lock_fd = _acquire_dir_lock(self._dir)
        try:
            self._segments, self._fd, self._size, self._next_seq = self._open_segments(start_seq)
        except BaseException:
            os.close(self._lock_fd)
            raise
        self._syncer = (
            IntervalSyncer(self._background_sync, fsync_interval_ms / 1000.0, f"wal-fsync:{self._dir}")
            if fsync == "interval"
            else None
        )

    def _open_segments(self, start_seq: int) -> tuple[list[SegmentRef], int, int, int]:
        segments = list_segments(self._dir)
        if not segments:
            ref, fd = create_segment(self._dir, start_seq, durable=True)
            return [ref], fd, FILE_HEADER_SIZE, start_seq
        for ref in segments[:-1]:
            with open(ref.path, "rb") as f:
                check_header(ref, f.read(FILE_HEADER_SIZE))
        last = segments[-1]
        count, size = recover_last(last)
        fd = os.open(last.path, os.O_WRONLY)
        return segments, fd, size, last.first_seq + count

    # -- properties ------------------------------------------------------------------------

    @property
    def directory(self) -> Path:
        return self._dir

    @property
    def fsync_policy(self) -> FsyncPolicy:
        return self._policy

    @property
    def next_seq(self) -> int:
        """Sequence number the next appended record will get."""
        with self._lock:
            return self._next_seq

    @property
    def first_seq(self) -> int | None:
        """Sequence of the oldest retained record, or None if the log holds none."""
        with self._lock:
            first = self._segments[0].first_seq
            return None if first == self._next_seq else first

    @property
    def last_seq(self) -> int | None:
        """Sequence of the newest record, or None if the log holds none (e.g. all truncated)."""
        with self._lock:
            return None if self._segments[0].first_seq == self._next_seq else self._next_seq - 1

    @property
    def segment_count(self) -> int:
        with self._lock:
            return len(self._segments)

    def __len__(self) -> int:
        with self._lock:
            return self._next_seq - self._segments[0].first_seq

    # -- writing ---------------------------------------------------------------------------

    def append(self, data: bytes, sync: bool = True) -> int:
        """Append one record and return its sequence number (see the module doc on durability).
        With ``sync=False`` under ``"always"`` the caller must call :meth:`sync` before relying on it."""
        with self._lock:
            self._check_usable()
            seq = self._next_seq
            if seq >= MAX_SEQ:
                raise StorageError("WAL sequence numbers exhausted")
            frame = encode_record(seq, data)
            if self._size + len(frame) > self._capacity and self._size > FILE_HEADER_SIZE:
                self._roll()
            self._write_batch([frame], len(frame), seq + 1)
            if self._policy == "always" and sync:
                self._sync_locked()
            else:
                self._dirty = True
            return seq

    def sync(self, seq: int) -> None:
        """Under ``"always"``, return once record ``seq`` is durable, sharing the fsync with every
        concurrent caller (group commit); other policies keep their own schedule (no-op)."""
        if self._policy != "always":
            return
        with self._lock:
            if self._synced_seq >= seq:
                return
        with self._sync_mutex:
            with self._lock:
                self._check_usable()
                if self._synced_seq >= seq:
                    return  # the fsync we waited for covered it
                target = self._next_seq - 1
                fd = os.dup(self._fd)
            self._sync_dup(fd)
            with self._lock:
                self._synced_seq = max(self._synced_seq, target)

    def append_many(self, records: Iterable[bytes]) -> range:
        """Append records with consecutive sequence numbers, one write per segment touched.

        Returns the range of sequence numbers assigned. If an ``OSError`` escapes, records of
        segments filled before the failure stay appended (``next_seq`` says how many); the
        partially written segment is cut back so no torn record remains.
        """
        frames_data = list(records)
        with self._lock:
            self._check_usable()
            first = seq = self._next_seq
            if seq + len(frames_data) > MAX_SEQ:
                raise StorageError("WAL sequence numbers exhausted")
            frames = [encode_record(first + i, d) for i, d in enumerate(frames_data)]
            batch: list[bytes] = []
            batch_bytes = 0
            for frame in frames:
                used = self._size + batch_bytes
                if used + len(frame) > self._capacity and used > FILE_HEADER_SIZE:
                    self._write_batch(batch, batch_bytes, seq)
                    batch, batch_bytes = [], 0
                    self._roll()
                batch.append(frame)
                batch_bytes += len(frame)
                seq += 1
            if batch:
                self._write_batch(batch, batch_bytes, seq)
            if self._policy == "always":
                self._sync_locked()
            else:
                self._dirty = True
            return range(first, seq)

    def _write_batch(self, frames: list[bytes], nbytes: int, end_seq: int) -> None:
        try:
            write_all(self._fd, frames[0] if len(frames) == 1 else b"".join(frames), self._size)
        except OSError:
            # Cut any partial record so the file stays a sequence of whole records.
            try:
                os.ftruncate(self._fd, self._size)
            except OSError as exc:
                self._failed = exc
            raise
        self._size += nbytes
        self._next_seq = end_seq

    def _roll(self) -> None:
        """Start a new segment at ``_next_seq``. Caller holds the lock."""
        # Create first: if that fails, the current segment stays active and nothing changed.
        ref, fd = create_segment(self._dir, self._next_seq, durable=self._durable)
        old_fd = self._fd
        try:
            if self._durable:
                # Closed segments are always fully synced, so the syncer only ever needs the
                # active segment's fd.
                _datasync(old_fd)
        except OSError as exc:
            self._failed = exc
            os.close(fd)
            raise
        os.close(old_fd)
        if self._durable:
            self._synced_seq = max(self._synced_seq, self._next_seq - 1)
        self._segments.append(ref)
        self._fd, self._size = fd, FILE_HEADER_SIZE

    # -- durability ------------------------------------------------------------------------

    def _sync_locked(self) -> None:
        try:
            _datasync(self._fd)
        except OSError as exc:
            # After a failed fsync the kernel may have dropped the dirty pages; retrying can
            # falsely succeed, so the log refuses further use (see "fsyncgate").
            self._failed = exc
            raise
        self._dirty = False
        self._synced_seq = self._next_seq - 1

    def _background_sync(self) -> None:
        with self._lock:
            if self._closed or self._failed is not None or not self._dirty:
                return
            self._dirty = False
            fd = os.dup(self._fd)
        self._sync_dup(fd)

    def _sync_dup(self, fd: int) -> None:
        """fdatasync `fd` (a dup of the active segment's fd, taken under the lock) without holding
        the lock, so appends go on meanwhile; a roll that closes the original fd syncs that segment
        itself. Closes `fd`; a failure makes the log unusable (see `_sync_locked`)."""
        try:
            _datasync(fd)
        except OSError as exc:
            with self._lock:
                self._failed = exc
            raise
        finally:
            os.close(fd)

    def flush(self) -> None:
        """fsync everything appended so far, whatever the policy."""
        with self._lock:
            self._check_usable()
            self._sync_locked()

    def close(self) -> None:
        """Stop the syncer, fsync (unless the policy is ``"never"``) and release the directory."""
        if self._syncer is not None:
            self._syncer.stop()  # outside the lock: the syncer takes it
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                if self._durable and self._failed is None:
                    _datasync(self._fd)
            finally:
                os.close(self._fd)
                os.close(self._lock_fd)

    def __enter__(self) -> Wal:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _check_usable(self) -> None:
        if self._closed:
            raise ClosedError(f"WAL {self._dir} is closed")
        if self._failed is not None:
            raise StorageError(f"WAL {self._dir} is unusable after an I/O failure: {self._failed}")

    # -- reading and truncation ------------------------------------------------------------

    def read_from(self, seq: int) -> Iterator[tuple[int, bytes]]:
        """Iterate ``(seq, data)`` for every retained record with sequence >= ``seq``, in order.

        The set of records is fixed when this is called (later appends are not seen). If a
        segment is removed by ``truncate_before`` while iterating, its records are skipped:
        the caller declared them unneeded. Damage raises :class:`CorruptionError`.
        """
        with self._lock:
            if self._closed:
                raise ClosedError(f"WAL {self._dir} is closed")
            segments = list(self._segments)
            active_size, next_seq = self._size, self._next_seq
        plan: list[tuple[SegmentRef, int, int | None]] = []
        for i, ref in enumerate(segments):
            last = i == len(segments) - 1
            end_seq = next_seq if last else segments[i + 1].first_seq
            if end_seq > seq and end_seq > ref.first_seq:
                plan.append((ref, end_seq, active_size if last else None))
        return self._read_plan(plan, seq)

    @staticmethod
    def _read_plan(plan: list[tuple[SegmentRef, int, int | None]], seq: int) -> Iterator[tuple[int, bytes]]:
        for ref, end_seq, end_offset in plan:
            try:
                yield from read_segment(ref, seq, end_seq, end_offset)
            except FileNotFoundError:
                continue

    def truncate_before(self, seq: int) -> int:
        """Drop whole segments whose records are all < ``seq``; return how many were removed.

        Truncation is segment-granular (records < ``seq`` sharing a segment with newer ones
        stay readable). If every record is < ``seq`` the active segment is replaced by an empty
        one named after ``next_seq``, which keeps the numbering across restarts.
        """
        with self._lock:
            self._check_usable()
            removed = 0
            # Oldest first: a crash midway leaves a contiguous suffix of the log.
            while len(self._segments) > 1 and self._segments[1].first_seq <= seq:
                self._remove_oldest()
                removed += 1
            if seq >= self._next_seq and self._next_seq > self._segments[0].first_seq:
                self._roll()
                self._remove_oldest()
                removed += 1
            return removed

    def _remove_oldest(self) -> None:
        ref = self._segments.pop(0)
        os.unlink(ref.path)
        if self._durable:
            # Make each removal durable before the next, so the on-disk set stays contiguous.
            fsync_dir(self._dir)
        log.debug("WAL %s: removed segment %s", self._dir, ref.path.name)


def _acquire_dir_lock(directory: Path) -> int:
    fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise LockedError(f"WAL directory {directory} is already open") from None
    return fd
