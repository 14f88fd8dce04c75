"""Payloads of a sealed base stay packed msgpack bytes: reads decode one point, writes since the
load and appended offsets are kept beside them, and a base of format 2 (no stored starts) reads
the same as one of format 3."""

from pathlib import Path

import msgpack
import numpy as np

from engine.segment.payload_store import PayloadStore, element_starts, map_file, pack_payloads

PAYLOADS = [{"a": 1}, None, {"b": [1, 2, {"c": "x"}]}, {}, {"é": 2.5, "n": None}]


def test_packed_payloads_read_like_the_list(tmp_path: Path) -> None:
    blob, starts = pack_payloads(PAYLOADS)
    assert msgpack.unpackb(blob) == [p if p else None for p in PAYLOADS]  # still one msgpack array
    assert element_starts(blob).tolist() == starts.tolist()
    (tmp_path / "p.msgpack").write_bytes(blob)
    store = PayloadStore.packed(map_file(tmp_path / "p.msgpack"), starts)
    expected = [{"a": 1}, None, {"b": [1, 2, {"c": "x"}]}, None, {"é": 2.5, "n": None}]
    assert len(store) == 5 and list(store) == expected and store[1:4] == expected[1:4] and store[-1] == expected[-1]
    first = store[0]
    assert first is not None
    first["a"] = 99  # a read is a fresh value: changing it changes nothing stored
    assert store[0] == {"a": 1}
    store[2] = {"z": True}
    store.append({"new": 1})
    store.extend([None, {"k": "v"}])
    store[5] = {"new": 2}
    assert list(store) == [{"a": 1}, None, {"z": True}, None, {"é": 2.5, "n": None}, {"new": 2}, None, {"k": "v"}]
    assert store.packed_count == 4


def test_an_empty_base_and_a_store_without_one() -> None:
    blob, starts = pack_payloads([])
    assert starts.tolist() == [1] and element_starts(blob).tolist() == [1]
    assert list(PayloadStore.packed(blob, starts)) == []
    plain = PayloadStore([{"a": 1}, None])
    plain[1] = {"b": 2}
    assert list(plain) == [{"a": 1}, {"b": 2}] and plain.packed_count == 0
    assert np.array_equal(pack_payloads(list(plain))[1], element_starts(pack_payloads(list(plain))[0]))


def test_many_reads_runs_like_single_reads(tmp_path: Path) -> None:
    payloads = [{"i": i} if i % 3 else None for i in range(10_000)]
    blob, starts = pack_payloads(payloads)
    store = PayloadStore.packed(blob, starts)
    store[5] = {"changed": True}
    store.append({"tail": 1})
    expected = [{"i": i} if i % 3 else None for i in range(10_000)] + [{"tail": 1}]
    expected[5] = {"changed": True}
    for offsets in ([*range(10_001)], [0, 5, 6, 100, 101, 9_999, 10_000], [7, 3, 3, 8_000, 2], []):
        assert list(store.many(offsets)) == [expected[o] for o in offsets]
