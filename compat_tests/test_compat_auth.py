"""The auth matrix: API key, read-only key and JWT RBAC (`service.jwt_rbac`) on a server started
with keys, over the stock client (REST and gRPC) and raw HTTP.

Each credential × operation is compared with Qdrant's documented answer: no or a wrong key → 401 /
UNAUTHENTICATED; an expired or badly signed JWT → 403 / PERMISSION_DENIED; a key without the access
the operation needs → 403 / PERMISSION_DENIED with Qdrant's `Forbidden: ...` text. A refused write
changes nothing.
"""

from __future__ import annotations

import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import httpx
import jwt
import pytest
from compat_server import ServerProcess, start_server
from conftest import memory_mode
from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import UnexpectedResponse

pytestmark = pytest.mark.skipif(memory_mode(), reason="auth needs the real server")

SECRET = "auth-matrix-secret"
READ_ONLY = "auth-matrix-read-only"
A, B = "auth_a", "auth_b"


def _jwt(claims: dict[str, Any], secret: str = SECRET) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jwt.encode(claims, secret, algorithm="HS256")


CREDENTIALS: dict[str, str | None] = {
    "none": None,
    "wrong": "not-the-key",
    "read_only": READ_ONLY,
    "full": SECRET,
    "jwt_r": _jwt({"access": "r"}),
    "jwt_m": _jwt({"access": "m", "exp": int(time.time()) + 3600}),
    "jwt_a_r": _jwt({"access": [{"collection": A, "access": "r"}]}),
    "jwt_a_rw": _jwt({"access": [{"collection": A, "access": "rw"}]}),
    "jwt_a_prw": _jwt({"access": [{"collection": A, "access": "prw"}]}),
    "jwt_expired": _jwt({"access": "m", "exp": int(time.time()) - 120}),
    "jwt_bad_signature": _jwt({"access": "m"}, secret="someone-else"),
}

OK, UNAUTH, FORBID = "ok", 401, 403
_NO_AUTH = {"none": UNAUTH, "wrong": UNAUTH, "jwt_expired": FORBID, "jwt_bad_signature": FORBID}


def _expect(cred: str, op: str) -> str | int:
    """Qdrant's answer for a credential and an operation (its JWT access rules)."""
    if cred in _NO_AUTH:
        return _NO_AUTH[cred]
    if cred in ("full", "jwt_m"):
        return OK
    kind = OPERATIONS[op][0] if op in OPERATIONS else RAW_KINDS[op]
    if cred in ("read_only", "jwt_r"):
        return OK if kind in ("any", "read_a", "read_b", "read_a_b") else FORBID
    grants = {"jwt_a_r": ("any", "read_a"), "jwt_a_rw": ("any", "read_a", "write_a", "extras_a"),
              "jwt_a_prw": ("any", "read_a", "write_a")}
    return OK if kind in grants[cred] else FORBID


def _upsert(client: QdrantClient, name: str) -> Any:
    return client.upsert(name, points=[models.PointStruct(id=99, vector=[0.5, 0.5], payload={"w": 1})])


OPERATIONS: dict[str, tuple[str, Callable[[QdrantClient], Any]]] = {
    "list_collections": ("any", lambda c: c.get_collections()),
    "get_collection_a": ("read_a", lambda c: c.get_collection(A)),
    "count_a": ("read_a", lambda c: c.count(A)),
    "query_a": ("read_a", lambda c: c.query_points(A, query=[1.0, 0.0], limit=1)),
    "query_b": ("read_b", lambda c: c.query_points(B, query=[1.0, 0.0], limit=1)),
    # a second collection named by the request needs read access too (Qdrant's rbac checks)
    "query_a_lookup_from_b": ("read_a_b", lambda c: c.query_points(
        A, query=1, lookup_from=models.LookupLocation(collection=B), limit=1)),
    "recommend_a_lookup_from_b": ("read_a_b", lambda c: c.query_points(
        A, query=models.RecommendQuery(recommend=models.RecommendInput(positive=[1])),
        lookup_from=models.LookupLocation(collection=B), limit=1)),
    "groups_a_with_lookup_b": ("read_a_b", lambda c: c.query_points_groups(
        A, group_by="user", query=[1.0, 0.0], with_lookup=models.WithLookup(collection=B), limit=1)),
    "upsert_a": ("write_a", lambda c: _upsert(c, A)),
    "upsert_b": ("write_b", lambda c: _upsert(c, B)),
    "create_index_a": ("extras_a", lambda c: c.create_payload_index(A, "w", models.PayloadSchemaType.INTEGER)),
    "create_collection": ("manage", lambda c: c.create_collection(
        f"auth_new_{uuid.uuid4().hex[:8]}", vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT))),
}

