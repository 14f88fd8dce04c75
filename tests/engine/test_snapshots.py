"""Snapshots in the engine: archive contents and names, recovery into a fresh storage and over an
existing collection, checksum and archive validation, path traversal, downloads, full snapshots."""

from __future__ import annotations

import http.server
import io
import re
import tarfile
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import numpy as np
import pytest

import engine.toc
from engine.collection import Collection, reads
from engine.errors import BadInput, BadRequest, Forbidden, NotFound
from engine.snapshots import SnapshotManager
from engine.snapshots.full import restore_full_snapshot
from engine.toc import CreateAlias, TableOfContents
from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams
from engine.types.filters import FieldMatch, Filter, MatchValue
from engine.types.operations import CreateFieldIndex, DeletePoints, SetPayload, UpsertPoints
from engine.types.payload_schema import PayloadSchema
from engine.types.points import ALL_PAYLOAD, PointStruct
from engine.types.requests import NearestQuery, QueryRequest, ScrollRequest
from storage.tar import sha256_file
from storage.wal import FsyncPolicy

NAME_PATTERN = re.compile(r"^(?P<c>.+)-\d{16}-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.snapshot$")


def config(size: int = 4) -> CollectionConfig:
    params = CollectionParams(vectors={"": VectorParams(size=size, distance=Distance.COSINE)}, unnamed=True)
    return CollectionConfig(params=params)


def populate(toc: TableOfContents, name: str = "c", n: int = 200, seed: int = 0, flush_midway: bool = True) -> None:
    col = toc.create(name, config())
    col.update(CreateFieldIndex(key="k", schema=PayloadSchema(type="keyword")))
    rng = np.random.default_rng(seed)
    for start in range(0, n, 50):
        pts = [PointStruct(id=i, vectors={"": rng.normal(size=4).astype(np.float32)},
                           payload={"k": f"v{i % 5}", "i": i}) for i in range(start, start + 50)]
        col.update(UpsertPoints(points=pts))
        if flush_midway and start == 50:
            col.flush()  # part in the segment snapshot, the rest only in the WAL
    col.update(DeletePoints(ids=list(range(0, n, 7))))
    col.update(SetPayload(payload={"extra": [1, 2]}, ids=[1, 2, 3]))


def observe(toc: TableOfContents, name: str) -> tuple[object, ...]:
    """Everything a client could see: every point, and a few filtered searches."""
    col = toc.get(name)
    page = reads.scroll(col, ScrollRequest(limit=100000, with_payload=ALL_PAYLOAD, with_vector=True))
    points = [(r.id, r.payload, r.vectors[""].tolist() if r.vectors else None) for r in page.points]
    searches = []
    for value in ("v0", "v3"):
        flt = Filter(must=(FieldMatch(key="k", match=MatchValue(value=value)),))
        hits = reads.query(col, QueryRequest(query=NearestQuery(vector=np.ones(4, dtype=np.float32)),
                                             filter=flt, limit=7, with_payload=ALL_PAYLOAD))
        searches.append([(h.id, round(h.score, 6), h.payload) for h in hits])
    return tuple(points), tuple(map(tuple, searches)), dict(col.payload_schema)


@pytest.fixture
def server_a(tmp_path: Path) -> tuple[TableOfContents, SnapshotManager]:
    toc = TableOfContents(tmp_path / "a" / "storage")
    return toc, SnapshotManager(toc, tmp_path / "a" / "snapshots")


@pytest.fixture
def server_b(tmp_path: Path) -> tuple[TableOfContents, SnapshotManager]:
    toc = TableOfContents(tmp_path / "b" / "storage")
    return toc, SnapshotManager(toc, tmp_path / "b" / "snapshots")


