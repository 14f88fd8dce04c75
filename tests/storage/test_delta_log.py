"""The delta log: appended records come back after reopening at the committed length; whatever was
appended after the last commit (a crash between append and commit) is cut off."""

from pathlib import Path

import pytest

from storage.delta_log import DeltaLog
from storage.errors import CorruptionError


def test_records_up_to_the_committed_length_survive_reopen(tmp_path: Path) -> None:
    path = tmp_path / "deltas.log"
    log = DeltaLog(path, 0)
    first = log.append(b"one")
    log.append(b"two")
    again = DeltaLog(path, log.length)
    assert again.records == [b"one", b"two"]
    cut = DeltaLog(path, first)  # the second append was never committed
    assert cut.records == [b"one"]
    assert path.stat().st_size == first
    cut.append(b"three")  # appends continue after the cut, numbered on
    assert DeltaLog(path, cut.length).records == [b"one", b"three"]


def test_rollback_forgets_an_uncommitted_append(tmp_path: Path) -> None:
    log = DeltaLog(tmp_path / "d.log", 0)
    log.append(b"kept")
    length, count = log.length, log.count
    log.append(b"dropped")
    log.rollback(length, count)
    log.append(b"after")
    assert DeltaLog(tmp_path / "d.log", log.length).records == [b"kept", b"after"]


def test_damage_inside_the_committed_part_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "d.log"
    log = DeltaLog(path, 0)
    log.append(b"x" * 100)
    data = bytearray(path.read_bytes())
    data[40] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptionError):
        DeltaLog(path, log.length)
    with pytest.raises(CorruptionError):
        DeltaLog(path, log.length + 10)  # shorter than committed
