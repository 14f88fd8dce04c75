"""Validate REST traffic against Qdrant's OpenAPI 3.0 schema (v1.19).

`OpenApiValidator` resolves an operation from method + concrete URL path (matching the schema's path
templates), then validates request bodies against the operation's ``requestBody`` schema and JSON
response bodies against the response schema for the status code (exact code, then ``4XX``/``5XX``,
then ``default``). OpenAPI 3.0 dialect quirks are translated into JSON Schema once, at load time:
``nullable: true`` becomes a union with ``null``, and a bare ``{"nullable": true}`` (Qdrant's way
of writing "or null" inside ``anyOf``) becomes ``{"type": "null"}``.

`install_httpx_hook` patches ``httpx.Client.send`` / ``httpx.AsyncClient.send`` in the test process,
so every request made by the stock qdrant-client (which uses httpx underneath) and by raw httpx
clients is checked automatically; mismatches are collected in a list the fixtures assert on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

# Paths Qdrant still serves but that are not in the 1.19 schema: never validated.
UNDOCUMENTED_PATHS = re.compile(r"/points/(search|recommend|discover)(/batch|/groups)?$")


def _translate(node: Any) -> Any:
    """OpenAPI 3.0 schema object -> JSON Schema draft 7 (recursively)."""
    if isinstance(node, list):
        return [_translate(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _translate(value) for key, value in node.items() if key not in ("example", "nullable")}
    if node.get("nullable") is True:
        rest = {k: v for k, v in out.items() if k not in ("description", "default", "deprecated")}
        if not rest:
            return {"type": "null"}
        if isinstance(out.get("type"), str) and "$ref" not in out and "enum" not in out:
            out["type"] = [out["type"], "null"]
        else:
            meta = {k: v for k, v in out.items() if k in ("description", "default")}
            return {**meta, "anyOf": [rest, {"type": "null"}]}
    return out


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    template: str
    spec: dict[str, Any]


@dataclass(slots=True)
class OpenApiValidator:
    """Schema-driven checks for one REST exchange at a time."""

    spec: dict[str, Any]
    _routes: list[tuple[re.Pattern[str], str, str]] = field(default_factory=list)
    _registry: Registry = field(default_factory=Registry)
    _validators: dict[str, jsonschema.protocols.Validator] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: Path) -> OpenApiValidator:
        raw = json.loads(path.read_text())
        spec = dict(raw)
        spec["components"] = {"schemas": _translate(raw["components"]["schemas"])}
        validator = cls(spec)
        validator._index()
        return validator

    def _index(self) -> None:
        root = {"components": self.spec["components"]}
        self._registry = Registry().with_resource("urn:qdrant", Resource(contents=root, specification=DRAFT7))
        routes = []
        for template, methods in self.spec["paths"].items():
            pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
            literal_segments = template.count("/") - template.count("{")
            for method in methods:
                routes.append((re.compile(pattern), method.upper(), template, literal_segments))
        # Prefer templates with more literal segments: /collections/aliases over /collections/{name}.
        routes.sort(key=lambda route: -route[3])
        self._routes = [(pattern, method, template) for pattern, method, template, _ in routes]

    def operation(self, method: str, path: str) -> Operation | None:
        for pattern, route_method, template in self._routes:
            if route_method == method.upper() and pattern.match(path):
                return Operation(method.upper(), template, self.spec["paths"][template][method.lower()])
        return None

    def _validate(self, schema: dict[str, Any], instance: Any) -> list[str]:
        key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(key)
        if validator is None:
            translated = _translate(schema)
            translated = _rebase_refs(translated)
            validator = jsonschema.Draft7Validator(translated, registry=self._registry)
            self._validators[key] = validator
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        return [_describe(error) for error in errors[:3]]

    def check_request(self, method: str, path: str, body: bytes) -> list[str]:
        op = self.operation(method, path)
        if op is None or not body:
            return []
        content = op.spec.get("requestBody", {}).get("content", {}).get("application/json")
        if content is None:
            return []
        try:
            instance = json.loads(body)
        except ValueError as exc:
            return [f"request body is not JSON: {exc}"]
        return [f"request {method} {path}: {msg}" for msg in self._validate(content["schema"], instance)]

    def check_response(
        self, method: str, path: str, status: int, content_type: str, body: bytes
    ) -> list[str]:
        if UNDOCUMENTED_PATHS.search(path):
            return []
        op = self.operation(method, path)
        if op is None:
            return []
        responses = op.spec.get("responses", {})
        response = (
            responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
        )
        where = f"response {method} {path} -> {status}"
        if response is None:
            return [f"{where}: status not documented for {op.template} (documented: {sorted(responses)})"]
        content = response.get("content", {})
        json_content = content.get("application/json")
        if json_content is None:
            return []  # text/plain, binary or undocumented body: nothing to validate structurally
        if "application/json" not in content_type:
            return [f"{where}: content-type {content_type!r}, schema expects application/json"]
        try:
            instance = json.loads(body)
        except ValueError as exc:
            return [f"{where}: body is not JSON: {exc}: {body[:200]!r}"]
        return [f"{where}: {msg}" for msg in self._validate(json_content["schema"], instance)]


def _rebase_refs(node: Any) -> Any:
    if isinstance(node, list):
        return [_rebase_refs(item) for item in node]
    if isinstance(node, dict):
        out = {key: _rebase_refs(value) for key, value in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            out["$ref"] = "urn:qdrant" + ref
        return out
    return node


def _describe(error: jsonschema.ValidationError) -> str:
    location = "/".join(str(part) for part in error.absolute_path) or "<root>"
    message = error.message if len(error.message) < 300 else error.message[:300] + "..."
    return f"at {location}: {message}"


def _is_stock_client(request: httpx.Request) -> bool:
    return request.headers.get("user-agent", "").startswith("python-client/")


@dataclass(slots=True)
class TrafficChecker:
    """Collects schema mismatches for requests to one base URL."""

    validator: OpenApiValidator
    base_url: str
    errors: list[str] = field(default_factory=list)
    exchanges: int = 0

    def observe(self, request: httpx.Request, response: httpx.Response, body: bytes) -> None:
        url = str(request.url)
        if not url.startswith(self.base_url):
            return
        self.exchanges += 1
        path = request.url.path
        if _is_stock_client(request) and not UNDOCUMENTED_PATHS.search(path):
            self.errors.extend(self.validator.check_request(request.method, path, request.content))
        content_type = response.headers.get("content-type", "")
        self.errors.extend(
            self.validator.check_response(request.method, path, response.status_code, content_type, body)
        )

    def take_errors(self) -> list[str]:
        errors, self.errors = self.errors, []
        return errors


@contextmanager
def install_httpx_hook(observe: Callable[[httpx.Request, httpx.Response, bytes], None]) -> Iterator[None]:
    """Route every httpx send in this process through ``observe`` (sync and async clients)."""
    original_sync = httpx.Client.send
    original_async = httpx.AsyncClient.send

    def send(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        response = original_sync(self, request, **kwargs)
        if not kwargs.get("stream"):
            observe(request, response, response.read())
        return response

    async def asend(self: httpx.AsyncClient, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        response = await original_async(self, request, **kwargs)
        if not kwargs.get("stream"):
            observe(request, response, await response.aread())
        return response

    httpx.Client.send = send  # type: ignore[method-assign]
    httpx.AsyncClient.send = asend  # type: ignore[method-assign]
    try:
        yield
    finally:
        httpx.Client.send = original_sync  # type: ignore[method-assign]
        httpx.AsyncClient.send = original_async  # type: ignore[method-assign]
