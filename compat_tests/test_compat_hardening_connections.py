"""Connections: many idle ones cannot stop the server answering (above `service.max_connections`
the longest-idle one is closed), a client that never finishes its headers is cut off after
`service.http_header_timeout_sec`, an idle keep-alive connection after
`service.http_keep_alive_timeout_sec`; each is logged as JSON. Limits are set low for the test."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from compat_server import ServerProcess, start_server
from conftest import memory_mode

pytestmark = pytest.mark.skipif(memory_mode(), reason="needs the real server")

LIMIT = 40


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = start_server(tmp_path_factory.mktemp("connections"), env={
        "QDRANT__SERVICE__MAX_CONNECTIONS": str(LIMIT),
        "QDRANT__SERVICE__HTTP_HEADER_TIMEOUT_SEC": "1",
        "QDRANT__SERVICE__HTTP_KEEP_ALIVE_TIMEOUT_SEC": "1",
    })
    try:
        yield proc
    finally:
        proc.stop()


def _logged(server: ServerProcess, reason: str) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for line in server.log_tail(200_000).splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if record.get("msg") == "connection closed" and record.get("reason") == reason:
                return True
        time.sleep(0.1)
    return False


def _closed_by_server(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        return sock.recv(1024) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def test_idle_connections_do_not_stop_the_server(guarded: ServerProcess) -> None:
    idle = [socket.create_connection(("127.0.0.1", guarded.http_port)) for _ in range(LIMIT * 5)]
    try:
        time.sleep(0.2)
        for _ in range(5):
            reply = httpx.get(f"{guarded.url}/collections", timeout=10)
            assert reply.status_code == 200, reply.text
    finally:
        for sock in idle:
            sock.close()
    assert _logged(guarded, "connection_limit_idle_evicted")


def test_slow_headers_are_cut_off(guarded: ServerProcess) -> None:
    with socket.create_connection(("127.0.0.1", guarded.http_port)) as silent, \
            socket.create_connection(("127.0.0.1", guarded.http_port)) as slow:
        slow.sendall(b"GET /collections HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        assert _closed_by_server(silent, within=8)
        assert _closed_by_server(slow, within=8)
    assert _logged(guarded, "header_timeout")
    assert httpx.get(f"{guarded.url}/healthz", timeout=10).status_code == 200


def test_idle_keep_alive_is_closed(guarded: ServerProcess) -> None:
    with socket.create_connection(("127.0.0.1", guarded.http_port)) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.settimeout(10)
        reply = b""
        while not reply.endswith(b"healthz check passed"):  # headers and body may come apart
            chunk = sock.recv(4096)
            assert chunk, reply
            reply += chunk
        assert reply.startswith(b"HTTP/1.1 200")
        assert _closed_by_server(sock, within=8)
    assert _logged(guarded, "keep_alive_timeout")
