"""REST authentication and access control (ASGI middleware), after Qdrant's actix `AuthMiddleware`.

Every request except the exempt probes (`/`, `/healthz`, `/readyz*`, `/livez*`) must carry the
`api-key` header or `Authorization: Bearer <key or JWT>`. A failure to authenticate answers in
plain text as Qdrant does (401, or 403 for an expired or badly signed JWT); a caller without the
access the route needs (see `server.auth.table`) gets Qdrant's JSON 403. Each refusal is logged.
"""

from __future__ import annotations

import time

from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from engine.errors import EngineError, Forbidden, Unauthorized
from server.auth.access import Access, Requirement
from server.auth.access import Scope as AccessScope
from server.auth.context import current_access
from server.auth.policy import AuthPolicy, log_denied
from server.auth.table import REST_EXEMPT, REST_EXEMPT_PREFIXES, rest_requirement
from server.rest.responses import from_exception

_UNLISTED = Requirement(AccessScope.GLOBAL, write=True, manage=True)
"""A served route missing from the table needs full access (fail closed)."""


class AuthMiddleware:
    def __init__(self, app: ASGIApp, policy: AuthPolicy, routes: list[BaseRoute]) -> None:
        self.app = app
        self.policy = policy
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _exempt(scope["path"]) or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            access = await self.policy.authenticate(headers.get)
        except (Unauthorized, Forbidden) as exc:
            self._log(scope, exc)
            await _plain(exc, send)
            return
        try:
            self._authorize(scope, access)
        except Forbidden as exc:
            self._log(scope, exc)
            await from_exception(exc, started)(scope, receive, send)
            return
        token = current_access.set(access)
        try:
            await self.app(scope, receive, send)
        finally:
            current_access.reset(token)

    def _authorize(self, scope: Scope, access: Access) -> None:
        method = "GET" if scope["method"] == "HEAD" else scope["method"]
        for route in self.routes:
            match, child = route.matches(scope)
            if match is Match.FULL and isinstance(route, Route):
                requirement = rest_requirement(method, route.path) or _UNLISTED
                collection = child.get("path_params", {}).get("collection_name")
                access.check(requirement, collection)
                return
        # no route answers this method and path: authenticated callers get the router's 404/405

    @staticmethod
    def _log(scope: Scope, exc: EngineError) -> None:
        client = scope.get("client")
        log_denied("rest", f"{scope['method']} {scope['path']}", client[0] if client else None, exc)


def _exempt(path: str) -> bool:
    return path in REST_EXEMPT or path.startswith(REST_EXEMPT_PREFIXES)


async def _plain(exc: EngineError, send: Send) -> None:
    status = 401 if isinstance(exc, Unauthorized) else 403
    body = exc.message.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
