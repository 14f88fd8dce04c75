"""Which stream sequence a replica has applied, so a restarted replica neither skips nor repeats.

The consumer's ack floor alone is not enough: a node may die after the local engine logged an
operation and before JetStream received the ack, and re-applying a by-filter operation on a newer
state is not idempotent. So before applying stream message `seq` the replica writes
`(seq, last local op number)` to a 16-byte file; after a restart, a local op number above the
recorded one means that message reached the local WAL (it is the only thing applied since), so
the replica resumes after it, else at it.

The record is written with `pwrite` and no fsync: it survives the death of the process (kill -9:
the page cache stays), which is the crash this guards against. After a power loss the local WAL
(fsynced per `storage.wal_fsync`) may be ahead of the record; then the one operation in flight is
applied again — harmless for operations by id (they set values), stated in the README.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

_RECORD = struct.Struct("<QQ")


class Progress:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)

    def read(self) -> tuple[int, int] | None:
        """(seq, op number before it) of the last message started, or None if none was."""
        data = os.pread(self._fd, _RECORD.size, 0)
        if len(data) < _RECORD.size:
            return None
        seq, op_before = _RECORD.unpack(data)
        return (seq, op_before) if seq > 0 else None

    def starting(self, seq: int, op_before: int) -> None:
        os.pwrite(self._fd, _RECORD.pack(seq, op_before), 0)

    def close(self) -> None:
        os.close(self._fd)

    def remove(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


def resume_after(record: tuple[int, int] | None, last_op_num: int) -> int:
    """The highest stream sequence already applied, given the record and the local engine's
    newest operation number after its own recovery."""
    if record is None:
        return 0
    seq, op_before = record
    return seq if last_op_num > op_before else seq - 1
