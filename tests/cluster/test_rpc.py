"""cluster/rpc.py against a real nats-server on a free port: results and engine errors cross as
they are, answers larger than one NATS message arrive whole, and a peer nobody serves is
PeerUnavailable (so a read can ask another replica)."""

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nats
import numpy as np
import pytest

from cluster.rpc import PeerUnavailable, RpcClient, RpcServer
from engine.errors import NotFound, ValidationError
from engine.types.points import Record, ScrollPage
from engine.types.requests import CountRequest, ScrollRequest

NATS_SERVER = shutil.which("nats-server") or ("/usr/sbin/nats-server" if Path("/usr/sbin/nats-server").exists()
                                               else None)
pytestmark = pytest.mark.skipif(NATS_SERVER is None, reason="nats-server is not installed (tools/setup_nats.sh)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def nats_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    assert NATS_SERVER is not None
    home = tmp_path_factory.mktemp("nats")
    (home / "nats.conf").write_text("max_payload: 65536\n")  # small messages: answers go in chunks
    proc = subprocess.Popen([NATS_SERVER, "-a", "127.0.0.1", "-p", str(port), "-c", str(home / "nats.conf")],
                            cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"nats://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(5)


async def _handler(method: str, collection: str, shards: list[int], request: Any) -> Any:
    match method:
        case "scroll":
            rows = np.arange(4 * 128, dtype=np.float32).reshape(4, 128)
            # ~200 kB of vectors: several 64 kB NATS messages
            points = [Record(id=i, payload={"c": collection, "s": shards}, vectors={"": rows % (i + 1)})
                      for i in range(request.limit)]
            return ScrollPage(points=points, next_page_offset=None)
        case "count":
            await asyncio.sleep(0.2 if shards == [0] else 0)
            return len(shards)
        case "echo":
            return request
        case "missing":
            raise NotFound("Collection `nope` doesn't exist!")
        case _:
            raise ValidationError(f"Validation error: unknown method {method}")


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_results_and_errors_cross(nats_url: str) -> None:
    async def scenario() -> None:
        nc = await nats.connect(nats_url, max_reconnect_attempts=1, connect_timeout=5)
        server = RpcServer(nc, 7, _handler)
        client = RpcClient(nc)
        await server.start()
        await client.start()
        try:
            page = await client.call(7, "scroll", "col", [1, 2], ScrollRequest(limit=100))
            assert isinstance(page, ScrollPage) and len(page.points) == 100
            assert page.points[3].payload == {"c": "col", "s": [1, 2]}
            assert np.array_equal(page.points[3].vectors[""],
                                  np.arange(512, dtype=np.float32).reshape(4, 128) % 4)
            with pytest.raises(NotFound, match="Collection `nope` doesn't exist!"):
                await client.call(7, "missing", "col", [], CountRequest())
            with pytest.raises(ValidationError):
                await client.call(7, "other", "col", [], CountRequest())
            # calls run concurrently: the slow one does not hold up the fast one
            start = time.monotonic()
            slow = asyncio.ensure_future(client.call(7, "count", "col", [0], CountRequest()))
            fast = await client.call(7, "count", "col", [1, 2, 3], CountRequest())
            assert fast == 3 and time.monotonic() - start < 0.2 and not slow.done()
            assert await slow == 1
        finally:
            await client.stop()
            await server.stop()
            await nc.close()
    _run(scenario())


def test_a_peer_nobody_serves_is_unavailable(nats_url: str) -> None:
    async def scenario() -> None:
        nc = await nats.connect(nats_url, max_reconnect_attempts=1, connect_timeout=5)
        client = RpcClient(nc)
        await client.start()
        try:
            start = time.monotonic()
            with pytest.raises(PeerUnavailable):
                await client.call(99, "count", "col", [0], CountRequest(), timeout=5)
            assert time.monotonic() - start < 2  # NATS' no-responders answer, not the timeout
        finally:
            await client.stop()
            await nc.close()
    _run(scenario())


def test_requests_larger_than_one_message_arrive_whole(nats_url: str) -> None:
    async def scenario() -> None:
        nc = await nats.connect(nats_url, max_reconnect_attempts=1, connect_timeout=5)
        server = RpcServer(nc, 8, _handler)
        client = RpcClient(nc)
        await server.start()
        await client.start()
        try:
            ids = [f"{i:08d}-0000-4000-8000-000000000000" for i in range(5000)]  # ~200 kB: 4+ chunks
            assert await client.call(8, "echo", "col", [0], ids) == ids
            both = await asyncio.gather(client.call(8, "echo", "col", [0], ids[:3000]),
                                        client.call(8, "echo", "col", [1], ids[2000:]))
            assert both == [ids[:3000], ids[2000:]]  # two chunked requests at once stay apart
            assert await client.call(8, "count", "col", [1, 2], CountRequest()) == 2  # small ones as before
            assert not server._partial
        finally:
            await client.stop()
            await server.stop()
            await nc.close()
    _run(scenario())
