"""The shape of every gRPC method: convert → await the service → render, with one error path.

Engine errors abort with the status code and message of the one error table
(`server/convert/errors.describe`), so a client sees the same text over REST and gRPC. Responses
that carry a `time` field get the seconds spent, as Qdrant fills it.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import grpc

from engine.errors import EngineError
from server import read_scope
from server.convert.errors import describe
from server.convert.grpc.cluster import read_scope_from_pb
from server.convert.grpc.validate import check

log = logging.getLogger("quiver.grpc")

Method = Callable[[Any, Any, grpc.aio.ServicerContext], Awaitable[Any]]


def rpc(method: Method) -> Method:
    """Wrap a servicer method: map errors to gRPC statuses and stamp `time` on the response."""

    @functools.wraps(method)
    async def run(self: Any, request: Any, context: grpc.aio.ServicerContext) -> Any:
        started = time.perf_counter()
        token = None
        try:
            # the request's shard keys and read consistency, for cluster mode's reads
            check(request)  # Qdrant validates the message first: before existence, before conversion
            token = read_scope.begin(read_scope_from_pb(request))
            response = await method(self, request, context)
        except grpc.aio.AbortError:
            raise
        except EngineError as exc:
            _, code, message = describe(exc, grpc=True)
            retry_after = getattr(exc, "retry_after", None)
            if retry_after is not None:  # Qdrant sends a rate limit's wait as `retry-after` metadata
                context.set_trailing_metadata((("retry-after", str(retry_after)),))
            await context.abort(getattr(grpc.StatusCode, code), message)
        except (ValueError, TypeError, OverflowError) as exc:
            # protobuf and numpy reject malformed field values this way: the caller's input, not ours
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"Wrong input: {exc}")
        except Exception:  # never let an internal failure surface as a bare UNKNOWN status
            log.exception("gRPC %s failed", method.__name__)
            await context.abort(grpc.StatusCode.INTERNAL, "Service internal error: unexpected failure")
        finally:
            if token is not None:
                read_scope.end(token)
        if "time" in response.DESCRIPTOR.fields_by_name:
            response.time = time.perf_counter() - started
        return response

    return run
