"""`GET /quotas` (configuration and this node's usage) and `PUT /quotas` (replace the configuration)."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from engine.quotas import quota_store
from server.convert.quotas import quota_config_from_json, quota_status_to_json
from server.rest.handler import Ctx, endpoint


async def get_quotas(ctx: Ctx) -> Any:
    store = quota_store(ctx.service.toc.root)
    return quota_status_to_json(store.config, await ctx.service.call(store.usage))


async def update_quotas(ctx: Ctx) -> Any:
    config = quota_config_from_json(await ctx.body())
    ctx.flag("wait", False)  # read for its validation; a single node applies the change at once
    await ctx.service.call(quota_store(ctx.service.toc.root).set, config)
    return True


def routes() -> list[Route]:
    return [
        Route("/quotas", endpoint(get_quotas), methods=["GET"]),
        Route("/quotas", endpoint(update_quotas), methods=["PUT"]),
    ]
