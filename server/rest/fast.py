"""The lean path of the two hot read routes, `POST /collections/{name}/points/query` and
`POST /collections/{name}/points/search`, beside the starlette application.

A search through starlette crosses ServerErrorMiddleware, CORS, the access middleware,
ExceptionMiddleware, the router's regex, `request_response`, a `Request`, the endpoint wrapper and
a `Response`, each with its own `send` wrapper: more Python on the event loop per search than the
JSON parse, the conversion and the render together, and all of it holds the GIL that the engine
threads need between their hnswlib calls. `FastReads` sits in front of the application and serves
a request of those two routes itself when nothing but the route's own work applies to it:
- no query string (`timeout`, `consistency` take the full path), no `root_path`;
- no `Origin` header while CORS is on (the CORS middleware passes such a request through untouched);
- the access middleware still wraps it (path guard, request id, statistics, access-log line), and
  with authentication configured the same auth middleware inside it, as in the full app.
It then runs the very functions the starlette route runs (body reading rules, `read_json`'s limits
and content-type check, the same converters, `Service.query`, the same renderers, the same error
answers), so the answer is the same byte for byte but for `time`; every other request goes to
the application unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from engine.errors import MalformedRequest
from engine.types.requests import QueryRequest
from server import read_scope
from server.auth.policy import AuthPolicy
from server.convert import query_api as qconv
from server.convert.queries import search_from_json
from server.convert.results import scored_points_to_json
from server.convert.sharding import selector_from_json
from server.rest.access import AccessMiddleware
from server.rest.auth_middleware import AuthMiddleware
from server.rest.responses import from_exception, is_json, ok_body, parse_json, too_large
from server.service import Service
from server.telemetry.requests import TransportStats

_JSON = (b"content-type", b"application/json")


def _query_result(points: list[dict[str, Any]]) -> Any:
    return {"points": points}


def _search_result(points: list[dict[str, Any]]) -> Any:
    return points


# last path segment → (body converter, result shape, path of the starlette route it stands for)
_ROUTES: dict[str, tuple[Callable[[Any], QueryRequest], Callable[[list[dict[str, Any]]], Any], str]] = {
    "query": (qconv.query_from_json, _query_result, "/collections/{collection_name}/points/query"),
    "search": (search_from_json, _search_result, "/collections/{collection_name}/points/search"),
}


class FastReads:
    def __init__(self, app: ASGIApp, service: Service, routes: list[Any], stats: TransportStats,
                 templates: dict[tuple[int, str], str], max_body: int, cors: bool,
                 policy: AuthPolicy | None) -> None:
        self.app = app
        self.service = service
        self.max_body = max_body
        self.cors = cors
        endpoints = {r.path: r.endpoint for r in routes if isinstance(r, Route) and "POST" in (r.methods or ())}
        # the starlette endpoint each lean route stands for: the access statistics key on it
        self.routes = {last: (convert, shape, endpoints[path]) for last, (convert, shape, path) in _ROUTES.items()}
        # the middleware of the full app that applies to these requests, in the same order
        inner: ASGIApp = self._serve if policy is None else AuthMiddleware(self._serve, policy=policy, routes=routes)
        self.access = AccessMiddleware(inner, stats=stats, templates=templates)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and not scope["query_string"] \
                and not scope.get("root_path"):
            parts = scope["path"].split("/")
            if len(parts) == 5 and parts[1] == "collections" and parts[3] == "points" and parts[2] \
                    and parts[4] in self.routes and not (self.cors and _has_origin(scope)):
                scope["endpoint"] = self.routes[parts[4]][2]
                scope["path_params"] = {"collection_name": parts[2]}
                await self.access(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        convert, shape, _ = self.routes[scope["path"].rpartition("/")[2]]
        name: str = scope["path_params"]["collection_name"]
        token = None
        try:
            raw = await self._body(scope, receive)
            if raw is None:
                return  # the client went away: nothing to answer
            body = parse_json(raw or None)
            if isinstance(body, dict) and "shard_key" in body:  # cluster mode reads only these shards
                token = read_scope.begin(read_scope.ReadScope(shard_key=selector_from_json(body["shard_key"])))
            request = convert(body)
            points = await self.service.query(name, request, None)
            data = ok_body(shape(scored_points_to_json(points, self.service.params(name))), started)
        except Exception as exc:  # every failure becomes a Qdrant-shaped error, as in `endpoint`
            await from_exception(exc, started)(scope, receive, send)
            return
        finally:
            if token is not None:
                read_scope.end(token)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", str(len(data)).encode("latin-1")), _JSON]})
        await send({"type": "http.response.body", "body": data})

    async def _body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The body's bytes (b"" when empty) under `responses.read_body`'s rules, None on disconnect."""
        declared = content_type = None
        for key, value in scope["headers"]:
            if key == b"content-length" and declared is None:
                declared = value.decode("latin-1")
            elif key == b"content-type" and content_type is None:
                content_type = value.decode("latin-1")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            raise too_large(int(declared), self.max_body)
        chunks = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise too_large(size, self.max_body)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        raw = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if not raw.strip():
            return b""
        if not is_json(content_type):
            raise MalformedRequest("Content type error")
        return raw


def _has_origin(scope: Scope) -> bool:
    return any(key == b"origin" for key, _ in scope["headers"])
