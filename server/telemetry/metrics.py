"""GET /metrics: Qdrant 1.19's metric families in Prometheus text format, built with
prometheus-client from the same figures as /telemetry. `service.metrics_prefix` prefixes every
name. As Qdrant, request metrics cover its whitelist of point endpoints, timings only for REST 200."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector, CollectorRegistry

from server.telemetry import system
from server.telemetry.anonymize import anonymize_name
from server.telemetry.collections import CollectionFigures
from server.telemetry.report import APP_NAME
from server.telemetry.requests import OperationStats, TransportStats
from server.version import VERSION

_C = "/collections/{collection_name}"
REST_ENDPOINTS = frozenset({
    f"{_C}/index", f"{_C}/points", f"{_C}/points/batch", f"{_C}/points/count", f"{_C}/points/delete",
    f"{_C}/points/discover", f"{_C}/points/discover/batch", f"{_C}/points/facet", f"{_C}/points/payload",
    f"{_C}/points/payload/clear", f"{_C}/points/payload/delete", f"{_C}/points/query",
    f"{_C}/points/query/batch", f"{_C}/points/query/groups", f"{_C}/points/recommend",
    f"{_C}/points/recommend/batch", f"{_C}/points/recommend/groups", f"{_C}/points/scroll",
    f"{_C}/points/search", f"{_C}/points/search/batch", f"{_C}/points/search/groups",
    f"{_C}/points/search/matrix/offsets", f"{_C}/points/search/matrix/pairs", f"{_C}/points/vectors",
    f"{_C}/points/vectors/delete", f"{_C}/vectors/{{vector_name}}",
})
GRPC_ENDPOINTS = frozenset(f"/qdrant.Points/{rpc}" for rpc in (
    "ClearPayload", "Count", "CreateVectorName", "Delete", "DeletePayload", "DeleteVectorName", "Discover",
    "DiscoverBatch", "Facet", "Get", "OverwritePayload", "Query", "QueryBatch", "QueryGroups", "Recommend",
    "RecommendBatch", "RecommendGroups", "Scroll", "Search", "SearchBatch", "SearchGroups", "SetPayload",
    "UpdateBatch", "UpdateVectors", "Upsert"))


class _Families:
    """The five families of one transport's response statistics."""

    def __init__(self, prefix: str, labels: list[str]) -> None:
        self.total = CounterMetricFamily(f"{prefix}responses", "total number of responses", labels=labels)
        self.avg = GaugeMetricFamily(f"{prefix}responses_avg_duration_seconds", "average response duration",
                                     labels=labels)
        self.min = GaugeMetricFamily(f"{prefix}responses_min_duration_seconds", "minimum response duration",
                                     labels=labels)
        self.max = GaugeMetricFamily(f"{prefix}responses_max_duration_seconds", "maximum response duration",
                                     labels=labels)
        self.hist = HistogramMetricFamily(f"{prefix}responses_duration_seconds", "response duration histogram",
                                          labels=labels)

    def add(self, values: list[str], stats: OperationStats, timings: bool) -> None:
        self.total.add_metric(values, stats.count)
        if not timings:
            return
        self.avg.add_metric(values, stats.avg_s)
        self.min.add_metric(values, stats.min_s if stats.count else 0.0)
        self.max.add_metric(values, stats.max_s)
        buckets = [(str(bound), float(n)) for bound, n in stats.cumulative_buckets()]
        self.hist.add_metric(values, [*buckets, ("+Inf", float(stats.count))], sum_value=stats.total_s)

    def families(self) -> list[Metric]:
        return [self.total, self.avg, self.min, self.max, self.hist]


