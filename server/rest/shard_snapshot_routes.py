"""Shard snapshots (`/collections/{name}/shards/{shard_id}/snapshot[s]...`) of the single local shard 0:
create, list, download, delete, stream a fresh one, recover from a location or an upload.

As Qdrant's shard snapshot endpoints: `wait` defaults to true (`wait=false` answers 202 accepted),
a shard id other than 0 is `Not found: shard N`, recovery needs the collection to exist.
"""

from __future__ import annotations

import shutil
import time
from typing import Any

from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse
from starlette.routing import Route

from engine.errors import MalformedRequest
from engine.snapshots import shard as shard_snapshots
from engine.snapshots.manager import SnapshotManager
from server.convert.json_fields import expect_object, format_error, opt_str, req
from server.rest.handler import Ctx, endpoint
from server.rest.snapshot_routes import _answer, _describe, _download, _priority


def _manager(ctx: Ctx) -> SnapshotManager:
    return ctx.service.snapshots(ctx.settings.storage.snapshots_path)


def _shard(ctx: Ctx) -> int:
    raw = ctx.path("shard_id")
    if not raw.isdigit() or int(raw) >= 2**32:
        raise MalformedRequest(f'Deserialize error in path parameters: can not parse "{raw}" to a u32')
    return int(raw)


async def create_shard_snapshot(ctx: Ctx) -> Any:
    started = time.perf_counter()
    manager, shard = _manager(ctx), _shard(ctx)
    shard_snapshots.check_shard(manager, ctx.collection, shard)  # a 404 even with wait=false
    result = await ctx.service.snapshot_task(
        "create shard snapshot", ctx.flag("wait", True),
        lambda: shard_snapshots.create(manager, ctx.collection, shard))
    return _answer(result, started)


async def list_shard_snapshots(ctx: Ctx) -> Any:
    manager, shard = _manager(ctx), _shard(ctx)
    found = await ctx.service.call(shard_snapshots.list_snapshots, manager, ctx.collection, shard)
    return [_describe(d) for d in found]


async def get_shard_snapshot(ctx: Ctx) -> Any:
    manager, shard = _manager(ctx), _shard(ctx)
    return _download(await ctx.service.call(shard_snapshots.path, manager, ctx.collection, shard,
                                            ctx.path("snapshot_name")))


async def delete_shard_snapshot(ctx: Ctx) -> Any:
    started = time.perf_counter()
    manager, shard, name = _manager(ctx), _shard(ctx), ctx.path("snapshot_name")
    shard_snapshots.path(manager, ctx.collection, shard, name)  # a missing snapshot is a 404 even with wait=false
    result = await ctx.service.snapshot_task(
        "delete shard snapshot", ctx.flag("wait", True),
        lambda: shard_snapshots.delete(manager, ctx.collection, shard, name))
    return _answer(result, started)


async def stream_shard_snapshot(ctx: Ctx) -> Any:
    manager, shard = _manager(ctx), _shard(ctx)
    file, directory = await ctx.service.call(shard_snapshots.stream, manager, ctx.collection, shard)
    return FileResponse(file, media_type="application/octet-stream", filename=file.name,
                        background=BackgroundTask(shutil.rmtree, directory, ignore_errors=True))


async def recover_shard_snapshot(ctx: Ctx) -> Any:
    started = time.perf_counter()
    manager, shard = _manager(ctx), _shard(ctx)
    body = expect_object(await ctx.body())
    location = req(body, "location")
    if not isinstance(location, str):
        raise format_error(f"invalid type for `location`: expected a string, got {location!r}")
    _priority(body.get("priority"), "Json deserialize error")
    checksum, api_key = opt_str(body, "checksum"), opt_str(body, "api_key")
    shard_snapshots.check_shard(manager, ctx.collection, shard)
    result = await ctx.service.snapshot_task(
        "recover shard snapshot", ctx.flag("wait", True),
        lambda: shard_snapshots.recover(manager, ctx.collection, shard, location, checksum, api_key))
    return _answer(result, started)


async def upload_shard_snapshot(ctx: Ctx) -> Any:
    started = time.perf_counter()
    manager, shard = _manager(ctx), _shard(ctx)
    query = ctx.request.query_params
    _priority(query.get("priority"), "Query deserialize error")
    wait = ctx.flag("wait", True)
    shard_snapshots.check_shard(manager, ctx.collection, shard)
    try:
        form = await ctx.request.form(max_files=1, max_fields=16)
    except HTTPException as exc:
        raise MalformedRequest(f"Multipart error: {exc.detail}") from None
    try:
        upload = form.get("snapshot")
        if not isinstance(upload, UploadFile):
            raise MalformedRequest("Multipart error: missing file field `snapshot`")
        saved = await ctx.service.call(manager.save_upload, upload.file)
    finally:
        await form.close()
    checksum = query.get("checksum")
    result = await ctx.service.snapshot_task(
        "recover uploaded shard snapshot", wait,
        lambda: shard_snapshots.recover_saved(manager, ctx.collection, shard, saved, checksum))
    return _answer(result, started)


def routes() -> list[Route]:
    s = "/collections/{collection_name}/shards/{shard_id}"
    return [
        Route(s + "/snapshot", endpoint(stream_shard_snapshot), methods=["GET"]),
        Route(s + "/snapshots", endpoint(list_shard_snapshots), methods=["GET"]),
        Route(s + "/snapshots", endpoint(create_shard_snapshot), methods=["POST"]),
        Route(s + "/snapshots/upload", endpoint(upload_shard_snapshot), methods=["POST"]),
        Route(s + "/snapshots/recover", endpoint(recover_shard_snapshot), methods=["PUT"]),
        Route(s + "/snapshots/{snapshot_name}", endpoint(get_shard_snapshot), methods=["GET"]),
        Route(s + "/snapshots/{snapshot_name}", endpoint(delete_shard_snapshot), methods=["DELETE"]),
    ]
