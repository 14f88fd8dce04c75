"""A collection that fails to load keeps its directory: a later create of the same name is refused
(409) and writes nothing, so acknowledged points in its WAL survive until an operator acts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.errors import AlreadyExists, ValidationError
from engine.toc import MAX_VECTOR_SIZE, TableOfContents
from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams
from engine.types.operations import UpsertPoints
from engine.types.points import PointStruct


def config(size: int = 4) -> CollectionConfig:
    return CollectionConfig(params=CollectionParams(vectors={"": VectorParams(size=size, distance=Distance.DOT)},
                                                    unnamed=True))


def _files(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_failed_collection_is_never_overwritten(tmp_path: Path) -> None:
    toc = TableOfContents(tmp_path)
    col = toc.create("kept", config())
    col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": np.ones(4, dtype=np.float32)}) for i in range(100)]))
    toc.close()
    directory = tmp_path / "collections" / "kept"
    (directory / "config.json").write_bytes(b"{ not json")  # damaged: the collection cannot load
    before = _files(directory)

    again = TableOfContents(tmp_path)
    again.load()
    assert "kept" in again.failed and "kept" not in again.names()
    with pytest.raises(AlreadyExists, match="failed to load"):
        again.create("kept", config())
    assert _files(directory) == before
    again.close()


def test_vector_size_limit() -> None:
    toc = TableOfContents(None)
    toc.create("largest", config(MAX_VECTOR_SIZE))
    with pytest.raises(ValidationError, match="must be from 1 to 65536"):
        toc.create("too_large", config(MAX_VECTOR_SIZE + 1))
    assert toc.names() == ["largest"]
