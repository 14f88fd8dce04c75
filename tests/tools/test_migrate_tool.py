"""tools.migrate between two `QdrantClient(":memory:")` instances (the `:memory:`-backed source the
issue asks for; the same code runs between servers in compat_tests/test_compat_clients_migrate.py):
every vector kind, payload indexes and aliases copied; a copy interrupted by a failing target resumes
from its checkpoint with every point exactly once; a tampered target fails the verification."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from qdrant_client import QdrantClient, models
from rich.console import Console

from tools.migrate.cli import main, migrate
from tools.migrate.state import load_state

N = 230


def _source() -> QdrantClient:
    client = QdrantClient(":memory:")
    client.create_collection(
        "kinds",
        vectors_config={"dense": models.VectorParams(size=3, distance=models.Distance.EUCLID),
                        "multi": models.VectorParams(size=2, distance=models.Distance.DOT,
                                                     multivector_config=models.MultiVectorConfig(
                                                         comparator=models.MultiVectorComparator.MAX_SIM))},
        sparse_vectors_config={"words": models.SparseVectorParams()},
    )
    client.upsert("kinds", points=[models.PointStruct(
        id=i if i % 3 else f"00000000-0000-4000-8000-{i:012d}",
        vector={"dense": [i, -i / 2, 1.0], "multi": [[1.0, i], [i % 5, 2.0], [0.5, 0.5]],
                "words": models.SparseVector(indices=[i % 13, 40 + i % 3], values=[1.5, i / 7])},
        payload={"i": i, "tags": ["x", str(i % 4)], "nested": {"ok": i % 2 == 0}}) for i in range(N)])
    client.update_collection_aliases(change_aliases_operations=[models.CreateAliasOperation(
        create_alias=models.CreateAlias(collection_name="kinds", alias_name="current"))])
    return client


def _run(source: Any, target: Any, state: Path, batch: int = 37) -> list[Any]:
    return migrate(source, target, state, "mem-a", "mem-b", None, batch, Console(file=io.StringIO()), False,
                   sample=50, searches=10, min_overlap=1.0)


def _points(client: QdrantClient) -> dict[Any, models.Record]:
    return {p.id: p for p in client.scroll("kinds", limit=10 * N, with_vectors=True)[0]}


class FailingTarget:
    """A target whose upsert fails after `ok_batches` batches, as a crash half way would."""

    def __init__(self, client: QdrantClient, ok_batches: int) -> None:
        self.client, self.left = client, ok_batches

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def upsert(self, *args: Any, **kwargs: Any) -> Any:
        if self.left == 0:
            raise ConnectionError("target went away")
        self.left -= 1
        return self.client.upsert(*args, **kwargs)


def test_every_vector_kind_payload_and_alias_are_copied(tmp_path: Path) -> None:
    source, target = _source(), QdrantClient(":memory:")
    checks = _run(source, target, tmp_path / "state.json")
    assert checks and all(c.ok for c in checks), checks
    want, got = _points(source), _points(target)
    assert want.keys() == got.keys() and len(got) == N
    for point_id, record in want.items():
        assert got[point_id].payload == record.payload
        assert got[point_id].vector == record.vector
    assert target.get_collection("kinds").config.params == source.get_collection("kinds").config.params
    assert [(a.alias_name, a.collection_name) for a in target.get_aliases().aliases] == [("current", "kinds")]


def test_interrupted_copy_resumes_from_its_checkpoint(tmp_path: Path) -> None:
    source, target, state = _source(), QdrantClient(":memory:"), tmp_path / "state.json"
    with pytest.raises(ConnectionError):
        _run(source, FailingTarget(target, ok_batches=3), state)
    saved = load_state(state, "mem-a", "mem-b").collections["kinds"]
    assert (saved.copied, saved.done) == (3 * 37, False)
    assert target.count("kinds").count == 3 * 37
    checks = _run(source, target, state)
    assert all(c.ok for c in checks), checks
    assert sorted(map(str, _points(target))) == sorted(map(str, _points(source)))
    assert target.count("kinds").count == N


def test_tampered_target_fails_verification(tmp_path: Path) -> None:
    source, target, state = _source(), QdrantClient(":memory:"), tmp_path / "state.json"
    assert all(c.ok for c in _run(source, target, state))
    target.set_payload("kinds", payload={"i": -1}, points=models.FilterSelector(filter=models.Filter()))
    failed = {c.check for c in _run(source, target, state) if not c.ok}
    assert failed == {"sampled points (payload, vectors)"}
    # most points gone: sampled ones are missing on the target, which is reported, not a crash
    target.delete("kinds", points_selector=models.PointIdsList(points=list(range(1, N, 3)) + list(range(2, N, 3))))
    failed = {c.check for c in _run(source, target, state) if not c.ok}
    assert {"points count", "sampled points (payload, vectors)", "top-10 search overlap"} <= failed


def test_refuses_an_existing_target_collection_and_a_foreign_state_file(tmp_path: Path) -> None:
    source, target = _source(), QdrantClient(":memory:")
    target.create_collection("kinds", vectors_config=models.VectorParams(size=3, distance=models.Distance.DOT))
    with pytest.raises(ValueError, match="already has a collection 'kinds'"):
        _run(source, target, tmp_path / "state.json")
    state = tmp_path / "other.json"
    state.write_text(json.dumps({"source": "x", "target": "y", "collections": {}}))
    with pytest.raises(ValueError, match="belongs to x -> y"):
        _run(source, QdrantClient(":memory:"), state)


def test_cli_rejects_a_non_http_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--from", "ftp://x", "--to", "http://localhost:1"]) == 2
    assert "not an http(s) URL" in capsys.readouterr().err
