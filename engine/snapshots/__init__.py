"""Snapshots: tar archives of one collection (or of every collection) and recovery from them.

    <snapshots_path>/<collection>/<name>.snapshot            a collection snapshot
    <snapshots_path>/<collection>/<name>.snapshot.checksum   its sha256 (hex)
    <snapshots_path>/<name>.snapshot (+ .checksum)            a full-storage snapshot

`SnapshotManager` is the facade the service calls; the modules below it do one job each.
"""

from engine.snapshots.locations import DownloadPolicy
from engine.snapshots.manager import SnapshotManager
from engine.snapshots.names import SnapshotDescription

__all__ = ["DownloadPolicy", "SnapshotDescription", "SnapshotManager"]
