"""Recovering a collection from a snapshot archive.

The archive is treated as hostile (it may be an upload): its checksum is verified when given, it is
extracted path-traversal-safely into a fresh temporary directory inside the storage, and the result
must load completely as a collection (config, segment snapshot, WAL replay) before anything live is
touched. Only then does the table of contents swap it in (`TableOfContents.install`), so readers see
the old collection or the new one, never a mix, and a bad snapshot changes nothing.

A shard snapshot (`keep_config`) replaces only the shard's data — its points, payload indexes and
WAL — of an existing collection, whose config (vectors, HNSW, optimizers, quantization, strict mode,
metadata) stays as it is, as in Qdrant, where the shard snapshot carries no collection config. The
stored vectors must then fit the kept config: same names, sizes, distances, storage datatypes and
multivector layout (Qdrant's `check_compatible_with_segment_config`).
"""

from __future__ import annotations

import logging
import secrets
import shutil
import time
from pathlib import Path

from engine.collection import Collection
from engine.collection.recovery import recover_collection
from engine.errors import BadInput, BadRequest
from engine.persistence.collection_store import load_config, save_config
from engine.toc import TableOfContents
from engine.types.config import CollectionParams
from storage.errors import ArchiveError, StorageError, UnsafeArchiveError
from storage.tar import extract_tar, sha256_file

log = logging.getLogger("quiver.snapshots")


def verify_checksum(archive: Path, expected: str | None) -> None:
    if expected is None:
        return
    actual = sha256_file(archive)
    if actual.lower() != expected.strip().lower():
        raise BadRequest(f"Checksum mismatch: expected {expected}, got {actual}")


def _incompatibility(existing: CollectionParams, incoming: CollectionParams) -> str | None:
    """Why a snapshot may not replace an existing collection (Qdrant checks the vector layout)."""
    if existing.unnamed != incoming.unnamed or set(existing.vectors) != set(incoming.vectors):
        return "vector names differ"
    for name, params in existing.vectors.items():
        other = incoming.vectors[name]
        if (params.size, params.distance) != (other.size, other.distance):
            label = f"`{name}`" if name else "the default vector"
            return f"{label} has size {other.size} and distance {other.distance.value} in the snapshot, " \
                   f"{params.size} and {params.distance.value} in the collection"
    if set(existing.sparse_vectors or {}) != set(incoming.sparse_vectors or {}):
        return "sparse vector names differ"
    return None


def _stored_form_differs(existing: CollectionParams, incoming: CollectionParams) -> str | None:
    """Why a shard's stored vectors cannot be read with the collection's own config (names, sizes
    and distances already match)."""
    for name, params in existing.vectors.items():
        other = incoming.vectors[name]
        label = f"`{name}`" if name else "the default vector"
        if params.storage_type is not other.storage_type:
            return f"{label} is stored as {other.storage_type.value} in the snapshot, " \
                   f"{params.storage_type.value} in the collection"
        if (params.multivector_config is None) != (other.multivector_config is None):
            return f"{label} is a multivector in only one of the snapshot and the collection"
    return None


def _extract_and_validate(archive: Path, directory: Path, toc: TableOfContents, name: str,
                          keep_config: bool) -> None:
    try:
        extract_tar(archive, directory)
    except UnsafeArchiveError as exc:
        raise BadInput(f"Snapshot archive is unsafe: {exc}") from None
    except ArchiveError:
        raise BadInput("Snapshot is not a valid tar archive") from None
    # Paths of our temporary directory stay out of the messages: the caller may be anyone.
    if not (directory / "config.json").is_file():
        raise BadInput("Snapshot does not contain a collection config")
    try:
        config = load_config(directory)
    except Exception:
        raise BadInput("Snapshot contains an invalid collection config") from None
    if toc.exists(name) and name not in toc.failed:  # a failed one has no config to compare
        existing = toc.get(name).config
        why = _incompatibility(existing.params, config.params)
        if why is None and keep_config:
            why = _stored_form_differs(existing.params, config.params)
        if why is not None:
            raise BadInput(f"Snapshot is not compatible with existing collection: {why}")
        if keep_config:
            save_config(directory, existing)  # the shard's data under the collection's own config
    try:
        probe = recover_collection(directory, toc.fsync)  # the full load a restart would do
    except (StorageError, Exception) as exc:
        log.warning("snapshot failed to load", extra={"collection": name, "error": str(exc)})
        raise BadInput("Snapshot data cannot be loaded: the archive is damaged or not a Quiver snapshot") from None
    if probe.store is not None:
        probe.store.close()


def recover_from_archive(toc: TableOfContents, name: str, archive: Path, checksum: str | None,
                         tmp_root: Path, keep_config: bool = False) -> Collection:
    """Replace (or create) collection `name` with the snapshot in `archive`; `keep_config`: a shard
    snapshot, whose data goes under the existing collection's config."""
    started = time.monotonic()
    verify_checksum(archive, checksum)
    work = tmp_root / f"recovery-{secrets.token_hex(8)}"
    try:
        directory = work / "collection"
        log.info("snapshot recovery started", extra={"collection": name, "bytes": archive.stat().st_size})
        _extract_and_validate(archive, directory, toc, name, keep_config)
        collection = toc.install(name, directory)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("snapshot recovery finished", extra={"collection": name, "points": collection.points_count(),
                                                  "seconds": round(time.monotonic() - started, 3)})
    return collection
