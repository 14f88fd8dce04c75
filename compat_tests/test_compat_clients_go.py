"""The shared client scenario from Go over gRPC. Qdrant's Go client module cannot be fetched on this
machine; it is generated from the same .proto files, so the honest stand-in is a Go program built
against stubs generated from our proto/ with Debian's toolchain, offline (compat_tests/go/build.sh)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from compat_server import REPO_ROOT, ServerProcess
from conftest import memory_mode, unique_collection_name
from scenario_compare import differences
from scenario_external import require_tool, run_program

pytestmark = pytest.mark.skipif(memory_mode(), reason="the scenario compares a server with :memory:")
GO_DIR = REPO_ROOT / "compat_tests" / "go"
BUILD_TIMEOUT_S = 400


def build_go(source: Path, binary: Path) -> Path:
    """Compile one Go program with compat_tests/go/build.sh; a missing toolchain fails the test."""
    for tool in ("go", "protoc", "protoc-gen-go", "protoc-gen-go-grpc"):
        require_tool(tool)
    done = subprocess.run(["bash", str(GO_DIR / "build.sh"), str(source), str(binary)],
                          capture_output=True, text=True, timeout=BUILD_TIMEOUT_S)
    if done.returncode != 0:
        pytest.fail(f"go build of {source} failed:\n{done.stdout[-3000:]}\n{done.stderr[-6000:]}")
    return binary


def test_go_grpc_client_runs_the_shared_scenario(
    server: ServerProcess, scenario_expected: dict[str, Any], tmp_path: Path
) -> None:
    binary = build_go(GO_DIR / "scenario", tmp_path / "scenario")
    observed = run_program([str(binary)], tmp_path, tmp_path,
                           [server.url, f"127.0.0.1:{server.grpc_port}", unique_collection_name("go_grpc")])
    problems = differences(observed, scenario_expected)
    assert not problems, "\n".join(problems)
