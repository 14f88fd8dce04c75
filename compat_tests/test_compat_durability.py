"""kill -9 durability: every acknowledged write survives SIGKILL at a random moment.

A writer thread sends batches (20-100 points) through the stock `QdrantClient` (REST) with
`wait=True`: upserts of new and earlier ids (every upsert of an id is a new version, with vector and
payload derived from (id, version)), payload merges that change an indexed keyword field, deletes by
ids and deletes by filter. A batch counts as acknowledged only once its call returned. The server is
killed with SIGKILL 0.05-0.5 s into the writes (seeded RNG) and restarted on the same storage path,
for `CYCLES` cycles. After every restart:

- every point whose latest acknowledged operation left it alive is present with exactly that
  vector and payload; every point whose latest acknowledged operation deleted it is absent;
- the one batch in flight at the kill (sent, or about to be sent, with no answer) may have been
  applied or not, decided per point: each of its points is either in its state before the batch
  or in the state the batch gives it, never a mix of the two or anything else;
- no point exists that was never sent;
- `count(exact=True)` equals the number of points a full scroll finds, and for each value of the
  indexed keyword field `group`, both `count` and a filtered scroll (payload index) agree with a
  full scroll (full scan).

The in-flight batch's outcome, as observed, becomes the model's truth for the next cycle, so later
cycles also check that writes after a recovery outrank the recovered ones.
`QUIVER_DURABILITY_SEED` picks another seed. Runs alone in well under a minute:
`.venv/bin/python -m pytest compat_tests/test_compat_durability.py`.
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from compat_openapi import OpenApiValidator, TrafficChecker, install_httpx_hook
from compat_server import REPO_ROOT, ServerProcess, start_server
from conftest import memory_mode
from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import UnexpectedResponse

pytestmark = [
    pytest.mark.timeout(240),
    pytest.mark.skipif(memory_mode(), reason="kill -9 needs the real server"),
]

SEED = int(os.environ.get("QUIVER_DURABILITY_SEED", "1907"))
COLLECTION = "durable"
DIM = 8
N_IDS = 3000  # upserts pick ids from [0, N_IDS): new ids, overwrites and re-inserts of deleted ones
CYCLES = 12
MIN_CYCLES = 10
TIME_BUDGET_S = 60.0  # stop adding cycles (beyond MIN_CYCLES) once this is spent
KILL_AFTER_S = (0.05, 0.5)
BATCH_SIZE = (20, 100)
GROUPS = [f"g{k}" for k in range(6)]
KINDS = ["upsert", "delete", "set_payload", "delete_by_filter"]
CLIENT_TIMEOUT_S = 15
SCROLL_PAGE = 500

# A point's observable state: (vector, canonical JSON of its payload); None = absent.
State = tuple[tuple[float, ...], str]


@pytest.fixture(scope="module")
def traffic(openapi_validator: OpenApiValidator | None) -> Iterator[TrafficChecker | None]:
    """Schema-check this module's traffic to its own (restarting) local servers, not the session server."""
    if openapi_validator is None:
        yield None
        return
    checker = TrafficChecker(openapi_validator, "http://127.0.0.1:")
    with install_httpx_hook(checker.observe):
        yield checker


def vector_for(pid: int, version: int) -> list[float]:
    """Float32-exact components (multiples of 1/8); Dot distance keeps them as sent."""
    return [((pid * 13 + version * 29 + k * 7 + pid * k) % 61 - 30) / 8.0 for k in range(DIM)]


def payload_for(pid: int, version: int) -> dict[str, Any]:
    return {
        "pid": pid,
        "ver": version,
        "group": GROUPS[(pid + version) % len(GROUPS)],
        "tags": [f"v{version}"],
    }


def state_of(vector: list[float], payload: dict[str, Any]) -> State:
    return tuple(vector), json.dumps(payload, sort_keys=True)


def describe(st: State | None) -> str:
    if st is None:
        return "absent"
    payload = json.loads(st[1])
    return f"ver={payload.get('ver')} group={payload.get('group')} touch={payload.get('touch')}"


@dataclass(slots=True)
class Batch:
    kind: str
    changes: dict[int, State | None]  # the state each touched point has once the batch is applied
    send: Callable[[QdrantClient], object]


