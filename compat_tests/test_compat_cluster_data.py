"""A collection with shard_number 6 / replication_factor 2 over 3 nodes answers as one single node.

The seeded congruence data set (320 points, four named vectors with the four distances, mixed payloads)
goes into the cluster through all three nodes in turn and into the session's standalone Quiver server;
count, scroll, exact search and retrieve must give the same answers on every node of the cluster as the
single node, for seeded random filters. Both transports of the stock client.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from compat_cluster_helpers import (
    collection_cluster,
    compare_hits,
    norm_id,
    scroll_all,
    unique_name,
    url_client,
    wait_until,
)
from compat_congruence_data import (
    DISTANCE_VECTORS,
    SEED,
    FilterGenerator,
    make_points,
    query_vector,
    vectors_config,
)
from compat_server import ServerProcess
from qdrant_client import QdrantClient, models

from tools.cluster import LocalCluster

SHARDS, REPLICAS = 6, 2
POINTS = make_points()
IDS = [p.id for p in POINTS]
FILTERS = [FilterGenerator(SEED + 1000 + i, IDS).filter() for i in range(24)]


class Loaded:
    def __init__(self, clients: list[QdrantClient], single: QdrantClient, name: str) -> None:
        self.clients, self.single, self.name = clients, single, name


@pytest.fixture(scope="module")
def loaded(cluster_clients: list[QdrantClient], server: ServerProcess | None, cluster_transport: str) -> Iterator[Loaded]:
    if server is None:
        pytest.skip("the cluster suite compares against the standalone server (not QUIVER_COMPAT_TARGET=memory)")
    single = url_client(server.url, server.grpc_port, cluster_transport)
    name = unique_name(f"cluster_{cluster_transport}")
    # write_consistency_factor = replication_factor: a wait=true write is applied on every replica, so
    # any node reads it back from whichever replica it asks (with 1, a read may reach a lagging one)
    cluster_clients[0].create_collection(
        name, vectors_config=vectors_config(), shard_number=SHARDS, replication_factor=REPLICAS,
        write_consistency_factor=REPLICAS,
    )
    single.create_collection(name, vectors_config=vectors_config())
    for number, start in enumerate(range(0, len(POINTS), 40)):
        batch = POINTS[start : start + 40]
        cluster_clients[number % len(cluster_clients)].upsert(name, points=batch, wait=True)
        single.upsert(name, points=batch, wait=True)
    try:
        yield Loaded(cluster_clients, single, name)
    finally:
        cluster_clients[0].delete_collection(name)
        single.delete_collection(name)
        single.close()


def test_collection_visible_on_every_node(loaded: Loaded) -> None:
    for client in loaded.clients:
        info = wait_until(lambda c=client: c.get_collection(loaded.name), 10, "the collection on every node")
        assert info.config.params.shard_number == SHARDS
        assert info.config.params.replication_factor == REPLICAS
        assert set(info.config.params.vectors) == set(DISTANCE_VECTORS) | {"opt"}


def test_shards_spread_over_the_three_nodes(loaded: Loaded, cluster: LocalCluster) -> None:
    """Every node holds some replicas, each shard has 2 on distinct peers, and all nodes agree."""
    views = [collection_cluster(node.url, loaded.name) for node in cluster.nodes]
    placements = []
    for view in views:
        replicas: dict[int, list[int]] = {}
        for shard in view["local_shards"]:
            replicas.setdefault(shard["shard_id"], []).append(view["peer_id"])
        for shard in view["remote_shards"]:
            replicas.setdefault(shard["shard_id"], []).append(shard["peer_id"])
        placements.append({shard: sorted(peers) for shard, peers in replicas.items()})
        assert view["local_shards"], f"peer {view['peer_id']} holds no replica: {view}"
        assert view["shard_count"] == SHARDS
    assert placements[0] == placements[1] == placements[2], f"nodes disagree on placement: {placements}"
    assert sorted(placements[0]) == list(range(SHARDS))
    for shard, peers in placements[0].items():
        assert len(set(peers)) == REPLICAS, f"shard {shard} replicas {peers}"
    assert len({view["peer_id"] for view in views}) == 3


def test_counts_congruent(loaded: Loaded) -> None:
    assert [c.count(loaded.name, exact=True).count for c in loaded.clients] == [len(POINTS)] * 3
    mismatches = []
    for number, flt in enumerate(FILTERS):
        client = loaded.clients[number % 3]
        want = loaded.single.count(loaded.name, count_filter=flt, exact=True).count
        got = client.count(loaded.name, count_filter=flt, exact=True).count
        if want != got:
            mismatches.append(f"filter #{number}: {got}, expected {want}")
    assert not mismatches, "\n".join(mismatches)


def test_scroll_congruent(loaded: Loaded) -> None:
    for client in loaded.clients:
        assert scroll_all(client, loaded.name, page=50) == scroll_all(loaded.single, loaded.name, page=50)
    mismatches = []
    for number, flt in enumerate(FILTERS[:12]):
        want = scroll_all(loaded.single, loaded.name, flt, page=23)
        got = scroll_all(loaded.clients[number % 3], loaded.name, flt, page=23)
        if want != got:
            mismatches.append(f"filter #{number}: ids {[i for i, _ in got][:10]} vs {[i for i, _ in want][:10]}")
    assert not mismatches, "\n".join(mismatches)


def test_exact_search_congruent(loaded: Loaded) -> None:
    rng = random.Random(SEED + 5)
    names = list(DISTANCE_VECTORS)
    mismatches = []
    for number, flt in enumerate([None, *FILTERS]):
        using = names[number % len(names)]
        kwargs: dict[str, Any] = {
            "query": query_vector(rng), "using": using, "query_filter": flt, "limit": 15,
            "with_payload": True, "search_params": models.SearchParams(exact=True),
        }
        want = loaded.single.query_points(loaded.name, **kwargs).points
        got = loaded.clients[number % 3].query_points(loaded.name, **kwargs).points
        problem = compare_hits(want, got, limit=15)
        if problem:
            mismatches.append(f"filter #{number} using {using}: {problem}")
    assert not mismatches, "\n".join(mismatches)


def test_search_with_offset_merges_across_shards(loaded: Loaded) -> None:
    rng = random.Random(SEED + 9)
    for client in loaded.clients:
        kwargs: dict[str, Any] = {
            "query": query_vector(rng), "using": "euc", "limit": 10, "offset": 25,
            "search_params": models.SearchParams(exact=True),
        }
        problem = compare_hits(
            loaded.single.query_points(loaded.name, **kwargs).points,
            client.query_points(loaded.name, **kwargs).points, limit=10,
        )
        assert problem is None, problem


def test_retrieve_from_every_node(loaded: Loaded) -> None:
    ids = IDS[::17]
    want = {norm_id(r.id): r for r in loaded.single.retrieve(loaded.name, ids=ids, with_vectors=True)}
    for client in loaded.clients:
        got = {norm_id(r.id): r for r in client.retrieve(loaded.name, ids=ids, with_vectors=True)}
        assert set(got) == set(want)
        for point_id, record in got.items():
            assert record.payload == want[point_id].payload
            assert record.vector == want[point_id].vector


def test_root_mmr_congruent(loaded: Loaded) -> None:
    """MMR at the query root re-ranks the whole collection's candidate pool (gathered from every
    shard), so its picks are the single node's."""
    rng = random.Random(SEED + 11)
    mismatches = []
    for number, flt in enumerate([None, *FILTERS[:7]]):
        using = list(DISTANCE_VECTORS)[number % len(DISTANCE_VECTORS)]
        kwargs: dict[str, Any] = {
            "query": models.NearestQuery(nearest=query_vector(rng), mmr=models.Mmr(diversity=0.6, candidates_limit=40)),
            "using": using, "query_filter": flt, "limit": 8, "with_payload": True,
            "search_params": models.SearchParams(exact=True),
        }
        want = loaded.single.query_points(loaded.name, **kwargs).points
        got = loaded.clients[number % 3].query_points(loaded.name, **kwargs).points
        problem = compare_hits(want, got, limit=8)
        if problem:
            mismatches.append(f"filter #{number} using {using}: {problem}")
    assert not mismatches, "\n".join(mismatches)


