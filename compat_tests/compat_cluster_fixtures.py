"""Fixtures for the cluster-mode tests (test_compat_cluster_*.py), imported by conftest.py: one local
cluster per session (3 nats-server + 3 Quiver nodes), started only when a test asks for it.

The cluster is `tools.cluster.LocalCluster` (what `make cluster` runs): every process a subprocess on free
ports in a temp dir, configured by environment variables only; nothing of Quiver is imported. Every REST
exchange with a node is validated against Qdrant's OpenAPI schema like the rest of the compat suite.

Without `nats-server` on the PATH the suite skips with that reason, except in CI (`CI` set), where a
missing nats-server fails: `make test` installs it (tools/setup_nats.sh).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import httpx
import pytest
from compat_cluster_helpers import url_client
from compat_openapi import OpenApiValidator, TrafficChecker, install_httpx_hook
from qdrant_client import QdrantClient

from tools.cluster import LocalCluster

NODES = 3
NATS = 3
PINNED_PEER_ID = 4242
"""node0's `cluster.peer_id` (QDRANT__CLUSTER__PEER_ID); the other nodes keep their generated ids."""


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    if shutil.which("nats-server") is None:
        if os.environ.get("CI"):
            pytest.fail("nats-server is not installed: `make test` installs it (tools/setup_nats.sh)")
        pytest.skip("nats-server is not installed (sudo bash tools/setup_nats.sh): cluster tests need it")
    local = LocalCluster(tmp_path_factory.mktemp("quiver-cluster"), nodes=NODES, nats=NATS)
    local.nodes[0].extra_env["QDRANT__CLUSTER__PEER_ID"] = str(PINNED_PEER_ID)
    local.start()
    try:
        yield local
    finally:
        local.stop()


@pytest.fixture(scope="session")
def cluster_traffic(
    cluster: LocalCluster, openapi_validator: OpenApiValidator
) -> Iterator[list[TrafficChecker]]:
    checkers = [TrafficChecker(openapi_validator, node.url) for node in cluster.nodes]

    def observe(request: httpx.Request, response: httpx.Response, body: bytes) -> None:
        for checker in checkers:
            checker.observe(request, response, body)

    with install_httpx_hook(observe):
        yield checkers


@pytest.fixture(autouse=True)
def _cluster_openapi_conformance(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a cluster test if a REST exchange with any node does not match Qdrant's OpenAPI schema."""
    if "cluster" not in request.fixturenames:
        yield
        return
    checkers: list[TrafficChecker] = request.getfixturevalue("cluster_traffic")
    for checker in checkers:
        checker.take_errors()
    yield
    errors = [error for checker in checkers for error in checker.take_errors()]
    assert not errors, "cluster REST traffic does not match Qdrant's OpenAPI schema:\n" + "\n".join(errors[:20])


@pytest.fixture(scope="module", params=["rest", "grpc"])
def cluster_transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def cluster_clients(cluster: LocalCluster, cluster_transport: str) -> Iterator[list[QdrantClient]]:
    """One stock client per node, all on the module's transport."""
    made = [url_client(node.url, node.grpc_port, cluster_transport) for node in cluster.nodes]
    try:
        yield made
    finally:
        for made_client in made:
            made_client.close()