def _rest(prefix: str, stats: TransportStats, per_collection: bool) -> list[Metric]:
    labels = ["method", "endpoint", "status"] + (["collection"] if per_collection else [])
    fam = _Families(f"{prefix}rest_", labels)
    sources = ([(name, r) for name, r in stats.per_collection.items()] if per_collection
               else [(None, stats.responses)])
    for collection, responses in sources:
        for key, by_status in responses.items():
            method, _, endpoint = key.partition(" ")
            if endpoint not in REST_ENDPOINTS:
                continue
            for status, s in by_status.items():
                values = [method, endpoint, status] + ([collection] if collection is not None else [])
                fam.add(values, s, timings=status == "200")
    return fam.families()


def _grpc(prefix: str, stats: TransportStats, per_collection: bool) -> list[Metric]:
    labels = ["endpoint", "status"] + (["collection"] if per_collection else [])
    fam = _Families(f"{prefix}grpc_", labels)
    sources = ([(name, r) for name, r in stats.per_collection.items()] if per_collection
               else [(None, stats.responses)])
    for collection, responses in sources:
        for endpoint, by_status in responses.items():
            if endpoint not in GRPC_ENDPOINTS:
                continue
            for status, s in by_status.items():
                values = [endpoint, status] + ([collection] if collection is not None else [])
                fam.add(values, s, timings=True)
    return fam.families()


def _gauge(name: str, doc: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, value=value)


PROCESS_HELP = {
    "process_threads": "count of active threads",
    "process_open_mmaps": "count of open mmaps",
    "system_max_mmaps": "system wide limit of open mmaps",
    "process_open_fds": "count of currently open file descriptors",
    "process_max_fds": "limit for open file descriptors",
    "process_minor_page_faults_total": "count of minor page faults which didn't cause a disk access",
    "process_major_page_faults_total": "count of disk accesses caused by a mmap page fault",
}
"""Qdrant 1.19's HELP texts of its procfs families."""


def _per_collection(name: str, doc: str, values: list[tuple[str, float]], counter: bool = False) -> Metric | None:
    """A family with one series per collection (`id` label); None without collections, since Qdrant
    writes no family without series."""
    if not values:
        return None
    family = CounterMetricFamily(name, doc, labels=["id"]) if counter else GaugeMetricFamily(name, doc, labels=["id"])
    for cid, value in values:
        family.add_metric([cid], value)
    return family


