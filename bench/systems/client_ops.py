"""qdrant-client operations shared by the two peers driven through the stock client:
QdrantClient(":memory:") and Quiver over REST. Same calls, same models, same data."""

from __future__ import annotations

from typing import Any

from qdrant_client import QdrantClient, models

from bench.config import HNSW_EF_CONSTRUCTION, HNSW_M, UPSERT_BATCH
from bench.data import PRICE_LT, TOP_K, Dataset, category_name
from bench.measure import Stopwatch, run_queries, search_row


def create_collection(client: QdrantClient, name: str, dim: int) -> None:
    """A Cosine collection with the same HNSW parameters the other systems use."""
    client.create_collection(
        name,
        vectors_config=models.VectorParams(size=dim, distance=models.Distance.COSINE),
        hnsw_config=models.HnswConfigDiff(m=HNSW_M, ef_construct=HNSW_EF_CONSTRUCTION),
    )


def upsert_all(client: QdrantClient, name: str, ds: Dataset) -> dict[str, float]:
    """Upsert every point in batches of UPSERT_BATCH with wait=True; returns ingest stats."""
    with Stopwatch() as sw:
        for start in range(0, ds.n, UPSERT_BATCH):
            stop = min(start + UPSERT_BATCH, ds.n)
            points = [
                models.PointStruct(id=i, vector=ds.vectors[i].tolist(), payload=ds.payload(i))
                for i in range(start, stop)
            ]
            client.upsert(name, points=points, wait=True)
    return {"seconds": round(sw.seconds, 2), "points_per_s": round(ds.n / sw.seconds, 1)}


def create_payload_indexes(client: QdrantClient, name: str) -> float:
    """Keyword index on `category`, integer index on `price`; returns seconds taken."""
    with Stopwatch() as sw:
        client.create_payload_index(name, "category", models.PayloadSchemaType.KEYWORD, wait=True)
        client.create_payload_index(name, "price", models.PayloadSchemaType.INTEGER, wait=True)
    return round(sw.seconds, 3)


def query_filter(ds: Dataset, kind: str, qi: int) -> models.Filter | None:
    """The qdrant-client filter matching `Dataset.mask(kind, qi)`."""
    match kind:
        case "plain":
            return None
        case "keyword_1pct":
            value = category_name(int(ds.query_category[qi]))
            return models.Filter(
                must=[models.FieldCondition(key="category", match=models.MatchValue(value=value))]
            )
        case "range_30pct":
            return models.Filter(must=[models.FieldCondition(key="price", range=models.Range(lt=PRICE_LT))])
    raise ValueError(f"unknown filter kind {kind!r}")


def filter_json(ds: Dataset, kind: str, qi: int) -> dict[str, Any] | None:
    """The same filter as REST JSON, for raw httpx requests."""
    flt = query_filter(ds, kind, qi)
    return None if flt is None else flt.model_dump(exclude_none=True)


def search_pass(
    client: QdrantClient, name: str, ds: Dataset, kind: str, n_queries: int, ef: int | None
) -> dict[str, Any]:
    """Run `n_queries` single-client query_points calls; returns one result row."""
    filters = [query_filter(ds, kind, qi) for qi in range(n_queries)]  # built before timing
    vectors = [ds.queries[qi].tolist() for qi in range(n_queries)]
    params = None if ef is None else models.SearchParams(hnsw_ef=ef)

    def one(qi: int) -> list[int]:
        res = client.query_points(
            name,
            query=vectors[qi],
            limit=TOP_K,
            query_filter=filters[qi],
            search_params=params,
            with_payload=False,
        )
        return [int(p.id) for p in res.points]  # type: ignore[arg-type]

    found, times = run_queries(n_queries, one)
    return search_row(kind, "exact" if ef is None else f"ef={ef}", found, times, ds.truth[kind])
