"""WAL segment files: naming, creation, tail recovery and replay of one file.

A segment is named ``<first_seq as 20 zero-padded digits>.wal`` so that lexical order is
sequence order and the first sequence number is visible in ``ls``. The same number is repeated
in the file header. An empty segment (header only) still records where numbering continues,
which is how the next sequence survives a restart after everything was truncated.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from storage.atomic import fsync_dir
from storage.errors import CorruptionError
from storage.framing import (
    FILE_HEADER_SIZE,
    decode_file_header,
    decode_record,
    encode_file_header,
    intact_record_follows,
    scan_records,
)

log = logging.getLogger(__name__)

SEGMENT_MAGIC = b"QVWAL001"
SEGMENT_SUFFIX = ".wal"
_NAME_DIGITS = 20


@dataclass(slots=True)
class SegmentRef:
    """A segment file and the sequence number of its first record."""

    path: Path
    first_seq: int


def segment_name(first_seq: int) -> str:
    return f"{first_seq:0{_NAME_DIGITS}d}{SEGMENT_SUFFIX}"


def parse_segment_name(name: str) -> int | None:
    stem, dot, ext = name.partition(".")
    if dot and "." + ext == SEGMENT_SUFFIX and len(stem) == _NAME_DIGITS and stem.isdigit():
        return int(stem)
    return None


def list_segments(directory: Path) -> list[SegmentRef]:
    """Segment files in ``directory``, oldest first. Other files are ignored."""
    refs = []
    for entry in os.scandir(directory):
        first = parse_segment_name(entry.name)
        if first is not None and entry.is_file():
            refs.append(SegmentRef(Path(entry.path), first))
    refs.sort(key=lambda r: r.first_seq)
    return refs


def create_segment(directory: Path, first_seq: int, durable: bool) -> tuple[SegmentRef, int]:
    """Create an empty segment and return it with a write fd (positioned by pwrite offsets).

    With ``durable`` the header and the directory entry are fsynced, so the numbering it
    records survives power loss.
    """
    ref = SegmentRef(directory / segment_name(first_seq), first_seq)
    # O_TRUNC: a header-only leftover of the same name (a crash during creation) is rewritten.
    fd = os.open(ref.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        write_all(fd, encode_file_header(SEGMENT_MAGIC, first_seq), 0)
        if durable:
            os.fsync(fd)
            fsync_dir(directory)
    except BaseException:
        os.close(fd)
        raise
    return ref, fd


def write_all(fd: int, data: bytes, offset: int) -> None:
    """pwrite until every byte is written (regular files rarely short-write, but may on ENOSPC)."""
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, offset)
        view = view[n:]
        offset += n


def check_header(ref: SegmentRef, head: bytes | memoryview) -> None:
    base = decode_file_header(head, SEGMENT_MAGIC)
    if base != ref.first_seq:
        raise CorruptionError(
            f"WAL segment {ref.path} has a bad header (expected first sequence {ref.first_seq})"
        )


def recover_last(ref: SegmentRef) -> tuple[int, int]:
    """Open-time check of the newest segment. Returns ``(record_count, valid_size)``.

    A torn tail (a record cut short, zeros or garbage after the last good record, a bad CRC on
    the final record) is cut off the file with a warning: those bytes never formed an
    acknowledged record, or the acknowledgement was explicitly not durable. Damage followed by
    an intact record is not a torn tail and raises :class:`CorruptionError`.
    """
    with open(ref.path, "rb") as f:
        buf = memoryview(f.read())
    if len(buf) < FILE_HEADER_SIZE:
        # Crashed while creating the segment: it never held a record, so rewrite the header.
        log.warning("WAL segment %s has a torn header; rewriting it", ref.path)
        _, fd = create_segment(ref.path.parent, ref.first_seq, durable=True)
        os.close(fd)
        return 0, FILE_HEADER_SIZE
    check_header(ref, buf[:FILE_HEADER_SIZE])
    count, good_end, reason = scan_records(buf, FILE_HEADER_SIZE, len(buf), ref.first_seq)
    if reason is not None:
        seq = ref.first_seq + count
        if intact_record_follows(buf, good_end, len(buf), seq):
            raise CorruptionError(
                f"WAL segment {ref.path}: record {seq} at offset {good_end} is damaged ({reason}) "
                "but later records are intact; refusing to drop acknowledged writes"
            )
        log.warning(
            "WAL segment %s: dropping %d bytes of torn tail at offset %d (%s); last sequence is %d",
            ref.path,
            len(buf) - good_end,
            good_end,
            reason,
            seq - 1,
        )
        with open(ref.path, "r+b") as f:
            f.truncate(good_end)
            os.fsync(f.fileno())
    return count, good_end


def read_segment(
    ref: SegmentRef, from_seq: int, end_seq: int, end_offset: int | None
) -> Iterator[tuple[int, bytes]]:
    """Yield ``(seq, data)`` for records ``from_seq <= seq < end_seq`` of one segment.

    ``end_offset`` bounds the bytes read (the active segment may be growing). The segment must
    hold exactly the records up to ``end_seq``; a damaged record or a missing one raises
    :class:`CorruptionError` (replay must not silently skip acknowledged writes).
    """
    with open(ref.path, "rb") as f:
        raw = f.read() if end_offset is None else f.read(end_offset)
    buf = memoryview(raw)
    check_header(ref, buf[:FILE_HEADER_SIZE])
    offset, seq, end = FILE_HEADER_SIZE, ref.first_seq, len(buf)
    while seq < end_seq:
        found = decode_record(buf, offset, end, seq)
        if isinstance(found, str):
            raise CorruptionError(
                f"WAL segment {ref.path}: record {seq} at offset {offset} is damaged ({found})"
            )
        start, offset = found
        if seq >= from_seq:
            yield seq, bytes(buf[start:offset])
        seq += 1
    if offset != end:
        raise CorruptionError(
            f"WAL segment {ref.path}: {end - offset} unexpected bytes after record {seq - 1} at offset {offset}"
        )