@dataclass(slots=True)
class Model:
    """What the client knows: the latest acknowledged state of every id it ever touched."""

    acked: dict[int, State | None] = field(default_factory=dict)
    versions: Counter[int] = field(default_factory=Counter)  # upserts sent per id (acked or not)
    in_flight: Batch | None = None
    acked_kinds: Counter[str] = field(default_factory=Counter)
    touches: int = 0

    def live(self) -> list[int]:
        return sorted(pid for pid, st in self.acked.items() if st is not None)

    def plan(self, rng: random.Random) -> Batch:
        """The next batch, derived only from acknowledged state (nothing else is in flight)."""
        live = self.live()
        size = rng.randint(*BATCH_SIZE)
        kind = rng.choices(KINDS, weights=[55, 20, 15, 10])[0] if len(live) >= 2 * BATCH_SIZE[1] else "upsert"
        changes: dict[int, State | None] = {}
        if kind == "upsert":
            points = []
            for pid in rng.sample(range(N_IDS), size):
                self.versions[pid] += 1
                vector, payload = vector_for(pid, self.versions[pid]), payload_for(pid, self.versions[pid])
                points.append(models.PointStruct(id=pid, vector=vector, payload=payload))
                changes[pid] = state_of(vector, payload)
            return Batch(kind, changes, lambda c: c.upsert(COLLECTION, points=points, wait=True))
        if kind == "delete":
            ids = rng.sample(live, size)
            changes = dict.fromkeys(ids)
            return Batch(
                kind,
                changes,
                lambda c: c.delete(COLLECTION, points_selector=models.PointIdsList(points=ids), wait=True),
            )
        if kind == "set_payload":
            self.touches += 1
            patch = {"group": rng.choice(GROUPS), "touch": self.touches}
            ids = rng.sample(live, size)
            for pid in ids:
                old = self.acked[pid]
                assert old is not None
                changes[pid] = (old[0], json.dumps({**json.loads(old[1]), **patch}, sort_keys=True))
            return Batch(kind, changes, lambda c: c.set_payload(COLLECTION, patch, points=ids, wait=True))
        # delete_by_filter: one group within a window of ids (the model knows exactly who matches)
        group, low = rng.choice(GROUPS), rng.randrange(0, N_IDS, 250)
        for pid in live:
            st = self.acked[pid]
            assert st is not None
            if low <= pid < low + 500 and json.loads(st[1])["group"] == group:
                changes[pid] = None
        selector = models.FilterSelector(
            filter=models.Filter(
                must=[
                    models.FieldCondition(key="group", match=models.MatchValue(value=group)),
                    models.FieldCondition(key="pid", range=models.Range(gte=low, lt=low + 500)),
                ]
            )
        )
        return Batch(kind, changes, lambda c: c.delete(COLLECTION, points_selector=selector, wait=True))

    def acknowledge(self, batch: Batch) -> None:
        self.acked.update(batch.changes)
        self.acked_kinds[batch.kind] += 1


@dataclass(slots=True)
class WriterOutcome:
    error: BaseException | None = None
    error_after_kill: bool = False
    acked_batches: int = 0


def run_writer(
    client: QdrantClient,
    model: Model,
    rng: random.Random,
    started: threading.Event,
    killing: threading.Event,
    outcome: WriterOutcome,
) -> None:
    """Send batches back to back until one fails (the kill); only a returned call is acknowledged."""
    while True:
        batch = model.plan(rng)
        model.in_flight = batch
        started.set()
        try:
            batch.send(client)
        except BaseException as exc:  # the kill (connection reset/refused), or a real error
            outcome.error, outcome.error_after_kill = exc, killing.is_set()
            return
        model.acknowledge(batch)
        model.in_flight = None
        outcome.acked_batches += 1


# ---------------------------------------------------------------- checks after a restart


def scroll_everything(client: QdrantClient) -> dict[int, State]:
    found: dict[int, State] = {}
    offset = None
    while True:
        page, offset = client.scroll(
            COLLECTION, limit=SCROLL_PAGE, offset=offset, with_payload=True, with_vectors=True
        )
        for record in page:
            pid = record.id
            assert isinstance(pid, int), f"unexpected id {pid!r}"
            assert pid not in found, f"full scroll returns point {pid} twice"
            assert isinstance(record.vector, list) and record.payload is not None, record
            found[pid] = state_of(record.vector, record.payload)
        if offset is None:
            return found


def check_points(model: Model, found: dict[int, State], cycle: int) -> None:
    in_flight = model.in_flight.changes if model.in_flight is not None else {}
    problems: list[str] = []
    for pid in sorted(set(found) | set(model.acked) | set(in_flight)):
        got = found.get(pid)
        acked = model.acked.get(pid)  # None: never written or deleted
        allowed = [acked] + ([in_flight[pid]] if pid in in_flight else [])
        if got in allowed:
            continue
        if pid not in model.acked and pid not in in_flight:
            problems.append(f"point {pid} was never sent but exists ({describe(got)})")
        elif got is None:
            problems.append(f"point {pid} lost: acknowledged {describe(acked)}")
        else:
            hint = f", or in flight {describe(in_flight[pid])}" if pid in in_flight else ""
            problems.append(f"point {pid}: found {describe(got)}, acknowledged {describe(acked)}{hint}")
    assert not problems, (
        f"cycle {cycle}: {len(problems)} points wrong after kill -9 and restart "
        f"(in flight: {model.in_flight.kind if model.in_flight else None}):\n" + "\n".join(problems[:25])
    )


