"""The cluster API of a standalone node: `/cluster*`, `/collections/{name}/cluster` and shard keys.

What a single-node Qdrant without cluster mode answers (its `cluster_api.rs`, `shards_api.rs` and
`do_update_collection_cluster`): the status `disabled`, the collection's one local shard, and 405
`Qdrant is running in standalone mode` for every operation that needs consensus.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from engine.errors import (
    BadRequest,
    MalformedRequest,
    NotFound,
    ServiceError,
    StandaloneMode,
    ValidationError,
)
from server.convert.cluster import (
    check_cluster_operation,
    check_shard_key_request,
    cluster_api,
    cluster_info_to_json,
    cluster_status_to_json,
    collection_cluster_to_json,
    read_cluster_operation,
    read_create_shard_key,
    shard_key_list_to_json,
    shard_keys_to_json,
)
from server.rest.handler import Ctx, endpoint


def _positive_query_int(ctx: Ctx, key: str) -> int | None:
    raw = ctx.request.query_params.get(key)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise MalformedRequest("Deserialize error in query parameters: invalid digit found in string") from None
    if value < 1:
        raise ValidationError(
            f"Validation error in query parameters: [{key}: value {value} invalid, must be 1 or larger]"
        )
    return value


async def cluster_status(ctx: Ctx) -> Any:
    cluster = cluster_api(ctx.service)
    if cluster is not None:
        return cluster_status_to_json(await cluster.cluster_status())
    return {"status": "disabled"}


async def cluster_telemetry(ctx: Ctx) -> Any:
    _positive_query_int(ctx, "timeout")
    raw_level = ctx.request.query_params.get("details_level")
    if raw_level is not None and not raw_level.isdigit():
        raise MalformedRequest("Deserialize error in query parameters: invalid digit found in string")
    # A standalone Qdrant knows no peers to ask, and answers exactly this (a 500).
    raise ServiceError("Could not get telemetry from cluster")


async def recover_current_peer(ctx: Ctx) -> Any:
    raise StandaloneMode()


async def remove_peer(ctx: Ctx) -> Any:
    raw = ctx.path("peer_id")
    if not raw.isdigit() or int(raw) >= 2**64:  # actix's Path<u64> extractor answers 404 with this text
        raise NotFound(f"can not parse \"{raw}\" to a u64")
    peer_id = int(raw)
    force = ctx.flag("force", False)
    _positive_query_int(ctx, "timeout")
    cluster = cluster_api(ctx.service)
    if cluster is not None:
        await cluster.remove_peer(peer_id, force)
        return True
    if not force and peer_id == ctx.service.peer_id() and await ctx.service.list_collections():
        raise BadRequest(f"Cannot remove peer {peer_id} as there are shards on it")
    raise StandaloneMode()


async def collection_cluster_info(ctx: Ctx) -> Any:
    cluster = cluster_api(ctx.service)
    if cluster is not None:
        return collection_cluster_to_json(await cluster.collection_cluster_info(ctx.collection))
    info = await ctx.service.collection_info(ctx.collection)
    return cluster_info_to_json(ctx.service.peer_id(), info.points_count)


async def update_collection_cluster(ctx: Ctx) -> Any:
    body = await ctx.body()
    cluster = cluster_api(ctx.service)
    if cluster is not None:
        op = read_cluster_operation(body)
        _positive_query_int(ctx, "timeout")
        return await cluster.update_collection_cluster(ctx.collection, op)
    check_cluster_operation(body)
    _positive_query_int(ctx, "timeout")
    raise StandaloneMode()


async def list_shard_keys(ctx: Ctx) -> Any:
    cluster = cluster_api(ctx.service)
    if cluster is not None:
        keys = await cluster.shard_keys(ctx.collection)
        return {} if keys is None else shard_key_list_to_json(keys)
    params = await ctx.service.call(lambda: ctx.service.params(ctx.collection))
    return shard_keys_to_json(params.sharding_method)


async def create_shard_key(ctx: Ctx) -> Any:
    body = await ctx.body()
    cluster = cluster_api(ctx.service)
    if cluster is not None:
        request = read_create_shard_key(body)
        _positive_query_int(ctx, "timeout")
        return await cluster.create_shard_key(ctx.collection, request)
    check_shard_key_request(body)
    _positive_query_int(ctx, "timeout")
    raise StandaloneMode()


async def delete_shard_key(ctx: Ctx) -> Any:
    body = await ctx.body()
    cluster = cluster_api(ctx.service)
    if cluster is not None:
        key = check_shard_key_request(body)
        _positive_query_int(ctx, "timeout")
        return await cluster.delete_shard_key(ctx.collection, key)
    check_shard_key_request(body)
    _positive_query_int(ctx, "timeout")
    raise StandaloneMode()


def routes() -> list[Route]:
    c = "/collections/{collection_name}"
    return [
        Route("/cluster", endpoint(cluster_status), methods=["GET"]),
        Route("/cluster/telemetry", endpoint(cluster_telemetry), methods=["GET"]),
        Route("/cluster/recover", endpoint(recover_current_peer), methods=["POST"]),
        Route("/cluster/peer/{peer_id}", endpoint(remove_peer), methods=["DELETE"]),
        Route(c + "/cluster", endpoint(collection_cluster_info), methods=["GET"]),
        Route(c + "/cluster", endpoint(update_collection_cluster), methods=["POST"]),
        Route(c + "/shards", endpoint(list_shard_keys), methods=["GET"]),
        Route(c + "/shards", endpoint(create_shard_key), methods=["PUT"]),
        Route(c + "/shards/delete", endpoint(delete_shard_key), methods=["POST"]),
    ]
