"""Snapshot descriptions → gRPC `SnapshotDescription` (creation time as a protobuf Timestamp)."""

from __future__ import annotations

import calendar
import time
from typing import Any

from engine.snapshots import SnapshotDescription
from server.pb import snapshots_service_pb2 as spb

_CREATION_FORMAT = "%Y-%m-%dT%H:%M:%S"
"""How `engine.snapshots.names.describe` writes `creation_time` (UTC, no zone suffix, as REST shows it)."""


def snapshot_to_pb(desc: SnapshotDescription) -> Any:
    out = spb.SnapshotDescription(name=desc.name, size=desc.size)
    if desc.creation_time is not None:
        seconds = calendar.timegm(time.strptime(desc.creation_time, _CREATION_FORMAT))
        out.creation_time.seconds = seconds
    if desc.checksum is not None:
        out.checksum = desc.checksum
    return out
