"""Qdrant's REST envelope: {"result", "status": "ok", "time"} and {"status": {"error"}, "time"}."""

from __future__ import annotations

import logging
import time
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from engine.errors import EngineError, MalformedRequest, TooLarge
from server.convert.errors import describe

log = logging.getLogger("quiver.rest")


def _dumps(obj: Any) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)


def ok_body(result: Any, started: float) -> bytes:
    """The bytes of a success answer (`ok`'s body)."""
    return _dumps({"result": result, "status": "ok", "time": time.perf_counter() - started})


def ok(result: Any, started: float, status_code: int = 200) -> Response:
    return Response(ok_body(result, started), status_code=status_code, media_type="application/json")


def error(status_code: int, message: str, started: float, headers: dict[str, str] | None = None) -> Response:
    body = {"status": {"error": message}, "time": time.perf_counter() - started}
    return Response(_dumps(body), status_code=status_code, media_type="application/json", headers=headers)


def from_exception(exc: BaseException, started: float) -> Response:
    if isinstance(exc, EngineError):
        status, _, message = describe(exc)
        retry_after = getattr(exc, "retry_after", None)  # a rate limit says when to retry, as Qdrant
        return error(status, message, started, None if retry_after is None else {"Retry-After": str(retry_after)})
    log.exception("unhandled error", exc_info=exc)
    return error(500, f"Service internal error: {exc}", started)


async def read_json(request: Request, limit: int) -> Any:
    """The request body as JSON; an empty body is None. Oversized or malformed bodies are errors."""
    return parse_json(await read_body(request, limit))


async def read_body(request: Request, limit: int) -> bytes | None:
    """The request body's bytes, None when empty; oversized bodies and (non-empty) bodies that are
    not JSON by content type are errors. Parse them with `parse_json`, on a pool thread for big
    bodies (an upsert of 1,000 points is ~1.5 MB of JSON: milliseconds of CPU the event loop can
    spend serving other requests)."""
    declared, content_type = _body_headers(request)
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(int(declared), limit)
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(size, limit)
        chunks.append(chunk)
    raw = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if not raw.strip():
        return None
    if not is_json(content_type):
        # as Qdrant (actix's Json extractor): a browser's cross-origin "simple" request (text/plain,
        # a form) can then never reach a handler, so a web page cannot write without a preflight
        raise MalformedRequest("Content type error")
    return raw


def parse_json(raw: bytes | None) -> Any:
    """A body from `read_body` as JSON (None stays None); malformed JSON is a format error."""
    if raw is None:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MalformedRequest(f"Format error in JSON body: {exc}") from None


def _body_headers(request: Request) -> tuple[str | None, str | None]:
    """Content-Length and Content-Type (the first of each), in one pass over the raw headers
    (no header object per request: this runs for every search)."""
    length = content_type = None
    for key, value in request.scope["headers"]:
        if key == b"content-length" and length is None:
            length = value.decode("latin-1")
        elif key == b"content-type" and content_type is None:
            content_type = value.decode("latin-1")
    return length, content_type


def too_large(size: int, limit: int) -> TooLarge:
    return TooLarge(f"JSON payload ({size} bytes) is larger than allowed (limit: {limit} bytes).")


def is_json(content_type: str | None) -> bool:
    """`application/json` or any `+json` type, parameters ignored (what actix accepts)."""
    if content_type is None:
        return False
    subtype = content_type.split(";", 1)[0].strip().lower().partition("/")[2]
    return subtype == "json" or subtype.endswith("+json")
