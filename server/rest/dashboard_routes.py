"""The web dashboard at /dashboard: static files shipped in the package, served without auth.

The files are plain ES modules and CSS (no build step); they talk to the server only through the
public REST API, sending the same `api-key` as any client, so the static route itself needs no
credentials (as Qdrant's /dashboard). Only files present in `dashboard_static/` when the module is
imported can be served: a request path is looked up in that table, never joined onto a directory.
"""

from __future__ import annotations

import mimetypes
import time
from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.rest.responses import error

STATIC_DIR = Path(__file__).parent / "dashboard_static"

# The page may load only its own files and talk only to this server; a violation shows up as a
# console error, which the browser tests treat as a failure.
_CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".svg": "image/svg+xml",
          ".png": "image/png"}


def _table(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


FILES = _table(STATIC_DIR)


def _media_type(path: Path) -> str:
    return _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


async def redirect(_: Request) -> Response:
    return RedirectResponse("/dashboard/", status_code=307)


async def asset(request: Request) -> Response:
    name = str(request.path_params.get("asset", "")) or "index.html"
    path = FILES.get(name)
    if path is None:
        return error(404, f"Not found: dashboard file {name}", time.perf_counter())
    headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": _CSP, "Referrer-Policy": "no-referrer"}
    return Response(path.read_bytes(), media_type=_media_type(path), headers=headers)


def routes() -> list[Route]:
    return [
        Route("/dashboard", redirect, methods=["GET"]),
        Route("/dashboard/", asset, methods=["GET"]),
        Route("/dashboard/{asset:path}", asset, methods=["GET"]),
    ]