RAW_KINDS = {"discover_a_lookup_from_b": "read_a_b", "search_groups_a_with_lookup_b": "read_a_b"}
"""Raw-HTTP-only operations (the legacy endpoints the stock client no longer calls)."""

# the same operations as raw HTTP requests
RAW: dict[str, tuple[str, str, Any]] = {
    "list_collections": ("GET", "/collections", None),
    "get_collection_a": ("GET", f"/collections/{A}", None),
    "count_a": ("POST", f"/collections/{A}/points/count", {}),
    "query_a": ("POST", f"/collections/{A}/points/query", {"query": [1.0, 0.0], "limit": 1}),
    "query_b": ("POST", f"/collections/{B}/points/query", {"query": [1.0, 0.0], "limit": 1}),
    "query_a_lookup_from_b": ("POST", f"/collections/{A}/points/query",
                              {"query": 1, "lookup_from": {"collection": B}, "limit": 1}),
    "recommend_a_lookup_from_b": ("POST", f"/collections/{A}/points/recommend",
                                  {"positive": [1], "lookup_from": {"collection": B}, "limit": 1}),
    "discover_a_lookup_from_b": ("POST", f"/collections/{A}/points/discover",
                                 {"target": 1, "context": [{"positive": 1, "negative": 2}],
                                  "lookup_from": {"collection": B}, "limit": 1}),
    "search_groups_a_with_lookup_b": ("POST", f"/collections/{A}/points/search/groups",
                                      {"vector": [1.0, 0.0], "group_by": "user", "limit": 1, "group_size": 1,
                                       "with_lookup": B}),
    "upsert_a": ("PUT", f"/collections/{A}/points?wait=true", {"points": [{"id": 99, "vector": [0.5, 0.5]}]}),
    "upsert_b": ("PUT", f"/collections/{B}/points?wait=true", {"points": [{"id": 99, "vector": [0.5, 0.5]}]}),
    "create_index_a": ("PUT", f"/collections/{A}/index?wait=true", {"field_name": "w", "field_schema": "integer"}),
    "create_collection": ("PUT", "/collections/auth_raw_{}", {"vectors": {"size": 2, "distance": "Dot"}}),
}


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = start_server(tmp_path_factory.mktemp("auth-server"), env={
        "QDRANT__SERVICE__API_KEY": SECRET,
        "QDRANT__SERVICE__READ_ONLY_API_KEY": READ_ONLY,
        "QDRANT__SERVICE__JWT_RBAC": "true",
    })
    try:
        with httpx.Client(base_url=proc.url, headers={"api-key": SECRET}, timeout=30) as http:
            for name in (A, B):
                http.put(f"/collections/{name}", json={"vectors": {"size": 2, "distance": "Dot"}}).raise_for_status()
                http.put(f"/collections/{name}/points?wait=true", json={"points": [
                    {"id": 1, "vector": [1.0, 0.0], "payload": {"user": "bob"}},
                    {"id": 2, "vector": [0.0, 1.0], "payload": {"user": "eve"}}]}).raise_for_status()
        yield proc
    finally:
        proc.stop()


_clients: dict[tuple[str, str], QdrantClient] = {}


def _client(server: ServerProcess, cred: str, transport: str) -> QdrantClient:
    key = (cred, transport)
    if key not in _clients:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Api key is used with an insecure connection"
            _clients[key] = QdrantClient(url=server.url, grpc_port=server.grpc_port,
                                         prefer_grpc=transport == "grpc", api_key=CREDENTIALS[cred],
                                         timeout=30, check_compatibility=False)
    return _clients[key]


