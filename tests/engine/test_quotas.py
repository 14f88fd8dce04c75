"""Resource quotas (Qdrant 1.19's `/quotas`): which writes they refuse, with which text, the release
margin that holds a tripped limit, and the seed from the storage config."""

from pathlib import Path

import numpy as np
import pytest

from engine.errors import InsufficientStorage
from engine.quotas import QuotaConfig, QuotaStore, QuotaUsage, measure, percent_of
from engine.types.config import Distance, VectorParams
from engine.types.operations import (
    CreateFieldIndex,
    CreateVectorName,
    DeleteFieldIndex,
    DeletePoints,
    DeleteVectorName,
    SetPayload,
    UpsertPoints,
)
from engine.types.payload_schema import PayloadSchema
from engine.types.points import PointStruct

UPSERT = UpsertPoints(points=[PointStruct(id=1, vectors={"": np.zeros(2, np.float32)})])


class Meter:
    def __init__(self) -> None:
        self.usage = QuotaUsage(resident_memory_percent=50, disk_usage_percent=50)
        self.readings = 0

    def __call__(self) -> QuotaUsage:
        self.readings += 1
        return self.usage


def store(tmp_path: Path, meter: Meter, **limits: int | None) -> QuotaStore:
    quotas = QuotaStore(tmp_path, meter)
    quotas.set(QuotaConfig(enabled=True, **limits))  # type: ignore[arg-type]
    return quotas


def test_memory_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("engine.quotas.READING_TTL_S", 0.0)
    meter = Meter()
    quotas = store(tmp_path, meter, max_resident_memory_percent=60)
    quotas.check_write([UPSERT])
    meter.usage = QuotaUsage(resident_memory_percent=60, disk_usage_percent=99)
    with pytest.raises(InsufficientStorage) as info:
        quotas.check_write([UPSERT])
    assert info.value.message == (
        "Resident memory usage is at 60% of total memory, exceeding the configured limit of 60%. Help: Reduce "
        "memory usage (e.g. delete points or drop collections), or raise `max_resident_memory_percent` in the "
        "global quota config.")
    # a tripped limit holds until usage falls the release margin (default 5) below it
    meter.usage = QuotaUsage(resident_memory_percent=57, disk_usage_percent=99)
    with pytest.raises(InsufficientStorage, match="It reached the configured limit of 60% and has to fall below "
                                                  "55% before this node takes writes again"):
        quotas.check_write([UPSERT])
    meter.usage = QuotaUsage(resident_memory_percent=54, disk_usage_percent=99)
    quotas.check_write([UPSERT])
    meter.usage = QuotaUsage(resident_memory_percent=58, disk_usage_percent=99)
    quotas.check_write([UPSERT])  # cleared: it takes the whole limit to trip again


def test_disk_limit_and_which_operations_it_refuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("engine.quotas.READING_TTL_S", 0.0)
    meter = Meter()
    quotas = store(tmp_path, meter, max_disk_usage_percent=50, release_margin_percent=0)
    refused = [UPSERT, SetPayload(payload={"a": 1}, ids=[1]),
               CreateFieldIndex(key="k", schema=PayloadSchema(type="keyword")),
               CreateVectorName(name="v", dense=VectorParams(size=2, distance=Distance.DOT))]
    for op in refused:
        with pytest.raises(InsufficientStorage, match="Disk usage is at 50% of total capacity, exceeding the "
                                                      "configured limit of 50%.*`max_disk_usage_percent`"):
            quotas.check_write([op])
    for op in (DeletePoints(ids=[1]), DeleteFieldIndex(key="k"), DeleteVectorName(name="v")):
        quotas.check_write([op])  # deletes free resources: never refused
    meter.usage = QuotaUsage(resident_memory_percent=50, disk_usage_percent=49)
    quotas.check_write([UPSERT])  # no margin: back in service just under the limit


def test_disabled_unmeasurable_and_uncapped_are_not_enforced(tmp_path: Path) -> None:
    meter = Meter()
    meter.usage = QuotaUsage(resident_memory_percent=100, disk_usage_percent=None)
    quotas = QuotaStore(tmp_path, meter)
    quotas.set(QuotaConfig(enabled=False, max_resident_memory_percent=1, max_disk_usage_percent=1))
    quotas.check_write([UPSERT])
    assert meter.readings == 0  # nothing is measured while disabled
    quotas.set(QuotaConfig(enabled=True, max_disk_usage_percent=1))  # disk not measurable, memory uncapped
    quotas.check_write([UPSERT])


def test_readings_are_reused_briefly(tmp_path: Path) -> None:
    meter = Meter()
    quotas = store(tmp_path, meter, max_disk_usage_percent=90)
    for _ in range(20):
        quotas.check_write([UPSERT])
    assert meter.readings == 1


def test_config_is_stored_and_seeded_once(tmp_path: Path) -> None:
    seed = QuotaConfig(enabled=True, max_disk_usage_percent=80)
    assert QuotaStore(tmp_path, seed=seed).config == seed  # no quotas.json yet: the seed
    QuotaStore(tmp_path).set(QuotaConfig(max_resident_memory_percent=70))
    assert QuotaStore(tmp_path, seed=seed).config == QuotaConfig(max_resident_memory_percent=70)


def test_real_measurement() -> None:
    usage = measure(Path("."))
    assert usage.disk_usage_percent is not None and 0 <= usage.disk_usage_percent <= 100
    assert usage.resident_memory_percent is not None and 0 <= usage.resident_memory_percent <= 100
    assert percent_of(999, 1000) == 99 and percent_of(5, 0) is None and percent_of(300, 100) == 100
