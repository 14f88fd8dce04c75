"""Updates whose operation is built on the pool thread (`Service.update_from`): the REST and gRPC
upserts pass their body's parse and conversion there, so the event loop never spends it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from starlette.testclient import TestClient

from engine.errors import MalformedRequest, NotFound
from engine.toc import TableOfContents
from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams
from engine.types.operations import UpsertPoints
from engine.types.points import PointStruct, UpdateStatus
from server.rest.app import build_app
from server.service import Service
from server.settings import Settings


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    toc = TableOfContents(str(tmp_path), fsync="never")
    toc.load()
    vectors = {"": VectorParams(size=2, distance=Distance.DOT)}
    toc.create("c", CollectionConfig(params=CollectionParams(vectors=vectors, unnamed=True)))
    svc = Service(toc, 2)
    yield svc
    svc.shutdown()
    toc.close()


def _upsert(pid: int) -> UpsertPoints:
    return UpsertPoints(points=[PointStruct(id=pid, vectors={"": np.array([1.0, 2.0], dtype=np.float32)})])


def test_the_operation_is_built_on_an_engine_thread(service: Service) -> None:
    built_on: list[str] = []

    def build() -> UpsertPoints:
        built_on.append(threading.current_thread().name)
        return _upsert(1)

    async def run() -> tuple[str, UpdateStatus]:
        loop_thread = threading.current_thread().name
        result = await service.update_from("c", build, wait=True)
        return loop_thread, result.status

    loop_thread, status = asyncio.run(run())
    assert status is UpdateStatus.COMPLETED
    assert built_on and built_on[0].startswith("engine") and built_on[0] != loop_thread
    assert service.toc.get("c").info().points_count == 1


def test_wait_false_is_acknowledged_and_applied_later(service: Service) -> None:
    result = asyncio.run(service.update_from("c", lambda: _upsert(2), wait=False))
    assert result.status is UpdateStatus.ACKNOWLEDGED
    service.toc.get("c").updates.drain()
    assert service.toc.get("c").info().points_count == 1


def test_the_build_error_comes_before_a_missing_collection(service: Service) -> None:
    def bad() -> UpsertPoints:
        raise MalformedRequest("Format error in JSON body: bad")

    with pytest.raises(MalformedRequest):
        asyncio.run(service.update_from("missing", bad))
    with pytest.raises(NotFound):
        asyncio.run(service.update_from("missing", lambda: _upsert(3)))


def test_rest_reports_a_bad_body_before_a_bad_query_parameter(service: Service) -> None:
    client = TestClient(build_app(service, Settings()))
    headers = {"content-type": "application/json"}
    bad_both = client.put("/collections/c/points?wait=maybe", content=b"{not json", headers=headers)
    assert bad_both.status_code == 400
    assert bad_both.json()["status"]["error"].startswith("Format error in JSON body")
    bad_wait = client.put("/collections/c/points?wait=maybe", content=b'{"points": []}', headers=headers)
    assert bad_wait.status_code == 400
    assert "`wait`" in bad_wait.json()["status"]["error"]
    good = client.put("/collections/c/points?wait=true", headers=headers,
                      content=b'{"points": [{"id": 5, "vector": [0.5, 1.5], "payload": {"a": 1}}]}')
    assert good.status_code == 200 and good.json()["result"]["status"] == "completed"
    assert service.toc.get("c").info().points_count == 1