def test_create_lists_and_checksums(server_a: tuple[TableOfContents, SnapshotManager]) -> None:
    toc, snaps = server_a
    populate(toc)
    desc = snaps.create("c")
    match = NAME_PATTERN.match(desc.name)
    assert match and match["c"] == "c"
    path = snaps.path("c", desc.name)
    assert path == snaps.root / "c" / desc.name
    assert desc.size == path.stat().st_size and desc.checksum == sha256_file(path)
    assert (path.parent / (desc.name + ".checksum")).read_text() == desc.checksum
    assert [d.name for d in snaps.list_snapshots("c")] == [desc.name]
    with tarfile.open(path) as tar:
        names = tar.getnames()
    assert "config.json" in names and "manifest.json" in names and any(n.startswith("wal/") for n in names)
    assert not any(n.endswith(".lock") for n in names)
    assert snaps.delete("c", desc.name)
    assert snaps.list_snapshots("c") == []
    assert not (path.parent / (desc.name + ".checksum")).exists()


def test_missing_collection_and_snapshot(server_a: tuple[TableOfContents, SnapshotManager]) -> None:
    toc, snaps = server_a
    with pytest.raises(NotFound):
        snaps.create("nope")
    with pytest.raises(NotFound):
        snaps.list_snapshots("nope")
    populate(toc)
    with pytest.raises(NotFound):
        snaps.path("c", "c-1-2024-01-01-00-00-00.snapshot")


@pytest.mark.parametrize("bad", ["..", "../c/x.snapshot", "/etc/passwd", ".hidden", "a\\b", "", "a\x00b"])
def test_traversal_names_are_not_found(server_a: tuple[TableOfContents, SnapshotManager], bad: str) -> None:
    toc, snaps = server_a
    populate(toc)
    desc = snaps.create("c")
    # A name that walks up and back down to an existing file is still refused.
    for name in (bad, f"../c/{desc.name}"):
        with pytest.raises(NotFound):
            snaps.path("c", name)
        with pytest.raises(NotFound):
            snaps.delete("c", name)
        with pytest.raises(NotFound):
            snaps.full_path(name)
    assert snaps.path("c", desc.name).exists()


def test_recover_on_fresh_storage_answers_identically(
    server_a: tuple[TableOfContents, SnapshotManager], server_b: tuple[TableOfContents, SnapshotManager]
) -> None:
    toc, snaps = server_a
    populate(toc)
    before = observe(toc, "c")
    desc = snaps.create("c")
    toc_b, snaps_b = server_b
    target = snaps_b.root / "c" / desc.name
    target.parent.mkdir(parents=True)
    target.write_bytes(snaps.path("c", desc.name).read_bytes())
    assert snaps_b.recover("restored", target.as_uri(), checksum=desc.checksum)
    assert observe(toc_b, "restored") == before
    # it is a real, durable collection: writes continue and survive a restart
    toc_b.get("restored").update(DeletePoints(ids=[1]))
    after = observe(toc_b, "restored")
    toc_b.close()
    again = TableOfContents(toc_b.root)
    again.load()
    assert observe(again, "restored") == after
    assert not any((toc_b.root / "tmp").iterdir())  # nothing left behind  # type: ignore[operator]


def test_recover_replaces_existing_collection_and_keeps_aliases(
    server_a: tuple[TableOfContents, SnapshotManager],
) -> None:
    toc, snaps = server_a
    populate(toc, seed=1)
    toc.update_aliases([CreateAlias(collection_name="c", alias_name="al")])
    before = observe(toc, "c")
    desc = snaps.create("al")  # through the alias: the collection's own snapshot directory
    old = toc.get("c")
    old.update(DeletePoints(ids=list(range(50))))
    old.update(SetPayload(payload={"k": "changed"}, ids=[51]))
    assert observe(toc, "c") != before
    snaps.recover("c", snaps.path("c", desc.name).as_uri())
    assert toc.get("c") is not old and old.store is None
    assert observe(toc, "c") == before
    assert toc.aliases == {"al": "c"}


def test_checksum_mismatch_changes_nothing(server_a: tuple[TableOfContents, SnapshotManager]) -> None:
    toc, snaps = server_a
    populate(toc)
    desc = snaps.create("c")
    toc.get("c").update(DeletePoints(ids=[1]))
    before = observe(toc, "c")
    with pytest.raises(BadRequest, match="Checksum mismatch"):
        snaps.recover("c", snaps.path("c", desc.name).as_uri(), checksum="3" * 64)
    with pytest.raises(BadRequest, match="Checksum mismatch"):
        snaps.recover("other", snaps.path("c", desc.name).as_uri(), checksum="3" * 64)
    assert observe(toc, "c") == before and not toc.exists("other")


