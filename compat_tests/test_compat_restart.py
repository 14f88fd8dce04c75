"""Restart: everything a client can observe survives a stop and a start on the same storage path.

Through the stock `QdrantClient` (REST) a deterministic scenario creates two collections (one
unnamed Cosine vector; named vectors with Dot, Euclid and Manhattan distances, some points lacking
one of them), keyword/integer/text payload indexes, aliases (one renamed, one deleted), a few
hundred points (int and UUID ids), then updates payloads, deletes points, updates and deletes
vectors — every write with `wait=True`. The observable state (every scroll page with vectors and
payloads, counts, collection info: points_count, payload_schema, config; aliases; filtered exact
searches) is recorded, the server is stopped and a new one is started on the same storage path;
the state must be identical.

- SIGTERM: a graceful stop, then a second generation of writes on the restarted server (which must
  not be shadowed by the first generation's operation numbers) killed with SIGKILL.
- SIGKILL: the server is killed immediately after the scenario's last acknowledged write, with no
  read in between (which would give a background flush time to hide a WAL bug). The expected state
  comes from the same scenario run first under another name prefix on the same server.

Each test starts its own server(s) in a temp directory, so this file runs alone in seconds:
`.venv/bin/python -m pytest compat_tests/test_compat_restart.py`.
"""

from __future__ import annotations

import signal
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from compat_openapi import OpenApiValidator, TrafficChecker, install_httpx_hook
from compat_server import REPO_ROOT, ServerProcess, start_server
from conftest import memory_mode
from qdrant_client import QdrantClient, models

pytestmark = [
    pytest.mark.timeout(240),
    pytest.mark.skipif(memory_mode(), reason="restarts need the real server"),
]

DIM = 8
CITIES = ["Berlin", "Paris", "Oslo", "Lima", "Cairo"]
ADJECTIVES = ["red", "blue", "quiet", "rapid", "golden", "frozen", "hidden"]
NOUNS = [
    "river",
    "engine",
    "garden",
    "signal",
    "harbor",
    "forest",
    "tower",
    "market",
    "bridge",
    "lamp",
    "field",
]
SCROLL_PAGE = 64
CLIENT_TIMEOUT_S = 30
SCORE_TOLERANCE = {"rel": 1e-5, "abs": 1e-6}


@pytest.fixture(scope="module")
def traffic(openapi_validator: OpenApiValidator | None) -> Iterator[TrafficChecker | None]:
    """Schema-check this module's traffic to its own (restarting) local servers, not the session server."""
    if openapi_validator is None:
        yield None
        return
    checker = TrafficChecker(openapi_validator, "http://127.0.0.1:")
    with install_httpx_hook(checker.observe):
        yield checker


class Node:
    """One storage directory and whichever server process currently serves it."""

    def __init__(self, workdir: Path) -> None:
        if not (REPO_ROOT / "server" / "__main__.py").exists():
            pytest.fail("server/__main__.py does not exist: `python -m server` cannot start")
        self.workdir = workdir
        self.generation = 0
        self.server: ServerProcess = self._start()
        self.client = self._client()

    def _start(self) -> ServerProcess:
        self.generation += 1
        return start_server(self.workdir, log_name=f"server-{self.generation}.log")

    def _client(self) -> QdrantClient:
        return QdrantClient(url=self.server.url, prefer_grpc=False, timeout=CLIENT_TIMEOUT_S)

    def restart(self, how: signal.Signals) -> None:
        self.client.close()
        if how == signal.SIGKILL:
            self.server.kill()
        else:
            code = self.server.terminate(timeout=30)
            assert code in (0, -signal.SIGTERM), (
                f"graceful stop failed (exit {code}, None = had to SIGKILL):\n{self.server.log_tail()}"
            )
        self.server = self._start()
        self.client = self._client()

    def close(self) -> None:
        self.client.close()
        self.server.stop()


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    n = Node(tmp_path)
    try:
        yield n
    finally:
        n.close()


# ---------------------------------------------------------------- the scenario


def _vec(i: int, size: int, salt: int = 0) -> list[float]:
    """Deterministic, float32-exact components (multiples of 1/16) that rarely tie on a score."""
    return [((i * 37 + k * 11 + salt * 53 + (i * k) % 7) % 41 - 20) / 16.0 for k in range(size)]


def _payload(i: int) -> dict[str, Any]:
    return {
        "n": i,
        "city": CITIES[i % len(CITIES)],
        "title": f"{ADJECTIVES[i % len(ADJECTIVES)]} {NOUNS[i % len(NOUNS)]} report {i}",
        "tags": [f"t{i % 3}", f"t{i % 4 + 3}"],
        "price": i * 0.25,
        "nested": {"k": i % 3, "ok": i % 2 == 0},
    }


