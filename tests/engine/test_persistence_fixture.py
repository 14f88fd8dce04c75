"""The checked-in storages of on-disk formats 1 and 2 (tests/engine/fixtures/make_storage_v1.py,
make_storage_v2.py) load, with every point, vector and payload they were made with, and the
collection keeps working on them (writing the current format beside the old one)."""

import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

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


@pytest.mark.parametrize("version", [1, 2])
def test_old_format_fixture_loads(tmp_path: Path, version: int) -> None:
    storage = tmp_path / "storage"
    shutil.copytree(FIXTURES / f"storage-v{version}", storage)  # loading may cut logs: never touch the checked-in copy
    toc = TableOfContents(storage, fsync="never")
    toc.load()
    col = toc.get("fx-alias")
    expected = json.loads((FIXTURES / f"expected-v{version}.json").read_text())
    assert _maker().dump_state(toc) == expected
    sealed = [s for s in col.segments if s.sealed]
    assert sealed and all("d" in s.hnsw for s in sealed)
    assert isinstance(sealed[0].dense["d"].data, np.memmap)  # `d` is on_disk
    assert sealed[0].payloads.packed_count > 0  # a base without stored starts still stays packed
    flt = Filter(must=(FieldMatch(key="k", match=MatchValue(value="v1")),))
    assert reads.count(col, CountRequest(filter=flt)) == sum(1 for _, p, _, _ in expected if p.get("k") == "v1")
    col.update(UpsertPoints(points=[PointStruct(id=999, vectors={"d": np.ones(8, dtype=np.float32)})]))
    assert col.flush()
    toc.close()
    again = TableOfContents(storage, fsync="never")
    again.load()
    assert len(_maker().dump_state(again)) == len(expected) + 1
