"""The access of the request being served, for answers that depend on it (lists of collections and
aliases show a per-collection token only its own collections, as Qdrant).

Set by the REST middleware and the gRPC interceptor around each call; a server without keys
leaves the default, full access."""

from __future__ import annotations

from contextvars import ContextVar

from server.auth.access import FULL, Access

current_access: ContextVar[Access] = ContextVar("current_access", default=FULL)


def visible(names: list[str]) -> list[str]:
    """The collection names the current caller may see."""
    access = current_access.get()
    return names if access.is_global else [name for name in names if access.can_see(name)]
