"""The shape of every REST endpoint: a coroutine taking a `Ctx` and returning a result to wrap."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from engine.errors import MalformedRequest
from server import read_scope
from server.convert.sharding import selector_from_json
from server.rest.responses import from_exception, ok, read_body, read_json
from server.service import Service
from server.settings import Settings


class Ctx:
    __slots__ = ("request", "service", "settings")

    def __init__(self, request: Request) -> None:
        self.request = request
        self.service: Service = request.app.state.service
        self.settings: Settings = request.app.state.settings

    def path(self, key: str) -> str:
        return str(self.request.path_params[key])

    @property
    def collection(self) -> str:
        return self.path("collection_name")

    async def body(self) -> Any:
        body = await read_json(self.request, self.settings.max_request_bytes)
        if isinstance(body, dict) and "shard_key" in body:  # cluster mode reads only these shards
            read_scope.with_shard_key(selector_from_json(body["shard_key"]))
        return body

    async def raw_body(self) -> bytes | None:
        """The body unparsed (see `responses.read_body`): for routes that parse it on a pool thread."""
        return await read_body(self.request, self.settings.max_request_bytes)

    def flag(self, key: str, default: bool) -> bool:
        raw = self.request.query_params.get(key)
        if raw is None:
            return default
        if raw.lower() in ("true", "1", ""):
            return True
        if raw.lower() in ("false", "0"):
            return False
        raise MalformedRequest(f"Query deserialize error: invalid value `{raw}` for `{key}`, expected a boolean")

    @property
    def wait(self) -> bool:
        return self.flag("wait", False)

    @property
    def timeout(self) -> float | None:
        raw = self.request.query_params.get("timeout")
        if raw is None:
            return None
        try:
            value = int(raw)
        except ValueError:
            raise MalformedRequest(f"Query deserialize error: invalid value `{raw}` for `timeout`") from None
        return float(value) if value > 0 else None


Handler = Callable[[Ctx], Awaitable[Any]]


def endpoint(handler: Handler, status_code: int = 200) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        started = time.perf_counter()
        token = read_scope.begin(read_scope.ReadScope())
        try:
            read_scope.begin(read_scope.ReadScope(
                consistency=read_scope.consistency_from_query(request.query_params.get("consistency"))))
            result = await handler(Ctx(request))
        except Exception as exc:  # every failure becomes a Qdrant-shaped error, never a bare 500 page
            return from_exception(exc, started)
        finally:
            read_scope.end(token)
        if isinstance(result, Response):
            return result
        return ok(result, started, status_code)

    return run
