"""The table of contents: every collection by name, and the aliases that point at them."""

from __future__ import annotations

import gc
import json
import logging
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.collection import Collection
from engine.collection.recovery import recover_collection
from engine.errors import AlreadyExists, BadInput, NotFound, ServiceError, ValidationError
from engine.persistence.collection_store import CollectionStore, save_config
from engine.shard.shard import Shard
from engine.types.config import CollectionConfig
from storage.atomic import atomic_write_bytes, fsync_dir
from storage.memory import release_free_heap
from storage.wal import FsyncPolicy

log = logging.getLogger("quiver.toc")

_BAD_NAME = re.compile(r'[<>:"/\\|?*\x00]')


def check_collection_name(name: str) -> None:
    if not name or len(name) > 255 or _BAD_NAME.search(name) or name in (".", ".."):
        raise ValidationError(
            f"Validation error in path parameters: [name: collection name `{name}` is invalid: it must be 1 to "
            "255 characters long and must not contain any of < > : \" / \\ | ? *]"
        )


MAX_VECTOR_SIZE = 65536
"""Qdrant's limit on a dense vector's dimension (larger sizes could never be allocated anyway)."""


def check_vector_sizes(config: CollectionConfig) -> None:
    """Refuse a vector size over Qdrant's limit before anything is created (either transport)."""
    for params in config.params.vectors.values():
        if params.size > MAX_VECTOR_SIZE:
            raise ValidationError(f"Validation error in JSON body: [vectors.size: value {params.size} invalid, "
                                  f"must be from 1 to {MAX_VECTOR_SIZE}]")


@dataclass(slots=True)
class CreateAlias:
    collection_name: str
    alias_name: str


@dataclass(slots=True)
class DeleteAlias:
    alias_name: str


@dataclass(slots=True)
class RenameAlias:
    old_alias_name: str
    new_alias_name: str


AliasOperation = CreateAlias | DeleteAlias | RenameAlias


def missing_collection(name: str) -> NotFound:
    return NotFound(f"Collection `{name}` doesn't exist!")


def failed_collection(name: str, reason: str) -> ServiceError:
    """What every operation on a collection that failed to load answers (as Qdrant's dummy shard)."""
    return ServiceError(f"Collection `{name}` failed to load: {reason}. Its data is kept in collections/{name}: "
                        "move that directory away and restart, or recover a snapshot into the name")