def _named_id(i: int) -> int | str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"quiver-restart-{i}")) if i % 4 == 0 else i


def _named_vectors(i: int, salt: int = 0) -> dict[str, list[float]]:
    vectors = {"dense": _vec(i, DIM, salt), "euclid": _vec(i + 1, 4, salt)}
    if i % 5 != 0:  # some points carry no manhattan vector at all
        vectors["manhattan"] = _vec(i + 2, 6, salt)
    return vectors


def _names(ns: str) -> tuple[str, str]:
    return f"{ns}_single", f"{ns}_named"


def run_scenario(client: QdrantClient, ns: str) -> None:
    """Deterministic writes; the last call is an acknowledged (wait=True) point write."""
    single, named = _names(ns)
    client.create_collection(
        single,
        vectors_config=models.VectorParams(size=DIM, distance=models.Distance.COSINE),
        hnsw_config=models.HnswConfigDiff(m=8, ef_construct=40),
    )
    client.create_collection(
        named,
        vectors_config={
            "dense": models.VectorParams(size=DIM, distance=models.Distance.DOT),
            "euclid": models.VectorParams(size=4, distance=models.Distance.EUCLID),
            "manhattan": models.VectorParams(size=6, distance=models.Distance.MANHATTAN),
        },
    )
    for name in (single, named):
        client.create_payload_index(name, "city", models.PayloadSchemaType.KEYWORD, wait=True)
        client.create_payload_index(name, "n", models.PayloadSchemaType.INTEGER, wait=True)
    client.create_payload_index(
        single,
        "title",
        models.TextIndexParams(
            type=models.TextIndexType.TEXT, tokenizer=models.TokenizerType.WORD, lowercase=True
        ),
        wait=True,
    )
    client.update_collection_aliases(
        change_aliases_operations=[
            models.CreateAliasOperation(
                create_alias=models.CreateAlias(collection_name=single, alias_name=f"{ns}_main")
            ),
            models.CreateAliasOperation(
                create_alias=models.CreateAlias(collection_name=named, alias_name=f"{ns}_old")
            ),
            models.CreateAliasOperation(
                create_alias=models.CreateAlias(collection_name=named, alias_name=f"{ns}_tmp")
            ),
        ]
    )
    client.update_collection_aliases(
        change_aliases_operations=[
            models.RenameAliasOperation(
                rename_alias=models.RenameAlias(old_alias_name=f"{ns}_old", new_alias_name=f"{ns}_multi")
            ),
            models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=f"{ns}_tmp")),
        ]
    )

    single_points = [
        models.PointStruct(id=i, vector=_vec(i, DIM), payload=_payload(i)) for i in range(1, 301)
    ]
    for start in range(0, len(single_points), 100):
        client.upsert(f"{ns}_main", points=single_points[start : start + 100], wait=True)  # through the alias
    named_points = [
        models.PointStruct(id=_named_id(i), vector=_named_vectors(i), payload=_payload(i))
        for i in range(1, 201)
    ]
    for start in range(0, len(named_points), 100):
        client.upsert(named, points=named_points[start : start + 100], wait=True)

    # payload updates: merge (changes an indexed field), overwrite, delete keys, clear, merge by filter
    client.set_payload(single, {"flag": True, "city": "Paris"}, points=list(range(1, 41)), wait=True)
    client.overwrite_payload(
        single, {"n": 10_000, "title": "overwritten blue lamp"}, points=list(range(41, 51)), wait=True
    )
    client.delete_payload(single, keys=["tags", "price"], points=list(range(51, 61)), wait=True)
    client.clear_payload(single, points_selector=models.PointIdsList(points=[61, 62, 63]), wait=True)
    city_oslo = models.Filter(must=[models.FieldCondition(key="city", match=models.MatchValue(value="Oslo"))])
    client.set_payload(named, {"touched": 1}, points=city_oslo, wait=True)
    client.set_payload(named, {"deep": "x"}, points=[_named_id(7), _named_id(8)], key="nested", wait=True)

    # deletes: by ids and by an (indexed) range filter
    client.delete(single, points_selector=models.PointIdsList(points=list(range(290, 301))), wait=True)
    client.delete(
        single,
        points_selector=models.FilterSelector(
            filter=models.Filter(must=[models.FieldCondition(key="n", range=models.Range(lt=10))])
        ),
        wait=True,
    )
    client.delete(
        named, points_selector=models.PointIdsList(points=[_named_id(i) for i in (4, 8, 12, 13)]), wait=True
    )

    # vectors: replace whole vectors, one named vector only, and delete a named vector
    client.update_vectors(
        single,
        points=[models.PointVectors(id=i, vector=_vec(i, DIM, salt=1)) for i in range(100, 121)],
        wait=True,
    )
    client.update_vectors(
        named,
        points=[
            models.PointVectors(id=_named_id(i), vector={"euclid": _vec(i, 4, salt=2)}) for i in range(20, 40)
        ],
        wait=True,
    )
    client.delete_vectors(
        named, vectors=["manhattan"], points=[_named_id(i) for i in range(41, 50)], wait=True
    )

    # the last acknowledged write: overwrite a few points completely
    client.upsert(
        named,
        points=[
            models.PointStruct(
                id=_named_id(i), vector=_named_vectors(i, salt=3), payload={"n": i, "city": "Lima", "v": 2}
            )
            for i in range(150, 160)
        ],
        wait=True,
    )


