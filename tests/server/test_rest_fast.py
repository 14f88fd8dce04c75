"""The lean path of points/query and points/search (server/rest/fast.py) answers as the starlette
route does: the same bodies and errors, the same access statistics, and every request it does not
take (a query string, an Origin header with CORS on) goes through the full app; with
authentication configured, the same auth middleware checks the lean path's requests."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from starlette.testclient import TestClient

from engine.toc import TableOfContents
from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams
from engine.types.operations import UpsertPoints
from engine.types.points import PointStruct
from server.auth.policy import AuthPolicy
from server.rest.app import RestApp, build_app
from server.service import Service
from server.settings import Settings
from server.telemetry.requests import RequestStats

JSON = {"content-type": "application/json"}
QUERY = "/collections/c/points/query"
SEARCH = "/collections/c/points/search"


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    toc = TableOfContents(str(tmp_path), fsync="never")
    toc.load()
    vectors = {"": VectorParams(size=2, distance=Distance.DOT)}
    toc.create("c", CollectionConfig(params=CollectionParams(vectors=vectors, unnamed=True)))
    svc = Service(toc, 2)
    points = [PointStruct(id=i, vectors={"": np.array([1.0, float(i)], dtype=np.float32)}, payload={"i": i})
              for i in range(1, 6)]
    asyncio.run(svc.update("c", UpsertPoints(points=points)))
    yield svc
    svc.shutdown()
    toc.close()


class Spy:
    """Counts the requests that reach the full starlette app (the lean path did not take them)."""

    def __init__(self, app: RestApp) -> None:
        self.full = app.full
        self.count = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.count += 1
        await self.full(scope, receive, send)


def _app(service: Service, settings: Settings | None = None, policy: AuthPolicy | None = None,
         stats: RequestStats | None = None) -> tuple[RestApp, Spy]:
    app = build_app(service, settings or Settings(), stats, None, policy)
    spy = Spy(app)
    assert app.front is not None
    app.front.app = spy  # type: ignore[attr-defined]
    return app, spy


def _without_time(resp: Any) -> Any:
    body = resp.json()
    body.pop("time")
    return resp.status_code, body


CASES = [
    (QUERY, b'{"query": [1.0, 0.5], "limit": 3, "with_payload": true}'),
    (QUERY, b'{"query": 2, "with_vector": true}'),
    (QUERY, b""),
    (SEARCH, b'{"vector": [1.0, 0.5], "limit": 2}'),
    (QUERY, b"{not json"),
    (QUERY, b'{"query": [1.0, 0.5, 3.0]}'),
    (QUERY, b'{"query": [1.0, 0.5], "limit": -1}'),
    (SEARCH, b'{"vector": [1.0, 0.5]}'),
    (SEARCH, b""),
    ("/collections/missing/points/query", b'{"query": [1.0, 0.5]}'),
]


@pytest.mark.parametrize(("path", "body"), CASES)
def test_the_lean_path_answers_as_the_full_app(service: Service, path: str, body: bytes) -> None:
    app, spy = _app(service)
    client = TestClient(app)
    lean = client.post(path, content=body, headers=JSON)
    assert spy.count == 0
    app.front = None  # the starlette route alone
    full = client.post(path, content=body, headers=JSON)
    assert _without_time(lean) == _without_time(full)
    assert lean.headers["content-type"] == full.headers["content-type"] == "application/json"
    assert lean.headers["content-length"] == str(len(lean.content))
    assert len(lean.headers["x-request-id"]) == 16


def test_content_type_and_size_rules_are_the_full_apps(service: Service) -> None:
    settings = Settings()
    settings.service.max_request_size_mb = 1
    app, spy = _app(service, settings)
    client = TestClient(app)
    sends = [(b'{"query": [1.0, 0.5]}', {"content-type": "text/plain"}), (b" " * (2 << 20), JSON),
             (b'{"query": [1.0, 0.5]}', {})]
    lean = [client.post(QUERY, content=body, headers=headers) for body, headers in sends]
    assert spy.count == 0
    app.front = None
    full = [client.post(QUERY, content=body, headers=headers) for body, headers in sends]
    assert [_without_time(r) for r in lean] == [_without_time(r) for r in full]
    assert lean[0].json()["status"]["error"] == "Content type error"
    assert "larger than allowed" in lean[1].json()["status"]["error"]


def test_requests_the_lean_path_leaves_to_the_full_app(service: Service) -> None:
    app, spy = _app(service)
    client = TestClient(app)
    body = b'{"query": [1.0, 0.5], "limit": 2}'
    assert client.post(QUERY + "?timeout=5", content=body, headers=JSON).status_code == 200
    assert spy.count == 1
    cors = client.post(QUERY, content=body, headers={**JSON, "origin": "http://example.com"})
    assert cors.status_code == 200 and cors.headers["access-control-allow-origin"] == "*"
    assert spy.count == 2
    assert client.post("/collections/c/points/scroll", content=b"{}", headers=JSON).status_code == 200
    assert spy.count == 3


def test_with_cors_off_an_origin_does_not_matter(service: Service) -> None:
    settings = Settings()
    settings.service.enable_cors = False
    app, spy = _app(service, settings)
    resp = TestClient(app).post(QUERY, content=b'{"query": [1.0, 0.5]}', headers={**JSON, "origin": "http://x"})
    assert resp.status_code == 200 and "access-control-allow-origin" not in resp.headers
    assert spy.count == 0


def test_with_authentication_the_lean_path_answers_as_the_full_app(service: Service) -> None:
    app, spy = _app(service, policy=AuthPolicy.create("secret", "reader"))
    client = TestClient(app)
    body = b'{"query": [1.0, 0.5]}'
    sends = [{}, {"api-key": "wrong"}, {"api-key": "secret"}, {"api-key": "reader"},
             {"authorization": "Bearer secret"}]
    lean = [client.post(QUERY, content=body, headers={**JSON, **h}) for h in sends]
    assert spy.count == 0
    app.front = None
    full = [client.post(QUERY, content=body, headers={**JSON, **h}) for h in sends]
    assert [(r.status_code, r.content if r.status_code != 200 else None) for r in lean] == \
        [(r.status_code, r.content if r.status_code != 200 else None) for r in full]
    assert [r.status_code for r in lean] == [401, 401, 200, 200, 200]
    assert [_without_time(r) for r in lean[2:]] == [_without_time(r) for r in full[2:]]


def test_access_statistics_and_request_id(service: Service) -> None:
    stats = RequestStats()
    app, _ = _app(service, stats=stats)
    client = TestClient(app)
    client.post(QUERY, content=b'{"query": [1.0, 0.5]}', headers={**JSON, "x-request-id": "abc"})
    client.post(SEARCH, content=b"{}", headers=JSON)
    responses = stats.rest.responses
    assert responses["POST /collections/{collection_name}/points/query"]["200"].count == 1
    assert responses["POST /collections/{collection_name}/points/search"]["400"].count == 1
    assert stats.rest.per_collection["c"]["POST /collections/{collection_name}/points/query"]["200"].count == 1
    echoed = client.post(QUERY, content=b"{}", headers={**JSON, "x-request-id": "abc"})
    assert echoed.headers["x-request-id"] == "abc"
