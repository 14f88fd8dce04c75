"""The REST listening socket, bound before anything is announced.

Bound here rather than by uvicorn so that a busy port is one line and a non-zero exit before
"listening" is logged (uvicorn would log a traceback-shaped error after start-up). SO_REUSEADDR
only lets a restart reuse a port in TIME_WAIT; on Linux it never lets two servers listen on one port.
"""

from __future__ import annotations

import socket


def bind_exclusive(host: str, port: int, what: str) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except OSError as exc:
        raise SystemExit(f"cannot listen on {host}:{port} for {what}: {exc.strerror or exc}") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise SystemExit(f"cannot listen on {host}:{port} for {what}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock
