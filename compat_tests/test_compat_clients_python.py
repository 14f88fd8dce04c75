"""The shared client scenario through the stock Python qdrant-client on four paths: sync REST,
sync gRPC, async REST, async gRPC; each must give the answers `QdrantClient(":memory:")` gives
(plus the ones the scenario fixes: payload schema, wire errors, snapshots)."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest
from compat_server import ServerProcess
from conftest import CLIENT_TIMEOUT_S, memory_mode, unique_collection_name
from qdrant_client import AsyncQdrantClient, QdrantClient
from scenario_compare import differences
from scenario_python import run

pytestmark = pytest.mark.skipif(memory_mode(), reason="the scenario compares a server with :memory:")


@pytest.mark.parametrize("transport", ["rest", "grpc"])
@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_python_client_runs_the_shared_scenario(
    server: ServerProcess, scenario_expected: dict[str, Any], flavour: str, transport: str
) -> None:
    kwargs: dict[str, Any] = {"url": server.url, "timeout": CLIENT_TIMEOUT_S, "prefer_grpc": transport == "grpc",
                              "grpc_port": server.grpc_port}
    prefix = unique_collection_name(f"py_{flavour}_{transport}")

    async def scenario() -> dict[str, Any]:
        if flavour == "sync":
            sync_client = QdrantClient(**kwargs)
            try:
                return await run(sync_client, prefix, server.url)
            finally:
                sync_client.close()
        async_client = AsyncQdrantClient(**kwargs)
        try:
            return await run(async_client, prefix, server.url)
        finally:
            await async_client.close()

    problems = differences(asyncio.run(scenario()), scenario_expected)
    assert not problems, "\n".join(problems)


def test_scenario_comparison_reports_each_wrong_answer(scenario_expected: dict[str, Any]) -> None:
    """The comparison the seven paths rely on is not vacuous: a changed id, score, count, payload or a
    missing step are each reported; ids as numeric strings (JS/Go uint64) compare equal to ints."""
    observed = copy.deepcopy(scenario_expected)
    assert differences(observed, scenario_expected) == []
    observed["scroll_faq"] = [str(i) for i in observed["scroll_faq"]]
    assert differences(observed, scenario_expected) == []
    observed["search_tenant"][0]["id"] = observed["search_tenant"][-1]["id"]
    observed["hybrid_dbsf"][0]["score"] += 1e-3
    observed["count_docs"] += 1
    observed["set_payload_records"][0]["payload"]["year"] = 1
    del observed["snapshot"]
    problems = differences(observed, scenario_expected)
    assert [p.split(":")[0] for p in problems] == [
        "search_tenant", "hybrid_dbsf", "count_docs", "set_payload_records", "snapshot"]
