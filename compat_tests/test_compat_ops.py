"""Operations as a user sees them: /metrics parsed with prometheus-client's own parser, /telemetry at
every details level validated against Qdrant's schema, /issues, and JSON access-log lines for REST
and gRPC requests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from compat_openapi import OpenApiValidator
from compat_server import free_port
from prometheus_client.parser import text_string_to_metric_families
from qdrant_client import QdrantClient, models

pytestmark = pytest.mark.raw_http


@dataclass
class Node:
    process: subprocess.Popen[bytes]
    url: str
    grpc_port: int
    log: Path

    def log_lines(self) -> list[dict[str, object]]:
        out = []
        for line in self.log.read_text().splitlines():
            if line.startswith("{"):
                out.append(json.loads(line))
        return out


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """A server of its own: a metrics prefix and a 0 s slow-query threshold (every filtered read is
    'slow', so /issues fills deterministically)."""
    work = tmp_path_factory.mktemp("ops")
    http, grpc = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QDRANT__")}
    env.update(QDRANT__SERVICE__HOST="127.0.0.1", QDRANT__SERVICE__HTTP_PORT=str(http),
               QDRANT__SERVICE__GRPC_PORT=str(grpc), QDRANT__STORAGE__STORAGE_PATH=str(work / "storage"),
               QDRANT__STORAGE__SNAPSHOTS_PATH=str(work / "snapshots"), QDRANT__SERVICE__SLOW_QUERY_SECS="0",
               PYTHONUNBUFFERED="1")
    log = work / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "server"], cwd=work, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{http}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    yield Node(process, url, grpc, log)
    process.terminate()
    process.wait(timeout=30)


def _metrics(node: Node) -> dict[str, list[tuple[dict[str, str], float]]]:
    response = httpx.get(f"{node.url}/metrics", timeout=30)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    out: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            out.setdefault(sample.name, []).append((sample.labels, sample.value))
    return out


def _value(samples: dict[str, list[tuple[dict[str, str], float]]], metric: str, /, **labels: str) -> float:
    return sum(v for lbl, v in samples.get(metric, []) if all(lbl.get(k) == x for k, x in labels.items()))


def _traffic(node: Node, name: str) -> None:
    for prefer_grpc in (False, True):
        client = QdrantClient(url=node.url, grpc_port=node.grpc_port, prefer_grpc=prefer_grpc, timeout=30)
        if not client.collection_exists(name):
            client.create_collection(name, vectors_config=models.VectorParams(size=4, distance=models.Distance.DOT))
        client.upsert(name, [models.PointStruct(id=i, vector=[i, 1, 0, 0], payload={"city": f"c{i % 3}"})
                             for i in range(10)], wait=True)
        client.query_points(name, query=[1, 0, 0, 0], limit=3,
                            query_filter=models.Filter(must=[models.FieldCondition(
                                key="city", match=models.MatchValue(value="c1"))]))
        client.close()


def test_metrics_families_present_and_moving(node: Node) -> None:
    before = _metrics(node)
    for family in ("app_info", "app_status_recovery_mode", "collections_total", "collections_vector_total",
                   "cluster_enabled", "memory_active_bytes", "memory_allocated_bytes", "memory_resident_bytes",
                   "process_open_fds"):
        assert family in before, family
    assert _value(before, "app_info", name="qdrant", version="1.19.0") == 1
    _traffic(node, "metrics_a")
    after = _metrics(node)
    assert _value(after, "collections_total") == _value(before, "collections_total") + 1
    assert _value(after, "collections_vector_total") == _value(before, "collections_vector_total") + 10
    assert _value(after, "collection_points", id="metrics_a") == 10
    assert _value(after, "collection_vectors", collection="metrics_a", vector="") == 10
    query = "/collections/{collection_name}/points/query"
    assert _value(after, "rest_responses_total", method="POST", endpoint=query, status="200") == \
        _value(before, "rest_responses_total", method="POST", endpoint=query, status="200") + 1
    assert _value(after, "rest_responses_avg_duration_seconds", method="POST", endpoint=query, status="200") > 0
    assert _value(after, "rest_responses_max_duration_seconds", endpoint=query) >= \
        _value(after, "rest_responses_min_duration_seconds", endpoint=query) > 0
    assert _value(after, "rest_responses_duration_seconds_count", endpoint=query) >= 1
    assert _value(after, "grpc_responses_total", endpoint="/qdrant.Points/Query", status="OK") >= 1
    assert _value(after, "grpc_responses_total", endpoint="/qdrant.Points/Upsert", status="OK") >= 1
    assert _value(after, "grpc_responses_avg_duration_seconds", endpoint="/qdrant.Points/Query") > 0
    assert not any(name.startswith("rest_responses") and lbl.get("endpoint") == "/metrics"
                   for name, rows in after.items() for lbl, _ in rows), "only Qdrant's whitelist is exported"


def test_metrics_per_collection_and_anonymize(node: Node) -> None:
    _traffic(node, "metrics_b")
    text = httpx.get(f"{node.url}/metrics?per_collection=true", timeout=30).text
    samples = {s.name: s for f in text_string_to_metric_families(text) for s in f.samples
               if s.labels.get("collection") == "metrics_b"}
    assert "rest_responses_total" in samples and "grpc_responses_total" in samples
    anonymous = httpx.get(f"{node.url}/metrics?anonymize=true", timeout=30).text
    assert 'id="metrics_b"' not in anonymous and "collection_points{" in anonymous


@pytest.mark.parametrize("level", [0, 1, 2, 3, 4, 10])
def test_telemetry_levels_match_schema(node: Node, openapi_validator: OpenApiValidator | None, level: int) -> None:
    assert openapi_validator is not None
    _traffic(node, "telemetry_a")
    for anonymize in ("false", "true"):
        path = f"/telemetry?details_level={level}&anonymize={anonymize}"
        response = httpx.get(node.url + path, timeout=30)
        assert response.status_code == 200
        errors = openapi_validator.check_response("GET", "/telemetry", 200, response.headers["content-type"],
                                                  response.content)
        assert not errors, errors
        result = response.json()["result"]
        assert result["app"]["version"] == "1.19.0"
        assert result["collections"]["number_of_collections"] >= 1
        assert result["requests"]["rest"]["responses"]["PUT /collections/{collection_name}/points"]["200"]["count"] >= 1
        assert result["requests"]["grpc"]["responses"]["/qdrant.Points/Upsert"]["OK"]["count"] >= 1
        if level == 0:
            assert "collections" not in result["collections"] and "memory" not in result
        if level >= 1:
            assert result["memory"]["resident_bytes"] > 0 and "system" in result["app"]
        if level >= 2:
            mine = [c for c in result["collections"]["collections"]
                    if c["id"] == ("telemetry_a" if anonymize == "false" else c["id"])]
            assert mine and all(c["shards"][0]["local"]["num_points"] >= 0 for c in mine)
            names = {c["id"] for c in result["collections"]["collections"]}
            assert ("telemetry_a" in names) == (anonymize == "false")


def test_telemetry_bad_details_level_is_400(node: Node) -> None:
    response = httpx.get(f"{node.url}/telemetry?details_level=-1", timeout=30)
    assert response.status_code == 400 and "details_level" in response.json()["status"]["error"]


def test_issues_report_unindexed_filter_field_until_indexed(node: Node) -> None:
    httpx.delete(f"{node.url}/issues", timeout=30)
    _traffic(node, "issues_a")
    issues = httpx.get(f"{node.url}/issues", timeout=30).json()["result"]["issues"]
    ids = {i["id"] for i in issues}
    assert "UNINDEXED_FIELD/issues_a/city" in ids
    issue = next(i for i in issues if i["id"] == "UNINDEXED_FIELD/issues_a/city")
    # Qdrant's IssueRecord, field by field
    assert set(issue) == {"id", "description", "solution", "timestamp", "related_collection"}
    assert issue["related_collection"] == "issues_a"
    assert issue["description"] == "Unindexed field 'city' might be slowing queries down in collection 'issues_a'"
    assert issue["solution"]["immediate"]["message"].startswith(
        "Create an index on field 'city' of schema \"keyword\" in collection 'issues_a'.")
    assert issue["timestamp"].endswith("Z")
    action = issue["solution"]["immediate"]["action"]
    assert action["method"] == "PUT" and action["headers"] == {"content-type": "application/json"}
    assert action["uri"] == "/collections/issues_a/index"
    assert action["body"] == {"field_name": "city", "field_schema": "keyword"}
    assert httpx.put(f"{node.url}{action['uri']}?wait=true", json=action["body"], timeout=30).status_code == 200
    ids = {i["id"] for i in httpx.get(f"{node.url}/issues", timeout=30).json()["result"]["issues"]}
    assert "UNINDEXED_FIELD/issues_a/city" not in ids


def test_json_access_log_lines_for_rest_and_grpc(node: Node) -> None:
    _traffic(node, "access_a")
    rest = httpx.post(f"{node.url}/collections/access_a/points/count", json={}, headers={"x-request-id": "rq-42"},
                      timeout=30)
    assert rest.headers["x-request-id"] == "rq-42"
    time.sleep(0.2)
    lines = node.log_lines()
    access = [line for line in lines if str(line.get("logger", "")).startswith("quiver.access")]
    mine = [line for line in access if line.get("request_id") == "rq-42"]
    assert len(mine) == 1
    assert mine[0]["logger"] == "quiver.access.rest" and mine[0]["method"] == "POST"
    assert mine[0]["path"] == "/collections/access_a/points/count" and mine[0]["status"] == 200
    assert mine[0]["collection"] == "access_a" and float(str(mine[0]["duration_ms"])) > 0
    grpc_lines = [line for line in access if line["logger"] == "quiver.access.grpc"
                  and line.get("rpc") == "/qdrant.Points/Upsert" and line.get("collection") == "access_a"]
    assert grpc_lines and grpc_lines[0]["status"] == "OK" and grpc_lines[0]["request_id"]
    assert not any(line.get("path") in ("/readyz", "/metrics", "/telemetry") for line in access)
    assert all(line.startswith("{") for line in node.log.read_text().splitlines() if line.strip()), \
        "every log line (uvicorn's and grpc's included) is JSON"
    created = [line for line in lines if line.get("msg") == "collection created"]
    assert any(line.get("collection") == "access_a" for line in created)
