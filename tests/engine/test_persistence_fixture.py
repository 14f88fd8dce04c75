"""The checked-in storage of on-disk format 1 (tests/engine/fixtures/make_storage_v1.py) loads, with
every point, vector and payload it was made with, and the collection keeps working on it."""

import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np

from engine.collection import reads
from engine.toc import TableOfContents
from engine.types.filters import FieldMatch, Filter, MatchValue
from engine.types.operations import UpsertPoints
from engine.types.points import PointStruct
from engine.types.requests import CountRequest

FIXTURES = Path(__file__).parent / "fixtures"


def _maker():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_storage_v1", FIXTURES / "make_storage_v1.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_format_1_fixture_loads(tmp_path: Path) -> None:
    storage = tmp_path / "storage"
    shutil.copytree(FIXTURES / "storage-v1", storage)  # loading may cut logs: never touch the checked-in copy
    toc = TableOfContents(storage, fsync="never")
    toc.load()
    col = toc.get("fx-alias")
    expected = json.loads((FIXTURES / "expected-v1.json").read_text())
    assert _maker().dump_state(toc) == expected
    sealed = [s for s in col.segments if s.sealed]
    assert sealed and all("d" in s.hnsw for s in sealed)
    assert isinstance(sealed[0].dense["d"].data, np.memmap)  # `d` is on_disk
    flt = Filter(must=(FieldMatch(key="k", match=MatchValue(value="v1")),))
    assert reads.count(col, CountRequest(filter=flt)) == sum(1 for _, p, _, _ in expected if p.get("k") == "v1")
    col.update(UpsertPoints(points=[PointStruct(id=999, vectors={"d": np.ones(8, dtype=np.float32)})]))
    assert col.flush()
    toc.close()
    again = TableOfContents(storage, fsync="never")
    again.load()
    assert len(_maker().dump_state(again)) == len(expected) + 1
