"""Record framing shared by the WAL and the blob log: length + sequence + CRC32 per record.

File layout::

    file header  : magic (8 bytes) | base u64 (little endian)          16 bytes
    record       : length u32 | seq u64 | crc32 u32 | data[length]      16 + length bytes

The CRC covers the length and sequence fields as well as the data, so a record copied to the
wrong place or a header with a flipped bit fails validation. Sequence numbers inside one file are
consecutive, starting at ``base``; a record whose sequence is not the expected one is invalid,
which also rejects stale bytes from an older use of the same disk blocks.
"""

from __future__ import annotations

import struct
import zlib

FILE_HEADER = struct.Struct("<8sQ")
FILE_HEADER_SIZE = FILE_HEADER.size
_PREFIX = struct.Struct("<IQ")
_HEADER = struct.Struct("<IQI")
RECORD_HEADER_SIZE = _HEADER.size
MAX_RECORD_SIZE = 0xFFFF_FFFF
MAX_SEQ = 0xFFFF_FFFF_FFFF_FFFF


def encode_file_header(magic: bytes, base: int) -> bytes:
    """Header that opens every framed file: 8-byte magic and the first sequence number."""
    return FILE_HEADER.pack(magic, base)


def decode_file_header(buf: bytes | memoryview, magic: bytes) -> int | None:
    """Return the base sequence of a file header, or None if it is short or has the wrong magic."""
    if len(buf) < FILE_HEADER_SIZE:
        return None
    found, base = FILE_HEADER.unpack_from(buf, 0)
    return int(base) if found == magic else None


def record_size(data_len: int) -> int:
    """Bytes one record with ``data_len`` bytes of data occupies on disk."""
    return RECORD_HEADER_SIZE + data_len


def encode_record(seq: int, data: bytes | memoryview) -> bytes:
    """Frame one record. Raises ValueError if the data exceeds the u32 length field."""
    n = len(data)
    if n > MAX_RECORD_SIZE:
        raise ValueError(f"record of {n} bytes exceeds the maximum of {MAX_RECORD_SIZE}")
    crc = zlib.crc32(data, zlib.crc32(_PREFIX.pack(n, seq)))
    return _HEADER.pack(n, seq, crc) + data


def decode_record(buf: memoryview, offset: int, end: int, expected_seq: int) -> tuple[int, int] | str:
    """Validate the record at ``offset`` (bytes after ``end`` are ignored).

    Returns ``(data_start, data_end)`` offsets into ``buf``, or a short reason why the bytes
    there are not a valid record with sequence ``expected_seq``.
    """
    if end - offset < RECORD_HEADER_SIZE:
        return "incomplete record header"
    n, seq, crc = _HEADER.unpack_from(buf, offset)
    start = offset + RECORD_HEADER_SIZE
    stop = start + n
    if stop > end:
        return f"record length {n} runs past the end of the file"
    if zlib.crc32(buf[start:stop], zlib.crc32(buf[offset : offset + _PREFIX.size])) != crc:
        return "crc mismatch"
    if seq != expected_seq:
        return f"sequence {seq} where {expected_seq} was expected"
    return start, stop


def next_record_offset(buf: memoryview, offset: int, end: int) -> int | None:
    """Where the record after the one at ``offset`` would start, judging only by its length
    field (used to tell a torn tail from corruption followed by intact records)."""
    if end - offset < RECORD_HEADER_SIZE:
        return None
    (n,) = struct.unpack_from("<I", buf, offset)
    nxt = offset + RECORD_HEADER_SIZE + int(n)
    return nxt if nxt < end else None


def scan_records(buf: memoryview, start: int, end: int, first_seq: int) -> tuple[int, int, str | None]:
    """Walk consecutive records from ``start``; stop at the first invalid one or at ``end``.

    Returns ``(count, good_end, reason)``: how many records are valid, the offset just after the
    last valid one, and why the walk stopped early (None if it reached ``end`` cleanly).
    """
    offset, seq = start, first_seq
    while offset < end:
        found = decode_record(buf, offset, end, seq)
        if isinstance(found, str):
            return seq - first_seq, offset, found
        offset = found[1]
        seq += 1
    return seq - first_seq, offset, None


# How many sequence numbers past a damaged record the forward search looks for an intact one: a
# torn tail holds at most the records of the last unsynced writes, damage in the middle of a log is
# followed by the very next sequence.
_LOOKAHEAD_SEQS = 16


def intact_record_follows(buf: memoryview, bad_offset: int, end: int, expected_seq: int) -> bool:
    """True if an intact record with a later sequence sits anywhere after the invalid record at
    ``bad_offset``: the damage is in the middle of the log, not a torn tail.

    The record's own length field may be the damaged part, so besides the offset that field names,
    the bytes after it are searched (in C, with ``bytes.find``) for the sequence fields of the next
    few records, and each hit is validated with its CRC.
    """
    nxt = next_record_offset(buf, bad_offset, end)
    if nxt is not None and not isinstance(decode_record(buf, nxt, end, expected_seq + 1), str):
        return True
    tail = bytes(buf[bad_offset:end])
    seq_at = _PREFIX.size - 8  # the sequence field's offset inside a record header
    for seq in range(expected_seq + 1, min(expected_seq + 1 + _LOOKAHEAD_SEQS, MAX_SEQ + 1)):
        needle = struct.pack("<Q", seq)
        hit = tail.find(needle, seq_at + 1)
        while hit != -1:
            if not isinstance(decode_record(buf, bad_offset + hit - seq_at, end, seq), str):
                return True
            hit = tail.find(needle, hit + 1)
    return False
