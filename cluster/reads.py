"""Reads in cluster mode: any node answers by asking one Active replica of every shard (or several,
per `consistency`) and merging the answers (cluster/merge.py).

- Shards: all of the collection's, or those of the request's shard key(s) (custom sharding).
- Replicas: an alive peer whose replica is Active; this peer's own replica first (no network),
  then the others in peer order. A replica that does not answer (node gone, not serving) is
  replaced by the next one, so reads keep answering while a node is down.
- `consistency` (Qdrant's read consistency): a number n asks n replicas of each shard, `quorum`
  a majority of them, `all` and `majority` every replica; their answers are resolved as Qdrant
  does (items all asked replicas agree on, or a majority agrees on).
- Calls between nodes are cluster/rpc.py requests; a peer serves them from its local replicas
  with the single-node engine read functions, in the engine thread pool, and marks every point a
  custom-sharded shard answers with the shard's key (Qdrant's `shard_key` on hits and records).
- Too few live Active replicas fail a read only once the shortage lasted the liveness grace
  (cluster/liveness.py). MMR at the query root and the search matrix gather their candidates from
  every shard and run the single-node code on them (cluster/rerank.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from cluster import liveness, lookups, merge, rerank
from cluster.info import merge_infos
from cluster.merge import Consistency
from cluster.node import ClusterNode
from cluster.records import ACTIVE, CollectionRecord, ShardRecord
from cluster.rpc import PeerUnavailable, RpcClient, RpcServer
from engine.collection import Collection, CollectionInfo
from engine.collection import reads as engine_reads
from engine.errors import BadInput, BadRequest, EngineError, NotFound, ServiceError
from engine.point_id import PointId
from engine.types.filters import FieldMatch, Filter, MatchValue
from engine.types.points import (
    ALL_PAYLOAD,
    NO_PAYLOAD,
    FacetHit,
    PayloadSelector,
    PointGroup,
    Record,
    ScoredPoint,
    ScrollPage,
    VectorSelector,
)
from engine.types.requests import (
    MAX_LIMIT,
    CountRequest,
    FacetRequest,
    GroupsRequest,
    MatrixRequest,
    MatrixResult,
    NearestQuery,
    QueryRequest,
    ScrollRequest,
    validate_batch,
)
from engine.types.sharding import ShardKey, ShardKeySelector

log = logging.getLogger("quiver.cluster.reads")

Call = Callable[..., Awaitable[Any]]
"""The service's pool call: `call(fn, *args, timeout=..., collection=...)`."""
ReadConsistency = int | str | None
"""Qdrant's `consistency`: a replica count, "majority", "quorum", "all", or None (one replica)."""
ShardSelector = ShardKeySelector | None


@dataclass(slots=True)
class _Plan:
    """How many replicas of each shard to ask, and how their answers are resolved."""

    asked: int
    condition: Consistency


