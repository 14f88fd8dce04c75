"""Snapshots: collection snapshots (create, list, download, delete, recover from a location or an
upload) and full-storage snapshots (create, list, download, delete).

`wait` defaults to true here (as Qdrant's snapshot endpoints); `wait=false` answers 202 with
`{"status": "accepted", "time": ...}` and no `result`, as Qdrant serialises it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from engine.errors import MalformedRequest
from engine.snapshots import SnapshotDescription
from engine.snapshots.manager import PRIORITIES
from server.convert.json_fields import expect_object, format_error, opt_str, req
from server.rest.handler import Ctx, endpoint
from server.rest.responses import _dumps


def _accepted(started: float) -> Response:
    body = {"status": "accepted", "time": time.perf_counter() - started}
    return Response(_dumps(body), status_code=202, media_type="application/json")


def _describe(desc: SnapshotDescription) -> dict[str, Any]:
    return {"name": desc.name, "creation_time": desc.creation_time, "size": desc.size, "checksum": desc.checksum}


def _answer(result: Any, started: float) -> Any:
    """The result of an operation that honours `wait`: None means it was sent to the background."""
    if result is None:
        return _accepted(started)
    return _describe(result) if isinstance(result, SnapshotDescription) else result


def _download(path: Path) -> Response:
    return FileResponse(path, media_type="application/octet-stream", filename=path.name)


def _priority(value: Any, where: str) -> None:
    """Checked for the client's sake; with one replica the snapshot is always the source of truth."""
    if value is not None and value not in PRIORITIES:
        expected = ", ".join(f"`{p}`" for p in PRIORITIES)
        raise MalformedRequest(f"{where}: unknown variant `{value}`, expected one of {expected}")


def _snapshots_path(ctx: Ctx) -> str:
    return ctx.settings.storage.snapshots_path


# ---- collection snapshots -------------------------------------------------------------------
async def create_snapshot(ctx: Ctx) -> Any:
    started = time.perf_counter()
    result = await ctx.service.create_snapshot(_snapshots_path(ctx), ctx.collection, ctx.flag("wait", True))
    return _answer(result, started)


async def list_snapshots(ctx: Ctx) -> Any:
    return [_describe(d) for d in await ctx.service.list_snapshots(_snapshots_path(ctx), ctx.collection)]


async def get_snapshot(ctx: Ctx) -> Any:
    return _download(await ctx.service.snapshot_file(_snapshots_path(ctx), ctx.collection, ctx.path("snapshot_name")))


async def delete_snapshot(ctx: Ctx) -> Any:
    started = time.perf_counter()
    result = await ctx.service.delete_snapshot(_snapshots_path(ctx), ctx.collection, ctx.path("snapshot_name"),
                                               ctx.flag("wait", True))
    return _answer(result, started)


async def recover_snapshot(ctx: Ctx) -> Any:
    started = time.perf_counter()
    body = expect_object(await ctx.body())  # unknown fields are ignored, as Qdrant does
    location = req(body, "location")
    if not isinstance(location, str):
        raise format_error(f"invalid type for `location`: expected a string, got {location!r}")
    _priority(body.get("priority"), "Json deserialize error")
    result = await ctx.service.recover_snapshot(
        _snapshots_path(ctx), ctx.collection, location, checksum=opt_str(body, "checksum"),
        api_key=opt_str(body, "api_key"), wait=ctx.flag("wait", True))
    return _answer(result, started)


async def upload_snapshot(ctx: Ctx) -> Any:
    started = time.perf_counter()
    query = ctx.request.query_params
    _priority(query.get("priority"), "Query deserialize error")
    wait = ctx.flag("wait", True)
    try:
        form = await ctx.request.form(max_files=1, max_fields=16)
    except HTTPException as exc:  # python-multipart could not parse the body
        raise MalformedRequest(f"Multipart error: {exc.detail}") from None
    try:
        upload = form.get("snapshot")
        if not isinstance(upload, UploadFile):
            raise MalformedRequest("Multipart error: missing file field `snapshot`")
        result = await ctx.service.recover_uploaded_snapshot(
            _snapshots_path(ctx), ctx.collection, upload.file, checksum=query.get("checksum"), wait=wait)
    finally:
        await form.close()
    return _answer(result, started)


# ---- full snapshots -------------------------------------------------------------------------
async def create_full_snapshot(ctx: Ctx) -> Any:
    started = time.perf_counter()
    return _answer(await ctx.service.create_full_snapshot(_snapshots_path(ctx), ctx.flag("wait", True)), started)


async def list_full_snapshots(ctx: Ctx) -> Any:
    return [_describe(d) for d in await ctx.service.list_full_snapshots(_snapshots_path(ctx))]


async def get_full_snapshot(ctx: Ctx) -> Any:
    return _download(await ctx.service.full_snapshot_file(_snapshots_path(ctx), ctx.path("snapshot_name")))


async def delete_full_snapshot(ctx: Ctx) -> Any:
    started = time.perf_counter()
    result = await ctx.service.delete_full_snapshot(_snapshots_path(ctx), ctx.path("snapshot_name"),
                                                    ctx.flag("wait", True))
    return _answer(result, started)


def routes() -> list[Route]:
    c = "/collections/{collection_name}/snapshots"
    return [
        Route(c, endpoint(list_snapshots), methods=["GET"]),
        Route(c, endpoint(create_snapshot), methods=["POST"]),
        Route(c + "/upload", endpoint(upload_snapshot), methods=["POST"]),
        Route(c + "/recover", endpoint(recover_snapshot), methods=["PUT"]),
        Route(c + "/{snapshot_name}", endpoint(get_snapshot), methods=["GET"]),
        Route(c + "/{snapshot_name}", endpoint(delete_snapshot), methods=["DELETE"]),
        Route("/snapshots", endpoint(list_full_snapshots), methods=["GET"]),
        Route("/snapshots", endpoint(create_full_snapshot), methods=["POST"]),
        Route("/snapshots/{snapshot_name}", endpoint(get_full_snapshot), methods=["GET"]),
        Route("/snapshots/{snapshot_name}", endpoint(delete_full_snapshot), methods=["DELETE"]),
    ]
