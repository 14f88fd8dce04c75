"""The shared client scenario as data: every client path (Python sync/async × REST/gRPC, JS REST, JS
gRPC, Go gRPC) reads this one JSON document, runs the same steps with its own stock client and
writes what it observed as JSON; `scenario_compare` checks that against the expected answers.

The workload is the one our users run: two collections (domains) with a named dense vector and a
sparse (IDF) vector, a tenant keyword index (`is_tenant`), integer / datetime / text indexes,
batched upserts (UUID ids in one collection, integer ids in the other), tenant-filtered and
multi-condition search, prefetch + RRF/DBSF hybrid, recommend, groups, scroll, count, set payload,
delete by filter, aliases with an atomic switch, snapshots and errors for bad input.

Each runner implements the steps in `STEPS` order; the parameters below are the only source of
vectors, filters and ids, so the runners hold no data of their own.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

DIM = 8
VOCAB = 60
TENANTS = ["acme", "globex", "initech"]
CATEGORIES = ["guide", "faq", "news", "blog"]
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
POINTS_PER_COLLECTION = 150
BATCH = 40

# Observation kinds, compared by scenario_compare: scored (ids+scores with tie tolerance),
# groups, ids (exact order), id_set, count, records (id + payload), value (exact JSON).
STEPS = [
    ("info", "value"), ("search_tenant", "scored"), ("search_filtered", "scored"),
    ("hybrid_rrf", "scored"), ("hybrid_dbsf", "scored"), ("recommend", "scored"),
    ("groups", "groups"), ("scroll_docs", "id_set"), ("scroll_faq", "ids"), ("count_docs", "count"),
    ("count_tenant", "count"), ("errors", "value"), ("count_after_errors", "count"),
    ("set_payload_count", "count"), ("set_payload_records", "records"), ("delete_count", "count"),
    ("alias_before", "count"), ("alias_after", "count"), ("aliases", "value"), ("snapshot", "value"),
]

# Answers the scenario defines itself (QdrantClient(":memory:") keeps no payload schema, has no
# snapshots and raises Python errors rather than wire statuses).
FIXED_EXPECTED: dict[str, Any] = {
    "info": {"docs": {"tenant": "keyword", "year": "integer", "created": "datetime", "title": "text"},
             "faq": {"tenant": "keyword", "year": "integer", "created": "datetime", "title": "text"}},
    "errors": {"wrong_dimension": "bad_request", "missing_collection": "not_found",
               "existing_collection": "already_exists"},
    "snapshot": {"listed": True, "size_matches": True, "checksum_matches": True},
}
PYTHON_ONLY_FROM_SERVER = {"info", "errors", "snapshot"}


def _sparse(rng: random.Random, terms: int) -> dict[str, list[Any]]:
    indices = sorted(rng.sample(range(VOCAB), terms))
    return {"indices": indices, "values": [round(rng.uniform(0.1, 2.0), 3) for _ in indices]}


def _dense(rng: random.Random) -> list[float]:
    return [round(rng.gauss(0, 1), 4) for _ in range(DIM)]


def _points(rng: random.Random, uuid_ids: bool) -> list[dict[str, Any]]:
    points = []
    for i in range(POINTS_PER_COLLECTION):
        point_id: Any = str(uuid.UUID(int=rng.getrandbits(128), version=4)) if uuid_ids else i + 1
        year = rng.randint(2000, 2024)
        points.append({
            "id": point_id,
            "dense": _dense(rng),
            "sparse": _sparse(rng, rng.randint(3, 10)),
            "payload": {
                "tenant": TENANTS[i % len(TENANTS)],
                "year": year,
                "created": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00Z",
                "title": " ".join(rng.sample(WORDS, 3)),
                "category": rng.choice(CATEGORIES),
            },
        })
    return points


def build_spec() -> dict[str, Any]:
    """The scenario document (deterministic). Collection and alias names get the runner's prefix."""
    rng = random.Random(20261201)
    docs = _points(rng, uuid_ids=True)
    faq = _points(rng, uuid_ids=False)
    docs_ids = [p["id"] for p in docs]
    return {
        "dim": DIM,
        "dense": "dense",
        "sparse": "text",
        "batch": BATCH,
        "collections": {"docs": docs, "faq": faq},
        "indexes": [
            {"field": "tenant", "type": "keyword", "is_tenant": True},
            {"field": "year", "type": "integer"},
            {"field": "created", "type": "datetime"},
            {"field": "title", "type": "text"},
        ],
        # Every query runs on "docs" unless it names a collection.
        "search_tenant": {"vector": _dense(rng), "tenant": "globex", "limit": 5},
        "search_filtered": {"vector": _dense(rng), "year_gte": 2008, "year_lt": 2021,
                            "created_gte": "2010-01-01T00:00:00Z", "text": "delta", "limit": 5},
        "hybrid": {"dense": _dense(rng), "sparse": _sparse(rng, 4), "prefetch_limit": 20, "limit": 6,
                   "tenant": "acme"},
        "recommend": {"positive": docs_ids[:2], "negative": [docs_ids[2]], "tenant": "initech",
                      "limit": 5},
        "groups": {"vector": _dense(rng), "group_by": "category", "limit": 3, "group_size": 2},
        "scroll_limit": 17,
        "count_tenant": "acme",
        "wrong_vector": [0.5] * (DIM - 1),
        "set_payload": {"payload": {"reviewed": True, "score": 4.5}, "tenant": "acme", "year_gte": 2015,
                        "retrieve": docs_ids[:12:3]},
        "delete_faq_year_lt": 2006,
        "alias": "live",
    }
