"""Atomic file replacement: readers see old or new content, never a mix; failures leave no trace."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from storage.atomic import atomic_write_bytes, atomic_writer, read_bytes, remove_stale_temps


def test_write_then_read(tmp_path: Path) -> None:
    p = tmp_path / "state.json"
    atomic_write_bytes(p, b"one")
    assert read_bytes(p) == b"one"
    atomic_write_bytes(p, b"two", fsync=False)
    assert read_bytes(p) == b"two"
    assert os.listdir(tmp_path) == ["state.json"]


def test_failed_write_keeps_old_content_and_removes_temp(tmp_path: Path) -> None:
    p = tmp_path / "state.json"
    atomic_write_bytes(p, b"old")
    with pytest.raises(RuntimeError), atomic_writer(p) as f:
        f.write(b"half of the new")
        raise RuntimeError("crash mid-write")
    assert read_bytes(p) == b"old"
    assert os.listdir(tmp_path) == ["state.json"]


def test_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_bytes(tmp_path / "absent")


def test_concurrent_reader_sees_only_whole_versions(tmp_path: Path) -> None:
    p = tmp_path / "state"
    versions = [bytes([i]) * 50_000 for i in range(40)]
    atomic_write_bytes(p, versions[0], fsync=False)
    stop = threading.Event()
    seen: list[bytes] = []

    def reader() -> None:
        while not stop.is_set():
            seen.append(read_bytes(p))

    t = threading.Thread(target=reader)
    t.start()
    for v in versions[1:]:
        atomic_write_bytes(p, v, fsync=False)
    stop.set()
    t.join()
    assert seen and all(s in versions for s in seen)


def test_stale_temps_from_crashed_writers_are_removed(tmp_path: Path) -> None:
    (tmp_path / ".state.json.tmp-123-abcd").write_bytes(b"partial")
    (tmp_path / "state.json").write_bytes(b"kept")
    (tmp_path / ".hidden").write_bytes(b"kept")
    assert remove_stale_temps(tmp_path) == 1
    assert sorted(os.listdir(tmp_path)) == [".hidden", "state.json"]
