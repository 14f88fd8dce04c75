"""The starlette application: routes of every REST module, Qdrant-shaped 404/405 answers."""

from __future__ import annotations

import time

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from server.auth.policy import AuthPolicy
from server.rest import (
    cluster_routes,
    collection_routes,
    dashboard_routes,
    optimization_routes,
    point_routes,
    quota_routes,
    service_routes,
    shard_snapshot_routes,
    snapshot_routes,
    telemetry_routes,
)
from server.rest.access import AccessMiddleware, route_templates
from server.rest.auth_middleware import AuthMiddleware
from server.rest.fast import FastReads
from server.rest.responses import error
from server.rest.router import IndexedRouter
from server.service import Service
from server.settings import Settings
from server.telemetry.issues import IssueBoard
from server.telemetry.requests import RequestStats


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "Service internal error"
    return error(status, str(detail), time.perf_counter())


class RestApp(Starlette):
    """The starlette application behind `front` (server/rest/fast.py's lean search path), which
    passes every request it does not serve itself to `full`, the application as starlette runs it."""

    front: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await (self.front or self.full)(scope, receive, send)

    async def full(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)


def rest_routes() -> list[BaseRoute]:
    """Every REST route, in matching order."""
    return [*service_routes.routes(), *collection_routes.routes(), *point_routes.routes(),
            *snapshot_routes.routes(), *dashboard_routes.routes(), *telemetry_routes.routes(),
            *cluster_routes.routes(), *shard_snapshot_routes.routes(),
            *optimization_routes.routes(), *quota_routes.routes()]


def build_app(service: Service, settings: Settings, stats: RequestStats | None = None,
              issues: IssueBoard | None = None, policy: AuthPolicy | None = None) -> RestApp:
    stats = stats or RequestStats()
    routes = rest_routes()
    templates = route_templates(routes)
    # the access log (with the path guard) is outermost so that refused requests are logged and counted too
    middleware = [Middleware(AccessMiddleware, stats=stats.rest, templates=templates)]
    if settings.service.enable_cors:  # as Qdrant: any origin, method and header; preflights answered
        middleware.insert(0, Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"],
                                        allow_headers=["*"]))
    if policy is not None:
        middleware.append(Middleware(AuthMiddleware, policy=policy, routes=routes))
    app = RestApp(exception_handlers={HTTPException: _http_error}, middleware=middleware)
    app.router = IndexedRouter(routes)  # before the first request builds the middleware stack
    app.front = FastReads(app.full, service, routes, stats.rest, templates, settings.max_request_bytes,
                          cors=settings.service.enable_cors, policy=policy)
    app.state.service = service
    app.state.settings = settings
    app.state.request_stats = stats
    app.state.issues = issues or IssueBoard()
    return app
