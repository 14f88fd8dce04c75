"""Wire compatibility smoke test: qdrant-client's own gRPC stub talks to a ``server.pb`` servicer.

A ``grpc.aio`` server built only from ``server.pb`` (generated servicer base and registration
helper) serves ``qdrant.Qdrant/HealthCheck`` on a free local port; a subprocess that imports
only ``qdrant_client.grpc`` calls it through ``QdrantStub`` and prints the reply.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import grpc
import pytest

from server.pb import qdrant_pb2, qdrant_pb2_grpc

REPO_ROOT = Path(__file__).resolve().parent.parent.parent

CLIENT_SCRIPT = r"""
import json, sys
import grpc
from qdrant_client.grpc import HealthCheckRequest, QdrantStub
with grpc.insecure_channel(sys.argv[1]) as channel:
    reply = QdrantStub(channel).HealthCheck(HealthCheckRequest(), timeout=20)
print(json.dumps({
    "title": reply.title,
    "version": reply.version,
    "has_commit": reply.HasField("commit"),
    "commit": reply.commit,
    "client_imported_server_pb": "server.pb" in sys.modules,
}))
"""


class HealthOnly(qdrant_pb2_grpc.QdrantServicer):
    """Answers HealthCheck like Qdrant does; counts calls so the test sees it was reached."""

    def __init__(self) -> None:
        self.calls = 0

    async def HealthCheck(  # noqa: N802 - name fixed by the generated servicer
        self, request: qdrant_pb2.HealthCheckRequest, context: grpc.aio.ServicerContext
    ) -> qdrant_pb2.HealthCheckReply:
        self.calls += 1
        return qdrant_pb2.HealthCheckReply(
            title="qdrant - vector search engine", version="1.19.0", commit="abc123"
        )


async def call_with_qdrant_client(servicer: HealthOnly) -> tuple[int, str, str]:
    server = grpc.aio.server()
    qdrant_pb2_grpc.add_QdrantServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    assert port > 0
    await server.start()
    try:
        client = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            CLIENT_SCRIPT,
            f"127.0.0.1:{port}",
            cwd=REPO_ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(client.communicate(), timeout=120)
        assert client.returncode is not None
        return client.returncode, stdout.decode(), stderr.decode()
    finally:
        await server.stop(grace=None)


def test_qdrant_client_stub_reaches_our_servicer() -> None:
    servicer = HealthOnly()
    code, stdout, stderr = asyncio.run(call_with_qdrant_client(servicer))
    assert code == 0, stderr
    reply = json.loads(stdout)
    assert reply == {
        "title": "qdrant - vector search engine",
        "version": "1.19.0",
        "has_commit": True,
        "commit": "abc123",
        "client_imported_server_pb": False,
    }
    assert servicer.calls == 1


def test_unimplemented_rpcs_answer_unimplemented() -> None:
    """The generated base class rejects rpcs we have not written, with the standard status."""
    servicer = qdrant_pb2_grpc.QdrantServicer()

    class Context:
        code: grpc.StatusCode | None = None

        def set_code(self, code: grpc.StatusCode) -> None:
            self.code = code

        def set_details(self, details: str) -> None:
            self.details = details

    context = Context()
    with pytest.raises(NotImplementedError):
        servicer.HealthCheck(qdrant_pb2.HealthCheckRequest(), context)
    assert context.code == grpc.StatusCode.UNIMPLEMENTED


COEXIST_SCRIPT = r"""
import sys
first, second = sys.argv[1:3]
import importlib
a = importlib.import_module(first + ".points_pb2")
b = importlib.import_module(second + ".points_pb2")
print(a.PointStruct is b.PointStruct)
"""


def test_server_pb_and_qdrant_client_share_one_process() -> None:
    """Byte-identical descriptors: both packages import in either order and share message classes.

    (Tests that use qdrant-client's stubs against server.pb in one process rely on this.)
    """
    for order in (["server.pb", "qdrant_client.grpc"], ["qdrant_client.grpc", "server.pb"]):
        result = subprocess.run(
            [sys.executable, "-c", COEXIST_SCRIPT, *order],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "True", order
