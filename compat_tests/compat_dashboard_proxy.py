"""A reverse proxy in front of the server under test that demands an API key, answering 401 in
Qdrant's way (plain text) for any request without it, except the dashboard's own files and `/`.

It lets the dashboard tests check the browser's side of authentication (prompt, retry, key kept in
sessionStorage and sent as `api-key`) against a server started without auth; the server's own
enforcement of keys is tested with the server's auth tests.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

UNAUTHORIZED = b"Must provide an API key or an Authorization bearer token"
_HOP_HEADERS = {"host", "connection", "keep-alive", "transfer-encoding", "content-length"}


@dataclass
class KeyProxy:
    url: str
    key: str
    seen_keys: list[str | None] = field(default_factory=list)


def _exempt(path: str) -> bool:
    return path == "/" or path == "/dashboard" or path.startswith("/dashboard/")


@contextmanager
def key_proxy(upstream: str, key: str) -> Iterator[KeyProxy]:
    client = httpx.Client(base_url=upstream, timeout=60)
    state = KeyProxy(url="", key=key)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            path = self.path.split("?", 1)[0]
            given = self.headers.get("api-key")
            if not _exempt(path):
                state.seen_keys.append(given)
                if given != key:
                    self._answer(401, {"content-type": "text/plain; charset=utf-8"}, UNAUTHORIZED)
                    return
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_HEADERS}
            answer = client.request(self.command, self.path, content=body, headers=headers)
            kept = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP_HEADERS | {"content-encoding"}}
            self._answer(answer.status_code, kept, answer.content)

        def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        client.close()
