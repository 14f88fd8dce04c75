"""Start-up flags: `--storage-snapshot` restores a full snapshot into empty storage, `--snapshot
PATH:NAME` recovers one collection, existing data is kept unless forced."""

from pathlib import Path

import numpy as np
import pytest

from engine.collection import reads
from engine.snapshots.archive import archive_collection
from engine.snapshots.full import create_full_snapshot
from engine.toc import CreateAlias, TableOfContents
from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams
from engine.types.operations import UpsertPoints
from engine.types.points import PointStruct
from engine.types.requests import CountRequest
from server.startup import StartupSnapshots, parse_collection_snapshot, recover_collections, restore_storage


def seeded(root: Path, n: int) -> TableOfContents:
    toc = TableOfContents(root)
    params = CollectionParams(vectors={"": VectorParams(size=4, distance=Distance.DOT)}, unnamed=True)
    col = toc.create("docs", CollectionConfig(params=params))
    col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": np.ones(4, dtype=np.float32) * i})
                                    for i in range(n)]))
    toc.update_aliases([CreateAlias(collection_name="docs", alias_name="current")])
    return toc


def count(toc: TableOfContents, name: str) -> int:
    return reads.count(toc.get(name), CountRequest())


def test_storage_snapshot_restores_collections_and_aliases(tmp_path: Path) -> None:
    source = seeded(tmp_path / "a", 30)
    snap = create_full_snapshot(source, tmp_path / "snaps", tmp_path / "a" / "tmp")
    restore_storage(StartupSnapshots(storage_snapshot=str(tmp_path / "snaps" / snap.name)), str(tmp_path / "b"))
    fresh = TableOfContents(tmp_path / "b")
    fresh.load()
    assert count(fresh, "current") == 30


def test_collection_snapshot_recovered_at_start_unless_present(tmp_path: Path) -> None:
    source = seeded(tmp_path / "a", 12)
    desc = archive_collection(source.get("docs"), tmp_path / "snaps", "docs.snapshot", tmp_path / "a" / "tmp")
    path = str(tmp_path / "snaps" / desc.name)
    target = seeded(tmp_path / "b", 3)
    recover_collections(StartupSnapshots(collection_snapshots=[(path, "docs")]), target)
    assert count(target, "docs") == 3  # kept: not forced
    recover_collections(StartupSnapshots(collection_snapshots=[(path, "docs")], force=True), target)
    assert count(target, "docs") == 12
    recover_collections(StartupSnapshots(collection_snapshots=[(path, "copy")]), target)
    assert count(target, "copy") == 12


def test_snapshot_flag_syntax() -> None:
    assert parse_collection_snapshot("/x/y:z.snapshot:docs") == ("/x/y:z.snapshot", "docs")
    with pytest.raises(SystemExit):
        parse_collection_snapshot("no-collection")