# ---------------------------------------------------------------- what a client can observe


def _strip(ns: str, name: str) -> str:
    assert name.startswith(f"{ns}_"), name
    return name[len(ns) + 1 :]


def _scroll_all(client: QdrantClient, name: str) -> tuple[list[Any], list[Any]]:
    records: list[Any] = []
    offsets: list[Any] = []
    offset = None
    while True:
        page, offset = client.scroll(
            name, limit=SCROLL_PAGE, offset=offset, with_payload=True, with_vectors=True
        )
        records.extend([str(r.id), r.vector, r.payload] for r in page)
        offsets.append(offset)
        if offset is None:
            return records, offsets
        assert len(offsets) < 100, "scroll does not terminate"


def _searches(client: QdrantClient, name: str, named: bool) -> list[tuple[str, list[str], list[float]]]:
    exact = models.SearchParams(exact=True)
    flt = {
        "city": models.Filter(
            must=[models.FieldCondition(key="city", match=models.MatchValue(value="Paris"))]
        ),
        "range": models.Filter(must=[models.FieldCondition(key="n", range=models.Range(gte=100, lt=200))]),
        "text": models.Filter(must=[models.FieldCondition(key="title", match=models.MatchText(text="blue"))]),
        "not_city": models.Filter(
            must_not=[models.FieldCondition(key="city", match=models.MatchAny(any=["Berlin", "Oslo"]))]
        ),
    }
    plans: list[tuple[str, str | None, list[float], str]] = []
    if named:
        plans = [
            ("dense/city", "dense", _vec(3, DIM, salt=9), "city"),
            ("euclid/range", "euclid", _vec(5, 4, salt=9), "range"),
            ("manhattan/not_city", "manhattan", _vec(7, 6, salt=9), "not_city"),
        ]
    else:
        plans = [
            ("city", None, _vec(3, DIM, salt=9), "city"),
            ("range", None, _vec(5, DIM, salt=9), "range"),
            ("text", None, _vec(7, DIM, salt=9), "text"),
            ("not_city", None, _vec(11, DIM, salt=9), "not_city"),
        ]
    results = []
    for label, using, query, key in plans:
        hits = client.query_points(
            name,
            query=query,
            using=using,
            query_filter=flt[key],
            limit=15,
            search_params=exact,
            with_payload=True,
        ).points
        results.append((label, [str(h.id) for h in hits], [h.score for h in hits]))
    return results


def snapshot(client: QdrantClient, ns: str) -> dict[str, Any]:
    """Everything observable about namespace `ns`, with the prefix stripped from names."""
    state: dict[str, Any] = {
        "collections": sorted(
            _strip(ns, c.name) for c in client.get_collections().collections if c.name.startswith(f"{ns}_")
        ),
        "aliases": sorted(
            (_strip(ns, a.alias_name), _strip(ns, a.collection_name))
            for a in client.get_aliases().aliases
            if a.alias_name.startswith(f"{ns}_")
        ),
    }
    paris = models.Filter(must=[models.FieldCondition(key="city", match=models.MatchValue(value="Paris"))])
    for name in _names(ns):
        if _strip(ns, name) not in state["collections"]:
            continue  # a lost collection shows up as a `collections` difference
        info = client.get_collection(name)
        records, offsets = _scroll_all(client, name)
        state[_strip(ns, name)] = {
            "points_count": info.points_count,
            "payload_schema": {k: v.model_dump() for k, v in sorted(info.payload_schema.items())},
            "config": info.config.model_dump(),
            "aliases": sorted(_strip(ns, a.alias_name) for a in client.get_collection_aliases(name).aliases),
            "scroll": records,
            "page_offsets": [str(o) for o in offsets],
            "count": client.count(name, exact=True).count,
            "count_paris": client.count(name, count_filter=paris, exact=True).count,
            "searches": _searches(client, name, named=name.endswith("_named")),
        }
    if state["aliases"]:
        state["count_via_alias"] = client.count(f"{ns}_main", exact=True).count
    return state