def check_counts_and_index(client: QdrantClient, found: dict[int, State], cycle: int) -> None:
    total = client.count(COLLECTION, exact=True).count
    assert total == len(found), f"cycle {cycle}: count(exact) = {total}, full scroll finds {len(found)}"
    schema = client.get_collection(COLLECTION).payload_schema
    assert "group" in schema and schema["group"].data_type == models.PayloadSchemaType.KEYWORD, (
        f"cycle {cycle}: keyword index on `group` lost: {schema}"
    )
    # every live point has a `group`, so the index must report all of them as indexed
    assert schema["group"].points == len(found), (
        f"cycle {cycle}: payload_schema says {schema['group'].points} points indexed on `group`, "
        f"a full scroll finds {len(found)}"
    )
    for group in GROUPS:
        scanned = {pid for pid, st in found.items() if json.loads(st[1]).get("group") == group}
        flt = models.Filter(must=[models.FieldCondition(key="group", match=models.MatchValue(value=group))])
        counted = client.count(COLLECTION, count_filter=flt, exact=True).count
        assert counted == len(scanned), (
            f"cycle {cycle}: count(group={group}) = {counted}, a full scroll finds {len(scanned)}"
        )
        hits, _ = client.scroll(COLLECTION, scroll_filter=flt, limit=N_IDS + 1, with_payload=False)
        indexed = {int(h.id) for h in hits}
        assert indexed == scanned, (
            f"cycle {cycle}: filtered scroll (group={group}) disagrees with a full scan: "
            f"extra {sorted(indexed - scanned)[:10]}, missing {sorted(scanned - indexed)[:10]}"
        )


# ---------------------------------------------------------------- the test


def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    if not (REPO_ROOT / "server" / "__main__.py").exists():
        pytest.fail("server/__main__.py does not exist: `python -m server` cannot start")
    rng = random.Random(SEED)
    model = Model()
    server: ServerProcess = start_server(tmp_path, log_name="server-0.log")
    client = QdrantClient(url=server.url, prefer_grpc=False, timeout=CLIENT_TIMEOUT_S)
    try:
        client.create_collection(
            COLLECTION, vectors_config=models.VectorParams(size=DIM, distance=models.Distance.DOT)
        )
        client.create_payload_index(COLLECTION, "group", models.PayloadSchemaType.KEYWORD, wait=True)
        began = time.monotonic()
        cycle = 0
        in_flight_at_kill: Counter[str] = Counter()
        while cycle < MIN_CYCLES or (cycle < CYCLES and time.monotonic() - began < TIME_BUDGET_S):
            cycle += 1
            started, killing, outcome = threading.Event(), threading.Event(), WriterOutcome()
            writer = threading.Thread(
                target=run_writer,
                args=(client, model, random.Random(rng.random()), started, killing, outcome),
                daemon=True,
            )
            writer.start()
            assert started.wait(10), "writer did not start"
            time.sleep(rng.uniform(*KILL_AFTER_S))
            killing.set()
            server.kill()
            writer.join(CLIENT_TIMEOUT_S + 10)
            assert not writer.is_alive(), f"cycle {cycle}: writer still blocked after the kill"
            client.close()
            assert outcome.error is not None
            assert outcome.error_after_kill and not isinstance(outcome.error, UnexpectedResponse), (
                f"cycle {cycle}: a write failed on a live server: {outcome.error!r}\n{server.log_tail()}"
            )
            if model.in_flight is not None:
                in_flight_at_kill[model.in_flight.kind] += 1

            server = start_server(tmp_path, log_name=f"server-{cycle}.log")
            client = QdrantClient(url=server.url, prefer_grpc=False, timeout=CLIENT_TIMEOUT_S)
            assert client.collection_exists(COLLECTION), f"cycle {cycle}: collection lost after kill -9"
            found = scroll_everything(client)
            check_points(model, found, cycle)
            check_counts_and_index(client, found, cycle)
            # the in-flight batch's fate, as observed, is the truth from now on
            if model.in_flight is not None:
                for pid in model.in_flight.changes:
                    model.acked[pid] = found.get(pid)
                model.in_flight = None

        stats = (
            f"acked {dict(model.acked_kinds)}, in flight at kills {dict(in_flight_at_kill)}, cycles {cycle}"
        )
        print(stats)  # shown with -rP
        assert sum(model.acked_kinds.values()) >= cycle, f"too few writes to mean anything: {stats}"
        assert model.acked_kinds["upsert"] and model.acked_kinds["delete"], stats
        assert len(model.live()) > 100, stats
    finally:
        client.close()
        server.stop()