def test_file_locations(server_a: tuple[TableOfContents, SnapshotManager], tmp_path: Path) -> None:
    toc, snaps = server_a
    populate(toc)
    outside = tmp_path / "outside.snapshot"
    outside.write_bytes(b"x")
    with pytest.raises(Forbidden, match="must be inside the snapshots directory"):
        snaps.recover("c", outside.as_uri())
    snaps.root.mkdir(parents=True, exist_ok=True)
    (snaps.root / "link.snapshot").symlink_to(outside)  # a symlink inside pointing out is still outside
    with pytest.raises(Forbidden):
        snaps.recover("c", (snaps.root / "link.snapshot").as_uri())
    with pytest.raises(Forbidden):
        snaps.recover("c", f"file://{snaps.root}/../../outside.snapshot")
    with pytest.raises(BadRequest, match="must be absolute or on localhost"):
        snaps.recover("c", "file://./etc/passwd")
    with pytest.raises(BadRequest, match='Snapshot file "/whatever.snapshot" does not exist'):
        snaps.recover("c", "file:///whatever.snapshot")
    with pytest.raises(BadRequest):
        snaps.recover("c", "ftp://example.com/x.snapshot")


def _tar_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a valid tar archive"),
        (b"garbage" * 100, "not a valid tar archive"),
        (_tar_bytes({"readme.txt": b"hi"}), "does not contain a collection config"),
        (_tar_bytes({"config.json": b"{oops"}), "invalid collection config"),
        (_tar_bytes({"../../evil.txt": b"x", "config.json": b"{}"}), "unsafe"),
        (_tar_bytes({"/tmp/evil.txt": b"x"}), "unsafe"),
    ],
)
def test_bad_uploads_are_rejected(server_a: tuple[TableOfContents, SnapshotManager], content: bytes,
                                  message: str) -> None:
    toc, snaps = server_a
    populate(toc)
    before = observe(toc, "c")
    saved = snaps.save_upload(io.BytesIO(content))
    with pytest.raises(BadInput, match=message) as info:
        snaps.recover_saved("c", saved)
    assert "recovery-" not in str(info.value) and str(toc.root) not in str(info.value)
    assert not saved.path.exists()
    assert observe(toc, "c") == before
    assert not (toc.root / "evil.txt").exists() and not (toc.root.parent / "evil.txt").exists()  # type: ignore[union-attr]


def test_incompatible_snapshot_is_rejected(server_a: tuple[TableOfContents, SnapshotManager]) -> None:
    toc, snaps = server_a
    populate(toc)
    toc.create("small", config(size=3))
    desc = snaps.create("c")
    with pytest.raises(BadInput, match="not compatible"):
        snaps.recover("small", snaps.path("c", desc.name).as_uri())
    assert toc.get("small").config.params.vectors[""].size == 3


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = tmp_path / "served"
    root.mkdir()
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_recover_from_url(server_a: tuple[TableOfContents, SnapshotManager],
                          server_b: tuple[TableOfContents, SnapshotManager], http_root: tuple[Path, str]) -> None:
    toc, snaps = server_a
    populate(toc)
    before = observe(toc, "c")
    desc = snaps.create("c")
    root, url = http_root
    (root / "snap.tar").write_bytes(snaps.path("c", desc.name).read_bytes())
    toc_b, snaps_b = server_b
    with pytest.raises(BadRequest, match="Checksum mismatch"):
        snaps_b.recover("c", f"{url}/snap.tar", checksum="0" * 64)
    with pytest.raises(BadRequest, match="Failed to download"):
        snaps_b.recover("c", f"{url}/missing.tar")
    assert not toc_b.exists("c")
    snaps_b.recover("c", f"{url}/snap.tar", checksum=desc.checksum)
    assert observe(toc_b, "c") == before
    assert list((toc_b.root / "tmp").iterdir()) == []  # type: ignore[operator]