class TableOfContents:
    """With `storage_path`, every change is persisted (see engine/persistence); without, in memory."""

    def __init__(self, storage_path: str | Path | None = None, fsync: FsyncPolicy = "always") -> None:
        self.collections: dict[str, Collection] = {}
        self.aliases: dict[str, str] = {}
        self.lock = threading.RLock()
        self.root = Path(storage_path) if storage_path is not None else None
        self.fsync: FsyncPolicy = fsync
        self.failed: dict[str, str] = {}
        """Collections found on disk that could not be loaded, with the reason."""

    # ---- persistence -----------------------------------------------------------------------
    def _collection_dir(self, name: str) -> Path | None:
        return None if self.root is None else self.root / "collections" / name

    def _save_aliases(self) -> None:
        if self.root is not None:
            self.root.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(self.root / "aliases.json", json.dumps(self.aliases, indent=1).encode())

    def load(self) -> None:
        """Restore every collection and alias from disk. A collection that fails to load is logged,
        remembered in `failed` and skipped; the others still load."""
        if self.root is None:
            return
        # Loading creates millions of long-lived objects (payload dicts); the cyclic GC rescanning
        # them made a 1M-point start 30-67% slower (bench.restart). Pause it, then freeze what was
        # loaded so later collections skip it.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._load_all(self.root)
        finally:
            if was_enabled:
                gc.enable()
            gc.freeze()
            release_free_heap()  # what the load freed inside the C heap (~48 MiB at 1M points)

    def _load_all(self, root: Path) -> None:
        base = root / "collections"
        base.mkdir(parents=True, exist_ok=True)
        for directory in sorted(p for p in base.iterdir() if p.is_dir()):
            started = time.perf_counter()
            try:
                collection = recover_collection(directory, self.fsync)
            except Exception as exc:
                log.exception("collection failed to load; skipped", extra={"collection": directory.name})
                self.failed[directory.name] = str(exc)
                continue
            self.collections[directory.name] = collection
            log.info("collection loaded", extra={"collection": directory.name, "points": collection.points_count(),
                                                 "seconds": round(time.perf_counter() - started, 3)})
        aliases_file = root / "aliases.json"
        if aliases_file.exists():
            stored = json.loads(aliases_file.read_bytes())
            self.aliases = {a: c for a, c in stored.items() if c in self.collections}

    def close(self) -> None:
        """Flush every collection and close its WAL (graceful shutdown)."""
        with self.lock:
            collections = list(self.collections.values())
        for collection in collections:
            collection.updates.drain()  # wait=false operations still queued are applied first
            collection.flush()
            if collection.store is not None:
                collection.store.close()

    def resolve(self, name: str) -> str:
        """A collection name, or the collection an alias points at."""
        with self.lock:
            if name in self.collections:
                return name
            target = self.aliases.get(name)
            if target is not None and target in self.collections:
                return target
            if name in self.failed:
                raise failed_collection(name, self.failed[name])
            raise missing_collection(name)

    def get(self, name: str) -> Collection:
        with self.lock:
            return self.collections[self.resolve(name)]

    def shard(self, name: str) -> Shard:
        """The shard of a collection (by name or alias): what `lookup_from` and `with_lookup` read."""
        return self.get(name).shard

    def exists(self, name: str) -> bool:
        """Whether the name is taken: a collection, an alias of one, or a collection that failed to load."""
        with self.lock:
            return name in self.collections or self.aliases.get(name) in self.collections or name in self.failed

    def names(self) -> list[str]:
        """The loaded collections."""
        with self.lock:
            return list(self.collections)

    def listed(self) -> list[str]:
        """What `GET /collections` shows: the loaded collections and those that failed to load (Qdrant
        lists a collection whose shard did not load; every operation on it answers the load error)."""
        with self.lock:
            return list(self.collections) + [name for name in self.failed if name not in self.collections]

    def create(self, name: str, config: CollectionConfig) -> Collection:
        check_collection_name(name)
        check_vector_sizes(config)
        with self.lock:
            if name in self.collections:
                raise AlreadyExists(f"Collection `{name}` already exists!")
            if name in self.aliases:
                raise AlreadyExists(f"Alias `{name}` already exists!")
            directory = self._collection_dir(name)
            if name in self.failed or (directory is not None and directory.exists()):
                # never write over data that did not load: acknowledged points may be in its WAL
                raise AlreadyExists(
                    f"Collection `{name}` exists on disk but failed to load "
                    f"({self.failed.get(name, 'not loaded')}); its data is kept in collections/{name}: "
                    "move that directory away or recover a snapshot into it to use the name again")
            collection = Collection(name, config)
            if directory is not None:
                collection.store = CollectionStore.create(directory, config, self.fsync)
            self.collections[name] = collection
        log.info("collection created", extra={"collection": name, "vectors": sorted(config.params.vectors)})
        return collection

    def update_config(self, name: str, change: Callable[[CollectionConfig], CollectionConfig]) -> None:
        collection = self.get(name)
        with collection.shard.holder.writer:
            new = change(collection.config)
            if collection.store is not None:
                save_config(collection.store.dir, new)
            collection.config = new

    def delete(self, name: str) -> bool:
        """Delete a collection (by its own name, as Qdrant) and its aliases; False if absent."""
        with self.lock:
            if name not in self.collections:
                return False
            collection = self.collections.pop(name)
            self.aliases = {a: c for a, c in self.aliases.items() if c != name}
            self._save_aliases()
            if collection.store is not None:
                with collection.flush_lock:  # a flush in progress must not write into a deleted dir
                    collection.store.close()
                    shutil.rmtree(collection.store.dir, ignore_errors=True)
                    collection.store = None
        log.info("collection deleted", extra={"collection": name})
        return True

    def install(self, name: str, directory: Path) -> Collection:
        """Make the collection stored in `directory` (complete, validated, on the storage's filesystem,
        e.g. an extracted snapshot) collection `name`, replacing any existing one; aliases are kept.
        Readers see the old collection or the new one: the swap happens under the toc lock."""
        check_collection_name(name)
        if self.root is None:
            raise BadInput("Recovering a collection needs a storage path")
        base = self.root / "collections"
        target, trash = base / name, self.root / "tmp" / f"replaced-{name}-{time.monotonic_ns()}"
        trash.parent.mkdir(parents=True, exist_ok=True)
        base.mkdir(parents=True, exist_ok=True)
        with self.lock:
            if name in self.aliases:
                raise AlreadyExists(f"Alias `{name}` already exists!")
            old = self.collections.pop(name, None)
            if old is not None:
                # Quiesce the old collection: no flush may write into its directory after the move
                # (it would land in the new one) and no writer may append to its closed WAL.
                with old.flush_lock, old.append_lock, old.shard.holder.writer:
                    if old.store is not None:
                        old.store.close()
                    old.store = None
            if target.exists():
                target.rename(trash)
            directory.rename(target)
            fsync_dir(base)
            try:
                collection = recover_collection(target, self.fsync)
            except BaseException:
                # The caller validated the directory, so this is unexpected: keep the old data.
                shutil.rmtree(target, ignore_errors=True)
                if trash.exists():
                    trash.rename(target)
                    if old is not None:
                        self.collections[name] = recover_collection(target, self.fsync)
                raise
            self.collections[name] = collection
            self.failed.pop(name, None)
        shutil.rmtree(trash, ignore_errors=True)
        return collection

    def update_aliases(self, actions: list[AliasOperation]) -> None:
        """Apply all alias actions atomically: on any error nothing changes."""
        with self.lock:
            staged = dict(self.aliases)
            for action in actions:
                match action:
                    case CreateAlias(collection_name=col, alias_name=alias):
                        if col not in self.collections:
                            raise missing_collection(col)
                        if alias in self.collections:
                            raise AlreadyExists(f"Collection `{alias}` already exists!")
                        staged[alias] = col
                    case DeleteAlias(alias_name=alias):
                        if alias not in staged:
                            raise NotFound(f"Alias {alias} does not exists!")
                        del staged[alias]
                    case RenameAlias(old_alias_name=old, new_alias_name=new):
                        if old not in staged:
                            raise NotFound(f"Alias {old} does not exists!")
                        if new in self.collections:
                            raise BadInput(f"Collection `{new}` already exists!")
                        staged[new] = staged.pop(old)
            self.aliases = staged
            self._save_aliases()

    def list_aliases(self, collection: str | None = None) -> list[tuple[str, str]]:
        with self.lock:
            if collection is not None:
                target = self.resolve(collection)
                return [(a, c) for a, c in self.aliases.items() if c == target]
            return list(self.aliases.items())
