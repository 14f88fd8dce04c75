"""Service endpoints: version banner and health probes (plain text, as Qdrant)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from server.rest.responses import _dumps
from server.version import VERSION

BANNER = {"title": "qdrant - vector search engine", "version": VERSION, "commit": None}


async def root(_: Request) -> Response:
    return Response(_dumps(BANNER), media_type="application/json")


async def healthz(_: Request) -> Response:
    return PlainTextResponse("healthz check passed")


async def livez(_: Request) -> Response:
    return PlainTextResponse("livez check passed")


async def readyz(_: Request) -> Response:
    return PlainTextResponse("all shards are ready")


def routes() -> list[Any]:
    return [
        Route("/", root, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/livez", livez, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
    ]
