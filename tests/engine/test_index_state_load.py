"""Payload indexes of every exported kind come back from a sealed base exactly as they were built
(values pass through the loader undecoded, arrays decoded)."""

from pathlib import Path

import numpy as np

from engine.payload_index.index_io import export_state
from engine.shard.optimizer import optimize_shard
from engine.toc import TableOfContents
from engine.types.config import CollectionConfig, CollectionParams, Distance, OptimizersConfig, VectorParams
from engine.types.operations import CreateFieldIndex, UpsertPoints
from engine.types.payload_schema import PayloadSchema
from engine.types.points import PointStruct

KINDS = {"kw": "keyword", "int": "integer", "fl": "float", "dt": "datetime", "b": "bool",
         "u": "uuid"}


def payload(i: int) -> dict[str, object]:
    return {"kw": [f"t{i % 7}", f"s{i % 3}"], "int": i % 11, "fl": i / 4, "dt": f"2024-01-{1 + i % 28:02d}T10:00:00Z",
            "b": i % 2 == 0, "u": f"6f1b8a4e-8a5e-4c8e-9a55-{i:012x}"}


def test_every_exported_index_kind_loads_as_built(tmp_path: Path) -> None:
    params = CollectionParams(vectors={"": VectorParams(size=4, distance=Distance.DOT)}, unnamed=True)
    toc = TableOfContents(tmp_path)
    col = toc.create("c", CollectionConfig(params=params, optimizer_config=OptimizersConfig(indexing_threshold=1)))
    for key, kind in KINDS.items():
        col.update(CreateFieldIndex(key=key, schema=PayloadSchema(type=kind)))  # type: ignore[arg-type]
    rng = np.random.default_rng(3)
    col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": rng.normal(size=4).astype(np.float32)},
                                                payload=payload(i)) for i in range(300)]))
    assert optimize_shard(col.shard, threads=1)
    sealed = next(s for s in col.segments if s.sealed)
    built = {key: export_state(sealed.indexes[key]) for key in KINDS}
    toc.close()
    again = TableOfContents(tmp_path)
    again.load()
    loaded_seg = next(s for s in again.get("c").segments if s.sealed)
    for key in KINDS:
        before, after = built[key], export_state(loaded_seg.indexes[key])
        assert before is not None and after is not None
        assert before.keys() == after.keys()
        for field, value in before.items():
            if isinstance(value, np.ndarray):
                assert np.array_equal(value, after[field]), (key, field)
            else:
                assert value == after[field], (key, field)
    again.close()


def test_loaded_values_come_back_with_their_types(tmp_path: Path) -> None:
    """The values of a format-2 state are arrays of codes: each point's values decode to what was
    indexed (ints stay ints in a float index, repeated keywords stay repeated, bools stay bools)."""
    params = CollectionParams(vectors={"": VectorParams(size=4, distance=Distance.DOT)}, unnamed=True)
    toc = TableOfContents(tmp_path)
    col = toc.create("c", CollectionConfig(params=params, optimizer_config=OptimizersConfig(indexing_threshold=1)))
    for key, kind in KINDS.items():
        col.update(CreateFieldIndex(key=key, schema=PayloadSchema(type=kind)))  # type: ignore[arg-type]

    def mixed(i: int) -> dict[str, object]:
        p = payload(i)
        p["fl"] = i if i % 3 == 0 else [i / 4, -i]  # ints beside floats
        p["kw"] = [f"t{i % 7}", f"t{i % 7}"] if i % 5 == 0 else p["kw"]
        return p

    col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": np.ones(4, dtype=np.float32)}, payload=mixed(i))
                                    for i in range(120)]))
    assert optimize_shard(col.shard, threads=1)
    sealed = next(s for s in col.segments if s.sealed)
    before = {key: {o: sealed.indexes[key].values_at(o) for o in range(sealed.size)} for key in KINDS}
    state = export_state(sealed.indexes["fl"])
    assert state is not None and state["f"] == 2 and "flat" not in state and state["flat_int"].any()
    toc.close()
    again = TableOfContents(tmp_path)
    again.load()
    loaded = next(s for s in again.get("c").segments if s.sealed)
    for key in KINDS:
        after = {o: loaded.indexes[key].values_at(o) for o in range(loaded.size)}
        assert after == before[key], key
        assert [[type(v) for v in vs] for vs in after.values()] == [[type(v) for v in vs] for vs in before[key].values()]
    again.close()