def assert_same_state(after: dict[str, Any], before: dict[str, Any]) -> None:
    """Identical, except that search scores may differ in the last float bits (summation order)."""
    assert after["collections"] == before["collections"], "collections differ after restart"
    assert after["aliases"] == before["aliases"], "aliases differ after restart"
    for coll in before["collections"]:
        b, a = before[coll], after[coll]
        for key in (
            "points_count",
            "count",
            "count_paris",
            "aliases",
            "payload_schema",
            "config",
            "page_offsets",
        ):
            assert a[key] == b[key], f"{coll}: {key} differs after restart: {a[key]!r} != {b[key]!r}"
        before_ids = [r[0] for r in b["scroll"]]
        after_ids = [r[0] for r in a["scroll"]]
        assert after_ids == before_ids, (
            f"{coll}: scrolled ids differ; missing {sorted(set(before_ids) - set(after_ids))[:20]}, "
            f"unexpected {sorted(set(after_ids) - set(before_ids))[:20]}"
        )
        for rb, ra in zip(b["scroll"], a["scroll"], strict=True):
            assert ra == rb, f"{coll}: point {rb[0]} differs after restart:\n after  {ra}\n before {rb}"
        for (label, ids_b, scores_b), (label_a, ids_a, scores_a) in zip(
            b["searches"], a["searches"], strict=True
        ):
            assert label_a == label
            assert ids_a == ids_b, f"{coll}: search {label} returns other points after restart"
            assert scores_a == pytest.approx(scores_b, **SCORE_TOLERANCE), (
                f"{coll}: search {label} scores differ"
            )
    assert after.get("count_via_alias") == before["count_via_alias"], "count through the alias differs"


def _sanity(state: dict[str, Any]) -> None:
    """The scenario did what it says (so an empty or half-applied state cannot pass as 'identical')."""
    assert state["collections"] == ["named", "single"]
    assert state["aliases"] == [("main", "single"), ("multi", "named")]
    single, named = state["single"], state["named"]
    assert single["count"] == 300 - 11 - 9 == len(single["scroll"]) == single["points_count"]
    assert named["count"] == 200 - 4 == len(named["scroll"]) == named["points_count"]
    assert set(single["payload_schema"]) == {"city", "n", "title"}
    assert set(named["payload_schema"]) == {"city", "n"}
    assert single["count_paris"] > 40
    assert all(hits for _, hits, _ in single["searches"] + named["searches"]), "a search found nothing"


# ---------------------------------------------------------------- tests


def test_restart_after_sigterm_keeps_everything(node: Node) -> None:
    run_scenario(node.client, "a")
    before = snapshot(node.client, "a")
    _sanity(before)

    node.restart(signal.SIGTERM)
    assert_same_state(snapshot(node.client, "a"), before)

    # second generation: writes after a restart must outrank the recovered ones, and survive kill -9
    single, named = _names("a")
    node.client.set_payload(single, {"gen": 2, "city": "Cairo"}, points=[200, 201], wait=True)
    node.client.upsert(
        single,
        points=[models.PointStruct(id=150, vector=_vec(150, DIM, salt=5), payload={"gen": 2})],
        wait=True,
    )
    node.client.delete(named, points_selector=models.PointIdsList(points=[_named_id(151)]), wait=True)
    node.client.upsert(
        single, points=[models.PointStruct(id=5000, vector=_vec(5000, DIM), payload={"gen": 2})], wait=True
    )
    node.restart(signal.SIGKILL)

    got = {str(r.id): r for r in node.client.retrieve(single, ids=[150, 200, 201, 5000], with_vectors=True)}
    assert set(got) == {"150", "200", "201", "5000"}
    assert got["200"].payload == {**_payload(200), "gen": 2, "city": "Cairo"}
    assert got["201"].payload == {**_payload(201), "gen": 2, "city": "Cairo"}
    assert got["150"].payload == {"gen": 2}
    old_150 = next(r for r in before["single"]["scroll"] if r[0] == "150")
    assert got["150"].vector != old_150[1], "the overwritten vector of point 150 came back"
    assert got["5000"].payload == {"gen": 2}
    assert node.client.retrieve(named, ids=[_named_id(151)]) == []
    assert node.client.count(single, exact=True).count == before["single"]["count"] + 1
    cairo = models.Filter(must=[models.FieldCondition(key="city", match=models.MatchValue(value="Cairo"))])
    assert {str(r.id) for r in node.client.scroll(single, scroll_filter=cairo, limit=1000)[0]} >= {
        "200",
        "201",
    }


def test_restart_after_sigkill_right_after_last_ack_keeps_everything(node: Node) -> None:
    run_scenario(node.client, "ref")
    expected = snapshot(node.client, "ref")
    _sanity(expected)

    run_scenario(node.client, "sub")  # ends with a wait=True write ...
    node.restart(signal.SIGKILL)  # ... and nothing in between

    assert_same_state(snapshot(node.client, "sub"), expected)
    assert_same_state(snapshot(node.client, "ref"), expected)
