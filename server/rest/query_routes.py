"""The universal query API over REST (`points/query`, batch, groups, distance matrix) and the
pre-1.16 recommend/discover/search-groups endpoints, all served by the same engine query."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from engine.types.points import PointGroup, ScoredPoint
from engine.types.requests import GroupsRequest
from server.convert import legacy_queries as legacy
from server.convert import query_api as qconv
from server.convert.queries import batch_from_json
from server.convert.query_results import groups_to_json, matrix_offsets_to_json, matrix_pairs_to_json
from server.convert.results import scored_points_to_json
from server.rest.handler import Ctx, endpoint


async def _points(ctx: Ctx, points: list[ScoredPoint]) -> list[dict[str, Any]]:
    params = ctx.service.params(ctx.collection)
    return scored_points_to_json(points, params)


async def query(ctx: Ctx) -> Any:
    request = qconv.query_from_json(await ctx.body())
    return {"points": await _points(ctx, await ctx.service.query(ctx.collection, request, ctx.timeout))}


async def query_batch(ctx: Ctx) -> Any:
    requests = batch_from_json(await ctx.body(), qconv.query_from_json)
    results = await ctx.service.query_batch(ctx.collection, requests, ctx.timeout)
    return [{"points": await _points(ctx, points)} for points in results]


async def _groups(ctx: Ctx, request: GroupsRequest) -> Any:
    groups: list[PointGroup] = await ctx.service.query_groups(ctx.collection, request, ctx.timeout)
    lookup = request.with_lookup
    lookup_params = None if lookup is None else ctx.service.params(lookup.collection)
    return groups_to_json(groups, ctx.service.params(ctx.collection), lookup_params)


async def query_groups(ctx: Ctx) -> Any:
    return await _groups(ctx, qconv.groups_from_json(await ctx.body()))


async def matrix_pairs(ctx: Ctx) -> Any:
    request = qconv.matrix_from_json(await ctx.body())
    return matrix_pairs_to_json(await ctx.service.search_matrix(ctx.collection, request, ctx.timeout))


async def matrix_offsets(ctx: Ctx) -> Any:
    request = qconv.matrix_from_json(await ctx.body())
    return matrix_offsets_to_json(await ctx.service.search_matrix(ctx.collection, request, ctx.timeout))


def _legacy(convert: Any) -> Any:
    async def run(ctx: Ctx) -> Any:
        return await _points(ctx, await ctx.service.query(ctx.collection, convert(await ctx.body()), ctx.timeout))

    return run


def _legacy_batch(convert: Any) -> Any:
    async def run(ctx: Ctx) -> Any:
        requests = batch_from_json(await ctx.body(), convert)
        results = await ctx.service.query_batch(ctx.collection, requests, ctx.timeout)
        return [await _points(ctx, points) for points in results]

    return run


def _legacy_groups(convert: Any) -> Any:
    async def run(ctx: Ctx) -> Any:
        return await _groups(ctx, convert(await ctx.body()))

    return run


def routes() -> list[Route]:
    p = "/collections/{collection_name}/points"
    return [
        Route(p + "/query", endpoint(query), methods=["POST"]),
        Route(p + "/query/batch", endpoint(query_batch), methods=["POST"]),
        Route(p + "/query/groups", endpoint(query_groups), methods=["POST"]),
        Route(p + "/search/matrix/pairs", endpoint(matrix_pairs), methods=["POST"]),
        Route(p + "/search/matrix/offsets", endpoint(matrix_offsets), methods=["POST"]),
        Route(p + "/search/groups", endpoint(_legacy_groups(legacy.search_groups_from_json)), methods=["POST"]),
        Route(p + "/recommend", endpoint(_legacy(legacy.recommend_from_json)), methods=["POST"]),
        Route(p + "/recommend/batch", endpoint(_legacy_batch(legacy.recommend_from_json)), methods=["POST"]),
        Route(p + "/recommend/groups", endpoint(_legacy_groups(legacy.recommend_groups_from_json)),
              methods=["POST"]),
        Route(p + "/discover", endpoint(_legacy(legacy.discover_from_json)), methods=["POST"]),
        Route(p + "/discover/batch", endpoint(_legacy_batch(legacy.discover_from_json)), methods=["POST"]),
    ]
