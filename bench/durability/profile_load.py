"""Where restart time goes: `TableOfContents(storage).load()` in-process on a copy, timed with the
cyclic GC on and off, and under cProfile.

cProfile adds per-call overhead, so Python-heavy steps look somewhat bigger than in the wall-clock
numbers; the ranking is what matters. The report groups time by the step of the load it belongs to.
"""

from __future__ import annotations

import cProfile
import gc
import pstats
import time
from pathlib import Path
from typing import Any

import msgpack

from engine.toc import TableOfContents

# (label, function name, file fragment): cumulative time of these calls, as steps of a load
STEPS = (
    ("load_segment (base + delta records)", "load_segment", "segment_files.py"),
    ("  id tracker from numpy columns", "from_arrays", "id_tracker.py"),
    ("  payload index rebuild (create_index)", "create_index", "segment.py"),
    ("  hnswlib load_index", "load", "hnsw_index.py"),
    ("  delta records decode", "decode_points", "points_image.py"),
    ("WAL replay: read + decode records", "replay", "collection_store.py"),
    ("  codec from_plain (WAL decode)", "decode", "codec.py"),
    ("WAL replay: apply ops", "apply", "collection.py"),
)


def _payload_unpack_seconds(storage: Path) -> float:
    started = time.perf_counter()
    for path in storage.rglob("payloads.msgpack"):
        msgpack.unpackb(path.read_bytes(), raw=False, strict_map_key=False)
    return time.perf_counter() - started


def timed_load(storage: Path, gc_enabled: bool = True) -> dict[str, Any]:
    """Wall and CPU seconds of an unprofiled in-process load, with Python's cyclic GC on or off.
    Loading allocates millions of long-lived objects (payload dicts, index entries), and every
    full collection walks all of them again: the gap between the two is what the GC costs."""
    gc.collect()
    if not gc_enabled:
        gc.disable()
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        toc = TableOfContents(storage, fsync="never")
        toc.load()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        gc.enable()
    for col in toc.collections.values():
        if col.store is not None:
            col.store.close()
    return {"gc": "on" if gc_enabled else "off", "wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}


def profile_load(storage: Path, top: int = 15) -> dict[str, Any]:
    profiler = cProfile.Profile()
    toc = TableOfContents(storage, fsync="never")
    started = time.perf_counter()
    profiler.enable()
    toc.load()
    profiler.disable()
    wall = time.perf_counter() - started
    for col in toc.collections.values():
        if col.store is not None:
            col.store.close()
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    steps = []
    for label, func, fragment in STEPS:
        cum = sum(v[3] for (file, _line, name), v in raw.items() if name == func and fragment in file)
        if cum >= 0.005:
            steps.append({"step": label, "cumulative_s": round(cum, 2)})
    steps.append({"step": "  payloads.msgpack read + unpack (timed apart: cProfile cannot see Cython)",
                  "cumulative_s": round(_payload_unpack_seconds(storage), 2)})
    rows = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    by_self = [{"function": f"{Path(file).name}:{line}({name})", "calls": v[1], "self_s": round(v[2], 2),
                "cumulative_s": round(v[3], 2)} for (file, line, name), v in rows]
    return {"storage": storage.name, "profiled_wall_s": round(wall, 2), "steps": steps, "top_self_time": by_self}