def test_snapshot_during_writes_is_a_consistent_prefix(server_a: tuple[TableOfContents, SnapshotManager]) -> None:
    toc, snaps = server_a
    col = toc.create("w", config())
    stop = threading.Event()

    def writer() -> None:
        i = 0
        while not stop.is_set() and i < 5000:
            col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": np.ones(4, dtype=np.float32)},
                                                        payload={"i": i})]))
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        descs = [snaps.create("w") for _ in range(3)]
    finally:
        stop.set()
        thread.join()
    for n, desc in enumerate(descs):
        snaps.recover(f"r{n}", snaps.path("w", desc.name).as_uri())
    for n in range(len(descs)):
        ids = sorted(int(r.id) for r in reads.scroll(toc.get(f"r{n}"), ScrollRequest(limit=100000)).points)
        assert ids == list(range(len(ids)))  # no holes: every write before the cut, none after


def test_full_snapshot_round_trip(server_a: tuple[TableOfContents, SnapshotManager], tmp_path: Path) -> None:
    toc, snaps = server_a
    populate(toc, "one")
    populate(toc, "two", seed=3)
    toc.update_aliases([CreateAlias(collection_name="two", alias_name="second")])
    expected = {name: observe(toc, name) for name in ("one", "two")}
    desc = snaps.create_full()
    assert desc.name.startswith("full-snapshot-") and desc.checksum == sha256_file(snaps.full_path(desc.name))
    assert [d.name for d in snaps.list_full()] == [desc.name]
    fresh = tmp_path / "fresh"
    assert sorted(restore_full_snapshot(snaps.full_path(desc.name), fresh)) == ["one", "two"]
    again = TableOfContents(fresh)
    again.load()
    assert {name: observe(again, name) for name in ("one", "two")} == expected
    assert again.aliases == {"second": "two"}
    assert snaps.delete_full(desc.name)
    assert snaps.list_full() == []


def test_failed_install_keeps_the_old_collection(server_a: tuple[TableOfContents, SnapshotManager],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    toc, snaps = server_a
    populate(toc)
    desc = snaps.create("c")
    toc.get("c").update(DeletePoints(ids=[1, 2]))
    before = observe(toc, "c")
    real = engine.toc.recover_collection
    calls = []

    def fail_first(directory: Path, fsync: FsyncPolicy) -> Collection:
        calls.append(directory)
        if len(calls) == 1:
            raise OSError("disk on fire")
        return real(directory, fsync)

    monkeypatch.setattr(engine.toc, "recover_collection", fail_first)
    with pytest.raises(OSError):
        snaps.recover("c", snaps.path("c", desc.name).as_uri())
    assert observe(toc, "c") == before
    toc.get("c").update(DeletePoints(ids=[3]))  # and it is writable again


def test_shard_snapshot_recovery_replaces_the_points_and_keeps_the_config(
    server_a: tuple[TableOfContents, SnapshotManager],
) -> None:
    from dataclasses import replace

    from engine.snapshots import shard as shard_snapshots
    from engine.types.config import Datatype, OptimizersConfig

    toc, snaps = server_a
    populate(toc, seed=2)
    toc.update_aliases([CreateAlias(collection_name="c", alias_name="al")])
    before = observe(toc, "c")
    desc = shard_snapshots.create(snaps, "c", 0)
    # the collection is tuned after the snapshot: the recovery must keep this, as Qdrant does
    toc.update_config("c", lambda c: replace(c, metadata={"owner": "ops"},
                                             optimizer_config=OptimizersConfig(indexing_threshold=5)))
    tuned = toc.get("c").config
    toc.get("c").update(DeletePoints(ids=list(range(60))))
    location = shard_snapshots.path(snaps, "c", 0, desc.name).as_uri()
    assert shard_snapshots.recover(snaps, "al", 0, location)
    assert observe(toc, "c") == before  # the shard's points and payload indexes are the snapshot's
    assert toc.get("c").config == tuned
    assert toc.aliases == {"al": "c"}
    # the kept config must be able to read the stored vectors
    toc.update_config("c", lambda c: replace(c, params=replace(c.params, vectors={
        "": replace(c.params.vectors[""], datatype=Datatype.FLOAT16)})))
    with pytest.raises(BadInput, match="stored as float32 in the snapshot, float16 in the collection"):
        shard_snapshots.recover(snaps, "c", 0, location)
    with pytest.raises(NotFound, match="shard 1"):
        shard_snapshots.recover(snaps, "c", 1, location)