# ---------------------------------------------------------------- kill -9 inside a flush, a swap, a merge
# The server's test-only hook (engine/persistence/test_hooks.py, off unless QUIVER_TEST_PAUSE_AT is
# set) holds the named point open for a while, so the kill lands exactly inside that window.


def _wait_for_pause(server: ServerProcess, point: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tail = server.log_tail(max_chars=200_000)
        if any("test pause" in line and point in line for line in tail.splitlines()):
            return
        assert server.alive(), server.log_tail()
        time.sleep(0.1)
    pytest.fail(f"the server never paused at {point!r}:\n{server.log_tail()}")


def _wait_segments(client: QdrantClient, count: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (client.get_collection(COLLECTION).segments_count or 0) >= count:
            return
        time.sleep(0.1)
    pytest.fail(f"never {count} segments: {client.get_collection(COLLECTION)}")


def _wait_green(client: QdrantClient, timeout: float = 60.0) -> models.CollectionInfo:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = client.get_collection(COLLECTION)
        if info.status == models.CollectionStatus.GREEN:
            return info
        time.sleep(0.1)
    pytest.fail(f"collection never became green: {client.get_collection(COLLECTION)}")


def _upsert(client: QdrantClient, ids: range, version: int, model: dict[int, State]) -> None:
    client.upsert(COLLECTION, wait=True, points=[
        models.PointStruct(id=i, vector=vector_for(i, version), payload=payload_for(i, version)) for i in ids])
    for i in ids:
        model[i] = state_of(vector_for(i, version), payload_for(i, version))


def _check(client: QdrantClient, model: dict[int, State]) -> None:
    found = scroll_everything(client)
    missing = [pid for pid in model if pid not in found]
    wrong = [pid for pid, st in model.items() if pid in found and found[pid] != st]
    assert not missing and not wrong and len(found) == len(model), (missing[:10], wrong[:10], len(found))
    assert client.count(COLLECTION, exact=True).count == len(model)
    check_counts_and_index(client, found, 0)


@pytest.mark.parametrize("point", ["flush", "segment_written", "merge"])
def test_kill_9_inside_a_persistence_window_loses_nothing(tmp_path: Path, point: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Acknowledged writes before and during the window survive; a restart after the optimizer
    finished comes back with the same segments and does not optimize again."""
    monkeypatch.setenv("QUIVER_TEST_PAUSE_AT", point)
    monkeypatch.setenv("QUIVER_TEST_PAUSE_SECONDS", "60")
    server = start_server(tmp_path, log_name="paused.log")
    client = QdrantClient(url=server.url, prefer_grpc=False, timeout=CLIENT_TIMEOUT_S)
    model: dict[int, State] = {}
    try:
        # indexing_threshold 1 KB = 32 points of 8 floats: every batch below seals a segment
        client.create_collection(
            COLLECTION, vectors_config=models.VectorParams(size=DIM, distance=models.Distance.DOT),
            optimizers_config=models.OptimizersConfigDiff(indexing_threshold=1, default_segment_number=2,
                                                          flush_interval_sec=1))
        client.create_payload_index(COLLECTION, "group", models.PayloadSchemaType.KEYWORD, wait=True)
        batches = 3 if point == "merge" else 1
        for b in range(batches):
            _upsert(client, range(b * 200, b * 200 + 200), 1, model)
            if point == "merge" and b < batches - 1:
                _wait_segments(client, b + 2)  # the optimizer seals this batch once writes pause
        _wait_for_pause(server, point)
        _upsert(client, range(50, 80), 2, model)  # written while the window is open
        client.delete(COLLECTION, points_selector=models.PointIdsList(points=list(range(80, 90))), wait=True)
        for i in range(80, 90):
            model.pop(i)
        client.close()
        server.kill()
    finally:
        client.close()
        server.stop()
    monkeypatch.delenv("QUIVER_TEST_PAUSE_AT")
    server = start_server(tmp_path, log_name="after-kill.log")
    client = QdrantClient(url=server.url, prefer_grpc=False, timeout=CLIENT_TIMEOUT_S)
    try:
        _check(client, model)
        info = _wait_green(client)
        client.close()
        server.kill()  # right after the optimizer finished: its results must already be durable
        server = start_server(tmp_path, log_name="after-green.log")
        client = QdrantClient(url=server.url, prefer_grpc=False, timeout=CLIENT_TIMEOUT_S)
        again = client.get_collection(COLLECTION)
        assert again.status == models.CollectionStatus.GREEN, again
        assert again.segments_count == info.segments_count
        assert again.indexed_vectors_count == info.indexed_vectors_count
        _check(client, model)
    finally:
        client.close()
        server.stop()
