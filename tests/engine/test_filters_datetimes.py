"""Datetime parsing for payload values and range bounds, against local mode's parser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from qdrant_client.local.datetime_utils import parse as local_parse

from engine.filters.datetimes import parse_datetime, to_micros

AGREED = [
    "2023-01-01",
    "2023-01-01T10:00",
    "2023-01-01 10:00",
    "2023-01-01T10:00:00",
    "2023-01-01T10:00:00.5",
    "2023-01-01T10:00:00.123456789Z",
    "2023-01-01T10:00:00 +01:00",
    "2023-01-01T10:00:00+01",
    "2023-01-01T10:00:00-0530",
    "2023-01-01 10:00:00 UTC",
    "2023-01-01T10:00:00z",
    "  2023-01-01",
    "2023-01-01T10:00Z",
    "2023-02-30",
    "2023-01-01T24:00:00",
    "2023-01-01T10",
    "2023-01-01T10:00:00.",
    "tomorrow",
    "",
]


@pytest.mark.parametrize("text", AGREED)
def test_parse_agrees_with_local_mode(text: str) -> None:
    assert parse_datetime(text) == local_parse(text)


@pytest.mark.parametrize("text", ["2023-1-1", "2023-01-01T1:00:00"])
def test_single_digit_fields_are_rejected(text: str) -> None:
    # strptime (local mode) tolerates these; Qdrant's parser wants two digits
    assert parse_datetime(text) is None


def test_offsets_and_micros() -> None:
    dt = parse_datetime("2023-06-15T12:30:00.25+02:00")
    assert dt == datetime(2023, 6, 15, 10, 30, 0, 250000, tzinfo=UTC)
    assert dt is not None and dt.utcoffset() == timedelta(hours=2)
    assert to_micros(datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)) == 1_000_000
    assert to_micros(datetime(1970, 1, 1)) == 0  # naive = UTC
