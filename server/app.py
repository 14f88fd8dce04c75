"""Composition root: settings → engine → REST app (+ gRPC server later), all in one event loop."""

from __future__ import annotations

import logging

import uvicorn

from engine.optimizer import Optimizer
from engine.toc import TableOfContents
from server.rest.app import build_app
from server.service import Service
from server.settings import Settings

log = logging.getLogger("quiver")


async def serve(settings: Settings) -> None:
    toc = TableOfContents()
    optimizer = Optimizer(toc)
    optimizer.start()
    service = Service(toc, settings.workers)
    app = build_app(service, settings)
    config = uvicorn.Config(app, host=settings.host, port=settings.http_port, log_level="warning",
                            access_log=False, lifespan="off", limit_concurrency=None)
    server = uvicorn.Server(config)
    log.info("listening", extra={"http": f"{settings.host}:{settings.http_port}"})
    # uvicorn owns SIGINT/SIGTERM: serve() returns after a graceful stop, then we shut the engine down.
    await server.serve()
    log.info("shutting down")
    optimizer.stop()
    service.shutdown()