def _pairs(client: QdrantClient, name: str, **kwargs: Any) -> dict[Any, list[tuple[float, Any]]]:
    """Per sampled point: its neighbours as (score rounded to 4 places, id), best first as answered."""
    out: dict[Any, list[tuple[float, Any]]] = {}
    for pair in client.search_matrix_pairs(name, **kwargs).pairs:
        out.setdefault(norm_id(pair.a), []).append((round(pair.score, 4), norm_id(pair.b)))
    return out


def test_search_matrix_over_every_point_congruent(loaded: Loaded) -> None:
    """A sample as large as the collection takes every point: the matrix is the single node's."""
    for number, using in enumerate(DISTANCE_VECTORS):
        flt = FILTERS[number] if number % 2 else None
        kwargs: dict[str, Any] = {"sample": len(POINTS), "limit": 3, "using": using, "query_filter": flt}
        want = _pairs(loaded.single, loaded.name, **kwargs)
        got = _pairs(loaded.clients[number % 3], loaded.name, **kwargs)
        assert want.keys() == got.keys(), using
        for point, neighbours in want.items():
            assert [s for s, _ in got[point]] == [s for s, _ in neighbours], (using, point)
            if len({s for s, _ in neighbours}) == len(neighbours):  # ties may pick either neighbour
                assert got[point] == neighbours, (using, point)


