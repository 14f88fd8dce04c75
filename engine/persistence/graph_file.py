"""hnswlib graph files in segment-offset order, so that the graph file also holds the vectors.

hnswlib keeps every vector inside its level-0 block. A sealed segment whose graph covers each of
its offsets exactly once (the usual case: a freshly sealed or rebuilt segment) therefore needs no
second copy of its dense rows on disk: we write the graph ourselves with internal id == label ==
segment offset, and the column's rows are a strided read-only view into that file.

The file is hnswlib's own index format (hnswlib 0.8, `HierarchicalNSW::saveIndex`), loadable by
`hnswlib.Index.load_index`; little-endian:

    header, 96 bytes: offset_level0 u64, max_elements u64, cur_element_count u64,
        size_data_per_element u64, label_offset u64, offset_data u64, max_level i32,
        enterpoint_node u32, max_M u64, max_M0 u64, M u64, mult f64, ef_construction u64
    level-0 block: cur_element_count records of size_data_per_element bytes:
        [u32 link count | deleted mark in byte 2] [max_M0 x u32 links] [dim x f32 vector] [u64 label]
    then per element: u32 byte size of its upper-level link lists, then those lists
        (levels x (1 + max_M) u32, the same count word + links layout)

hnswlib assigns internal ids in arrival order, which a multi-threaded build shuffles slightly; the
writer renumbers internal ids to the labels (every link, the entry point, the upper lists).
"""

from __future__ import annotations

import mmap
import struct
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from engine.persistence.codec import FormatError
from storage.atomic import atomic_write_with

_HEADER = struct.Struct("<QQQQQQiIQQQdQ")


def covers_offsets(state: dict[str, Any], size: int) -> bool:
    """True when the graph holds each offset 0..size-1 exactly once (labels are a permutation)."""
    labels = np.asarray(state["label_lookup_external"])
    if int(state["cur_element_count"]) != size or labels.shape[0] != size:
        return False
    seen = np.zeros(size, dtype=bool)
    if size and (labels.max() >= size):
        return False
    seen[labels.astype(np.int64)] = True
    return bool(seen.all())


def write_graph(state: dict[str, Any], path: Path, in_offset_order: bool) -> None:
    """Write the graph whose hnswlib state (`Index.__getstate__()[0]`) is `state` to `path`
    (atomically, fsync'ed); `in_offset_order` (requires `covers_offsets`) renumbers internal ids
    to the labels, else they are kept."""
    n = int(state["cur_element_count"])
    record = int(state["size_data_per_element"])
    label_at = int(state["label_offset"])
    max_m0, max_m = int(state["max_M0"]), int(state["max_M"])
    level0 = np.asarray(state["data_level0"]).view(np.uint8)[: n * record].reshape(n, record)
    labels = level0[:, label_at:label_at + 8].copy().view(np.uint64).ravel().astype(np.int64)
    new_of_old = labels if in_offset_order else np.arange(n, dtype=np.int64)
    old_of_new = np.empty(n, dtype=np.int64)
    old_of_new[new_of_old] = np.arange(n, dtype=np.int64)

    block = level0[old_of_new]  # a copy, in offset order
    words = block.view(np.uint32)  # record sizes are multiples of 4
    _renumber(words[:, 1:1 + max_m0], new_of_old)

    levels = np.asarray(state["element_levels"]).astype(np.int64)
    per_level = max_m + 1
    upper = np.asarray(state["link_lists"]).view(np.uint8).view(np.uint32).reshape(-1, per_level).copy()
    _renumber(upper[:, 1:], new_of_old)
    flat = upper.ravel()
    old_start = np.cumsum(levels * per_level) - levels * per_level  # word offset of each old element
    lens = levels[old_of_new] * per_level
    record_start = np.cumsum(1 + lens) - (1 + lens)
    tail = np.zeros(int(n + lens.sum()), dtype=np.uint32)
    tail[record_start] = (lens * 4).astype(np.uint32)
    total = int(lens.sum())
    if total:
        within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lens) - lens, lens)
        tail[np.repeat(record_start + 1, lens) + within] = flat[np.repeat(old_start[old_of_new], lens) + within]

    header = _HEADER.pack(int(state["offset_level0"]), int(state["max_elements"]), n, record, label_at,
                          int(state["offset_data"]), int(state["max_level"]),
                          int(new_of_old[int(state["enterpoint_node"])]) if n else int(state["enterpoint_node"]),
                          max_m, max_m0, int(state["M"]), float(state["mult"]), int(state["ef_construction"]))

    def write(f: IO[bytes]) -> None:
        f.write(header)
        f.write(block.data)
        f.write(tail.data)

    atomic_write_with(path, write, fsync=True)


def _renumber(links: npt.NDArray[np.uint32], new_of_old: npt.NDArray[np.int64]) -> None:
    """Map internal ids in place (slots past a list's count may hold stale ids: mapped alike)."""
    valid = links < new_of_old.shape[0]
    links[valid] = new_of_old[links[valid]].astype(np.uint32)


def rows_view(path: Path, size: int, dim: int, in_ram: bool) -> npt.NDArray[np.float32]:
    """The float32 vectors of a graph file written in offset order (row i = offset i): a strided
    read-only memory map either way. `in_ram` asks the kernel to read the whole file into the page
    cache now (MADV_WILLNEED, without waiting for it) instead of on first touch: the rows are not
    copied into the heap a second time (hnswlib holds its own copy of them in its graph), so the
    process's anonymous memory does not grow with them; what they take is page cache, shared and
    reclaimable (a page evicted under memory pressure is read again from the file)."""
    with path.open("rb") as f:
        head = f.read(_HEADER.size)
    if len(head) != _HEADER.size:
        raise FormatError(f"{path}: not a graph file")
    (_, _, count, record, label_at, data_at, *_rest) = _HEADER.unpack(head)
    if count != size or label_at - data_at != dim * 4:
        raise FormatError(f"{path}: graph holds {count} vectors of {(label_at - data_at) // 4} dims, "
                          f"expected {size} of {dim}")
    if size == 0:
        return np.zeros((0, dim), dtype=np.float32)
    mapped = np.memmap(path, dtype=np.uint8, mode="r", offset=_HEADER.size, shape=(size, record))
    view: npt.NDArray[np.float32] = mapped[:, data_at:data_at + dim * 4].view(np.float32)  # still a memmap
    handle = getattr(mapped, "_mmap", None)  # np.memmap's mmap object
    if in_ram and handle is not None and hasattr(mmap, "MADV_WILLNEED"):
        handle.madvise(mmap.MADV_WILLNEED)
    return view
