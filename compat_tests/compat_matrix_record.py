"""Record which REST operations the compat suite exercised, for the generated compatibility matrix.

Every REST exchange the test process makes (stock qdrant-client and raw httpx alike, through the
same httpx hook the OpenAPI check uses) is resolved to the schema's operationId and recorded: the
status codes answered, and for successful (2xx) answers the top-level request-body fields and the
query parameters that were sent. At session end the conftest writes the record as JSON
(`build/compat-matrix.json`, git-ignored); `tools/compat_matrix.py` renders the README table from it.

Only what really went over the wire counts: an operation is "served" in the matrix when some test
got a 2xx answer from it. Requests of the JS/Go client subprocesses are not seen here.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from compat_openapi import UNDOCUMENTED_PATHS, OpenApiValidator

FORMAT = 1
# Every server the suite starts is a Quiver subprocess on a free local port (restart, snapshot and
# migration tests start their own): all of them count.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(slots=True)
class OperationRecord:
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    body_fields: set[str] = field(default_factory=set)
    query_params: set[str] = field(default_factory=set)
    unrouted: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "statuses": {str(code): n for code, n in sorted(self.statuses.items())},
            "unrouted": self.unrouted,
            "body_fields": sorted(self.body_fields),
            "query_params": sorted(self.query_params),
        }


@dataclass(slots=True)
class MatrixRecorder:
    """Per-operation record of the exchanges with every local server the tests start."""

    validator: OpenApiValidator
    operations: dict[str, OperationRecord] = field(default_factory=dict)
    unmatched: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def observe(self, request: httpx.Request, response: httpx.Response, body: bytes) -> None:
        if request.url.host not in LOCAL_HOSTS:
            return
        path = request.url.path
        op = self.validator.operation(request.method, path)
        if op is None:
            if not UNDOCUMENTED_PATHS.search(path) and not path.startswith("/dashboard"):
                self.unmatched[f"{request.method} {path}"] += 1
            return
        op_id = str(op.spec.get("operationId", f"{op.method} {op.template}"))
        record = self.operations.setdefault(op_id, OperationRecord())
        record.statuses[response.status_code] += 1
        if response.status_code in (404, 405) and _router_error(body):
            record.unrouted += 1
        if 200 <= response.status_code < 300:
            record.query_params.update(request.url.params.keys())
            fields = _top_level_fields(request)
            record.body_fields.update(fields)

    def as_json(self, tests: int, complete: bool, failed: int) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "tests": tests,
            "complete": complete,
            "failed": failed,
            "operations": {op_id: rec.as_json() for op_id, rec in sorted(self.operations.items())},
            # requests to paths the schema does not have, e.g. a typo in a test (capped: it is a hint)
            "unmatched": dict(sorted(self.unmatched.items())[:50]),
        }

    def write(self, path: Path, tests: int, complete: bool, failed: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.as_json(tests, complete, failed), indent=1, sort_keys=True) + "\n")
        tmp.replace(path)


def _top_level_fields(request: httpx.Request) -> list[str]:
    if "json" not in request.headers.get("content-type", ""):
        return []
    try:
        body = json.loads(request.content) if request.content else None
    except (ValueError, httpx.RequestNotRead):
        return []
    return [str(key) for key in body] if isinstance(body, dict) else []


ROUTER_ERRORS = frozenset({"Not Found", "Method Not Allowed"})
"""What the router answers for a path or method no route serves (a handler's 404 names the thing)."""


def _router_error(body: bytes) -> bool:
    try:
        message = json.loads(body)["status"]["error"]
    except (ValueError, KeyError, TypeError):
        return True  # not Qdrant's error shape: no handler wrote it
    return message in ROUTER_ERRORS
