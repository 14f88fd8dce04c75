"""Access rights of an authenticated caller and Qdrant's rules for checking them.

An `Access` is global (`r` read-only, `m` manage) or a list of per-collection grants (`r`, `rw`,
`prw`), as in a JWT's `access` claim; an API key is global `m`, a read-only key global `r`.
A `Requirement` says what one operation needs (see `server.auth.table`). The wording of every
refusal is Qdrant's (its `storage::rbac`), prefixed `Forbidden: ` by the error table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from engine.errors import Forbidden


class Mode(Enum):
    READ = "r"
    MANAGE = "m"


class CollectionMode(Enum):
    READ = "r"
    READ_WRITE = "rw"
    POINTS_READ_WRITE = "prw"
    """Points may be read and written; snapshots, payload indexes and other extras may not."""


class Scope(Enum):
    ANY = "any"
    """Any authenticated caller (the answer may be narrowed to the caller's collections)."""
    GLOBAL = "global"
    """Global access is needed (a per-collection token is refused)."""
    COLLECTION = "collection"
    """Access to the collection named by the request."""


@dataclass(frozen=True, slots=True)
class Requirement:
    scope: Scope
    write: bool = False
    manage: bool = False
    """Global manage access (implies write)."""
    extras: bool = False
    """Collection extras: snapshots, payload indexes, vector names."""


@dataclass(frozen=True, slots=True)
class Access:
    mode: Mode | None = None
    """Global mode; None when the access is a list of collection grants."""
    collections: tuple[tuple[str, CollectionMode], ...] = ()

    @property
    def is_global(self) -> bool:
        return self.mode is not None

    def can_see(self, collection: str) -> bool:
        """Whether lists of collections and aliases show this collection to the caller."""
        return self.is_global or any(name == collection for name, _ in self.collections)

    def check(self, requirement: Requirement, collection: str | None) -> None:
        """Raise `Forbidden` with Qdrant's text unless this access meets the requirement."""
        if requirement.scope is Scope.ANY:
            return
        if self.mode is not None:
            if (requirement.write or requirement.manage) and self.mode is Mode.READ:
                raise Forbidden("Global manage access is required")
            return
        if requirement.scope is Scope.GLOBAL or collection is None:
            raise Forbidden("Global access is required")
        self._check_collection(requirement, collection)

    def _check_collection(self, requirement: Requirement, collection: str) -> None:
        grant = next((mode for name, mode in self.collections if name == collection), None)
        if grant is None:
            raise Forbidden(f"Access to collection {collection} is required")
        if requirement.extras and grant is CollectionMode.POINTS_READ_WRITE:
            raise Forbidden(f"Only points access is allowed for collection {collection}")
        if requirement.write and grant is CollectionMode.READ:
            raise Forbidden(f"Write access to collection {collection} is required")
        if requirement.manage:
            raise Forbidden("Manage access for this operation is required")


FULL = Access(mode=Mode.MANAGE)
READ_ONLY = Access(mode=Mode.READ)


class MalformedClaim(ValueError):
    """The `access` claim does not have Qdrant's shape (Qdrant then treats the token as no JWT)."""


class InvalidClaim(ValueError):
    """The `access` claim has the shape but breaks a rule (a collection twice, a `payload` constraint)."""


def access_from_claim(claim: Any) -> Access:
    """The `access` claim of a JWT: "r" | "m" | [{"collection": name, "access": "r"|"rw"|"prw"}].

    A missing claim is full access, as in Qdrant. The deprecated per-collection `payload` constraint
    is refused (Qdrant rejects it so that old tokens do not silently gain access)."""
    if claim is None:
        return FULL
    if isinstance(claim, str):
        try:
            return Access(mode=Mode(claim))
        except ValueError:
            raise MalformedClaim(f"unknown variant `{claim}`, expected `r` or `m`") from None
    if not isinstance(claim, list):
        raise MalformedClaim("access: expected a string or a list of collection grants")
    grants: list[tuple[str, CollectionMode]] = []
    for item in claim:
        if not isinstance(item, dict) or not isinstance(item.get("collection"), str):
            raise MalformedClaim("access: each grant needs a `collection` name and an `access` mode")
        if item.get("payload") is not None:
            raise InvalidClaim("access[].payload: The 'payload' constraint is deprecated and should not be used")
        name = item["collection"]
        try:
            mode = CollectionMode(item.get("access"))
        except ValueError:
            raise MalformedClaim(f"unknown variant `{item.get('access')}`, expected `r`, `rw` or `prw`") from None
        if any(existing == name for existing, _ in grants):
            raise InvalidClaim("access[].collection: Collection name should be unique")
        grants.append((name, mode))
    return Access(collections=tuple(grants))
