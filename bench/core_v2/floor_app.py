"""The floor: the least a Python REST server can do per query, served the way Quiver serves.

`python -m bench.core_v2.floor_app --port P --response FILE` answers
`POST /collections/{name}/points/query` by parsing the JSON body (orjson, as Quiver's REST layer),
making one hop into a thread pool of the engine's size that does no engine work, and rendering a
response of the same shape and size as a real Quiver answer (FILE: one captured response body; its
`time` is refreshed each request). The uvicorn set-up is the one in server/app.py: `uvicorn.Config`
with the same arguments, `Server.serve()` on the event loop `server.cli` runs it on (uvloop when
installed), so the same event loop and HTTP implementation. Quiver's QPS divided by this app's QPS, measured in the same run, is the share of
the achievable throughput that the engine and conversion layers leave.
"""

# ruff: noqa: E402  (BLAS threads pinned before anything imports numpy, as in server/__main__.py)
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.cli import event_loop_factory


def _no_engine_work(body: Any) -> int:
    return len(body) if isinstance(body, dict) else 0


def build_app(template: dict[str, Any], workers: int) -> Starlette:
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="engine")

    async def query(request: Request) -> Response:
        t0 = time.perf_counter()
        body = orjson.loads(await request.body())
        await asyncio.get_running_loop().run_in_executor(pool, _no_engine_work, body)
        answer = dict(template, time=time.perf_counter() - t0)
        return Response(orjson.dumps(answer), media_type="application/json")

    async def ready(request: Request) -> Response:
        return Response(b"all shards are ready", media_type="text/plain")

    return Starlette(routes=[Route("/collections/{name}/points/query", query, methods=["POST"]),
                             Route("/readyz", ready, methods=["GET"])])


async def serve(port: int, template: dict[str, Any], workers: int) -> None:
    # the arguments server/app.py passes (timeout_keep_alive: Qdrant's default 5 s, as the server's)
    config = uvicorn.Config(build_app(template, workers), host="127.0.0.1", port=port, log_config=None,
                            access_log=False, lifespan="off", limit_concurrency=None, timeout_keep_alive=5)
    await uvicorn.Server(config).serve()


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.core_v2.floor_app")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--response", type=Path, required=True, help="a captured Quiver query response (JSON)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="thread pool size (Quiver's default)")
    args = p.parse_args()
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:  # the server's event loop (uvloop)
        runner.run(serve(args.port, orjson.loads(args.response.read_bytes()), args.workers))


if __name__ == "__main__":
    main()
