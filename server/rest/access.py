"""REST request accounting: one ASGI middleware times every request, records it in the shared
request statistics (per route template and status, and per collection) and writes one access-log
line (logger `quiver.access.rest`; silence it with `log_level: INFO,quiver.access=off`).

As Qdrant, the hot status endpoints (`/`, `/metrics`, `/telemetry`, `/healthz`, `/readyz`,
`/livez`) are counted but not logged."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.telemetry.requests import TransportStats

log = logging.getLogger("quiver.access.rest")
NOT_LOGGED = frozenset({"/", "/metrics", "/telemetry", "/healthz", "/readyz", "/livez"})
_CONVERTER = re.compile(r"{(\w+):\w+}")


def route_templates(routes: list[Any]) -> dict[tuple[int, str], str]:
    """(id of the route's endpoint, method) → Qdrant-style path template (`{field_name}`, no converter)."""
    out: dict[tuple[int, str], str] = {}
    for route in routes:
        if isinstance(route, Route):
            for method in route.methods or ():
                out[(id(route.endpoint), method)] = _CONVERTER.sub(r"{\1}", route.path)
    return out


class AccessMiddleware:
    def __init__(self, app: ASGIApp, stats: TransportStats, templates: dict[tuple[int, str], str]) -> None:
        self.app = app
        self.stats = stats
        self.templates = templates

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _header(scope, b"x-request-id") or uuid.uuid4().hex[:16]
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append("x-request-id", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            self._account(scope, status, time.perf_counter() - started, request_id)

    def _account(self, scope: Scope, status: int, duration_s: float, request_id: str) -> None:
        method: str = scope["method"]
        path: str = scope["path"]
        endpoint = scope.get("endpoint")
        template = self.templates.get((id(endpoint), method)) if endpoint is not None else None
        collection = (scope.get("path_params") or {}).get("collection_name")
        if template is not None:  # unmatched paths are not counted: they would grow without bound
            self.stats.record(f"{method} {template}", str(status), duration_s, status >= 400, collection)
        if path in NOT_LOGGED or not log.isEnabledFor(logging.INFO):
            return
        log.info("%s %s %d", method, path, status, extra={
            "transport": "rest", "method": method, "path": path, "endpoint": template, "status": status,
            "duration_ms": round(duration_s * 1000, 3), "request_id": request_id, "collection": collection,
            "remote": _remote(scope)})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            text: str = value.decode("latin-1")[:128]
            return text
    return None


def _remote(scope: Scope) -> str | None:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else None
