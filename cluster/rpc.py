"""Node-to-node calls over core NATS request/reply: every node serves `qv.rpc.<peer_id>`.

A request is a msgpack envelope `{"m": method, "c": collection, "s": [shard ids], "r": <codec bytes
of the engine request>}`; the answer is `{"ok": <codec bytes of the result>}` or `{"err": kind,
"msg": text}`, re-raised on the caller as the same engine error kind (so a 404 on the remote node
is a 404 for the user). Engine values cross as engine persistence codec bytes (stable tags, no
Python class names), never pickles.

NATS limits one message to the server's `max_payload` (1 MB by default), and a scroll page with
vectors is easily larger: an answer is sent as numbered chunks `[index, total, bytes]` to the
caller's reply subject and joined there. A request larger than one message (many ids, a batch of
big query vectors) goes the same way to the peer's subject, joined by its reply subject there.

Calls from all callers of one node share one wildcard reply subscription (`<inbox>.<token>`); each
served request runs as its own task, so a slow search never holds up the next request.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import msgpack
from nats.aio.client import Client
from nats.aio.msg import Msg

from engine import errors
from engine.persistence import codec

log = logging.getLogger("quiver.cluster.rpc")

Handler = Callable[[str, str, list[int], Any], Awaitable[Any]]
"""Serves one call: (method, collection, shard ids, decoded request) → result value."""

DEFAULT_TIMEOUT = 30.0
_HEADROOM = 4096
"""Bytes of a chunk kept free for the framing and the NATS headers."""
_ENVELOPE = b"\x84"
"""The first byte of a whole request: msgpack's map of 4 entries (a chunk is an array of 3)."""

_KINDS: dict[str, type[errors.EngineError]] = {
    name: cls for name, cls in vars(errors).items()
    if isinstance(cls, type) and issubclass(cls, errors.EngineError)
}


class PeerUnavailable(Exception):
    """The peer did not answer: nobody serves its subject, or no answer within the timeout. The
    caller may ask another replica; not an engine error (it never reaches the user as such)."""


def subject(peer_id: int) -> str:
    return f"qv.rpc.{peer_id}"


def _chunks(data: bytes, size: int) -> list[bytes]:
    parts = [data[i:i + size] for i in range(0, len(data), size)] or [b""]
    return [msgpack.packb([i, len(parts), part], use_bin_type=True) for i, part in enumerate(parts)]


def encode_error(exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, errors.EngineError):
        return {"err": type(exc).__name__, "msg": exc.message}
    return {"err": "ServiceError", "msg": f"Service internal error: {type(exc).__name__}"}


def raise_error(kind: str, message: str) -> None:
    cls = _KINDS.get(kind, errors.ServiceError)
    raise cls(message)


