"""The shared scenario (`scenario_spec`) through the stock Python qdrant-client.

One implementation serves the sync and the async client (`_done` awaits a coroutine, passes a value
through), over REST or gRPC, and `QdrantClient(":memory:")` for the expected answers (`oracle=True`
skips the steps local mode does not define: payload schema, wire errors, snapshots).
"""

from __future__ import annotations

import hashlib
import inspect
from typing import Any

import httpx
from qdrant_client import models
from qdrant_client.http.exceptions import UnexpectedResponse
from scenario_spec import build_spec

INDEX_TYPES = {
    "keyword": models.PayloadSchemaType.KEYWORD, "integer": models.PayloadSchemaType.INTEGER,
    "datetime": models.PayloadSchemaType.DATETIME, "text": models.PayloadSchemaType.TEXT,
}
REST_CATEGORY = {400: "bad_request", 422: "bad_request", 404: "not_found", 409: "already_exists"}
GRPC_CATEGORY = {"INVALID_ARGUMENT": "bad_request", "NOT_FOUND": "not_found", "ALREADY_EXISTS": "already_exists"}


async def _done(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def _match(key: str, value: Any) -> models.FieldCondition:
    return models.FieldCondition(key=key, match=models.MatchValue(value=value))


def _sparse(data: dict[str, list[Any]]) -> models.SparseVector:
    return models.SparseVector(indices=data["indices"], values=data["values"])


def _scored(points: list[models.ScoredPoint]) -> list[dict[str, Any]]:
    return [{"id": p.id, "score": p.score} for p in points]


def _category(exc: Exception) -> str:
    if isinstance(exc, UnexpectedResponse):
        return REST_CATEGORY.get(exc.status_code, f"http_{exc.status_code}")
    code = getattr(exc, "code", None)
    if callable(code):
        name = code().name
        return GRPC_CATEGORY.get(name, name)
    return f"python_{type(exc).__name__}"


async def _error(call: Any) -> str:
    try:
        await _done(call())
    except Exception as exc:  # the category is the observation
        return _category(exc)
    return "no_error"


async def run(client: Any, prefix: str, rest_url: str | None = None, oracle: bool = False) -> dict[str, Any]:
    """Run every step against `client`; return the observations keyed by step name."""
    spec = build_spec()
    dense, sparse = spec["dense"], spec["sparse"]
    names = {key: f"{prefix}_{key}" for key in spec["collections"]}
    docs, faq = names["docs"], names["faq"]
    out: dict[str, Any] = {}

    for key, name in names.items():
        await _done(client.create_collection(
            name,
            vectors_config={dense: models.VectorParams(size=spec["dim"], distance=models.Distance.COSINE)},
            sparse_vectors_config={sparse: models.SparseVectorParams(modifier=models.Modifier.IDF)},
        ))
        for index in spec["indexes"]:
            schema: Any = INDEX_TYPES[index["type"]]
            if index.get("is_tenant"):
                schema = models.KeywordIndexParams(type=models.KeywordIndexType.KEYWORD, is_tenant=True)
            await _done(client.create_payload_index(name, index["field"], field_schema=schema, wait=True))
        points = spec["collections"][key]
        for start in range(0, len(points), spec["batch"]):
            batch = [models.PointStruct(id=p["id"], vector={dense: p["dense"], sparse: _sparse(p["sparse"])},
                                        payload=p["payload"]) for p in points[start:start + spec["batch"]]]
            await _done(client.upsert(name, points=batch, wait=True))
    if not oracle:
        info = {}
        for key, name in names.items():
            schema_info = (await _done(client.get_collection(name))).payload_schema
            info[key] = {field: str(value.data_type.value) for field, value in schema_info.items()}
        out["info"] = info

    q = spec["search_tenant"]
    tenant = models.Filter(must=[_match("tenant", q["tenant"])])
    out["search_tenant"] = _scored((await _done(client.query_points(
        docs, query=q["vector"], using=dense, query_filter=tenant, limit=q["limit"]))).points)

    q = spec["search_filtered"]
    flt = models.Filter(must=[
        models.FieldCondition(key="year", range=models.Range(gte=q["year_gte"], lt=q["year_lt"])),
        models.FieldCondition(key="created", range=models.DatetimeRange(gte=q["created_gte"])),
        models.FieldCondition(key="title", match=models.MatchText(text=q["text"])),
    ])
    out["search_filtered"] = _scored((await _done(client.query_points(
        docs, query=q["vector"], using=dense, query_filter=flt, limit=q["limit"]))).points)

    q = spec["hybrid"]
    for fusion in (models.Fusion.RRF, models.Fusion.DBSF):
        prefetch = [models.Prefetch(query=q["dense"], using=dense, limit=q["prefetch_limit"]),
                    models.Prefetch(query=_sparse(q["sparse"]), using=sparse, limit=q["prefetch_limit"])]
        out[f"hybrid_{fusion.value}"] = _scored((await _done(client.query_points(
            docs, prefetch=prefetch, query=models.FusionQuery(fusion=fusion),
            query_filter=models.Filter(must=[_match("tenant", q["tenant"])]), limit=q["limit"]))).points)

    q = spec["recommend"]
    out["recommend"] = _scored((await _done(client.query_points(
        docs, query=models.RecommendQuery(recommend=models.RecommendInput(
            positive=q["positive"], negative=q["negative"])),
        using=dense, query_filter=models.Filter(must=[_match("tenant", q["tenant"])]), limit=q["limit"]))).points)

    q = spec["groups"]
    groups = (await _done(client.query_points_groups(
        docs, query=q["vector"], using=dense, group_by=q["group_by"], limit=q["limit"],
        group_size=q["group_size"]))).groups
    out["groups"] = [{"id": g.id, "hits": _scored(g.hits)} for g in groups]

    for key, name in names.items():
        ids: list[Any] = []
        offset = None
        while True:
            page, offset = await _done(client.scroll(name, limit=spec["scroll_limit"], offset=offset,
                                                     with_payload=False, with_vectors=False))
            ids.extend(p.id for p in page)
            if offset is None:
                break
        out[f"scroll_{key}"] = ids

    async def count(name: str, flt: models.Filter | None = None) -> int:
        return int((await _done(client.count(name, count_filter=flt, exact=True))).count)

    out["count_docs"] = await count(docs)
    out["count_tenant"] = await count(docs, models.Filter(must=[_match("tenant", spec["count_tenant"])]))

    if not oracle:
        wrong = models.PointStruct(id=spec["collections"]["docs"][0]["id"], vector={dense: spec["wrong_vector"]})
        out["errors"] = {
            "wrong_dimension": await _error(lambda: client.upsert(docs, points=[wrong], wait=True)),
            "missing_collection": await _error(lambda: client.count(f"{prefix}_missing")),
            "existing_collection": await _error(lambda: client.create_collection(
                docs, vectors_config={dense: models.VectorParams(size=spec["dim"], distance=models.Distance.COSINE)})),
        }
    out["count_after_errors"] = await count(docs)

    q = spec["set_payload"]
    await _done(client.set_payload(docs, payload=q["payload"], wait=True, points=models.Filter(must=[
        _match("tenant", q["tenant"]), models.FieldCondition(key="year", range=models.Range(gte=q["year_gte"]))])))
    out["set_payload_count"] = await count(docs, models.Filter(must=[_match("reviewed", True)]))
    records = await _done(client.retrieve(docs, ids=q["retrieve"], with_payload=True))
    out["set_payload_records"] = [{"id": r.id, "payload": r.payload} for r in records]

    await _done(client.delete(faq, wait=True, points_selector=models.FilterSelector(filter=models.Filter(
        must=[models.FieldCondition(key="year", range=models.Range(lt=spec["delete_faq_year_lt"]))]))))
    out["delete_count"] = await count(faq)

    alias = f"{prefix}_{spec['alias']}"
    await _done(client.update_collection_aliases(change_aliases_operations=[
        models.CreateAliasOperation(create_alias=models.CreateAlias(collection_name=docs, alias_name=alias))]))
    out["alias_before"] = await count(alias)
    await _done(client.update_collection_aliases(change_aliases_operations=[
        models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=alias)),
        models.CreateAliasOperation(create_alias=models.CreateAlias(collection_name=faq, alias_name=alias))]))
    out["alias_after"] = await count(alias)
    listed = (await _done(client.get_aliases())).aliases
    out["aliases"] = sorted([a.alias_name.removeprefix(prefix + "_"), a.collection_name.removeprefix(prefix + "_")]
                            for a in listed if a.alias_name.startswith(prefix + "_"))

    if not oracle:
        assert rest_url is not None, "snapshot download needs the REST url"
        created = await _done(client.create_snapshot(faq, wait=True))
        snapshots = await _done(client.list_snapshots(faq))
        entry = next((s for s in snapshots if s.name == created.name), None)
        body = httpx.get(f"{rest_url}/collections/{faq}/snapshots/{created.name}", timeout=60).content
        out["snapshot"] = {
            "listed": entry is not None,
            "size_matches": entry is not None and entry.size == len(body),
            "checksum_matches": entry is not None and entry.checksum == hashlib.sha256(body).hexdigest(),
        }
    return out
