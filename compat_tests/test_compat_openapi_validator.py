"""The OpenAPI checker itself: it must catch mismatches, accept valid traffic and see every exchange."""

from __future__ import annotations

import json

import httpx
import pytest
from compat_openapi import OpenApiValidator, TrafficChecker


@pytest.fixture(scope="module")
def validator(openapi_validator: OpenApiValidator | None) -> OpenApiValidator:
    if openapi_validator is None:
        pytest.skip("OpenAPI schema file missing")
    return openapi_validator


def _body(value: object) -> bytes:
    return json.dumps(value).encode()


def test_routes_prefer_literal_segments(validator: OpenApiValidator) -> None:
    assert validator.operation("POST", "/collections/aliases").template == "/collections/aliases"
    assert validator.operation("GET", "/collections/abc").template == "/collections/{collection_name}"
    assert (
        validator.operation("GET", "/collections/abc/points/7").template
        == "/collections/{collection_name}/points/{id}"
    )
    assert validator.operation("POST", "/collections/abc/points/search") is None  # not in the 1.19 schema


def test_valid_update_result_passes(validator: OpenApiValidator) -> None:
    ok = _body({"result": {"operation_id": 3, "status": "completed"}, "status": "ok", "time": 0.1})
    assert validator.check_response("PUT", "/collections/a/points", 200, "application/json", ok) == []


def test_wrong_enum_and_type_are_caught(validator: OpenApiValidator) -> None:
    bad = _body({"result": {"operation_id": "3", "status": "done"}, "status": "ok", "time": 0.1})
    errors = validator.check_response("PUT", "/collections/a/points", 200, "application/json", bad)
    assert len(errors) == 2
    assert any("operation_id" in e for e in errors) and any("status" in e for e in errors)


def test_nullable_fields_accept_null(validator: OpenApiValidator) -> None:
    body = _body(
        {"result": {"title": "qdrant - vector search engine", "version": "1.19.0", "commit": None}, "time": 0}
    )
    assert (
        validator.check_response("GET", "/", 200, "application/json", _body(json.loads(body)["result"])) == []
    )


def test_error_body_shape_is_checked(validator: OpenApiValidator) -> None:
    good = _body({"status": {"error": "Not found: Collection `a` doesn't exist!"}, "time": 0.0})
    assert validator.check_response("GET", "/collections/a", 404, "application/json", good) == []
    bad = _body({"status": {"error": 404}, "time": 0.0})
    assert validator.check_response("GET", "/collections/a", 404, "application/json", bad)
    assert validator.check_response("GET", "/collections/a", 404, "text/plain", b"oops")


def test_request_with_unknown_filter_field_is_caught(validator: OpenApiValidator) -> None:
    body = _body({"filter": {"must": [], "muts": []}, "limit": 3})
    assert validator.check_request("POST", "/collections/a/points/scroll", body)
    assert validator.check_request("POST", "/collections/a/points/scroll", _body({"limit": 3})) == []


def test_checker_sees_live_traffic(raw: httpx.Client, traffic: TrafficChecker | None) -> None:
    if traffic is None:
        pytest.skip("schema validation disabled")
    before = traffic.exchanges
    raw.get("/collections")
    raw.get("/")
    assert traffic.exchanges == before + 2
