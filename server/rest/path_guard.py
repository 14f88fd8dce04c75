"""Paths whose percent-escapes are not UTF-8 are refused (400) before routing.

The ASGI server decodes `%FF` to U+FFFD, so `PUT /collections/%FF` created a collection named
"\ufffd" and `%FE` then found it; Qdrant refuses such a path instead."""

from __future__ import annotations

import time
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from server.rest.responses import error


class PathGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
            try:
                unquote_to_bytes(raw).decode("utf-8")
            except UnicodeDecodeError:
                reply = error(400, "Format error in path: the path is not valid UTF-8", time.perf_counter())
                await reply(scope, receive, send)
                return
        await self.app(scope, receive, send)
