"""`GET /collections/{name}/optimizations`: what the collection's optimizer is doing and has done."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from server.convert.optimizations import optimizations_to_json, options_from_query
from server.rest.handler import Ctx, endpoint


async def get_optimizations(ctx: Ctx) -> Any:
    query = ctx.request.query_params
    options = options_from_query(query.get("with"), query.get("completed_limit"))
    shard = await ctx.service.call(ctx.service.toc.shard, ctx.collection)
    return await ctx.service.call(optimizations_to_json, shard, options)


def routes() -> list[Route]:
    return [Route("/collections/{collection_name}/optimizations", endpoint(get_optimizations), methods=["GET"])]
