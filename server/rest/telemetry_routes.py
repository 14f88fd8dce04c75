"""GET /metrics (Prometheus text), GET /telemetry (Qdrant's TelemetryData), GET/DELETE /issues.
Qdrant serves no OpenAPI document over HTTP, and neither does Quiver."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from engine.errors import MalformedRequest
from engine.quotas import quota_store
from server.auth.context import visible
from server.rest.handler import Ctx, endpoint
from server.telemetry.collections import collect
from server.telemetry.issues import IssueBoard
from server.telemetry.report import telemetry as telemetry_report
from server.telemetry.requests import RequestStats

PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


def _stats(ctx: Ctx) -> RequestStats:
    stats: RequestStats = ctx.request.app.state.request_stats
    return stats


def _details_level(ctx: Ctx) -> int:
    raw = ctx.request.query_params.get("details_level")
    if raw is None:
        return 0
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise MalformedRequest(f"Query deserialize error: invalid digit found in string `{raw}` for `details_level`")
    return value


async def metrics(ctx: Ctx) -> Any:
    anonymize = ctx.flag("anonymize", False)
    per_collection = ctx.flag("per_collection", False)
    figures = await ctx.service.call(collect, ctx.service.toc, timeout=ctx.timeout)
    exceeded = await ctx.service.call(quota_store(ctx.service.toc.root).exceeded)
    stats = _stats(ctx)
    from server.telemetry.metrics import QuiverCollector, render  # prometheus-client: on the first /metrics

    collector = QuiverCollector(ctx.settings.service.metrics_prefix or "", figures, stats.rest, stats.grpc,
                                per_collection, anonymize, ctx.settings.storage.recovery_mode is not None,
                                exceeded)
    return Response(render(collector), media_type=PROMETHEUS_TEXT)


async def telemetry(ctx: Ctx) -> Any:
    level = _details_level(ctx)
    anonymize = ctx.flag("anonymize", False)
    per_collection = ctx.flag("per_collection", False)
    figures = await ctx.service.call(collect, ctx.service.toc, timeout=ctx.timeout)
    return telemetry_report(ctx.settings, _stats(ctx), figures, level, anonymize, per_collection)


def _board(ctx: Ctx) -> IssueBoard:
    board: IssueBoard = ctx.request.app.state.issues
    return board


async def get_issues(ctx: Ctx) -> Any:
    """Qdrant's IssuesReport; a collection-scoped key sees only the issues of its collections."""
    issues = _board(ctx).report()
    shown = set(visible([issue["related_collection"] for issue in issues]))
    return {"issues": [issue for issue in issues if issue["related_collection"] in shown]}


async def clear_issues(ctx: Ctx) -> Any:
    _board(ctx).clear()
    return True


def routes() -> list[Route]:
    return [
        Route("/metrics", endpoint(metrics), methods=["GET"]),
        Route("/telemetry", endpoint(telemetry), methods=["GET"]),
        Route("/issues", endpoint(get_issues), methods=["GET"]),
        Route("/issues", endpoint(clear_issues), methods=["DELETE"]),
    ]