def test_search_matrix_sample_spans_the_shards(loaded: Loaded) -> None:
    for client in loaded.clients:
        pairs = _pairs(client, loaded.name, sample=24, limit=2, using="dot")
        sampled = set(pairs)
        assert len(sampled) == 24
        assert all(len(n) == 2 and all(b in sampled and b != a for _, b in n) for a, n in pairs.items())


def test_search_matrix_refuses_a_read_consistency_it_cannot_honour(loaded: Loaded, cluster: LocalCluster) -> None:
    """One replica per shard draws the sample (replicas cannot agree on a random one): a consistency
    above 1 is refused with a 400, not silently ignored; 1 is served."""
    url = f"{cluster.nodes[1].url}/collections/{loaded.name}/points/search/matrix/pairs"
    body = {"sample": 10, "limit": 2, "using": "dot"}
    for consistency in ("all", "majority", "quorum", "2"):
        answer = httpx.post(url, params={"consistency": consistency}, json=body, timeout=60)
        assert answer.status_code == 400, (consistency, answer.text)
        assert "not supported for the search matrix in cluster mode" in answer.json()["status"]["error"]
    answer = httpx.post(url, params={"consistency": "1"}, json=body, timeout=60)
    assert answer.status_code == 200, answer.text
    assert len({p["a"] for p in answer.json()["result"]["pairs"]}) == 10


def test_groups_ranked_by_mmr_congruent(loaded: Loaded) -> None:
    """Groups over an MMR ranking: the pool (bounded by candidates_limit, else every matching point)
    comes from every shard and is ranked and grouped as on one node."""
    rng = random.Random(SEED + 13)
    for number, pool in enumerate([60, None]):
        kwargs: dict[str, Any] = {
            "query": models.NearestQuery(nearest=query_vector(rng), mmr=models.Mmr(diversity=0.5,
                                                                                   candidates_limit=pool)),
            "using": "cos", "group_by": "city", "limit": 4, "group_size": 2, "with_payload": ["city"],
            "query_filter": FILTERS[number], "search_params": models.SearchParams(exact=True),
        }
        want = loaded.single.query_points_groups(loaded.name, **kwargs).groups
        got = loaded.clients[number % 3].query_points_groups(loaded.name, **kwargs).groups
        assert [g.id for g in got] == [g.id for g in want], pool
        for mine, theirs in zip(got, want, strict=True):
            assert compare_hits(theirs.hits, mine.hits, limit=2) is None, (pool, mine.id)
