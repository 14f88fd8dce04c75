"""numpy arrays as ``.npy`` files: atomic save, in-memory load, read-only memory map.

Saving replaces the file by rename, so a reader that memory-mapped the old file keeps a valid
view of the old content (the old inode lives until its last map goes away) and a new
:func:`open_array` sees the new one. Pickled (object) arrays are refused both ways.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import numpy.typing as npt

from storage.atomic import atomic_write_with


def save_array(path: str | os.PathLike[str], array: npt.ArrayLike, fsync: bool = True) -> None:
    """Write ``array`` to ``path`` in ``.npy`` format atomically (no ``.npy`` suffix is added)."""
    arr = np.asarray(array)
    if arr.dtype.hasobject:
        raise ValueError("object arrays cannot be stored")
    atomic_write_with(path, lambda f: np.save(f, arr, allow_pickle=False), fsync=fsync)


def load_array(path: str | os.PathLike[str]) -> npt.NDArray[Any]:
    """Read a whole ``.npy`` file into memory (a writable array)."""
    loaded: npt.NDArray[Any] = np.load(path, allow_pickle=False)
    return loaded


def open_array(path: str | os.PathLike[str]) -> npt.NDArray[Any]:
    """Memory-map a ``.npy`` file read-only: pages are read on demand and shared via the page cache."""
    mapped: npt.NDArray[Any] = np.load(path, mmap_mode="r", allow_pickle=False)
    return mapped
