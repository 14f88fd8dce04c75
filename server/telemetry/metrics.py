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


class QuiverCollector(Collector):
    def __init__(self, prefix: str, figures: list[CollectionFigures], rest: TransportStats,
                 grpc: TransportStats, per_collection: bool, anonymize: bool, recovery_mode: bool) -> None:
        self.prefix = prefix
        self.figures = figures
        self.rest = rest
        self.grpc = grpc
        self.per_collection = per_collection
        self.anonymize = anonymize
        self.recovery_mode = recovery_mode

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
        ):
            yield _gauge(f"{p}{name}", doc, value)
        for name, figure in system.process_figures().items():
            if name.endswith("_total"):
                yield CounterMetricFamily(f"{p}{name[:-len('_total')]}", name.replace("_", " "), value=figure)
            else:
                yield _gauge(f"{p}{name}", name.replace("_", " "), figure)

    def _collections(self) -> Iterator[Metric]:
        p = self.prefix
        yield _gauge(f"{p}collections_vector_total", "total number of vectors in all collections",
                     sum(f.vectors for f in self.figures))
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
