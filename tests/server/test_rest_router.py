"""The indexed REST router dispatches every request to the route starlette's linear scan picks."""

from __future__ import annotations

import re

from starlette.routing import BaseRoute, Match, Route

from server.rest.app import rest_routes
from server.rest.router import IndexedRouter


def _routes() -> list[BaseRoute]:
    return rest_routes()


def _first_full(routes: list[BaseRoute], scope: dict[str, object]) -> BaseRoute | None:
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route
    return None


def _paths(routes: list[BaseRoute]) -> list[str]:
    out = ["/", "/nothing", "/collections/", "/collections/a/points/query/", "/a/b/c/d/e/f/g/h"]
    for route in routes:
        assert isinstance(route, Route)
        for value in ("x", "7", "a/b"):
            path = re.sub(r"{\w+(:\w+)?}", value, route.path)
            out += [path, path + "/", path + "/more"]
    return out


def test_same_route_as_the_linear_scan_for_every_method_and_path() -> None:
    routes = _routes()
    router = IndexedRouter(routes)
    checked = 0
    for path in _paths(routes):
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            scope = {"type": "http", "path": path, "method": method, "root_path": ""}
            expected = _first_full(routes, scope)
            assert _first_full(router._candidates(path), scope) is expected, (method, path)
            checked += expected is not None
    assert checked > len(routes)  # every route was reached at least once


def test_candidate_lists_stay_bounded_whatever_paths_arrive() -> None:
    router = IndexedRouter(_routes())
    for n in range(1, 200):
        router._candidates("/x" * n)
        router._candidates("/collections/c/" + "y/" * n + "query")
    assert len(router._cache) <= len(router._by_shape) + 1


def test_points_query_is_matched_among_a_few_routes() -> None:
    router = IndexedRouter(_routes())
    assert len(router._candidates("/collections/c/points/query")) < 8