class RpcServer:
    """Serves `qv.rpc.<peer_id>` with `handler`."""

    def __init__(self, nc: Client, peer_id: int, handler: Handler) -> None:
        self.nc = nc
        self.peer_id = peer_id
        self.handler = handler
        self._sub: Any = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._partial: dict[str, tuple[float, dict[int, bytes]]] = {}
        """Chunked requests being received, by reply subject: (first chunk's time, parts)."""

    async def start(self) -> None:
        self._sub = await self.nc.subscribe(subject(self.peer_id), cb=self._on_message)

    async def stop(self) -> None:
        if self._sub is not None:
            await self._sub.unsubscribe()
            self._sub = None
        for task in list(self._tasks):
            task.cancel()

    async def _on_message(self, msg: Msg) -> None:
        # nats-py runs one subscription's callbacks one after the other (so the chunks of a request
        # arrive here in order): hand each whole call to a task
        data = msg.data if msg.data[:1] == _ENVELOPE else self._chunk(msg)  # else one chunk of a larger request
        if data is None:
            return
        task = asyncio.get_running_loop().create_task(self._serve(msg, data))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _chunk(self, msg: Msg) -> bytes | None:
        """Keep one chunk of a request; the whole request once its last chunk came."""
        now = time.monotonic()
        for reply in [r for r, (t, _) in self._partial.items() if now - t > 2 * DEFAULT_TIMEOUT]:
            del self._partial[reply]  # its caller gave up long ago
        index, total, part = msgpack.unpackb(msg.data, raw=False)
        parts = self._partial.setdefault(msg.reply, (now, {}))[1]
        parts[index] = part
        if len(parts) < total:
            return None
        del self._partial[msg.reply]
        return b"".join(parts[i] for i in range(total))

    async def _serve(self, msg: Msg, data: bytes) -> None:
        try:
            envelope = msgpack.unpackb(data, raw=False)
            request = codec.decode(envelope["r"])
            result = await self.handler(envelope["m"], envelope["c"], list(envelope["s"]), request)
            answer: dict[str, Any] = {"ok": codec.encode(result)}
        except Exception as exc:  # every failure goes back to the caller, as its kind
            if not isinstance(exc, errors.EngineError):
                log.exception("cluster rpc failed", extra={"subject": msg.subject})
            answer = encode_error(exc)
        if not msg.reply:
            return
        data = msgpack.packb(answer, use_bin_type=True)
        size = max(1024, self.nc.max_payload - _HEADROOM)
        for chunk in _chunks(data, size):
            await self.nc.publish(msg.reply, chunk)


class RpcClient:
    """Calls other nodes; one reply subscription for all calls of this node."""

    def __init__(self, nc: Client) -> None:
        self.nc = nc
        self._prefix = nc.new_inbox()
        self._tokens = itertools.count()
        self._pending: dict[str, asyncio.Queue[Msg]] = {}
        self._sub: Any = None

    async def start(self) -> None:
        self._sub = await self.nc.subscribe(self._prefix + ".*", cb=self._on_reply)

    async def stop(self) -> None:
        if self._sub is not None:
            await self._sub.unsubscribe()
            self._sub = None

    async def _on_reply(self, msg: Msg) -> None:
        queue = self._pending.get(msg.subject)
        if queue is not None:
            queue.put_nowait(msg)

    async def call(self, peer_id: int, method: str, collection: str, shards: list[int], request: Any,
                   timeout: float | None = None) -> Any:
        """The result of `method` on `peer_id`; its engine errors are raised here as the same kind."""
        if self._sub is None:
            raise PeerUnavailable("the rpc client is not started")
        reply = f"{self._prefix}.{next(self._tokens)}"
        queue: asyncio.Queue[Msg] = asyncio.Queue()
        self._pending[reply] = queue
        envelope = msgpack.packb({"m": method, "c": collection, "s": shards, "r": codec.encode(request)},
                                 use_bin_type=True)
        wait = DEFAULT_TIMEOUT if timeout is None else timeout
        size = max(1024, self.nc.max_payload - _HEADROOM)
        try:
            for chunk in [envelope] if len(envelope) <= size else _chunks(envelope, size):
                await self.nc.publish(subject(peer_id), chunk, reply=reply)
            data = await asyncio.wait_for(self._collect(queue, peer_id), wait)
        except TimeoutError:
            raise PeerUnavailable(f"peer {peer_id} did not answer {method} within {wait} s") from None
        finally:
            del self._pending[reply]
        answer = msgpack.unpackb(data, raw=False)
        if "err" in answer:
            raise_error(answer["err"], answer["msg"])
        return codec.decode(answer["ok"])

    async def _collect(self, queue: asyncio.Queue[Msg], peer_id: int) -> bytes:
        parts: dict[int, bytes] = {}
        while True:
            msg = await queue.get()
            if msg.headers and msg.headers.get("Status") == "503":
                raise PeerUnavailable(f"peer {peer_id} is not serving")  # NATS: no responders
            index, total, part = msgpack.unpackb(msg.data, raw=False)
            parts[index] = part
            if len(parts) == total:
                return b"".join(parts[i] for i in range(total))
