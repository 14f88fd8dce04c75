"""The table of contents: every collection by name, and the aliases that point at them."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from engine.collection import Collection
from engine.errors import AlreadyExists, BadInput, NotFound, ValidationError
from engine.types.config import CollectionConfig

_BAD_NAME = re.compile(r'[<>:"/\\|?*\x00]')


def check_collection_name(name: str) -> None:
    if not name or len(name) > 255 or _BAD_NAME.search(name) or name in (".", ".."):
        raise ValidationError(
            f"Validation error in path parameters: [name: collection name `{name}` is invalid: it must be 1 to "
            "255 characters long and must not contain any of < > : \" / \\ | ? *]"
        )


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


class TableOfContents:
    def __init__(self) -> None:
        self.collections: dict[str, Collection] = {}
        self.aliases: dict[str, str] = {}
        self.lock = threading.RLock()

    def resolve(self, name: str) -> str:
        """A collection name, or the collection an alias points at."""
        with self.lock:
            if name in self.collections:
                return name
            target = self.aliases.get(name)
            if target is not None and target in self.collections:
                return target
            raise missing_collection(name)

    def get(self, name: str) -> Collection:
        with self.lock:
            return self.collections[self.resolve(name)]

    def exists(self, name: str) -> bool:
        with self.lock:
            return name in self.collections or self.aliases.get(name) in self.collections

    def names(self) -> list[str]:
        with self.lock:
            return list(self.collections)

    def create(self, name: str, config: CollectionConfig) -> Collection:
        check_collection_name(name)
        with self.lock:
            if name in self.collections:
                raise AlreadyExists(f"Collection `{name}` already exists!")
            if name in self.aliases:
                raise AlreadyExists(f"Alias `{name}` already exists!")
            collection = Collection(name, config)
            self.collections[name] = collection
            return collection

    def delete(self, name: str) -> bool:
        """Delete a collection (by its own name, as Qdrant) and its aliases; False if absent."""
        with self.lock:
            if name not in self.collections:
                return False
            del self.collections[name]
            self.aliases = {a: c for a, c in self.aliases.items() if c != name}
            return True

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

    def list_aliases(self, collection: str | None = None) -> list[tuple[str, str]]:
        with self.lock:
            if collection is not None:
                target = self.resolve(collection)
                return [(a, c) for a, c in self.aliases.items() if c == target]
            return list(self.aliases.items())
