"""Full-storage snapshots: one archive holding a snapshot of every collection plus the aliases.

Layout inside the archive (as Qdrant's): `config.json` = {"collections_mapping": {collection:
snapshot file}, "collection_aliases": {alias: collection}}, and one collection snapshot per
collection beside it. `restore_full_snapshot` unpacks one into an empty storage directory before the
server starts (Qdrant does this with `--storage-snapshot`).
"""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path

from engine.errors import BadInput, NotFound
from engine.snapshots.archive import publish_archive, stage_collection
from engine.snapshots.names import SnapshotDescription, collection_snapshot_name, full_snapshot_name
from engine.toc import TableOfContents, check_collection_name
from storage.atomic import atomic_write_bytes
from storage.tar import create_tar, extract_tar


def create_full_snapshot(toc: TableOfContents, snapshots_dir: Path, tmp_root: Path) -> SnapshotDescription:
    work = tmp_root / f"full-{secrets.token_hex(8)}"
    bundle = work / "bundle"
    bundle.mkdir(parents=True)
    try:
        mapping: dict[str, str] = {}
        for name in toc.names():
            try:
                collection = toc.get(name)
            except NotFound:  # deleted meanwhile
                continue
            staging = work / "stage" / name
            stage_collection(collection, staging)
            file_name = collection_snapshot_name(name)
            create_tar(staging, bundle / file_name, fsync=False)  # the outer archive is fsynced
            shutil.rmtree(staging)
            mapping[name] = file_name
        aliases = {alias: target for alias, target in toc.list_aliases() if target in mapping}
        config = {"collections_mapping": mapping, "collection_aliases": aliases}
        (bundle / "config.json").write_text(json.dumps(config, indent=1))
        return publish_archive(bundle, snapshots_dir, full_snapshot_name(), "full snapshot")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def restore_full_snapshot(archive: Path, storage_root: Path) -> list[str]:
    """Unpack a full snapshot into `storage_root` (no collections there yet); the collection names."""
    collections = storage_root / "collections"
    if collections.exists() and any(collections.iterdir()):
        raise BadInput(f"Storage {storage_root} already holds collections")
    work = storage_root / "tmp" / f"restore-{secrets.token_hex(8)}"
    try:
        extract_tar(archive, work)
        config = json.loads((work / "config.json").read_text())
        mapping: dict[str, str] = config["collections_mapping"]
        for name, file_name in mapping.items():
            check_collection_name(name)
            if Path(file_name).name != file_name:
                raise BadInput(f"Bad collection snapshot name {file_name!r} in full snapshot")
            extract_tar(work / file_name, collections / name)
        aliases = {a: c for a, c in config.get("collection_aliases", {}).items() if c in mapping}
        atomic_write_bytes(storage_root / "aliases.json", json.dumps(aliases, indent=1).encode())
        return list(mapping)
    finally:
        shutil.rmtree(work, ignore_errors=True)
