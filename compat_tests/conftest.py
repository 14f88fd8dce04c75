"""Fixtures for the black-box compatibility suite.

One server process per session (`python -m server`, free ports, temp storage). Every REST exchange
in the test process (stock qdrant-client and raw httpx alike) is validated against Qdrant's OpenAPI
schema; a mismatch fails the test that caused it (asserted in fixture teardown).

`QUIVER_COMPAT_TARGET=memory` swaps the server for `QdrantClient(":memory:")` so the tests' own
logic can be checked without a server; tests that need raw HTTP skip in that mode.

File names in this directory are prefixed (`test_compat_*`, `compat_*`) so that
`pytest tests compat_tests` never sees two modules with one basename (no `__init__.py` here).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from compat_cluster_fixtures import (  # noqa: F401 (fixtures of the cluster tests, registered here)
    _cluster_openapi_conformance,
    cluster,
    cluster_clients,
    cluster_traffic,
    cluster_transport,
)
from compat_matrix_record import MatrixRecorder
from compat_openapi import OpenApiValidator, TrafficChecker, install_httpx_hook
from compat_server import REPO_ROOT, ServerProcess, start_server
from qdrant_client import QdrantClient

TARGET = os.environ.get("QUIVER_COMPAT_TARGET", "server")
SCHEMA_PATH = REPO_ROOT / "reference" / "qdrant-openapi-v1.19.json"  # vendored: Qdrant's published schema
TRANSPORTS = ["rest", "grpc"]
CLIENT_TIMEOUT_S = 60

MATRIX_PATH = REPO_ROOT / "build" / "compat-matrix.json"  # read by tools/compat_matrix.py

_names = itertools.count()
_matrix: list[MatrixRecorder] = []  # the session's recorder, written at session end
_deselected: list[int] = [0]


def unique_collection_name(prefix: str = "c") -> str:
    """A collection name no other test in the session uses."""
    return f"{prefix}_{next(_names)}_{uuid.uuid4().hex[:8]}"


def memory_mode() -> bool:
    return TARGET == "memory"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "raw_http: needs the real server over raw HTTP")
    config.addinivalue_line("filterwarnings", "ignore:Payload indexes have no effect in the local Qdrant")
    config.addinivalue_line("filterwarnings", "ignore:Local mode performs exact")


@pytest.fixture(scope="session")
def openapi_validator() -> OpenApiValidator | None:
    if not SCHEMA_PATH.exists():
        pytest.fail(f"OpenAPI schema missing at {SCHEMA_PATH}: every REST answer must be validated")
    return OpenApiValidator.from_file(SCHEMA_PATH)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess | None]:
    if memory_mode():
        yield None
        return
    if not (REPO_ROOT / "server" / "__main__.py").exists():
        pytest.fail("server/__main__.py does not exist: `python -m server` cannot start")
    proc = start_server(tmp_path_factory.mktemp("quiver-server"))
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture(scope="session")
def traffic(
    server: ServerProcess | None, openapi_validator: OpenApiValidator | None
) -> Iterator[TrafficChecker | None]:
    if server is None or openapi_validator is None:
        yield None
        return
    checker = TrafficChecker(openapi_validator, server.url)
    recorder = MatrixRecorder(openapi_validator)
    _matrix.append(recorder)

    def observe(request: httpx.Request, response: httpx.Response, body: bytes) -> None:
        checker.observe(request, response, body)
        recorder.observe(request, response, body)

    with install_httpx_hook(observe):
        yield checker


@pytest.fixture(autouse=True)
def _openapi_conformance(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test if any REST exchange it caused does not match Qdrant's OpenAPI schema."""
    checker: TrafficChecker | None = request.getfixturevalue("traffic")
    if checker is not None:
        checker.take_errors()  # mismatches from module-scoped set-up belong to no test
    yield
    if checker is not None:
        errors = checker.take_errors()
        assert not errors, "REST traffic does not match Qdrant's OpenAPI schema:\n" + "\n".join(errors[:20])


def make_client(server: ServerProcess | None, transport: str) -> QdrantClient:
    if server is None:
        return QdrantClient(":memory:")
    if transport == "grpc":
        return QdrantClient(
            url=server.url, grpc_port=server.grpc_port, prefer_grpc=True, timeout=CLIENT_TIMEOUT_S
        )
    return QdrantClient(url=server.url, prefer_grpc=False, timeout=CLIENT_TIMEOUT_S)


@pytest.fixture(scope="module", params=TRANSPORTS)
def client(
    request: pytest.FixtureRequest, server: ServerProcess | None, traffic: TrafficChecker | None
) -> Iterator[QdrantClient]:
    """The stock client, one per transport (module-scoped: tests use unique collection names)."""
    qdrant = make_client(server, request.param)
    try:
        yield qdrant
    finally:
        qdrant.close()


@pytest.fixture(scope="module")
def raw(server: ServerProcess | None, traffic: TrafficChecker | None) -> Iterator[httpx.Client]:
    """Raw HTTP against the server's REST port (skips in memory mode)."""
    if server is None:
        pytest.skip("raw HTTP needs the real server (QUIVER_COMPAT_TARGET=memory)")
    with httpx.Client(base_url=server.url, timeout=CLIENT_TIMEOUT_S) as http:
        yield http


@pytest.fixture
def collection_name(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh collection name; the collection (if created) is dropped after the test."""
    name = unique_collection_name(request.node.name.split("[")[0][:30])
    yield name
    server: ServerProcess | None = request.getfixturevalue("server")
    if server is not None and server.alive():
        with contextlib.suppress(httpx.HTTPError):
            httpx.delete(f"{server.url}/collections/{name}", timeout=CLIENT_TIMEOUT_S)


@pytest.fixture(scope="session")
def scenario_expected() -> dict[str, Any]:
    """Expected answers of the shared client scenario, computed once from QdrantClient(":memory:")."""
    from scenario_compare import expected_answers
    from scenario_python import run

    oracle = QdrantClient(":memory:")
    try:
        return expected_answers(asyncio.run(run(oracle, "oracle", oracle=True)))
    finally:
        oracle.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.failed and "server" in getattr(item, "fixturenames", ()):
        proc = item.funcargs.get("server") if hasattr(item, "funcargs") else None
        if isinstance(proc, ServerProcess):
            state = "running" if proc.alive() else f"exited ({proc.process.returncode})"
            report.sections.append((f"server log ({state}, {proc.log_path})", proc.log_tail()))
    return report


def pytest_deselected(items: list[pytest.Item]) -> None:
    _deselected[0] += len(items)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the compatibility-matrix record (complete = the whole compat suite ran, nothing deselected)."""
    if not _matrix:
        return
    here = Path(__file__).resolve().parent
    whole_dir = any(Path(arg.split("::")[0]).resolve() == here for arg in session.config.args)
    opts = session.config.option
    complete = (
        whole_dir
        and not _deselected[0]
        and not getattr(opts, "keyword", "")
        and not getattr(opts, "markexpr", "")
        and not session.shouldstop
    )
    tests = sum(1 for item in session.items if Path(str(item.path)).resolve().parent == here)
    _matrix[0].write(MATRIX_PATH, tests=tests, complete=bool(complete), failed=session.testsfailed)
