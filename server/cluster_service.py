"""The service in cluster mode: the same methods the transports call, answered by the cluster.

Collections, aliases and config changes go through the metadata (cluster/collections.py); updates
through the shard streams (cluster/writes.py); reads through cluster/reads.py (fan-out and merges).
`self.toc` is this peer's private table of shard replicas, so the engine workers (optimizer,
flusher) and the single-node read path work on them unchanged. What cluster mode does not do yet
answers a clear 400, never a single-node answer about local data.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from cluster import api, transfers, writes
from cluster import collections as cluster_collections
from cluster.api_types import ClusterStatus, CollectionClusterInfo
from cluster.node import ClusterNode
from cluster.options import ClusterOptions
from cluster.reads import ClusterReads, ReadConsistency, ShardSelector
from engine.collection import CollectionInfo
from engine.errors import BadRequest, NotFound
from engine.point_id import PointId
from engine.toc import AliasOperation
from engine.types.config import CollectionConfig, CollectionParams
from engine.types.operations import Operation
from engine.types.points import (
    FacetHit,
    PayloadSelector,
    PointGroup,
    Record,
    ScoredPoint,
    ScrollPage,
    UpdateResult,
    UpdateStatus,
    VectorSelector,
)
from engine.types.requests import (
    CountRequest,
    FacetRequest,
    GroupsRequest,
    MatrixRequest,
    MatrixResult,
    QueryRequest,
    ScrollRequest,
)
from engine.types.sharding import Addressed, ShardKey, ShardKeySelector, addressed
from server import read_scope
from server.auth.context import visible
from server.convert.cluster import ClusterOperation, CreateShardKey
from server.settings import Settings
from server.telemetry.issues import IssueBoard
from server.telemetry.observed_service import ObservedService
from storage.wal import FsyncPolicy


def _scope(shard_key: ShardSelector, consistency: ReadConsistency) -> tuple[ShardSelector, ReadConsistency]:
    """The shard keys and consistency of a read: as passed, else as the transport set them for
    this request (server/read_scope.py)."""
    scope = read_scope.current()
    return (shard_key if shard_key is not None else scope.shard_key,
            consistency if consistency is not None else scope.consistency)


def not_in_cluster(what: str) -> NoReturn:
    raise BadRequest(f"{what} is not supported in cluster mode yet")


class ClusterService(ObservedService):
    def __init__(self, options: ClusterOptions, storage_root: Path, fsync: FsyncPolicy, workers: int = 0,
                 **kwargs: Any) -> None:
        self.node = ClusterNode(options, storage_root, self._engine_call, fsync)
        super().__init__(self.node.toc, workers, **kwargs)

    async def _engine_call(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await self.call(fn, *args)

    def peer_id(self) -> int:
        """The cluster node's peer id (`cluster.peer_id`, else the one kept in the storage directory)."""
        return self.node.peer_id

    async def start(self) -> None:
        await self.node.start()
        self.reads = ClusterReads(self.node, self.call)
        await self.reads.start()
        self.transfers = transfers.TransferWorker(self.node)
        self.transfers.start()

    async def stop(self) -> None:
        await self.transfers.stop()
        await self.reads.stop()
        await self.node.stop()

    # ---- collections -----------------------------------------------------------------------
    async def list_collections(self) -> list[str]:
        return visible(sorted(self.node.meta.collections))

    async def collection_exists(self, name: str) -> bool:
        try:
            self.node.resolve(name)
        except Exception:  # noqa: BLE001 - NotFound
            return False
        return True

    def params(self, name: str) -> CollectionParams:
        return self.node.record(name).config.params

    async def collection_info(self, name: str) -> CollectionInfo:
        return await self.reads.collection_info(name)

    async def create_collection(self, name: str, config: CollectionConfig) -> bool:
        await cluster_collections.create_collection(self.node, name, config)
        return True

    async def update_collection(self, name: str, change: Callable[[CollectionConfig], CollectionConfig]) -> bool:
        await cluster_collections.update_config(self.node, name, change)
        return True

    async def delete_collection(self, name: str) -> bool:
        return await cluster_collections.delete_collection(self.node, name)

    async def update_aliases(self, actions: list[AliasOperation]) -> bool:
        await cluster_collections.update_aliases(self.node, actions)
        return True

    async def list_aliases(self, collection: str | None = None) -> list[tuple[str, str]]:
        aliases = self.node.meta.aliases
        if collection is not None:
            target = self.node.resolve(collection)
            pairs = [(a, c) for a, c in aliases.items() if c == target]
        else:
            pairs = list(aliases.items())
        shown = set(visible([target for _, target in pairs]))
        return [(alias, target) for alias, target in pairs if target in shown]

    # ---- updates ---------------------------------------------------------------------------
    async def update(self, name: str, op: Operation, wait: bool = True, timeout: float | None = None,
                     shard_key: ShardKeySelector | None = None) -> UpdateResult:
        [op_id] = await writes.write(self.node, name, [op], wait, timeout, [shard_key])
        return UpdateResult(operation_id=op_id, status=UpdateStatus.COMPLETED if wait else UpdateStatus.ACKNOWLEDGED)

    async def update_batch(self, name: str, ops: list[Operation], wait: bool = True, timeout: float | None = None,
                           shard_keys: list[ShardKeySelector | None] | None = None) -> list[UpdateResult]:
        op_ids = await writes.write(self.node, name, ops, wait, timeout, shard_keys)
        status = UpdateStatus.COMPLETED if wait else UpdateStatus.ACKNOWLEDGED
        return [UpdateResult(operation_id=n, status=status) for n in op_ids]

    async def update_from(self, name: str, build: Callable[[], Operation | Addressed], wait: bool = True,
                          timeout: float | None = None) -> UpdateResult:
        """The transports' entry (see Service.update_from): the body is built on a pool thread, then
        routed like `update`, by the shard key it names."""
        item = addressed(await self.call(build, collection=name))
        return await self.update(name, item.op, wait, timeout, item.shard_key)

    async def update_batch_from(self, name: str, build: Callable[[], list[Operation] | list[Addressed]],
                                wait: bool = True, timeout: float | None = None) -> list[UpdateResult]:
        items = [addressed(item) for item in await self.call(build, collection=name)]
        return await self.update_batch(name, [i.op for i in items], wait, timeout, [i.shard_key for i in items])

    # ---- reads: fanned out to one replica per shard and merged (cluster/reads.py) --------------
    async def query(self, name: str, request: QueryRequest, timeout: float | None = None,
                    shard_key: ShardSelector = None, consistency: ReadConsistency = None) -> list[ScoredPoint]:
        return await self.reads.query(name, request, timeout, *_scope(shard_key, consistency))

    async def query_batch(self, name: str, requests: list[QueryRequest], timeout: float | None = None,
                          shard_key: ShardSelector = None,
                          consistency: ReadConsistency = None) -> list[list[ScoredPoint]]:
        return await self.reads.query_batch(name, requests, timeout, *_scope(shard_key, consistency))

    async def query_groups(self, name: str, request: GroupsRequest, timeout: float | None = None,
                           shard_key: ShardSelector = None, consistency: ReadConsistency = None) -> list[PointGroup]:
        return await self.reads.query_groups(name, request, timeout, *_scope(shard_key, consistency))

    async def retrieve(self, name: str, ids: list[PointId], with_payload: PayloadSelector, with_vector: VectorSelector,
                       shard_key: ShardSelector = None, consistency: ReadConsistency = None) -> list[Record]:
        return await self.reads.retrieve(name, ids, with_payload, with_vector, *_scope(shard_key, consistency))

    async def scroll(self, name: str, request: ScrollRequest, timeout: float | None = None,
                     shard_key: ShardSelector = None, consistency: ReadConsistency = None) -> ScrollPage:
        return await self.reads.scroll(name, request, timeout, *_scope(shard_key, consistency))

    async def search_matrix(self, name: str, request: MatrixRequest, timeout: float | None = None) -> MatrixResult:
        shard_key, consistency = _scope(None, None)
        if consistency not in (None, 1):
            # replicas cannot agree on a random sample: one replica per shard draws it
            raise BadRequest(f"Read consistency {consistency} is not supported for the search matrix in "
                             "cluster mode yet (one replica per shard draws the sample)")
        return await self.reads.search_matrix(name, request, timeout, shard_key)

    async def count(self, name: str, request: CountRequest, timeout: float | None = None,
                    shard_key: ShardSelector = None, consistency: ReadConsistency = None) -> int:
        return await self.reads.count(name, request, timeout, *_scope(shard_key, consistency))

    async def facet(self, name: str, request: FacetRequest, timeout: float | None = None,
                    shard_key: ShardSelector = None, consistency: ReadConsistency = None) -> list[FacetHit]:
        return await self.reads.facet(name, request, timeout, *_scope(shard_key, consistency))

    # ---- the cluster API (cluster/api.py, cluster/transfers.py) ----------------------------------
    async def cluster_status(self) -> ClusterStatus:
        return await api.cluster_status(self.node)

    async def remove_peer(self, peer_id: int, force: bool) -> None:
        await api.remove_peer(self.node, peer_id, force)

    async def collection_cluster_info(self, name: str) -> CollectionClusterInfo:
        return await api.collection_cluster_info(self.node, name)

    async def shard_keys(self, name: str) -> list[ShardKey] | None:
        record = self.node.record(name)
        return record.shard_keys if record.sharding_method == "custom" else None

    async def create_shard_key(self, name: str, request: CreateShardKey) -> bool:
        await api.create_shard_key(self.node, name, request.key, request.shards_number, request.replication_factor,
                                   request.placement, request.initial_state)
        return True

    async def delete_shard_key(self, name: str, key: ShardKey) -> bool:
        await api.drop_shard_key(self.node, name, key)
        return True

    async def update_collection_cluster(self, name: str, op: ClusterOperation) -> bool:
        match op.kind:
            case "move_shard" | "replicate_shard":
                await transfers.start_transfer(self.node, name, op.shard_id, op.from_peer_id, op.to_peer_id,
                                               sync=op.kind == "replicate_shard", method=op.method)
            case "abort_transfer":
                await transfers.abort_transfer(self.node, name, op.shard_id, op.from_peer_id, op.to_peer_id)
            case "restart_transfer":
                await self._restart_transfer(name, op)
            case "drop_replica":
                await api.drop_replica(self.node, name, op.shard_id, op.peer_id)
            case "create_sharding_key" if op.shard_key is not None:
                await self.create_shard_key(name, op.shard_key)
            case "drop_sharding_key" if op.shard_key is not None:
                await self.delete_shard_key(name, op.shard_key.key)
            case _:
                not_in_cluster(f"The cluster operation {op.kind}")
        return True

    async def _restart_transfer(self, name: str, op: ClusterOperation) -> None:
        """Qdrant's `restart_transfer`: the transfer (which must exist) starts over with `method`:
        aborted (its unfinished replica goes) and started again as the same move or replication."""
        record = self.node.record(name)
        ongoing = next((t for t in record.transfers if t.get("shard_id") == op.shard_id
                        and t.get("from") == op.from_peer_id and t.get("to") == op.to_peer_id), None)
        if ongoing is None:
            raise NotFound(f"Shard transfer {op.from_peer_id} -> {op.to_peer_id} for collection "
                           f"{record.name}:{op.shard_id} does not exist")
        await transfers.abort_transfer(self.node, name, op.shard_id, op.from_peer_id, op.to_peer_id)
        await transfers.start_transfer(self.node, name, op.shard_id, op.from_peer_id, op.to_peer_id,
                                       sync=bool(ongoing.get("sync", True)), method=op.method)

    # ---- not in cluster mode yet -----------------------------------------------------------
    async def create_snapshot(self, *args: Any, **kwargs: Any) -> Any:
        not_in_cluster("Collection snapshots")

    async def list_snapshots(self, *args: Any, **kwargs: Any) -> Any:
        not_in_cluster("Collection snapshots")

    async def snapshot_file(self, *args: Any, **kwargs: Any) -> Any:
        not_in_cluster("Collection snapshots")

    async def delete_snapshot(self, *args: Any, **kwargs: Any) -> Any:
        not_in_cluster("Collection snapshots")

    async def recover_snapshot(self, *args: Any, **kwargs: Any) -> Any:
        not_in_cluster("Snapshot recovery")

    async def recover_uploaded_snapshot(self, *args: Any, **kwargs: Any) -> Any:
        not_in_cluster("Snapshot recovery")

    async def create_full_snapshot(self, *args: Any, **kwargs: Any) -> Any:
        not_in_cluster("Full snapshots")

    async def list_full_snapshots(self, *args: Any, **kwargs: Any) -> Any:
        not_in_cluster("Full snapshots")

    async def full_snapshot_file(self, *args: Any, **kwargs: Any) -> Any:
        not_in_cluster("Full snapshots")

    async def delete_full_snapshot(self, *args: Any, **kwargs: Any) -> Any:
        not_in_cluster("Full snapshots")

    async def snapshot_task(self, *args: Any, **kwargs: Any) -> Any:
        not_in_cluster("Shard snapshots")


async def start_cluster_service(settings: Settings, issues: IssueBoard) -> ClusterService:
    """The cluster service for `settings`, connected to NATS, with the metadata view loaded."""
    service_config, nats_config = settings.service, settings.cluster.nats
    host = service_config.host
    options = ClusterOptions(servers=list(nats_config.servers), stream_replicas=nats_config.stream_replicas,
                             connect_timeout_s=nats_config.connect_timeout_sec, peer_id=settings.cluster.peer_id,
                             trim_interval_s=nats_config.trim_interval_sec, trim_margin=nats_config.trim_margin,
                             transfer_method=settings.storage.shard_transfer_method,
                             rest_url=f"http://{host}:{service_config.http_port}",
                             grpc_url="" if service_config.grpc_port is None else f"http://{host}:{service_config.grpc_port}")
    storage = settings.storage
    service = ClusterService(options, Path(storage.storage_path), storage.wal_fsync,
                             storage.performance.max_search_threads, issues=issues,
                             slow_query_s=service_config.slow_query_secs)
    await service.start()
    return service
