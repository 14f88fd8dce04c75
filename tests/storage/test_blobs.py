"""Blob store: int → bytes, persisted per flush, reloaded on open, compacted, torn batches dropped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storage.blobs import BlobStore
from storage.errors import CorruptionError


def test_round_trip_across_reopen(tmp_path: Path) -> None:
    p = tmp_path / "payload.blobs"
    s = BlobStore(p)
    s.put_many([(1, b"one"), (2, b"two"), (2**64 - 1, b"max")])
    s.flush()
    s.put_many([(3, b"three"), (1, b"uno")])
    s.delete_many([2, 999])
    assert s.get(1) == b"uno" and s.get(2) is None  # visible before flush
    s.flush()
    r = BlobStore(p)
    assert dict(r.items()) == {1: b"uno", 3: b"three", 2**64 - 1: b"max"}
    assert len(r) == 3 and 3 in r and 2 not in r
    assert sorted(r.keys()) == [1, 3, 2**64 - 1]


def test_unflushed_changes_are_not_persisted(tmp_path: Path) -> None:
    p = tmp_path / "b"
    s = BlobStore(p)
    s.put_many([(1, b"a")])
    s.flush()
    s.put_many([(2, b"b")])
    s.delete_many([1])
    assert dict(BlobStore(p).items()) == {1: b"a"}


def test_delete_then_put_in_one_batch(tmp_path: Path) -> None:
    p = tmp_path / "b"
    s = BlobStore(p)
    s.put_many([(1, b"a")])
    s.flush()
    s.delete_many([1])
    s.put_many([(1, b"again")])
    s.put_many([(2, b"x")])
    s.delete_many([2])
    s.flush()
    assert dict(BlobStore(p).items()) == {1: b"again"}


def test_missing_file_is_empty_store_and_flush_without_changes_writes_nothing(tmp_path: Path) -> None:
    p = tmp_path / "b"
    s = BlobStore(p)
    assert len(s) == 0 and s.get(5) is None
    s.flush()
    assert not p.exists()


def test_compaction_shrinks_file_and_keeps_content(tmp_path: Path) -> None:
    p = tmp_path / "b"
    s = BlobStore(p, compact_min_bytes=10_000)
    for round_ in range(50):
        s.put_many([(k, bytes([round_]) * 100) for k in range(20)])
        s.flush()
    # Without compaction the file would hold 50 batches of ~2 KB.
    assert s.file_size < 3 * (20 * 120) + 10_000
    expected = {k: bytes([49]) * 100 for k in range(20)}
    assert dict(BlobStore(p).items()) == expected
    s.compact()
    assert dict(BlobStore(p).items()) == expected


def test_torn_last_batch_is_dropped_whole(tmp_path: Path) -> None:
    p = tmp_path / "b"
    s = BlobStore(p)
    s.put_many([(1, b"a")])
    s.flush()
    good = p.stat().st_size
    s.put_many([(2, b"b" * 100), (3, b"c")])
    s.flush()
    os.truncate(p, good + 30)
    r = BlobStore(p)
    assert dict(r.items()) == {1: b"a"}
    assert p.stat().st_size == good
    r.put_many([(4, b"d")])
    r.flush()
    assert dict(BlobStore(p).items()) == {1: b"a", 4: b"d"}


def test_damaged_middle_batch_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "b"
    s = BlobStore(p)
    s.put_many([(1, b"a")])
    s.flush()
    at = p.stat().st_size
    s.put_many([(2, b"bbbb")])
    s.flush()
    s.put_many([(3, b"c")])
    s.flush()
    with open(p, "r+b") as f:
        f.seek(at + 17)
        f.write(b"\xff")
    with pytest.raises(CorruptionError):
        BlobStore(p)


def test_non_bytes_values_are_rejected(tmp_path: Path) -> None:
    s = BlobStore(tmp_path / "b")
    with pytest.raises(TypeError):
        s.put_many([(1, "text")])  # type: ignore[list-item]
