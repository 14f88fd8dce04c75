"""float32 values in REST JSON as Qdrant writes them: the shortest form that reads back as the same
float32 (`0.15`, `4.358899`), never the double expansion (`0.15000000596046448`). Qdrant's vectors,
scores and distance-matrix values are f32 and serde_json writes f32 in shortest form.

Checked on the raw bytes (a JSON parser would hide the difference only for values that are exact in
both widths) and through the stock REST client. gRPC carries `float` fields: nothing to render.
"""

from __future__ import annotations

import json

import httpx
import numpy as np
from compat_helpers import assert_ok
from compat_server import ServerProcess
from conftest import make_client

VECTORS = {1: [0.15, 4.358899, 0.3], 2: [0.1, 0.2, 0.3], 3: [1.0 / 3.0, 2.0 / 3.0, 1e-7]}


def shortest_f32(value: float) -> float:
    """The double whose shortest repr is the shortest float32 repr of `value`."""
    return float(str(np.float32(value)))


def _setup(raw: httpx.Client, name: str) -> None:
    assert_ok(raw.put(f"/collections/{name}", json={"vectors": {"size": 3, "distance": "Dot"}}))
    points = [{"id": i, "vector": v} for i, v in VECTORS.items()]
    assert_ok(raw.put(f"/collections/{name}/points?wait=true", json={"points": points}))


def test_vectors_render_in_shortest_float32_form(raw: httpx.Client, collection_name: str) -> None:
    _setup(raw, collection_name)
    text = raw.get(f"/collections/{collection_name}/points/1").text
    assert '"vector":[0.15,4.358899,0.3]' in text.replace(" ", ""), text
    body = {"ids": [3], "with_vector": True}
    got = assert_ok(raw.post(f"/collections/{collection_name}/points", json=body))[0]["vector"]
    assert got == [shortest_f32(v) for v in VECTORS[3]]
    page = assert_ok(raw.post(f"/collections/{collection_name}/points/scroll", json={"with_vector": True}))
    assert {p["id"]: p["vector"] for p in page["points"]} == {
        i: [shortest_f32(x) for x in v] for i, v in VECTORS.items()
    }


def test_scores_render_in_shortest_float32_form(raw: httpx.Client, collection_name: str) -> None:
    _setup(raw, collection_name)
    query = [0.1, 0.2, 0.3]
    hits = assert_ok(raw.post(f"/collections/{collection_name}/points/query", json={"query": query}))["points"]
    q = np.asarray(query, dtype=np.float32)
    for hit in hits:
        exact = float(np.dot(np.asarray(VECTORS[hit["id"]], dtype=np.float32), q))
        assert hit["score"] == shortest_f32(hit["score"])  # already in float32 form
        assert abs(hit["score"] - exact) < 1e-5
    text = raw.post(f"/collections/{collection_name}/points/search", json={"vector": query, "limit": 3}).text
    for hit in json.loads(text)["result"]:
        assert f"\"score\":{str(np.float32(hit['score']))}" in text


def test_matrix_scores_render_in_shortest_float32_form(raw: httpx.Client, collection_name: str) -> None:
    _setup(raw, collection_name)
    pairs = assert_ok(raw.post(f"/collections/{collection_name}/points/search/matrix/pairs",
                               json={"sample": 3, "limit": 2}))["pairs"]
    offsets = assert_ok(raw.post(f"/collections/{collection_name}/points/search/matrix/offsets",
                                 json={"sample": 3, "limit": 2}))["scores"]
    assert pairs and offsets
    for score in [p["score"] for p in pairs] + offsets:
        assert score == shortest_f32(score)
    one_three = next(p["score"] for p in pairs if {p["a"], p["b"]} == {1, 3})
    v1, v3 = (np.asarray(VECTORS[i], dtype=np.float32) for i in (1, 3))
    assert one_three == shortest_f32(float(np.dot(v1, v3)))


def test_stock_rest_client_reads_float32_forms(server: ServerProcess | None, raw: httpx.Client,
                                               collection_name: str) -> None:
    _setup(raw, collection_name)
    client = make_client(server, "rest")
    try:
        record = client.retrieve(collection_name, ids=[1], with_vectors=True)[0]
        assert record.vector == [0.15, 4.358899, 0.3]
        hit = client.query_points(collection_name, query=[1.0, 0.0, 0.0], limit=1).points[0]
        assert hit.score == shortest_f32(hit.score)
    finally:
        client.close()
