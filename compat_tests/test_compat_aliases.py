"""Aliases: atomic create/delete/rename, listing, alias resolution on every collection path, switch."""

from __future__ import annotations

import httpx
from compat_helpers import assert_ok, assert_qdrant_error, count, create_simple, sample_points
from conftest import unique_collection_name
from qdrant_client import QdrantClient, models


def _aliases_of(client: QdrantClient, name: str) -> set[str]:
    return {a.alias_name for a in client.get_collection_aliases(name).aliases}


def test_create_list_and_delete_alias(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    alias = unique_collection_name("alias")
    assert client.update_collection_aliases(
        change_aliases_operations=[
            models.CreateAliasOperation(
                create_alias=models.CreateAlias(collection_name=collection_name, alias_name=alias)
            )
        ]
    )
    assert _aliases_of(client, collection_name) == {alias}
    everywhere = {(a.alias_name, a.collection_name) for a in client.get_aliases().aliases}
    assert (alias, collection_name) in everywhere
    client.update_collection_aliases(
        change_aliases_operations=[
            models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=alias))
        ]
    )
    assert _aliases_of(client, collection_name) == set()
    assert alias not in {a.alias_name for a in client.get_aliases().aliases}


def test_several_operations_in_one_request(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    first, second, renamed = (unique_collection_name(p) for p in ("a1", "a2", "a3"))
    client.update_collection_aliases(
        change_aliases_operations=[
            models.CreateAliasOperation(
                create_alias=models.CreateAlias(collection_name=collection_name, alias_name=first)
            ),
            models.CreateAliasOperation(
                create_alias=models.CreateAlias(collection_name=collection_name, alias_name=second)
            ),
        ]
    )
    client.update_collection_aliases(
        change_aliases_operations=[
            models.RenameAliasOperation(
                rename_alias=models.RenameAlias(old_alias_name=first, new_alias_name=renamed)
            ),
            models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=second)),
        ]
    )
    assert _aliases_of(client, collection_name) == {renamed}


def test_alias_works_on_collection_paths(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    alias = unique_collection_name("via")
    client.update_collection_aliases(
        change_aliases_operations=[
            models.CreateAliasOperation(
                create_alias=models.CreateAlias(collection_name=collection_name, alias_name=alias)
            )
        ]
    )
    client.upsert(alias, points=sample_points(6), wait=True)
    assert count(client, collection_name) == 6
    assert count(client, alias) == 6
    assert client.get_collection(alias).points_count == 6
    assert client.collection_exists(alias)
    assert len(client.retrieve(alias, ids=[1, 2])) == 2
    assert len(client.scroll(alias, limit=10)[0]) == 6
    assert len(client.query_points(alias, query=[1.0, 0.0, 0.0, 0.0], limit=2).points) == 2
    client.set_payload(alias, payload={"via": "alias"}, points=[1], wait=True)
    assert client.retrieve(collection_name, ids=[1])[0].payload["via"] == "alias"
    client.delete(alias, points_selector=models.PointIdsList(points=[1]), wait=True)
    assert count(client, collection_name) == 5


def test_alias_paths_over_raw_http(raw: httpx.Client, collection_name: str) -> None:
    assert_ok(raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 2, "distance": "Dot"}}))
    alias = unique_collection_name("rawalias")
    actions = {"actions": [{"create_alias": {"collection_name": collection_name, "alias_name": alias}}]}
    assert assert_ok(raw.post("/collections/aliases", json=actions)) is True
    points = {"points": [{"id": 1, "vector": [1.0, 0.0]}, {"id": 2, "vector": [0.0, 1.0]}]}
    assert_ok(raw.put(f"/collections/{alias}/points", params={"wait": "true"}, json=points))
    assert assert_ok(raw.get(f"/collections/{alias}/points/2"))["id"] == 2
    assert assert_ok(raw.post(f"/collections/{alias}/points/count", json={"exact": True}))["count"] == 2
    assert (
        assert_ok(raw.post(f"/collections/{alias}/points/query", json={"query": [1.0, 0.0]}))["points"][0][
            "id"
        ]
        == 1
    )
    assert assert_ok(
        raw.put(f"/collections/{alias}/index", json={"field_name": "k", "field_schema": "keyword"})
    )
    assert "k" in assert_ok(raw.get(f"/collections/{collection_name}"))["payload_schema"]
    listed = assert_ok(raw.get(f"/collections/{collection_name}/aliases"))["aliases"]
    assert listed == [{"alias_name": alias, "collection_name": collection_name}]


def test_reindex_and_switch_alias(client: QdrantClient, collection_name: str) -> None:
    """Blue/green re-index: build a new collection, then move the alias in one atomic request."""
    old, new = collection_name, unique_collection_name("green")
    alias = unique_collection_name("prod")
    create_simple(client, old)
    client.upsert(old, points=sample_points(4), wait=True)
    client.update_collection_aliases(
        change_aliases_operations=[
            models.CreateAliasOperation(
                create_alias=models.CreateAlias(collection_name=old, alias_name=alias)
            )
        ]
    )
    try:
        create_simple(client, new)
        client.upsert(new, points=sample_points(9), wait=True)
        client.update_collection_aliases(
            change_aliases_operations=[
                models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=alias)),
                models.CreateAliasOperation(
                    create_alias=models.CreateAlias(collection_name=new, alias_name=alias)
                ),
            ]
        )
        assert count(client, alias) == 9
        assert _aliases_of(client, old) == set()
        assert _aliases_of(client, new) == {alias}
        client.delete_collection(old)
        assert count(client, alias) == 9
    finally:
        client.delete_collection(new)


def test_deleting_collection_drops_its_aliases(client: QdrantClient, collection_name: str) -> None:
    create_simple(client, collection_name)
    alias = unique_collection_name("gone")
    client.update_collection_aliases(
        change_aliases_operations=[
            models.CreateAliasOperation(
                create_alias=models.CreateAlias(collection_name=collection_name, alias_name=alias)
            )
        ]
    )
    client.delete_collection(collection_name)
    assert alias not in {a.alias_name for a in client.get_aliases().aliases}


def test_alias_to_missing_collection_is_404(raw: httpx.Client) -> None:
    missing, alias = unique_collection_name("missing"), unique_collection_name("dangling")
    actions = {"actions": [{"create_alias": {"collection_name": missing, "alias_name": alias}}]}
    response = raw.post("/collections/aliases", json=actions)
    assert_qdrant_error(response, 404, f"Not found: Collection `{missing}` doesn't exist!")
    assert alias not in [a["alias_name"] for a in assert_ok(raw.get("/aliases"))["aliases"]]
