"""Composition root: settings → engine → REST app (+ gRPC server later), all in one event loop."""

from __future__ import annotations

import asyncio
import logging
import signal

import uvicorn

from engine.toc import TableOfContents
from server.rest.app import build_app
from server.service import Service
from server.settings import Settings

log = logging.getLogger("quiver")


async def serve(settings: Settings) -> None:
    toc = TableOfContents()
    service = Service(toc, settings.workers)
    app = build_app(service, settings)
    config = uvicorn.Config(app, host=settings.host, port=settings.http_port, log_level="warning",
                            access_log=False, lifespan="off", limit_concurrency=None)
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    task = asyncio.create_task(server.serve())
    log.info("listening", extra={"http": f"{settings.host}:{settings.http_port}"})
    await stop.wait()
    log.info("shutting down")
    server.should_exit = True
    await task
    service.shutdown()
