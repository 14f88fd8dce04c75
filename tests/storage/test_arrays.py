"""numpy array files: atomic save, load, read-only memory maps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from storage.arrays import load_array, open_array, save_array


def test_save_load_round_trip(tmp_path: Path) -> None:
    a = np.random.default_rng(0).random((100, 8), dtype=np.float32)
    p = tmp_path / "vectors.npy"
    save_array(p, a)
    b = load_array(p)
    assert b.dtype == np.float32 and np.array_equal(a, b)


def test_memmap_is_read_only_and_equal(tmp_path: Path) -> None:
    a = np.arange(24, dtype=np.float32).reshape(6, 4)
    p = tmp_path / "v.npy"
    save_array(p, a)
    m = open_array(p)
    assert isinstance(m, np.memmap)
    assert np.array_equal(m, a)
    with pytest.raises(ValueError):
        m[0, 0] = 1.0


def test_empty_array_can_be_opened(tmp_path: Path) -> None:
    p = tmp_path / "empty.npy"
    save_array(p, np.zeros((0, 16), dtype=np.float32))
    m = open_array(p)
    assert m.shape == (0, 16) and not m.flags.writeable


def test_replacing_a_mapped_file_keeps_old_view_valid(tmp_path: Path) -> None:
    p = tmp_path / "v.npy"
    save_array(p, np.ones(1000, dtype=np.float32))
    old = open_array(p)
    save_array(p, np.full(1000, 2.0, dtype=np.float32))
    assert float(old.sum()) == 1000.0
    assert float(open_array(p).sum()) == 2000.0


def test_object_arrays_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        save_array(tmp_path / "o.npy", np.array([{"a": 1}], dtype=object))
    assert not (tmp_path / "o.npy").exists()
