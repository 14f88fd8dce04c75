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
