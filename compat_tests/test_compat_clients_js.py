"""The shared client scenario through the stock JavaScript clients on Node: @qdrant/js-client-rest
and @qdrant/js-client-grpc (1.18.0, pinned in compat_tests/js/package-lock.json: 1.19 requires
Node >= 22 and the machine has Node 20). Same expected answers as the Python paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from compat_server import REPO_ROOT, ServerProcess
from conftest import memory_mode, unique_collection_name
from scenario_compare import differences
from scenario_external import require_tool, run_program

pytestmark = pytest.mark.skipif(memory_mode(), reason="the scenario compares a server with :memory:")
JS_DIR = REPO_ROOT / "compat_tests" / "js"


def _node() -> str:
    node = require_tool("node")
    if not (JS_DIR / "node_modules" / "@qdrant" / "js-client-rest").is_dir():
        pytest.fail("compat_tests/js/node_modules is missing: run tools/setup_clients.sh (make test does)")
    return node


def test_js_rest_client_runs_the_shared_scenario(
    server: ServerProcess, scenario_expected: dict[str, Any], tmp_path: Path
) -> None:
    observed = run_program([_node(), "scenario_rest.mjs"], JS_DIR, tmp_path,
                           [server.url, unique_collection_name("js_rest")])
    problems = differences(observed, scenario_expected)
    assert not problems, "\n".join(problems)


def test_js_grpc_client_runs_the_shared_scenario(
    server: ServerProcess, scenario_expected: dict[str, Any], tmp_path: Path
) -> None:
    observed = run_program([_node(), "scenario_grpc.mjs"], JS_DIR, tmp_path,
                           [server.url, str(server.grpc_port), unique_collection_name("js_grpc")])
    problems = differences(observed, scenario_expected)
    assert not problems, "\n".join(problems)