def _plan(consistency: ReadConsistency, total: int) -> _Plan:
    match consistency:
        case None:
            return _Plan(1, Consistency.ALL)
        case "all":
            return _Plan(total, Consistency.ALL)
        case "majority":
            return _Plan(total, Consistency.MAJORITY)
        case "quorum":
            return _Plan(total // 2 + 1, Consistency.ALL)
        case int():
            return _Plan(max(1, min(consistency, total)), Consistency.ALL)
    raise BadInput(f"Unknown read consistency: {consistency}")


def select_shards(record: CollectionRecord, selector: ShardSelector) -> list[ShardRecord]:
    """The shards a read covers: every shard, or those of the named shard key(s); with a fallback,
    the target key's shards while it has them, else the fallback's (Qdrant's texts when neither)."""
    if selector is None:
        return list(record.shards)
    if selector.fallback is not None and selector.keys:
        target, fallback = selector.keys[0], selector.fallback
        for key in (target, fallback):
            shards = record.shards_of_key(key)
            if shards and (key == fallback or all(ACTIVE in s.replicas.values() for s in shards)):
                return shards  # the target while every one of its shards has an Active replica
        raise NotFound(f"Neither target shard key {target} nor fallback shard key {fallback} exist")
    if not selector.keys:
        raise BadInput("Empty shard keys selection")
    out: list[ShardRecord] = []
    for key in selector.keys:
        shards = record.shards_of_key(key)
        if not shards:
            raise BadRequest(f"Shard key {key} not found")
        out.extend(s for s in shards if s not in out)
    return out


LOCAL_START_WAIT_S = 5.0
"""How long a read waits for a replica placed on this peer whose local start is still pending."""
LOCAL_START_POLL_S = 0.05

class ClusterReads:
    """The read side of a cluster node: serves its replicas to the others and fans reads out."""

    def __init__(self, node: ClusterNode, call: Call) -> None:
        self.node = node
        self.call = call
        self.client = RpcClient(node.nc)
        self.server = RpcServer(node.nc, node.peer_id, self.serve)

    async def start(self) -> None:
        await self.client.start()
        await self.server.start()

    async def stop(self) -> None:
        await self.server.stop()
        await self.client.stop()

    # ---- serving this peer's replicas -----------------------------------------------------------
    async def _local(self, collection: str, shard_id: int) -> Collection:
        """This peer's replica of the shard; one the metadata places here but this node's reconcile
        has not started yet (a collection created a moment ago) is waited for `LOCAL_START_WAIT_S`,
        so a read does not fall over to another replica (perhaps on a dead peer) meanwhile."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + LOCAL_START_WAIT_S
        while True:
            local = self.node.local_replica(collection, shard_id)
            if local is not None:
                return local
            if not self._placed_here(collection, shard_id) or loop.time() > deadline:
                raise ServiceError(f"Shard {shard_id} of collection {collection} is not on peer {self.node.peer_id}")
            await asyncio.sleep(LOCAL_START_POLL_S)

    def _placed_here(self, collection: str, shard_id: int) -> bool:
        try:
            shard = self.node.record(collection).shard(shard_id)
        except NotFound:
            return False
        return shard is not None and self.node.peer_id in shard.replicas

    async def serve(self, method: str, collection: str, shard_ids: list[int], request: Any) -> Any:
        """One answer per shard id, from the local replicas (the rpc handler; also called directly
        for this peer's own shards)."""
        out = []
        for sid in shard_ids:
            col = await self._local(collection, sid)
            answer = await self.call(_ENGINE[method], col, request, collection=col.name)
            shard = self.node.record(collection).shard(sid)
            if shard is not None and shard.key is not None:
                _with_shard_key(answer, shard.key)
            out.append(answer)
        return out

    # ---- fan-out ------------------------------------------------------------------------------
    def _replicas(self, record: CollectionRecord, shard: ShardRecord) -> list[int]:
        active = self.node.active_replicas(record.name, shard.id)
        if self.node.peer_id in active:  # local first: no network
            active.remove(self.node.peer_id)
            active.insert(0, self.node.peer_id)
        return active

    def _live(self, record: CollectionRecord, shard: ShardRecord) -> int:
        return len(self._replicas(record, shard))

    def _short_for_good(self, record: CollectionRecord, shard: ShardRecord, asked: int) -> bool:
        """Too few Active replicas whatever heartbeats come: the others are not Active (Partial,
        Recovery) or on peers that left the cluster."""
        current = self.node.meta.collections.get(record.name)
        now = None if current is None else current.shard(shard.id)
        active = [p for p, st in (now.replicas.items() if now else ()) if st == ACTIVE]
        return len([p for p in active if p in self.node.meta.peers]) < asked

    async def _ask(self, peer: int, method: str, record: CollectionRecord, shard_ids: list[int], request: Any,
                   timeout: float | None) -> list[Any]:
        if peer == self.node.peer_id:
            result: list[Any] = await self.serve(method, record.name, shard_ids, request)
            return result
        answer: list[Any] = await self.client.call(peer, method, record.name, shard_ids, request, timeout)
        return answer

    async def fan_out(self, record: CollectionRecord, shards: Sequence[ShardRecord], method: str, request: Any,
                      consistency: ReadConsistency, timeout: float | None) -> list[tuple[list[Any], Consistency]]:
        """Per shard (in `shards` order): the answers of the replicas asked, and how to resolve them.
        Shards asked of the same peer go in one call; a peer that fails is replaced by the next
        replica of each of its shards."""

        plans: dict[int, _Plan] = {}
        candidates: dict[int, list[int]] = {}
        for shard in shards:
            plan = _plan(consistency, len(shard.replicas))
            peers = self._replicas(record, shard)
            if len(peers) < plan.asked:  # a late heartbeat is not a dead peer: look again for the grace
                await liveness.enough(partial(self._live, record, shard), plan.asked,
                                      certain=partial(self._short_for_good, record, shard, plan.asked))
                peers = self._replicas(record, shard)
            if len(peers) < plan.asked:
                raise ServiceError(f"The replica set for shard {shard.id} on peer {self.node.peer_id} "
                                   "does not have enough active replicas")
            plans[shard.id], candidates[shard.id] = plan, peers
        answers: dict[int, list[Any]] = {s.id: [] for s in shards}
        pending = {s.id: plans[s.id].asked for s in shards}
        while any(pending.values()):
            by_peer: dict[int, list[int]] = {}
            for sid, missing in pending.items():
                if missing > len(candidates[sid]):
                    raise ServiceError(f"The replica set for shard {sid} on peer {self.node.peer_id} "
                                       "does not have enough active replicas")
                for peer in candidates[sid][:missing]:
                    by_peer.setdefault(peer, []).append(sid)
            calls = [(peer, sids) for peer, sids in by_peer.items()]
            results = await asyncio.gather(*(self._ask(peer, method, record, sids, request, timeout)
                                             for peer, sids in calls), return_exceptions=True)
            for (peer, sids), result in zip(calls, results, strict=True):
                for i, sid in enumerate(sids):
                    candidates[sid].remove(peer)
                    if isinstance(result, PeerUnavailable | ServiceError):
                        log.warning("replica did not answer; asking another",
                                    extra={"peer": peer, "shard": sid, "error": str(result)})
                        continue
                    if isinstance(result, BaseException):
                        raise result
                    answers[sid].append(result[i])
                    pending[sid] -= 1
        return [(answers[s.id], plans[s.id].condition) for s in shards]

    def _record(self, name: str) -> CollectionRecord:
        return self.node.record(name)

    # ---- the reads ----------------------------------------------------------------------------
    async def query_batch(self, name: str, requests: list[QueryRequest], timeout: float | None = None,
                          shard_key: ShardSelector = None,
                          consistency: ReadConsistency = None) -> list[list[ScoredPoint]]:
        validate_batch(requests)
        record = self._record(name)
        resolved = [await lookups.resolve_ids(record.name, r, self._retrieve_vectors, self._params)
                    for r in requests]
        shards = select_shards(record, shard_key)
        if not any(rerank.is_root_mmr(r) for r in resolved):
            return await self._query_resolved(record, resolved, shards, consistency, timeout)
        # MMR needs the whole candidate pool: each such request on its own, the others in one batch
        plain = iter(await self._query_resolved(record, [r for r in resolved if not rerank.is_root_mmr(r)],
                                                shards, consistency, timeout))
        return [await self._mmr(record, r, shards, consistency, timeout) if rerank.is_root_mmr(r) else next(plain)
                for r in resolved]

    async def _mmr(self, record: CollectionRecord, request: QueryRequest, shards: list[ShardRecord],
                   consistency: ReadConsistency, timeout: float | None) -> list[ScoredPoint]:
        """Root MMR: the shards' nearest candidates merged into one pool, re-ranked here (cluster/rerank.py)."""
        params = record.config.params
        pool_request = rerank.mmr_pool_request(request, params)
        [pool] = await self._query_resolved(record, [pool_request], shards, consistency, timeout)
        result: list[ScoredPoint] = await self.call(rerank.mmr_rerank, params, request, pool, timeout=timeout,
                                                    collection=record.name)
        return result

    async def _query_resolved(self, record: CollectionRecord, resolved: list[QueryRequest], shards: list[ShardRecord],
                              consistency: ReadConsistency, timeout: float | None) -> list[list[ScoredPoint]]:
        if not resolved:
            return []
        # a root fusion is fused here over its prefetches' merged answers; everything else is
        # ranked whole by every shard and merged
        plan: list[tuple[QueryRequest, list[QueryRequest] | None]] = [(r, merge.fusion_sources(r)) for r in resolved]
        sent: list[QueryRequest] = []
        for request, sources in plan:
            sent.extend([merge.shard_query(s) for s in sources] if sources is not None else [merge.shard_query(request)])
        per_shard = await self.fan_out(record, shards, "query", sent, consistency, timeout)
        # resolve replicas per request: answers[shard][replica][request]
        merged_parts: list[list[list[ScoredPoint]]] = [[] for _ in sent]
        for replica_answers, condition in per_shard:
            for j in range(len(sent)):
                merged_parts[j].append(merge.resolve_items([a[j] for a in replica_answers], condition))
        params = record.config.params
        out: list[list[ScoredPoint]] = []
        at = 0
        for request, sources in plan:
            if sources is None:
                out.append(merge.merge_scored(merged_parts[at], merge.query_order(request, params),
                                              merge.root_offset(request), request.limit))
                at += 1
                continue
            fused_inputs = [merge.merge_scored(merged_parts[at + k], merge.query_order(src, params), 0, src.limit)
                            for k, src in enumerate(sources)]
            out.append(merge.fuse(request, fused_inputs))
            at += len(sources)
        return out

    async def search_matrix(self, name: str, request: MatrixRequest, timeout: float | None = None,
                            shard_key: ShardSelector = None) -> MatrixResult:
        """The matrix over a uniform sample of the whole collection (cluster/rerank.py); each shard
        is asked of one replica (a random sample is not something replicas can agree on)."""
        record = self._record(name)

        async def fan_out(rec: CollectionRecord, shards: Sequence[ShardRecord], method: str,
                          request: Any) -> list[tuple[list[Any], Consistency]]:
            return await self.fan_out(rec, shards, method, request, None, timeout)
        return await rerank.search_matrix(fan_out, self.call, record, select_shards(record, shard_key), request,
                                          timeout)

    async def query(self, name: str, request: QueryRequest, timeout: float | None = None,
                    shard_key: ShardSelector = None, consistency: ReadConsistency = None) -> list[ScoredPoint]:
        request.validate()
        [answer] = await self.query_batch(name, [request], timeout, shard_key, consistency)
        return answer

    async def count(self, name: str, request: CountRequest, timeout: float | None = None,
                    shard_key: ShardSelector = None, consistency: ReadConsistency = None) -> int:
        record = self._record(name)
        per_shard = await self.fan_out(record, select_shards(record, shard_key), "count", request, consistency,
                                       timeout)
        return sum(merge.resolve_count(answers, condition) for answers, condition in per_shard)

    async def scroll(self, name: str, request: ScrollRequest, timeout: float | None = None,
                     shard_key: ShardSelector = None, consistency: ReadConsistency = None) -> ScrollPage:
        request.validate()
        record = self._record(name)
        per_shard = await self.fan_out(record, select_shards(record, shard_key), "scroll", request, consistency,
                                       timeout)
        pages = [_resolve_pages(answers, condition) for answers, condition in per_shard]
        if request.order_by is not None:
            return merge.merge_scroll_ordered(pages, request.order_by, request.limit)
        return merge.merge_scroll(pages, request.limit)

    async def retrieve(self, name: str, ids: list[PointId], with_payload: PayloadSelector,
                       with_vector: VectorSelector, shard_key: ShardSelector = None,
                       consistency: ReadConsistency = None, timeout: float | None = None) -> list[Record]:
        record = self._record(name)
        per_shard = await self.fan_out(record, select_shards(record, shard_key), "retrieve",
                                       (ids, with_payload, with_vector), consistency, timeout)
        return merge.merge_retrieve([merge.resolve_items(a, c) for a, c in per_shard], ids)

    async def _retrieve_vectors(self, name: str, ids: list[PointId], vectors: VectorSelector) -> list[Record]:
        return await self.retrieve(name, ids, NO_PAYLOAD, vectors)

    def _params(self, name: str) -> Any:
        return self._record(name).config.params

    async def facet(self, name: str, request: FacetRequest, timeout: float | None = None,
                    shard_key: ShardSelector = None, consistency: ReadConsistency = None) -> list[FacetHit]:
        request.validate()
        record = self._record(name)
        # every value with its exact count from each shard; the top `limit` only after summing
        everything = replace(request, limit=MAX_LIMIT)
        per_shard = await self.fan_out(record, select_shards(record, shard_key), "facet", everything, consistency,
                                       timeout)
        return merge.merge_facet([merge.resolve_facet(a, c) for a, c in per_shard], request.limit)

    async def query_groups(self, name: str, request: GroupsRequest, timeout: float | None = None,
                           shard_key: ShardSelector = None, consistency: ReadConsistency = None) -> list[PointGroup]:
        """Groups in two rounds: every shard's first groups pick the `limit` best groups overall
        (a group's best hit is in the first groups of the shard that holds it), then every shard
        answers the hits of exactly those groups, so each group gets its best hits from all shards."""
        request.validate()
        record = self._record(name)
        query = await lookups.resolve_ids(record.name, request.query, self._retrieve_vectors, self._params)
        local = replace(request, query=query, with_lookup=None)
        shards = select_shards(record, shard_key)
        if rerank.is_root_mmr(query):
            groups = await self._mmr_groups(record, local, shards, consistency, timeout)
            if request.with_lookup is not None:
                await self._lookup_groups(groups, request)
            return groups
        order = merge.query_order(query, record.config.params)
        first = await self.fan_out(record, shards, "groups", local, consistency, timeout)
        chosen = merge.merge_groups([answers[0] for answers, _ in first], order, query.limit, request.group_size)
        if not chosen:
            return []
        keys = Filter(should=tuple(FieldMatch(request.group_by, MatchValue(g.id)) for g in chosen))
        narrowed = replace(local, query=replace(query, filter=_and(query.filter, keys)))
        second = await self.fan_out(record, shards, "groups", narrowed, consistency, timeout)
        groups = merge.merge_groups([answers[0] for answers, _ in second], order, query.limit, request.group_size)
        if request.with_lookup is not None:
            await self._lookup_groups(groups, request)
        return groups

    async def _mmr_groups(self, record: CollectionRecord, request: GroupsRequest, shards: list[ShardRecord],
                          consistency: ReadConsistency, timeout: float | None) -> list[PointGroup]:
        """Groups ranked by MMR: the pool (every matching point unless `candidates_limit` bounds it,
        as the engine) gathered with whole payloads, then grouped here (cluster/rerank.py)."""
        params, query = record.config.params, request.query
        size = None
        if isinstance(query.query, NearestQuery) and query.query.mmr is not None \
                and query.query.mmr.candidates_limit is None:
            counted = await self.fan_out(record, shards, "count", CountRequest(filter=query.filter), consistency,
                                         timeout)
            size = max(1, sum(merge.resolve_count(a, c) for a, c in counted))
        pool_request = replace(rerank.mmr_pool_request(query, params, size), with_payload=ALL_PAYLOAD)
        [pool] = await self._query_resolved(record, [pool_request], shards, consistency, timeout)
        groups: list[PointGroup] = await self.call(rerank.mmr_groups, params, request, pool, timeout=timeout,
                                                   collection=record.name)
        return groups

    async def _lookup_groups(self, groups: list[PointGroup], request: GroupsRequest) -> None:
        lookup = request.with_lookup
        if lookup is None:
            return
        ids: list[PointId] = []
        for group in groups:
            if isinstance(group.id, int) and not isinstance(group.id, bool) and group.id >= 0:
                ids.append(group.id)
            elif isinstance(group.id, str):
                try:
                    from engine.point_id import parse_point_id
                    ids.append(parse_point_id(group.id))
                except EngineError:
                    continue
        found = {r.id: r for r in await self.retrieve(lookup.collection, ids, lookup.with_payload,
                                                      lookup.with_vector)}
        for group in groups:
            group.lookup = found.get(group.id)

    async def collection_info(self, name: str, timeout: float | None = None) -> CollectionInfo:
        record = self._record(name)
        per_shard = await self.fan_out(record, record.shards, "info", None, None, timeout)
        empty = CollectionInfo(status="green", optimizer_status="ok", points_count=0, indexed_vectors_count=0,
                               segments_count=0, config=record.config)
        parts = [CollectionInfo(config=record.config, **answers[0]) for answers, _ in per_shard]
        return replace(merge_infos(empty, parts), config=record.config)


def _with_shard_key(answer: Any, key: ShardKey) -> None:
    """Every point of one shard's answer marked with the shard's key, as Qdrant's collection marks
    the points of a custom-sharded shard (`ScoredPoint.shard_key`, `Record.shard_key`)."""
    match answer:
        case Record() | ScoredPoint():
            answer.shard_key = key
        case ScrollPage(points=points):
            _with_shard_key(points, key)
        case PointGroup(hits=hits):
            _with_shard_key(hits, key)
        case list():
            for item in answer:
                _with_shard_key(item, key)


def _and(a: Filter | None, b: Filter) -> Filter:
    return b if a is None else Filter(must=(a, b))


def _resolve_pages(answers: list[ScrollPage], condition: Consistency) -> ScrollPage:
    if len(answers) == 1:
        return answers[0]
    points = merge.resolve_items([a.points for a in answers], condition)
    offsets = [a.next_page_offset for a in answers if a.next_page_offset is not None]
    return ScrollPage(points=points, next_page_offset=offsets[0] if offsets else None)


def _query_batch(col: Collection, requests: list[QueryRequest]) -> list[list[ScoredPoint]]:
    return [engine_reads.query(col, r) for r in requests]


def _retrieve(col: Collection, request: tuple[list[PointId], PayloadSelector, VectorSelector]) -> list[Record]:
    ids, with_payload, with_vector = request
    return engine_reads.retrieve(col, ids, with_payload, with_vector)


def _info(col: Collection, _request: None) -> dict[str, Any]:
    """A replica's counts and schema (its config is the metadata's; CollectionInfo has no codec tag:
    the engine's persistence layer sits below the collection)."""
    info = col.info()
    return {"status": info.status, "optimizer_status": info.optimizer_status, "points_count": info.points_count,
            "indexed_vectors_count": info.indexed_vectors_count, "segments_count": info.segments_count,
            "payload_schema": info.payload_schema}


_ENGINE: dict[str, Callable[[Collection, Any], Any]] = {
    "query": _query_batch,
    "count": engine_reads.count,
    "scroll": engine_reads.scroll,
    "retrieve": _retrieve,
    "facet": engine_reads.facet,
    "groups": engine_reads.query_groups,
    "info": _info,
}
"""The engine read each rpc method runs on one local replica."""