class QuiverCollector(Collector):
    def __init__(self, prefix: str, figures: list[CollectionFigures], rest: TransportStats,
                 grpc: TransportStats, per_collection: bool, anonymize: bool, recovery_mode: bool,
                 quota_exceeded: dict[str, bool | None] | None = None) -> None:
        self.prefix = prefix
        self.figures = figures
        self.rest = rest
        self.grpc = grpc
        self.per_collection = per_collection
        self.anonymize = anonymize
        self.recovery_mode = recovery_mode
        self.quota_exceeded = quota_exceeded or {}
        """Per quota resource (`memory`, `disk`): at or over its limit; None when not enforced."""

    def _id(self, name: str) -> str:
        return anonymize_name(name) if self.anonymize else name

    def collect(self) -> Iterable[Metric]:
        p = self.prefix
        info = GaugeMetricFamily(f"{p}app_info", "information about qdrant server", labels=["name", "version"])
        info.add_metric([APP_NAME, VERSION], 1)
        yield info
        yield _gauge(f"{p}app_status_recovery_mode", "features enabled in qdrant server", float(self.recovery_mode))
        yield _gauge(f"{p}collections_total", "number of collections", len(self.figures))
        yield from self._collections()
        yield _gauge(f"{p}cluster_enabled", "is cluster support enabled", 0)
        yield from _rest(p, self.rest, self.per_collection)
        yield from _grpc(p, self.grpc, self.per_collection)
        mem = system.memory()
        for name, doc, value in (
            ("memory_active_bytes", "Total number of bytes in active pages allocated by the application",
             mem.anonymous_bytes),
            ("memory_allocated_bytes", "Total number of bytes allocated by the application", mem.anonymous_bytes),
            ("memory_resident_bytes", "Maximum number of bytes in physically resident data pages mapped",
             mem.resident_bytes),
            ("memory_retained_bytes", "Total number of bytes in virtual memory mappings", mem.virtual_bytes),
        ):
            yield _gauge(f"{p}{name}", doc, value)
        # one series per capped, measurable resource; none while the quota is off (as Qdrant: a series
        # that can never reach 1 would read as healthy)
        series = [(resource, exceeded) for resource, exceeded in self.quota_exceeded.items() if exceeded is not None]
        if series:
            quota = GaugeMetricFamily(f"{p}quota_exceeded",
                                      "whether this node is at or over the configured quota for a resource",
                                      labels=["resource"])
            for resource, exceeded in series:
                quota.add_metric([resource], float(exceeded))
            yield quota
        for name, figure in system.process_figures().items():
            if name.endswith("_total"):
                yield CounterMetricFamily(f"{p}{name[:-len('_total')]}", PROCESS_HELP[name], value=figure)
            else:
                yield _gauge(f"{p}{name}", PROCESS_HELP[name], figure)

    def _collections(self) -> Iterator[Metric]:
        p = self.prefix
        yield _gauge(f"{p}collections_vector_total", "total number of vectors in all collections",
                     sum(f.vectors for f in self.figures))
        # a standalone node: each collection is one shard with one active replica, never in transfer
        replicas = 1 if self.figures else 0
        yield _gauge(f"{p}collection_active_replicas_min", "minimum number of active replicas across all shards",
                     replicas)
        yield _gauge(f"{p}collection_active_replicas_max", "maximum number of active replicas across all shards",
                     replicas)
        yield _gauge(f"{p}collection_dead_replicas", "total amount of shard replicas in non-active state", 0)
        ids = [(self._id(f.name), f) for f in self.figures]
        for family in (
            _per_collection(f"{p}snapshot_creation_running", "amount of snapshot creations that are currently running",
                            [(cid, f.snapshots.running_snapshots) for cid, f in ids]),
            _per_collection(f"{p}snapshot_recovery_running", "amount of snapshot recovery operations currently running",
                            [(cid, f.snapshots.running_snapshot_recovery) for cid, f in ids]),
            _per_collection(f"{p}snapshot_created_total", "total amount of snapshots created",
                            [(cid, f.snapshots.total_snapshot_creations) for cid, f in ids], counter=True),
            _per_collection(f"{p}collection_shard_transfer_incoming", "incoming shard transfers currently running",
                            [(cid, 0) for cid, _ in ids]),
            _per_collection(f"{p}collection_shard_transfer_outgoing", "outgoing shard transfers currently running",
                            [(cid, 0) for cid, _ in ids]),
            _per_collection(f"{p}collection_update_queue_length",
                            "number of pending operations in update queues per collection",
                            [(cid, f.update_queue) for cid, f in ids]),
            # no point is ever hidden from reads while it waits for the optimizer
            _per_collection(f"{p}collection_update_queue_deferred_points",
                            "number of points currently hidden during read operations as they're not yet optimized",
                            [(cid, 0) for cid, _ in ids]),
        ):
            if family is not None:
                yield family
        if not self.figures:
            return
        vectors = GaugeMetricFamily(f"{p}collection_vectors", "amount of vectors grouped by vector name",
                                    labels=["collection", "vector"])
        points = GaugeMetricFamily(f"{p}collection_points", "approximate amount of points per collection",
                                   labels=["id"])
        running = GaugeMetricFamily(f"{p}collection_running_optimizations",
                                    "number of currently running optimization tasks per collection", labels=["id"])
        for fig in self.figures:
            cid = self._id(fig.name)
            for vector, count in fig.vectors_by_name.items():
                vectors.add_metric([cid, self._id(vector) if vector else vector], count)
            points.add_metric([cid], fig.info.points_count)
            running.add_metric([cid], fig.running_optimizations)
        yield from (vectors, points, running)


def render(collector: QuiverCollector) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return generate_latest(registry)
