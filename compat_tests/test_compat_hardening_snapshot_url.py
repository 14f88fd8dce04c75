"""Snapshot recovery from a URL under limits: a size cap, a total time limit and a host allow-list
(`service.snapshot_url_*`), the caller's credentials never forwarded, and every failure a 4xx with a
plain message. The remote side is an HTTP server inside the test."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from compat_server import ServerProcess, start_server
from conftest import memory_mode

pytestmark = pytest.mark.skipif(memory_mode(), reason="needs the real server")

KEY = "url-limits-key"
SEEN: list[dict[str, str]] = []
"""The headers of every request the remote side received."""


class _Remote(BaseHTTPRequestHandler):
    other_port = 0

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        SEEN.append({k.lower(): v for k, v in self.headers.items()})
        if self.path == "/big":  # announces more than the cap
            self.send_response(200)
            self.send_header("Content-Length", str(3 << 20))
            self.end_headers()
            self.wfile.write(b"\0" * (3 << 20))
        elif self.path == "/unannounced":  # no length: the cap applies while reading
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(3):
                self.wfile.write(b"\0" * (1 << 20))
        elif self.path == "/slow":  # a byte every 0.2 s: never idle long enough for the idle timeout
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"\0")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass  # the server gave up: what the test expects
        elif self.path.startswith("/redirect-to-"):
            self.send_response(302)
            self.send_header("Location", self.path.removeprefix("/redirect-to-").replace("PORT", str(self.other_port)))
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_response(404)
            self.send_header("Content-Length", "9")
            self.end_headers()
            self.wfile.write(b"not found")


@pytest.fixture(scope="module")
def remotes() -> Iterator[tuple[int, int]]:
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), _Remote) for _ in range(2)]
    _Remote.other_port = servers[1].server_address[1]
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    yield servers[0].server_address[1], servers[1].server_address[1]
    for s in servers:
        s.shutdown()


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = start_server(tmp_path_factory.mktemp("snapshot-url"), env={
        "QDRANT__SERVICE__API_KEY": KEY,
        "QDRANT__SERVICE__SNAPSHOT_URL_MAX_SIZE_MB": "1",
        "QDRANT__SERVICE__SNAPSHOT_URL_TIMEOUT_SEC": "2",
        "QDRANT__SERVICE__SNAPSHOT_URL_ALLOWED_HOSTS": "127.0.0.1, 127.0.0.2",
    })
    try:
        httpx.put(f"{proc.url}/collections/kept", json={"vectors": {"size": 2, "distance": "Dot"}},
                  headers={"api-key": KEY}, timeout=60).raise_for_status()
        httpx.put(f"{proc.url}/collections/kept/points?wait=true", headers={"api-key": KEY}, timeout=60,
                  json={"points": [{"id": 1, "vector": [1.0, 0.0], "payload": {"a": 1}}]}).raise_for_status()
        yield proc
    finally:
        proc.stop()


def _recover(server: ServerProcess, location: str, **body: Any) -> httpx.Response:
    return httpx.put(f"{server.url}/collections/kept/snapshots/recover?wait=true", timeout=60,
                     json={"location": location, **body},
                     headers={"api-key": KEY, "Authorization": f"Bearer {KEY}"})


def _refused(reply: httpx.Response, status: int, text: str) -> None:
    assert reply.status_code == status, reply.text
    error = reply.json()["status"]["error"]
    assert text in error, error
    assert error.isprintable() and len(error) < 400


def _unchanged(server: ServerProcess) -> None:
    reply = httpx.post(f"{server.url}/collections/kept/points/scroll", json={"with_payload": True},
                       headers={"api-key": KEY}, timeout=60)
    assert reply.status_code == 200, reply.text
    assert [(p["id"], p["payload"]) for p in reply.json()["result"]["points"]] == [(1, {"a": 1})]


def test_size_cap(limited: ServerProcess, remotes: tuple[int, int]) -> None:
    port = remotes[0]
    _refused(_recover(limited, f"http://127.0.0.1:{port}/big"), 400, "larger than 1048576 bytes")
    _refused(_recover(limited, f"http://127.0.0.1:{port}/unannounced"), 400, "larger than 1048576 bytes")
    _unchanged(limited)
    tmp = limited.log_path.parent / "storage" / "tmp"
    assert not list(tmp.glob("download-*")), "a refused download left its file"


def test_total_time_limit(limited: ServerProcess, remotes: tuple[int, int]) -> None:
    started = time.monotonic()
    _refused(_recover(limited, f"http://127.0.0.1:{remotes[0]}/slow"), 400, "took longer than 2 s")
    assert time.monotonic() - started < 15  # the trickle would take 20 s
    _unchanged(limited)


def test_host_allow_list(limited: ServerProcess, remotes: tuple[int, int]) -> None:
    port, other = remotes
    _refused(_recover(limited, f"http://localhost:{port}/x.snapshot"), 403, "host 'localhost' is not allowed")
    # a redirect may not lead to a host outside the list either
    _refused(_recover(limited, f"http://127.0.0.1:{port}/redirect-to-http://localhost:PORT/x"), 403,
             "host 'localhost' is not allowed")
    _refused(_recover(limited, f"http://127.0.0.1:{port}/redirect-to-file:///etc/passwd"), 400,
             "Redirection to url 'file:///etc/passwd' is not allowed")
    _unchanged(limited)


def test_remote_errors_are_plain_4xx(limited: ServerProcess, remotes: tuple[int, int]) -> None:
    _refused(_recover(limited, f"http://127.0.0.1:{remotes[0]}/missing.snapshot"), 400, "Failed to download")
    closed = remotes[1] + 1 if remotes[1] < 65535 else remotes[1] - 1
    reply = _recover(limited, f"http://127.0.0.2:{closed}/x.snapshot")
    assert reply.status_code == 400, reply.text
    _unchanged(limited)


def test_caller_credentials_are_never_forwarded(limited: ServerProcess, remotes: tuple[int, int]) -> None:
    port, other = remotes
    SEEN.clear()
    _recover(limited, f"http://127.0.0.1:{port}/missing.snapshot")
    _recover(limited, f"http://127.0.0.1:{port}/missing.snapshot", api_key="the-remote-key")
    # after a redirect to another host:port, not even the request's own api_key goes along
    _recover(limited, f"http://127.0.0.1:{port}/redirect-to-http://127.0.0.1:PORT/missing", api_key="the-remote-key")
    assert len(SEEN) == 4, SEEN
    for headers in SEEN:
        assert KEY not in " ".join(headers.values()), headers  # neither the caller's api-key nor its bearer
        assert "authorization" not in headers
    assert "api-key" not in SEEN[0]
    assert SEEN[1]["api-key"] == "the-remote-key"
    assert SEEN[2]["api-key"] == "the-remote-key"
    assert "api-key" not in SEEN[3]  # the redirected request, to the other port


def test_url_recovery_can_be_disabled(tmp_path: Path, remotes: tuple[int, int]) -> None:
    proc = start_server(tmp_path, env={"QDRANT__SERVICE__ENABLE_SNAPSHOT_URL_RECOVERY": "false"})
    try:
        SEEN.clear()
        reply = httpx.put(f"{proc.url}/collections/c/snapshots/recover?wait=true", timeout=60,
                          json={"location": f"http://127.0.0.1:{remotes[0]}/x.snapshot"})
        _refused(reply, 403, "recovery from a URL is disabled")
        assert SEEN == []  # nothing was fetched
    finally:
        proc.stop()