@pytest.fixture(scope="module", autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    for client in _clients.values():
        client.close()
    _clients.clear()


def _points_of(server: ServerProcess, name: str) -> int:
    reply = httpx.post(f"{server.url}/collections/{name}/points/count", json={"exact": True},
                       headers={"api-key": SECRET}, timeout=30)
    return int(reply.json()["result"]["count"])


@pytest.mark.parametrize("transport", ["rest", "grpc"])
@pytest.mark.parametrize("op", list(OPERATIONS))
@pytest.mark.parametrize("cred", list(CREDENTIALS))
def test_stock_client_matrix(auth_server: ServerProcess, cred: str, op: str, transport: str) -> None:
    expected = _expect(cred, op)
    call = OPERATIONS[op][1]
    client = _client(auth_server, cred, transport)
    if expected == OK:
        call(client)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises((UnexpectedResponse, grpc.RpcError)) as caught:
            call(client)
    if transport == "rest":
        assert isinstance(caught.value, UnexpectedResponse)
        assert caught.value.status_code == expected
    else:
        assert isinstance(caught.value, grpc.RpcError)
        code = grpc.StatusCode.UNAUTHENTICATED if expected == UNAUTH else grpc.StatusCode.PERMISSION_DENIED
        assert caught.value.code() == code
        assert caught.value.details()


@pytest.mark.parametrize("op", list(RAW))
@pytest.mark.parametrize("cred", list(CREDENTIALS))
def test_raw_http_matrix(auth_server: ServerProcess, cred: str, op: str) -> None:
    method, path, body = RAW[op]
    path = path.format(uuid.uuid4().hex[:8])
    headers = {} if CREDENTIALS[cred] is None else {"Authorization": f"Bearer {CREDENTIALS[cred]}"}
    counts = {name: _points_of(auth_server, name) for name in (A, B)}
    reply = httpx.request(method, auth_server.url + path, json=body, headers=headers, timeout=30)
    expected = _expect(cred, op)
    if expected == OK:
        assert reply.status_code == 200, reply.text
        return
    assert reply.status_code == expected, reply.text
    if cred in ("none", "wrong", "jwt_expired", "jwt_bad_signature"):
        texts = {"none": "Must provide an API key or an Authorization bearer token",
                 "wrong": "Invalid API key or JWT", "jwt_expired": "ExpiredSignature",
                 "jwt_bad_signature": "InvalidSignature"}
        assert reply.headers["content-type"].startswith("text/plain")
        assert reply.text == texts[cred]
    else:
        assert reply.json()["status"]["error"].startswith("Forbidden: ")
    assert {name: _points_of(auth_server, name) for name in (A, B)} == counts  # nothing changed


def test_forbidden_texts(auth_server: ServerProcess) -> None:
    def error(key: str, method: str, path: str, body: Any = None) -> str:
        reply = httpx.request(method, auth_server.url + path, json=body, headers={"api-key": key}, timeout=30)
        assert reply.status_code == 403
        return str(reply.json()["status"]["error"])

    assert error(READ_ONLY, "DELETE", f"/collections/{A}") == "Forbidden: Global manage access is required"
    assert error(CREDENTIALS["jwt_a_r"] or "", "PUT", f"/collections/{A}/points", {"points": []}) == \
        f"Forbidden: Write access to collection {A} is required"
    assert error(CREDENTIALS["jwt_a_r"] or "", "GET", f"/collections/{B}") == \
        f"Forbidden: Access to collection {B} is required"
    assert error(CREDENTIALS["jwt_a_rw"] or "", "GET", "/snapshots") == "Forbidden: Global access is required"
    assert error(CREDENTIALS["jwt_a_rw"] or "", "POST", f"/collections/{A}/points/query",
                 {"query": 1, "lookup_from": {"collection": B}}) == f"Forbidden: Access to collection {B} is required"
    assert error(CREDENTIALS["jwt_a_prw"] or "", "POST", f"/collections/{A}/snapshots") == \
        f"Forbidden: Only points access is allowed for collection {A}"


@pytest.mark.parametrize("transport", ["rest", "grpc"])
def test_collection_token_lists_only_its_collections(auth_server: ServerProcess, transport: str) -> None:
    names = {c.name for c in _client(auth_server, "jwt_a_r", transport).get_collections().collections}
    assert names == {A}
    assert {A, B} <= {c.name for c in _client(auth_server, "read_only", transport).get_collections().collections}


def test_probes_are_exempt(auth_server: ServerProcess) -> None:
    for path in ("/", "/healthz", "/livez", "/readyz"):
        assert httpx.get(auth_server.url + path, timeout=30).status_code == 200, path
    with grpc.insecure_channel(f"127.0.0.1:{auth_server.grpc_port}") as channel:
        from qdrant_client.grpc import HealthCheckRequest, QdrantStub
        assert QdrantStub(channel).HealthCheck(HealthCheckRequest(), timeout=30).version


def test_value_exists_claim(auth_server: ServerProcess) -> None:
    def status(claims: dict[str, Any]) -> int:
        reply = httpx.get(f"{auth_server.url}/collections/{A}", headers={"api-key": _jwt(claims)}, timeout=30)
        return reply.status_code

    exists = {"collection": A, "matches": [{"key": "user", "value": "bob"}]}
    assert status({"access": "r", "value_exists": exists}) == 200
    assert status({"access": "r", "value_exists": {**exists, "matches": [{"key": "user", "value": "mallory"}]}}) == 401
    assert status({"access": "r", "value_exists": {**exists, "collection": "nowhere"}}) == 403


def test_failed_auth_is_logged(auth_server: ServerProcess) -> None:
    httpx.get(f"{auth_server.url}/collections", headers={"api-key": "logged-wrong-key"}, timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "request denied" not in auth_server.log_tail(20000):
        time.sleep(0.1)
    tail = auth_server.log_tail(20000)
    assert "request denied" in tail
    assert "logged-wrong-key" not in tail  # the key itself is never written


def test_server_without_keys_needs_none(server: ServerProcess | None, tmp_path: Path) -> None:
    assert server is not None
    assert httpx.get(f"{server.url}/collections", timeout=30).status_code == 200
