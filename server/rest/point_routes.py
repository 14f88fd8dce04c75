"""Point updates and reads: upsert, retrieve, delete, payload, vectors, batch, count, scroll, facet
and the pre-1.16 search endpoints; the query API's routes come from `query_routes`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.routing import Route

from engine.errors import MalformedRequest, NotFound
from engine.types.operations import Operation
from engine.types.sharding import Addressed
from server.convert import points as pconv
from server.convert import queries as qconv
from server.convert.results import (
    facet_to_json,
    record_to_json,
    scored_points_to_json,
    scroll_to_json,
    update_to_json,
)
from server.convert.sharding import batch_selectors_from_json, selector_of
from server.rest import query_routes
from server.rest.handler import Ctx, endpoint
from server.rest.responses import parse_json


def _update(convert: Callable[[Any], Operation]) -> Any:
    async def run(ctx: Ctx) -> Any:
        raw = await ctx.raw_body()

        def build() -> Addressed:  # on the pool thread
            body = parse_json(raw)
            return Addressed(convert(body), selector_of(body))

        wait, timeout = _update_params(ctx, build)
        return update_to_json(await ctx.service.update_from(ctx.collection, build, wait, timeout))

    return run


async def batch_update(ctx: Ctx) -> Any:
    raw = await ctx.raw_body()

    def build() -> list[Addressed]:  # on the pool thread
        body = parse_json(raw)
        ops = pconv.batch_from_json(body)
        return [Addressed(op, key) for op, key in zip(ops, batch_selectors_from_json(body), strict=True)]

    wait, timeout = _update_params(ctx, build)
    return [update_to_json(r) for r in await ctx.service.update_batch_from(ctx.collection, build, wait, timeout)]


def _update_params(ctx: Ctx, build: Callable[[], object]) -> tuple[bool, float | None]:
    """`wait` and `timeout` of an update. The body is parsed on the pool thread, but its errors
    come before those of the query parameters (as when it was parsed first): with a bad parameter
    the body is built here, on the loop, and its error wins; that is the rare path."""
    try:
        return ctx.wait, ctx.timeout
    except MalformedRequest:
        build()
        raise


async def _params(ctx: Ctx) -> Any:
    return ctx.service.params(ctx.collection)


async def get_point(ctx: Ctx) -> Any:
    pid, with_payload, with_vector = qconv.get_point_from_path(ctx.path("id"))
    records = await ctx.service.retrieve(ctx.collection, [pid], with_payload, with_vector)
    if not records:
        raise NotFound(f"No point with id {pid} found")
    return record_to_json(records[0], await _params(ctx))


async def retrieve(ctx: Ctx) -> Any:
    ids, with_payload, with_vector = qconv.retrieve_from_json(await ctx.body())
    records = await ctx.service.retrieve(ctx.collection, ids, with_payload, with_vector)
    params = await _params(ctx)
    return [record_to_json(r, params) for r in records]


async def count(ctx: Ctx) -> Any:
    request = qconv.count_from_json(await ctx.body())
    return {"count": await ctx.service.count(ctx.collection, request, ctx.timeout)}


async def scroll(ctx: Ctx) -> Any:
    request = qconv.scroll_from_json(await ctx.body())
    page = await ctx.service.scroll(ctx.collection, request, ctx.timeout)
    return scroll_to_json(page, await _params(ctx))


async def facet(ctx: Ctx) -> Any:
    request = qconv.facet_from_json(await ctx.body())
    return facet_to_json(await ctx.service.facet(ctx.collection, request, ctx.timeout))


async def search(ctx: Ctx) -> Any:
    request = qconv.search_from_json(await ctx.body())
    points = await ctx.service.query(ctx.collection, request, ctx.timeout)
    params = await _params(ctx)
    return scored_points_to_json(points, params)


async def search_batch(ctx: Ctx) -> Any:
    requests = qconv.batch_from_json(await ctx.body(), qconv.search_from_json)
    results = await ctx.service.query_batch(ctx.collection, requests, ctx.timeout)
    params = await _params(ctx)
    return [scored_points_to_json(points, params) for points in results]


def routes() -> list[Route]:
    p = "/collections/{collection_name}/points"
    return [
        Route(p, endpoint(_update(pconv.upsert_from_json)), methods=["PUT"]),
        Route(p, endpoint(retrieve), methods=["POST"]),
        Route(p + "/delete", endpoint(_update(pconv.delete_from_json)), methods=["POST"]),
        Route(p + "/payload", endpoint(_update(pconv.set_payload_from_json)), methods=["POST"]),
        Route(p + "/payload", endpoint(_update(pconv.overwrite_payload_from_json)), methods=["PUT"]),
        Route(p + "/payload/delete", endpoint(_update(pconv.delete_payload_from_json)), methods=["POST"]),
        Route(p + "/payload/clear", endpoint(_update(pconv.clear_payload_from_json)), methods=["POST"]),
        Route(p + "/vectors", endpoint(_update(pconv.update_vectors_from_json)), methods=["PUT"]),
        Route(p + "/vectors/delete", endpoint(_update(pconv.delete_vectors_from_json)), methods=["POST"]),
        Route(p + "/batch", endpoint(batch_update), methods=["POST"]),
        Route(p + "/count", endpoint(count), methods=["POST"]),
        Route(p + "/scroll", endpoint(scroll), methods=["POST"]),
        *query_routes.routes(),
        Route(p + "/search", endpoint(search), methods=["POST"]),
        Route(p + "/search/batch", endpoint(search_batch), methods=["POST"]),
        Route("/collections/{collection_name}/facet", endpoint(facet), methods=["POST"]),
        Route(p + "/{id}", endpoint(get_point), methods=["GET"]),
    ]
