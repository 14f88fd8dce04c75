"""Collections, aliases, payload indexes and named vectors."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from engine.types.operations import DeleteFieldIndex, Operation
from server.convert.collections import (
    aliases_from_json,
    apply_update,
    check_update,
    config_from_create,
    info_to_json,
)
from server.convert.points import create_index_from_json
from server.convert.results import update_to_json
from server.convert.vector_names import check_path_name, create_vector_name_from_json, delete_vector_name
from server.rest.handler import Ctx, endpoint


async def list_collections(ctx: Ctx) -> Any:
    names = await ctx.service.list_collections()
    return {"collections": [{"name": n} for n in names]}


async def get_collection(ctx: Ctx) -> Any:
    return info_to_json(await ctx.service.collection_info(ctx.collection))


async def collection_exists(ctx: Ctx) -> Any:
    return {"exists": await ctx.service.collection_exists(ctx.collection)}


async def create_collection(ctx: Ctx) -> Any:
    config = config_from_create(await ctx.body())
    return await ctx.service.create_collection(ctx.collection, config)


async def update_collection(ctx: Ctx) -> Any:
    body = await ctx.body()
    check_update(body)  # before the collection is looked up, as Qdrant
    apply_update_checked = lambda config: apply_update(config, body)  # noqa: E731 (validated on apply)
    return await ctx.service.update_collection(ctx.collection, apply_update_checked)


async def delete_collection(ctx: Ctx) -> Any:
    return await ctx.service.delete_collection(ctx.collection)


async def update_aliases(ctx: Ctx) -> Any:
    return await ctx.service.update_aliases(aliases_from_json(await ctx.body()))


def _aliases_json(pairs: list[tuple[str, str]]) -> Any:
    return {"aliases": [{"alias_name": a, "collection_name": c} for a, c in pairs]}


async def list_aliases(ctx: Ctx) -> Any:
    return _aliases_json(await ctx.service.list_aliases())


async def collection_aliases(ctx: Ctx) -> Any:
    return _aliases_json(await ctx.service.list_aliases(ctx.collection))


async def create_index(ctx: Ctx) -> Any:
    op = create_index_from_json(await ctx.body())
    return update_to_json(await ctx.service.update(ctx.collection, op, ctx.wait, ctx.timeout))


async def delete_index(ctx: Ctx) -> Any:
    op = DeleteFieldIndex(key=ctx.path("field_name"))
    return update_to_json(await ctx.service.update(ctx.collection, op, ctx.wait, ctx.timeout))


async def vector_name(ctx: Ctx) -> Any:
    """PUT creates the named vector, DELETE deletes it (one route: one candidate less for the router
    to try on every four-segment path, e.g. points/query)."""
    name = ctx.path("vector_name")
    check_path_name(name)  # Qdrant validates the path, then reads the body, then the query
    if ctx.request.method == "PUT":
        op: Operation = create_vector_name_from_json(name, await ctx.body())
    else:
        op = delete_vector_name(name)
    return update_to_json(await ctx.service.update(ctx.collection, op, ctx.wait, ctx.timeout))


def routes() -> list[Route]:
    c = "/collections/{collection_name}"
    return [
        Route("/collections", endpoint(list_collections), methods=["GET"]),
        Route("/collections/aliases", endpoint(update_aliases), methods=["POST"]),
        Route("/aliases", endpoint(list_aliases), methods=["GET"]),
        Route(c, endpoint(get_collection), methods=["GET"]),
        Route(c, endpoint(create_collection), methods=["PUT"]),
        Route(c, endpoint(update_collection), methods=["PATCH"]),
        Route(c, endpoint(delete_collection), methods=["DELETE"]),
        Route(c + "/exists", endpoint(collection_exists), methods=["GET"]),
        Route(c + "/aliases", endpoint(collection_aliases), methods=["GET"]),
        Route(c + "/index", endpoint(create_index), methods=["PUT"]),
        Route(c + "/index/{field_name:path}", endpoint(delete_index), methods=["DELETE"]),
        Route(c + "/vectors/{vector_name}", endpoint(vector_name), methods=["PUT", "DELETE"]),
    ]
