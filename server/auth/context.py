"""The access of the request being served, for answers that depend on it (lists of collections and
aliases show a per-collection token only its own collections, as Qdrant).

Set by the REST middleware and the gRPC interceptor around each call; a server without keys
leaves the default, full access."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

from server.auth.access import FULL, Access, Requirement, Scope

T = TypeVar("T")
_READ = Requirement(Scope.COLLECTION)

current_access: ContextVar[Access] = ContextVar("current_access", default=FULL)


def visible(names: list[str]) -> list[str]:
    """The collection names the current caller may see."""
    access = current_access.get()
    return names if access.is_global else [name for name in names if access.can_see(name)]


def checked_lookup(resolve: Callable[[str], T]) -> Callable[[str], T]:
    """`resolve` (a collection name → what a query reads from it), refusing collections the current
    caller may not read: `lookup_from` and `with_lookup` name a second collection, and Qdrant checks
    read access to it as to the first. The access is taken now, in the request's context, because
    the resolver runs later in an engine thread (which does not see the request's context)."""
    access = current_access.get()
    if access.is_global:
        return resolve  # global access reads every collection

    def resolve_checked(name: str) -> T:
        access.check(_READ, name)
        return resolve(name)
    return resolve_checked
