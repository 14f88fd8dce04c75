"""WAL behaviour: numbering, replay, rollover, truncation, restart, fsync policies, threads."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

import storage.wal.log as wal_log
from storage.errors import ClosedError, LockedError, StorageError
from storage.framing import FILE_HEADER_SIZE
from storage.wal import Wal
from storage.wal.segment import parse_segment_name


def rec(i: int, size: int = 40) -> bytes:
    return f"record-{i}-".encode().ljust(size, b"x")


def segment_files(d: Path) -> list[str]:
    return sorted(p.name for p in d.iterdir() if p.suffix == ".wal")


def test_append_assigns_consecutive_sequences_and_reads_back(tmp_path: Path) -> None:
    with Wal(tmp_path, fsync="never") as wal:
        assert (wal.first_seq, wal.last_seq, wal.next_seq) == (None, None, 0)
        seqs = [wal.append(rec(i)) for i in range(10)]
        assert seqs == list(range(10))
        assert (wal.first_seq, wal.last_seq, wal.next_seq, len(wal)) == (0, 9, 10, 10)
        assert list(wal.read_from(0)) == [(i, rec(i)) for i in range(10)]
        assert list(wal.read_from(7)) == [(i, rec(i)) for i in range(7, 10)]
        assert list(wal.read_from(10)) == []
        assert list(wal.read_from(1000)) == []


def test_empty_and_binary_records_round_trip(tmp_path: Path) -> None:
    data = [b"", bytes(range(256)), b"\x00" * 17]
    with Wal(tmp_path, fsync="never") as wal:
        wal.append_many(data)
    with Wal(tmp_path, fsync="never") as wal:
        assert [d for _, d in wal.read_from(0)] == data


def test_append_many_returns_the_assigned_range(tmp_path: Path) -> None:
    with Wal(tmp_path, fsync="never") as wal:
        wal.append(b"a")
        assert wal.append_many([b"b", b"c", b"d"]) == range(1, 4)
        assert wal.append_many([]) == range(4, 4)
        assert [d for _, d in wal.read_from(0)] == [b"a", b"b", b"c", b"d"]


def test_restart_continues_numbering(tmp_path: Path) -> None:
    with Wal(tmp_path, fsync="always") as wal:
        for i in range(5):
            wal.append(rec(i))
    with Wal(tmp_path, fsync="always") as wal:
        assert (wal.first_seq, wal.last_seq) == (0, 4)
        assert wal.append(rec(5)) == 5
        assert list(wal.read_from(3)) == [(i, rec(i)) for i in range(3, 6)]


def test_start_seq_numbers_a_fresh_log_only(tmp_path: Path) -> None:
    with Wal(tmp_path, fsync="never", start_seq=100) as wal:
        assert wal.append(b"x") == 100
    with Wal(tmp_path, fsync="never", start_seq=5) as wal:
        assert wal.append(b"y") == 101


def test_segments_roll_over_at_capacity_and_are_named_by_first_seq(tmp_path: Path) -> None:
    capacity = 300  # a 40-byte record frames to 56 bytes: 5 records per segment after the header
    with Wal(tmp_path, fsync="never", capacity_bytes=capacity) as wal:
        for i in range(23):
            wal.append(rec(i))
        names = segment_files(tmp_path)
        firsts = [parse_segment_name(n) for n in names]
        assert firsts == [0, 5, 10, 15, 20]
        assert all((tmp_path / n).stat().st_size <= capacity for n in names)
        assert list(wal.read_from(0)) == [(i, rec(i)) for i in range(23)]
        assert list(wal.read_from(12)) == [(i, rec(i)) for i in range(12, 23)]
    with Wal(tmp_path, fsync="never", capacity_bytes=capacity) as wal:
        assert wal.append(rec(23)) == 23
        assert list(wal.read_from(0)) == [(i, rec(i)) for i in range(24)]


def test_append_many_rolls_over_inside_one_batch(tmp_path: Path) -> None:
    with Wal(tmp_path, fsync="never", capacity_bytes=300) as wal:
        assert wal.append_many([rec(i) for i in range(12)]) == range(12)
        assert [parse_segment_name(n) for n in segment_files(tmp_path)] == [0, 5, 10]
        assert [d for _, d in wal.read_from(0)] == [rec(i) for i in range(12)]


def test_record_larger_than_capacity_gets_its_own_segment(tmp_path: Path) -> None:
    big = b"B" * 1000
    with Wal(tmp_path, fsync="never", capacity_bytes=300) as wal:
        wal.append(rec(0))
        wal.append(big)
        wal.append(rec(2))
        assert [parse_segment_name(n) for n in segment_files(tmp_path)] == [0, 1, 2]
        assert [d for _, d in wal.read_from(0)] == [rec(0), big, rec(2)]


def test_truncate_before_drops_whole_segments_only(tmp_path: Path) -> None:
    with Wal(tmp_path, fsync="always", capacity_bytes=300) as wal:
        for i in range(23):
            wal.append(rec(i))
        assert wal.truncate_before(12) == 2  # segments [0,5) and [5,10); [10,15) holds 12
        assert wal.first_seq == 10
        assert [s for s, _ in wal.read_from(0)] == list(range(10, 23))
        assert wal.truncate_before(3) == 0
    with Wal(tmp_path, fsync="always", capacity_bytes=300) as wal:
        assert (wal.first_seq, wal.last_seq) == (10, 22)
        assert wal.append(b"z") == 23


def test_truncate_everything_keeps_numbering_across_restart(tmp_path: Path) -> None:
    with Wal(tmp_path, fsync="always", capacity_bytes=300) as wal:
        for i in range(8):
            wal.append(rec(i))
        wal.truncate_before(8)
        assert (wal.first_seq, wal.last_seq, wal.next_seq, len(wal)) == (None, None, 8, 0)
        assert list(wal.read_from(0)) == []
        assert [parse_segment_name(n) for n in segment_files(tmp_path)] == [8]
    with Wal(tmp_path, fsync="always", capacity_bytes=300) as wal:
        assert wal.next_seq == 8 and wal.last_seq is None
        assert wal.append(b"after") == 8
        assert list(wal.read_from(0)) == [(8, b"after")]
        # Truncating an already-empty log again, or past the end, changes nothing.
        wal.truncate_before(8)
        assert wal.next_seq == 9


def test_truncate_past_end_does_not_advance_numbering(tmp_path: Path) -> None:
    with Wal(tmp_path, fsync="never") as wal:
        wal.append(b"a")
        wal.truncate_before(1000)
        assert wal.next_seq == 1
        assert wal.append(b"b") == 1


def test_read_snapshot_ignores_later_appends_and_survives_truncation(tmp_path: Path) -> None:
    with Wal(tmp_path, fsync="never", capacity_bytes=300) as wal:
        for i in range(12):
            wal.append(rec(i))
        it = wal.read_from(0)
        assert next(it) == (0, rec(0))
        wal.append(rec(12))
        wal.truncate_before(10)  # removes the segment being read and the next one
        rest = [s for s, _ in it]
        # The open segment keeps reading (POSIX unlink); the removed, unopened one is skipped.
        assert rest == [1, 2, 3, 4, 10, 11]


def test_concurrent_appends_get_unique_contiguous_sequences(tmp_path: Path) -> None:
    threads, per_thread = 8, 300
    got: dict[int, list[int]] = {}
    with Wal(tmp_path, fsync="never", capacity_bytes=16 * 1024) as wal:

        def worker(t: int) -> None:
            got[t] = [wal.append(f"{t}:{i}".encode()) for i in range(per_thread)]

        pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
        for th in pool:
            th.start()
        for th in pool:
            th.join()
        all_seqs = sorted(s for seqs in got.values() for s in seqs)
        assert all_seqs == list(range(threads * per_thread))
        stored = dict(wal.read_from(0))
        for t, seqs in got.items():
            assert seqs == sorted(seqs)
            assert [stored[s] for s in seqs] == [f"{t}:{i}".encode() for i in range(per_thread)]


def test_second_open_of_same_directory_is_refused(tmp_path: Path) -> None:
    wal = Wal(tmp_path, fsync="never")
    with pytest.raises(LockedError):
        Wal(tmp_path, fsync="never")
    wal.close()
    Wal(tmp_path, fsync="never").close()


def test_use_after_close_raises(tmp_path: Path) -> None:
    wal = Wal(tmp_path, fsync="never")
    wal.close()
    wal.close()  # idempotent
    with pytest.raises(ClosedError):
        wal.append(b"x")
    with pytest.raises(ClosedError):
        wal.read_from(0)


def test_invalid_parameters_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        Wal(tmp_path, fsync="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Wal(tmp_path, capacity_bytes=FILE_HEADER_SIZE)


@pytest.mark.parametrize(
    ("policy", "syncs_per_append"),
    [("always", 1), ("never", 0), ("interval", 0)],
)
def test_fsync_policy_controls_syncs_on_append(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, policy: wal_log.FsyncPolicy, syncs_per_append: int
) -> None:
    calls: list[int] = []
    real = wal_log._datasync

    def spy(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(wal_log, "_datasync", spy)
    wal = Wal(tmp_path, fsync=policy, fsync_interval_ms=60_000)
    for i in range(5):
        wal.append(rec(i))
    assert len(calls) == 5 * syncs_per_append
    calls.clear()
    wal.flush()  # explicit flush always syncs
    assert len(calls) == 1
    wal.close()


def test_interval_policy_syncs_in_the_background(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced = threading.Event()
    real = wal_log._datasync

    def spy(fd: int) -> None:
        synced.set()
        real(fd)

    monkeypatch.setattr(wal_log, "_datasync", spy)
    with Wal(tmp_path, fsync="interval", fsync_interval_ms=20) as wal:
        wal.append(b"x")
        assert synced.wait(5.0)


def test_segment_files_are_created_in_the_given_directory_only(tmp_path: Path) -> None:
    d = tmp_path / "a" / "wal"
    with Wal(d, fsync="never") as wal:
        wal.append(b"x")
    assert sorted(os.listdir(d)) == [".lock", "00000000000000000000.wal"]


def test_failed_fsync_makes_the_log_refuse_further_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    wal = Wal(tmp_path, fsync="always")
    wal.append(b"ok")
    monkeypatch.setattr(wal_log, "_datasync", broken)
    with pytest.raises(OSError):
        wal.append(b"unsure")
    # A retried fsync could falsely succeed after the kernel dropped the pages: stay failed.
    with pytest.raises(StorageError, match="I/O failure"):
        wal.append(b"more")
    with pytest.raises(StorageError):
        wal.flush()
    wal.close()
    monkeypatch.undo()
    with Wal(tmp_path, fsync="never") as reopened:
        assert [d for _, d in reopened.read_from(0)] == [b"ok", b"unsure"]


def test_background_fsync_failure_surfaces_on_next_append(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failed = threading.Event()

    def broken(fd: int) -> None:
        failed.set()
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(wal_log, "_datasync", broken)
    wal = Wal(tmp_path, fsync="interval", fsync_interval_ms=10)
    wal.append(b"x")
    assert failed.wait(5.0)
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        try:
            wal.append(b"y")
        except StorageError:
            break
        time.sleep(0.01)
    else:
        pytest.fail("append kept succeeding after a failed background fsync")
    wal.close()


def test_appends_replays_and_truncation_running_concurrently(tmp_path: Path) -> None:
    """The flush-worker pattern: a writer appends while another thread replays and truncates."""
    n = 3000
    errors: list[BaseException] = []
    with Wal(tmp_path, fsync="never", capacity_bytes=2048) as wal:

        def writer() -> None:
            for i in range(n):
                wal.append(rec(i))

        def flusher() -> None:
            try:
                while wal.next_seq < n:
                    upto = wal.next_seq
                    seqs = [s for s, _ in wal.read_from(upto // 2)]
                    # Whatever was readable is contiguous and ends where the snapshot ended.
                    if seqs:
                        assert seqs == list(range(seqs[0], seqs[-1] + 1))
                    wal.truncate_before(upto // 2)
            except BaseException as exc:  # reported by the main thread
                errors.append(exc)

        threads = [threading.Thread(target=writer), threading.Thread(target=flusher)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        tail = list(wal.read_from(n - 10))
        assert tail == [(i, rec(i)) for i in range(n - 10, n)]
