"""Graph files in offset order: the hnswlib graph also stores a sealed segment's dense rows."""

import json
from pathlib import Path

import hnswlib
import numpy as np
import pytest

from engine.persistence.graph_file import covers_offsets, rows_view, write_graph
from engine.persistence.segment_files import SEGMENT_FORMAT
from engine.shard.optimizer import optimize_shard
from engine.toc import TableOfContents
from engine.types.config import CollectionConfig, CollectionParams, Distance, OptimizersConfig, VectorParams
from engine.types.operations import DeletePoints, UpsertPoints
from engine.types.points import PointStruct

DIM = 12


def shuffled_graph(n: int) -> tuple[hnswlib.Index, np.ndarray]:
    rng = np.random.default_rng(3)
    vectors = rng.random((n, DIM), dtype=np.float32)
    order = rng.permutation(n)  # internal ids in a different order than the labels
    index = hnswlib.Index(space="l2", dim=DIM)
    index.init_index(max_elements=n, M=8, ef_construction=50, random_seed=1)
    index.add_items(vectors[order], order, num_threads=2)
    return index, vectors


def identity(state: dict[str, np.ndarray]) -> bool:
    """Internal id == label for every element (hnswlib lists the pairs in no particular order)."""
    return bool(np.array_equal(np.asarray(state["label_lookup_external"]),
                               np.asarray(state["label_lookup_internal"]).astype(np.uint64)))


@pytest.mark.parametrize("in_ram", [True, False])
def test_a_graph_written_in_offset_order_answers_the_same_and_holds_the_rows(tmp_path: Path, in_ram: bool) -> None:
    index, vectors = shuffled_graph(3000)
    index.mark_deleted(17)
    state = index.__getstate__()[0]
    assert covers_offsets(state, 3000)
    assert not identity(state)
    path = tmp_path / "g.bin"
    write_graph(state, path, in_offset_order=True)
    loaded = hnswlib.Index(space="l2", dim=DIM)
    loaded.load_index(str(path))
    queries = np.random.default_rng(4).random((50, DIM), dtype=np.float32)
    index.set_ef(40)
    loaded.set_ef(40)
    assert np.array_equal(index.knn_query(queries, k=5)[0], loaded.knn_query(queries, k=5)[0])
    assert 17 not in loaded.knn_query(vectors[17], k=5)[0]  # the deleted mark survives
    assert identity(loaded.__getstate__()[0])
    rows = rows_view(path, 3000, DIM, in_ram=in_ram)
    assert isinstance(rows, np.memmap)  # in RAM too: page cache, not a second copy in the heap
    assert np.array_equal(rows, vectors)


def test_a_graph_that_misses_offsets_keeps_its_order_and_does_not_hold_rows(tmp_path: Path) -> None:
    index, _ = shuffled_graph(500)
    state = index.__getstate__()[0]
    assert not covers_offsets(state, 501)
    write_graph(state, tmp_path / "g.bin", in_offset_order=False)
    loaded = hnswlib.Index(space="l2", dim=DIM)
    loaded.load_index(str(tmp_path / "g.bin"))
    mapping = loaded.__getstate__()[0]
    assert dict(zip(np.asarray(mapping["label_lookup_external"]).tolist(),
                    np.asarray(mapping["label_lookup_internal"]).tolist(), strict=True)) == \
        dict(zip(np.asarray(state["label_lookup_external"]).tolist(),
                 np.asarray(state["label_lookup_internal"]).tolist(), strict=True))


def sealed_dirs(root: Path) -> list[Path]:
    return [p.parent for p in (root / "collections" / "c" / "segments").glob("*/segment.json")]


@pytest.mark.parametrize("delete_first", [False, True])
def test_a_sealed_segment_keeps_its_rows_only_in_the_graph_when_it_covers_them(tmp_path: Path,
                                                                              delete_first: bool) -> None:
    params = CollectionParams(vectors={"": VectorParams(size=DIM, distance=Distance.COSINE)}, unnamed=True)
    config = CollectionConfig(params=params, optimizer_config=OptimizersConfig(indexing_threshold=20))
    toc = TableOfContents(tmp_path)
    col = toc.create("c", config)
    rng = np.random.default_rng(5)
    col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": rng.normal(size=DIM).astype(np.float32)})
                                    for i in range(800)]))
    if delete_first:  # a point deleted before the seal is not in the graph: its offset has no row there
        col.update(DeletePoints(ids=[3]))
    while optimize_shard(col.shard, threads=2):
        pass
    expected = {p: col.segments[0].dense[""].get(o) for p, o in [(7, 7), (500, 500)]}
    toc.close()
    (seg_dir,) = sealed_dirs(tmp_path)
    meta = json.loads((seg_dir / "segment.json").read_text())
    assert meta["format"] == SEGMENT_FORMAT
    assert bool(meta["vectors"][0].get("rows_in_graph")) != delete_first
    assert (seg_dir / "vec-0-rows.npy").exists() == delete_first
    toc = TableOfContents(tmp_path)
    toc.load()
    again = toc.get("c")
    sealed = next(s for s in again.segments if s.sealed)
    for offset in (7, 500):
        assert np.array_equal(sealed.dense[""].get(offset), expected[7 if offset == 7 else 500])
