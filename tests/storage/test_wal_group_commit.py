"""Group commit under `always`: concurrent appenders share fsyncs, and `sync(seq)` returns only
once a fsync that started after record `seq` was written has finished."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

import storage.wal.log as wal_log
from storage.wal import Wal


def test_concurrent_appenders_share_fsyncs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = wal_log._datasync

    def slow_sync(fd: int) -> None:
        calls.append(fd)
        time.sleep(0.01)  # a slow disk: appends pile up behind one fsync
        real(fd)

    monkeypatch.setattr(wal_log, "_datasync", slow_sync)
    wal = Wal(tmp_path / "wal", fsync="always", start_seq=1)
    synced: list[tuple[int, int]] = []

    def writer(n: int) -> None:
        for i in range(25):
            seq = wal.append(f"{n}-{i}".encode(), sync=False)
            wal.sync(seq)
            synced.append((seq, wal._synced_seq))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(synced) == 200
    assert all(durable >= seq for seq, durable in synced)  # nobody returned before its record was synced
    assert len(calls) < 200  # fsyncs were shared
    wal.close()
    reopened = Wal(tmp_path / "wal", fsync="always", start_seq=1)
    assert len(list(reopened.read_from(1))) == 200
    reopened.close()


def test_sync_is_a_no_op_for_other_policies(tmp_path: Path) -> None:
    wal = Wal(tmp_path / "wal", fsync="never", start_seq=1)
    seq = wal.append(b"x", sync=False)
    wal.sync(seq)  # returns at once: "never" fsyncs only on flush/close
    assert wal._synced_seq < seq
    wal.close()
