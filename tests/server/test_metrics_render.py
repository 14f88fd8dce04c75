"""/metrics rendering: Qdrant's names, `service.metrics_prefix` on every family, REST timings only for 200."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from server.telemetry.metrics import QuiverCollector, render
from server.telemetry.requests import TransportStats

QUERY = "POST /collections/{collection_name}/points/query"


def _names(prefix: str, rest: TransportStats) -> dict[str, float]:
    text = render(QuiverCollector(prefix, [], rest, TransportStats(), False, False, False)).decode()
    return {f"{s.name}|{s.labels.get('status', '')}": s.value
            for f in text_string_to_metric_families(text) for s in f.samples}


def test_prefix_applies_to_every_family() -> None:
    rest = TransportStats()
    rest.record(QUERY, "200", 0.004, False, "c")
    names = _names("qdrant_", rest)
    assert names and all(n.startswith("qdrant_") for n in names)
    assert names["qdrant_rest_responses_total|200"] == 1
    assert names["qdrant_app_info|"] == 1


def test_timings_only_for_status_200_and_whitelisted_endpoints() -> None:
    rest = TransportStats()
    rest.record(QUERY, "200", 0.004, False, "c")
    rest.record(QUERY, "400", 0.001, True, "c")
    rest.record("GET /collections", "200", 0.001, False, None)
    names = _names("", rest)
    assert names["rest_responses_total|400"] == 1
    assert "rest_responses_avg_duration_seconds|400" not in names
    assert abs(names["rest_responses_avg_duration_seconds|200"] - 0.004) < 1e-9
    assert not any("GET" in n for n in names)
    assert sum(v for n, v in names.items() if n.startswith("rest_responses_total")) == 2


def _families(figures: list[object], exceeded: dict[str, bool | None] | None = None) -> dict[str, object]:
    text = render(QuiverCollector("", figures, TransportStats(), TransportStats(), False, False, False,  # type: ignore[arg-type]
                                  exceeded)).decode()
    return {f.name: f for f in text_string_to_metric_families(text)}


def _figures() -> list[object]:
    from engine.collection.collection import CollectionInfo
    from engine.snapshots.counters import SnapshotCounts
    from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams
    from server.telemetry.collections import CollectionFigures

    config = CollectionConfig(params=CollectionParams(vectors={"": VectorParams(4, Distance.DOT)}, unnamed=True))
    info = CollectionInfo("green", "ok", 7, 0, 1, config)
    return [CollectionFigures("c", info, {"": 7}, 0, 0, SnapshotCounts(0, 1, 3), update_queue=2)]


def test_qdrant_families_of_a_standalone_node() -> None:
    families = _families(_figures())
    for name, kind, help_text in (
        ("collection_active_replicas_min", "gauge", "minimum number of active replicas across all shards"),
        ("collection_dead_replicas", "gauge", "total amount of shard replicas in non-active state"),
        ("snapshot_created", "counter", "total amount of snapshots created"),
        ("snapshot_recovery_running", "gauge", "amount of snapshot recovery operations currently running"),
        ("collection_update_queue_length", "gauge", "number of pending operations in update queues per collection"),
        ("collection_shard_transfer_incoming", "gauge", "incoming shard transfers currently running"),
        ("process_threads", "gauge", "count of active threads"),
        ("process_minor_page_faults", "counter", "count of minor page faults which didn't cause a disk access"),
        ("memory_retained_bytes", "gauge", "Total number of bytes in virtual memory mappings"),
    ):
        family = families[name]
        assert (family.type, family.documentation) == (kind, help_text), name  # type: ignore[attr-defined]
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for f in families.values() for s in f.samples}  # type: ignore[attr-defined]
    assert samples[("collection_active_replicas_max", ())] == 1
    assert samples[("snapshot_created_total", (("id", "c"),))] == 3
    assert samples[("snapshot_recovery_running", (("id", "c"),))] == 1
    assert samples[("collection_update_queue_length", (("id", "c"),))] == 2
    assert "quota_exceeded" not in families  # no series while the quota is off
    # no collections: the per-collection families are left out, the replica gauges are 0
    empty = _families([])
    assert "snapshot_created" not in empty and "collection_update_queue_length" not in empty
    assert next(iter(empty["collection_active_replicas_min"].samples)).value == 0  # type: ignore[attr-defined]


def test_quota_exceeded_has_a_series_per_enforced_resource() -> None:
    families = _families([], {"memory": None, "disk": True})
    family = families["quota_exceeded"]
    assert family.documentation == "whether this node is at or over the configured quota for a resource"  # type: ignore[attr-defined]
    assert [(s.labels, s.value) for s in family.samples] == [({"resource": "disk"}, 1.0)]  # type: ignore[attr-defined]
