"""WAL recovery: torn tails are cut and the log continues; damage elsewhere is reported."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from storage.errors import CorruptionError
from storage.framing import FILE_HEADER_SIZE, RECORD_HEADER_SIZE
from storage.wal import Wal

CAP = 300  # 5 records of 40 bytes (56 framed) per segment


def rec(i: int) -> bytes:
    return f"record-{i}-".encode().ljust(40, b"x")


def fill(d: Path, n: int) -> None:
    with Wal(d, fsync="never", capacity_bytes=CAP) as wal:
        wal.append_many([rec(i) for i in range(n)])


def segments(d: Path) -> list[Path]:
    return sorted(p for p in d.iterdir() if p.suffix == ".wal")


def flip_byte(path: Path, offset: int) -> None:
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0xFF]))


def record_offset(index_in_segment: int) -> int:
    return FILE_HEADER_SIZE + index_in_segment * (RECORD_HEADER_SIZE + 40)


def reopen_and_check(d: Path, expect_last: int) -> None:
    """The log holds 0..expect_last intact and keeps numbering from there, also after restart."""
    with Wal(d, fsync="never", capacity_bytes=CAP) as wal:
        assert wal.last_seq == expect_last
        assert list(wal.read_from(0)) == [(i, rec(i)) for i in range(expect_last + 1)]
        assert wal.append(rec(expect_last + 1)) == expect_last + 1
        assert wal.append(rec(expect_last + 2)) == expect_last + 2
    with Wal(d, fsync="never", capacity_bytes=CAP) as wal:
        assert list(wal.read_from(0)) == [(i, rec(i)) for i in range(expect_last + 3)]


@pytest.mark.parametrize("cut", [1, RECORD_HEADER_SIZE - 1, RECORD_HEADER_SIZE, RECORD_HEADER_SIZE + 20])
def test_tail_truncated_mid_record_is_dropped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, cut: int
) -> None:
    fill(tmp_path, 8)  # last segment holds 5, 6, 7
    last = segments(tmp_path)[-1]
    os.truncate(last, record_offset(2) + cut)
    with caplog.at_level(logging.WARNING):
        reopen_and_check(tmp_path, expect_last=6)
    assert "torn tail" in caplog.text


@pytest.mark.parametrize("garbage", [b"\x01", b"\x00" * 4096, os.urandom(100), b"\xff" * 16 + b"junk"])
def test_garbage_after_last_record_is_dropped(tmp_path: Path, garbage: bytes) -> None:
    fill(tmp_path, 8)
    with open(segments(tmp_path)[-1], "ab") as f:
        f.write(garbage)
    reopen_and_check(tmp_path, expect_last=7)


def test_bad_crc_in_last_record_drops_it(tmp_path: Path) -> None:
    fill(tmp_path, 8)
    flip_byte(segments(tmp_path)[-1], record_offset(2) + RECORD_HEADER_SIZE + 5)  # data of seq 7
    reopen_and_check(tmp_path, expect_last=6)


def test_bad_sequence_header_in_last_record_drops_it(tmp_path: Path) -> None:
    fill(tmp_path, 8)
    flip_byte(segments(tmp_path)[-1], record_offset(2) + 4)  # seq field of seq 7
    reopen_and_check(tmp_path, expect_last=6)


def test_torn_tail_that_empties_the_last_segment(tmp_path: Path) -> None:
    fill(tmp_path, 6)  # last segment holds only seq 5
    os.truncate(segments(tmp_path)[-1], record_offset(0) + 3)
    reopen_and_check(tmp_path, expect_last=4)


def test_torn_segment_header_is_rewritten(tmp_path: Path) -> None:
    fill(tmp_path, 5)  # exactly one full segment
    (tmp_path / "00000000000000000005.wal").write_bytes(b"QVW")  # crashed while creating it
    reopen_and_check(tmp_path, expect_last=4)


def test_damage_before_intact_records_in_last_segment_is_an_error(tmp_path: Path) -> None:
    fill(tmp_path, 9)  # last segment holds 5, 6, 7, 8
    flip_byte(segments(tmp_path)[-1], record_offset(1) + RECORD_HEADER_SIZE + 3)  # seq 6
    with pytest.raises(CorruptionError, match="later records are intact"):
        Wal(tmp_path, fsync="never", capacity_bytes=CAP)


def test_damage_in_an_older_segment_raises_on_replay(tmp_path: Path) -> None:
    fill(tmp_path, 12)
    flip_byte(segments(tmp_path)[0], record_offset(2) + RECORD_HEADER_SIZE + 1)  # seq 2
    with Wal(tmp_path, fsync="never", capacity_bytes=CAP) as wal:  # open does not scan old segments
        assert wal.last_seq == 11
        assert [s for s, _ in wal.read_from(5)] == list(range(5, 12))
        got = []
        with pytest.raises(CorruptionError, match="record 2"):
            for seq, _ in wal.read_from(0):
                got.append(seq)
        assert got == [0, 1]


def test_missing_middle_segment_raises_on_replay(tmp_path: Path) -> None:
    fill(tmp_path, 12)
    segments(tmp_path)[1].unlink()  # records 5..9 vanish
    with Wal(tmp_path, fsync="never", capacity_bytes=CAP) as wal, pytest.raises(CorruptionError):
        list(wal.read_from(0))


def test_bad_header_in_older_segment_fails_open(tmp_path: Path) -> None:
    fill(tmp_path, 12)
    flip_byte(segments(tmp_path)[0], 0)
    with pytest.raises(CorruptionError, match="bad header"):
        Wal(tmp_path, fsync="never", capacity_bytes=CAP)


def test_acknowledged_appends_survive_kill_9_without_fsync(tmp_path: Path) -> None:
    child = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {os.getcwd()!r})
        from storage.wal import Wal
        wal = Wal({str(tmp_path)!r}, fsync="never", capacity_bytes=4096)
        for i in range(500):
            wal.append(b"rec-%d" % i)
        sys.stdout.write("acked\\n"); sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert proc.stdout == "acked\n"
    with Wal(tmp_path, fsync="never", capacity_bytes=4096) as wal:
        assert list(wal.read_from(0)) == [(i, b"rec-%d" % i) for i in range(500)]


def test_damaged_length_field_before_intact_records_is_an_error(tmp_path: Path) -> None:
    # the length field names no record boundary, so only a search for the next records' headers
    # tells this damage from a torn tail (it was taken for one: every later record was dropped)
    fill(tmp_path, 9)  # last segment holds 5, 6, 7, 8
    flip_byte(segments(tmp_path)[-1], record_offset(0) + 1)  # length field of seq 5
    with pytest.raises(CorruptionError, match="later records are intact"):
        Wal(tmp_path, fsync="never", capacity_bytes=CAP)


def test_damaged_length_field_of_the_last_record_is_a_torn_tail(tmp_path: Path) -> None:
    fill(tmp_path, 8)  # last segment holds 5, 6, 7
    flip_byte(segments(tmp_path)[-1], record_offset(2) + 1)  # length field of seq 7
    reopen_and_check(tmp_path, expect_last=6)
