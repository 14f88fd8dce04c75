"""API keys, JWT claims and the access table: Qdrant's statuses and texts for each case."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

import jwt
import pytest

from engine.errors import Forbidden, NotFound, Unauthorized
from server.auth.access import FULL, READ_ONLY, Access, CollectionMode, Mode, access_from_claim
from server.auth.policy import AuthPolicy, decode_token
from server.auth.table import GRPC, GRPC_EXEMPT, OPERATIONS, REST, grpc_requirement, rest_requirement
from server.pb import collections_service_pb2, points_service_pb2, qdrant_pb2, snapshots_service_pb2
from server.rest import (
    cluster_routes,
    collection_routes,
    optimization_routes,
    point_routes,
    quota_routes,
    service_routes,
    shard_snapshot_routes,
    snapshot_routes,
    telemetry_routes,
)

SECRET = "top-secret"


def token(claims: dict[str, Any], secret: str = SECRET) -> str:
    return jwt.encode(claims, secret, algorithm="HS256")


def authenticate(policy: AuthPolicy, headers: dict[str, str]) -> Access:
    return asyncio.run(policy.authenticate(headers.get))


def policy(**kw: Any) -> AuthPolicy:
    built = AuthPolicy.create(kw.pop("api_key", SECRET), kw.pop("read_only_key", "ro"), **kw)
    assert built is not None
    return built


def test_no_keys_means_no_policy() -> None:
    assert AuthPolicy.create(None, None) is None
    assert AuthPolicy.create("", "") is None
    assert AuthPolicy.create("", "r") is not None


def test_keys_by_header_and_bearer() -> None:
    p = policy()
    assert authenticate(p, {"api-key": SECRET}) == FULL
    assert authenticate(p, {"authorization": f"Bearer {SECRET}"}) == FULL
    assert authenticate(p, {"api-key": "ro"}) == READ_ONLY


@pytest.mark.parametrize("headers, text", [
    ({}, "Must provide an API key or an Authorization bearer token"),
    ({"authorization": f"Basic {SECRET}"}, "Must provide an API key or an Authorization bearer token"),
    ({"api-key": "wrong"}, "Invalid API key or JWT"),
    ({"api-key": ""}, "Invalid API key or JWT"),
])
def test_missing_or_wrong_key_is_unauthorized(headers: dict[str, str], text: str) -> None:
    with pytest.raises(Unauthorized) as caught:
        authenticate(policy(), headers)
    assert caught.value.message == text


def test_jwt_only_with_jwt_rbac() -> None:
    jwt_token = token({"access": "r"})
    with pytest.raises(Unauthorized):
        authenticate(policy(), {"api-key": jwt_token})
    assert authenticate(policy(jwt_rbac=True), {"api-key": jwt_token}) == READ_ONLY


def test_jwt_claims() -> None:
    p = policy(jwt_rbac=True)
    assert authenticate(p, {"api-key": token({})}) == FULL  # no access claim: full, as Qdrant
    assert authenticate(p, {"api-key": token({"access": "m"})}) == FULL
    per = authenticate(p, {"authorization": "Bearer " + token({"access": [{"collection": "a", "access": "rw"}]})})
    assert per == Access(collections=(("a", CollectionMode.READ_WRITE),))


def test_expired_and_bad_signature_are_forbidden() -> None:
    p = policy(jwt_rbac=True)
    with pytest.raises(Forbidden, match="ExpiredSignature"):
        authenticate(p, {"api-key": token({"access": "m", "exp": int(time.time()) - 31})})
    # within the 30 s leeway the token still works
    assert authenticate(p, {"api-key": token({"access": "m", "exp": int(time.time()) - 5})}) == FULL
    with pytest.raises(Forbidden, match="InvalidSignature"):
        authenticate(p, {"api-key": token({"access": "m"}, secret="other")})


def test_malformed_claims() -> None:
    assert decode_token("foo.bar.baz", SECRET) is None
    assert decode_token(token({"access": "x"}), SECRET) is None  # not Qdrant's shape: no JWT
    with pytest.raises(Unauthorized, match="unique"):
        decode_token(token({"access": [{"collection": "a", "access": "r"}, {"collection": "a", "access": "rw"}]}),
                     SECRET)
    with pytest.raises(Unauthorized, match="deprecated"):
        decode_token(token({"access": [{"collection": "a", "access": "r", "payload": {"u": 1}}]}), SECRET)
    none_alg = jwt.encode({"access": "m"}, None, algorithm="none")
    assert decode_token(none_alg, SECRET) is None


def test_value_exists() -> None:
    seen: list[tuple[str, Sequence[tuple[str, Any]]]] = []

    async def exists(collection: str, matches: Sequence[tuple[str, Any]]) -> bool:
        seen.append((collection, matches))
        if collection == "missing":
            raise NotFound("Collection `missing` doesn't exist!")
        return collection == "users"

    p = policy(jwt_rbac=True, value_exists=exists)
    claim = {"access": "r", "value_exists": {"collection": "users", "matches": [{"key": "user", "value": "bob"}]}}
    assert authenticate(p, {"api-key": token(claim)}) == READ_ONLY
    assert seen == [("users", (("user", "bob"),))]
    claim["value_exists"]["collection"] = "other"  # type: ignore[index]
    with pytest.raises(Unauthorized, match="stateful validation failed"):
        authenticate(p, {"api-key": token(claim)})
    claim["value_exists"]["collection"] = "missing"  # type: ignore[index]
    with pytest.raises(Forbidden, match="stateful validation failed"):
        authenticate(p, {"api-key": token(claim)})


READ = OPERATIONS["read_points"]
WRITE = OPERATIONS["write_points"]
EXTRAS = OPERATIONS["create_index"]
MANAGE = OPERATIONS["create_collection"]
GLOBAL_READ = OPERATIONS["list_full_snapshots"]


@pytest.mark.parametrize("access, requirement, error", [
    (FULL, MANAGE, None),
    (READ_ONLY, READ, None),
    (READ_ONLY, GLOBAL_READ, None),
    (READ_ONLY, WRITE, "Global manage access is required"),
    (READ_ONLY, MANAGE, "Global manage access is required"),
    (access_from_claim([{"collection": "c", "access": "r"}]), READ, None),
    (access_from_claim([{"collection": "c", "access": "r"}]), WRITE, "Write access to collection c is required"),
    (access_from_claim([{"collection": "other", "access": "rw"}]), READ, "Access to collection c is required"),
    (access_from_claim([{"collection": "c", "access": "rw"}]), EXTRAS, None),
    (access_from_claim([{"collection": "c", "access": "prw"}]), WRITE, None),
    (access_from_claim([{"collection": "c", "access": "prw"}]), EXTRAS, "Only points access is allowed for collection c"),
    (access_from_claim([{"collection": "c", "access": "rw"}]), MANAGE, "Global access is required"),
    (access_from_claim([{"collection": "c", "access": "rw"}]), GLOBAL_READ, "Global access is required"),
    (access_from_claim([{"collection": "c", "access": "rw"}]), OPERATIONS["list_collections"], None),
])
def test_access_rules(access: Access, requirement: Any, error: str | None) -> None:
    if error is None:
        access.check(requirement, "c")
    else:
        with pytest.raises(Forbidden) as caught:
            access.check(requirement, "c")
        assert caught.value.message == error


def test_every_rest_route_is_in_the_table() -> None:
    for module in (collection_routes, point_routes, snapshot_routes, telemetry_routes, cluster_routes,
                   shard_snapshot_routes, optimization_routes, quota_routes):
        for route in module.routes():
            for method in route.methods - {"HEAD"}:
                assert rest_requirement(method, route.path) is not None, f"{method} {route.path}"
    served = {(m, r.path) for mod in (service_routes, collection_routes, point_routes, snapshot_routes,
                                      telemetry_routes, cluster_routes, shard_snapshot_routes,
                                      optimization_routes, quota_routes)
              for r in mod.routes() for m in r.methods}
    assert set(REST) <= served, "table entries for routes that do not exist"


def test_every_grpc_method_is_in_the_table() -> None:
    for module in (collections_service_pb2, points_service_pb2, snapshots_service_pb2, qdrant_pb2):
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                path = f"/{service.full_name}/{method.name}"
                assert path in GRPC_EXEMPT or grpc_requirement(path) is not None, path
    assert all(op in OPERATIONS for op in (*REST.values(), *GRPC.values()))


def test_global_modes() -> None:
    assert access_from_claim("r").mode is Mode.READ
    assert access_from_claim(None) == FULL


def test_alt_api_key_rotates() -> None:
    p = AuthPolicy.create("old", None, jwt_rbac=True, alt_api_key="new")
    assert p is not None
    assert authenticate(p, {"api-key": "new"}) == FULL
    assert authenticate(p, {"api-key": "old"}) == FULL
    assert authenticate(p, {"api-key": token({"access": "r"}, secret="new")}) == READ_ONLY
    with pytest.raises(Forbidden, match="InvalidSignature"):
        authenticate(p, {"api-key": token({"access": "r"}, secret="third")})
