"""REST request accounting: one pure-ASGI middleware, outermost but for CORS, that
- refuses a path whose percent-escapes are not UTF-8 (400, before routing): the ASGI server
  decodes `%FF` to U+FFFD, so `PUT /collections/%FF` created a collection named "\\ufffd" and
  `%FE` then found it; Qdrant refuses such a path instead;
- times every request, records it in the shared request statistics (per route template and
  status, and per collection), answers with an `x-request-id` header (the client's, or a new one)
- and writes one access-log line (logger `quiver.access.rest`; silence it with
  `log_level: INFO,quiver.access=off`).

As Qdrant, the hot status endpoints (`/`, `/metrics`, `/telemetry`, `/healthz`, `/readyz`,
`/livez`) are counted but not logged.

This runs for every request, so it does the least per request: one pass over the request headers,
no header objects, the path check only for paths with escapes or non-ASCII bytes, and the log
record built directly (`Logger.makeRecord`, no caller lookup: the formatters print no source
location) — the path guard, the request id and the log line as separate layers cost more CPU per
search than the search's JSON conversion."""

from __future__ import annotations

import logging
import random
import re
import time
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.rest.responses import error
from server.telemetry.requests import TransportStats

log = logging.getLogger("quiver.access.rest")
NOT_LOGGED = frozenset({"/", "/metrics", "/telemetry", "/healthz", "/readyz", "/livez"})
_CONVERTER = re.compile(r"{(\w+):\w+}")
_REQUEST_ID = b"x-request-id"


def route_templates(routes: list[Any]) -> dict[tuple[int, str], str]:
    """(id of the route's endpoint, method) → Qdrant-style path template (`{field_name}`, no converter)."""
    out: dict[tuple[int, str], str] = {}
    for route in routes:
        if isinstance(route, Route):
            for method in route.methods or ():
                out[(id(route.endpoint), method)] = _CONVERTER.sub(r"{\1}", route.path)
    return out


def valid_path(scope: Scope) -> bool:
    """Whether the request path, percent-decoded, is UTF-8."""
    raw: bytes = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
    if b"%" not in raw and raw.isascii():
        return True  # nothing to decode: ASCII is UTF-8
    try:
        unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class AccessMiddleware:
    def __init__(self, app: ASGIApp, stats: TransportStats, templates: dict[tuple[int, str], str]) -> None:
        self.app = app
        self.stats = stats
        self.templates = templates
        # the statistics key of each route and method ("POST /collections/{collection_name}/points/query"),
        # made once instead of per request
        self.keys = {route: f"{route[1]} {template}" for route, template in templates.items()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope)
        status = 500
        header = (_REQUEST_ID, request_id.encode("latin-1"))

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            if valid_path(scope):
                await self.app(scope, receive, send_with_status)
            else:
                reply = error(400, "Format error in path: the path is not valid UTF-8", started)
                await reply(scope, receive, send_with_status)
        finally:
            self._account(scope, status, time.perf_counter() - started, request_id)

    def _account(self, scope: Scope, status: int, duration_s: float, request_id: str) -> None:
        method: str = scope["method"]
        path: str = scope["path"]
        endpoint = scope.get("endpoint")
        route = (id(endpoint), method)
        template = self.templates.get(route) if endpoint is not None else None
        collection = (scope.get("path_params") or {}).get("collection_name")
        if template is not None:  # unmatched paths are not counted: they would grow without bound
            self.stats.record(self.keys[route], str(status), duration_s, status >= 400, collection)
        if path in NOT_LOGGED or not log.isEnabledFor(logging.INFO):
            return
        client = scope.get("client")
        log.handle(AccessRecord(log.name, (method, path, status), {
            "transport": "rest", "method": method, "path": path, "endpoint": template, "status": status,
            "duration_ms": round(duration_s * 1000, 3), "request_id": request_id, "collection": collection,
            "remote": f"{client[0]}:{client[1]}" if client else None}))


class AccessRecord(logging.LogRecord):
    """An INFO record of one access-log line, built with only what a record of ours carries: the
    name, the message and its arguments, the times and the extra fields. `LogRecord.__init__` also
    looks up the thread, thread name, process and process name and splits a source path (about a
    third of the line's cost); those are class attributes here, as the caller lookup (pathname,
    lineno, funcName) already was, so any formatter still finds every standard attribute."""

    pathname = filename = module = ""
    lineno = 0
    funcName = ""
    thread = threadName = process = processName = taskName = None
    relativeCreated = 0.0
    levelname = "INFO"
    levelno = logging.INFO
    msg = "%s %s %d"
    exc_info = exc_text = stack_info = None

    def __init__(self, name: str, args: tuple[object, ...], extra: dict[str, object]) -> None:
        # no super().__init__: that is the work this record leaves out (see the class docstring)
        self.__dict__.update(extra)
        self.name = name
        self.args = args
        self.created = now = time.time()
        self.msecs = int((now - int(now)) * 1000) + 0.0


def _request_id(scope: Scope) -> str:
    """The client's `x-request-id` (at most 128 characters) or 16 new random hex digits."""
    for key, value in scope["headers"]:
        if key == _REQUEST_ID:
            text: str = value.decode("latin-1")[:128]
            return text
    # not os.urandom: its system call lets go of the GIL, and taking it back from an engine thread
    # can cost the event loop more than the rest of the request's accounting
    return f"{random.getrandbits(64):016x}"
