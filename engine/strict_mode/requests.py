"""Strict-mode checks of read requests, before any work (Qdrant's `StrictModeVerification` of
query, search, groups, matrix, scroll, count and facet requests)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from engine.strict_mode.config import StrictMode
from engine.strict_mode.errors import check_allowed, check_limit, strict_error
from engine.strict_mode.filters import conditions_count, max_condition_size, unindexed_key
from engine.types.config import CollectionConfig
from engine.types.filters import Filter
from engine.types.payload_schema import PayloadSchema
from engine.types.requests import (
    ContextQuery,
    DiscoverQuery,
    NearestQuery,
    Prefetch,
    QueryRequest,
    RecommendQuery,
    RelevanceFeedbackQuery,
    SearchParams,
    VectorInput,
)

Schema = Mapping[str, PayloadSchema]


def check_filter(strict: StrictMode, flt: Filter | None, schema: Schema, allow_unindexed: bool | None) -> None:
    """Unindexed keys (when not allowed), then the condition count and size limits."""
    if flt is None:
        return
    if allow_unindexed is False and (found := unindexed_key(flt, schema)) is not None:
        key, schemas = found
        raise strict_error(f'Index required but not found for "{key}" of one of the following types: '
                           f"[{', '.join(schemas)}]", "Create an index for this key or use a different filter.")
    if strict.filter_max_conditions is not None:
        count = conditions_count(flt)
        if count > strict.filter_max_conditions:
            raise strict_error(f"Filter condition limit reached ({count} > {strict.filter_max_conditions})",
                               "Reduce the amount of conditions of your filter.")
    if strict.condition_max_size is not None:
        size = max_condition_size(flt)
        if size > strict.condition_max_size:
            raise strict_error(f"Condition size limit reached ({size} > {strict.condition_max_size})",
                               "Reduce the size of your condition.")


def check_read_filter(strict: StrictMode, flt: Filter | None, schema: Schema) -> None:
    check_filter(strict, flt, schema, strict.unindexed_filtering_retrieve)


def check_params(strict: StrictMode, params: SearchParams, schema: Schema) -> None:
    # the IDF corpus filter is evaluated on the read path: the read filter rules apply (as Qdrant)
    check_read_filter(strict, params.idf_corpus, schema)
    oversampling = params.quantization.oversampling if params.quantization is not None else None
    check_limit(oversampling, strict.search_max_oversampling, "oversampling")
    check_limit(params.hnsw_ef, strict.search_max_hnsw_ef, "hnsw_ef")
    check_allowed(params.exact, strict.search_allow_exact, "Exact search", "exact")


def _vector_query(query: object) -> bool:
    return isinstance(query, NearestQuery | RecommendQuery | DiscoverQuery | ContextQuery | RelevanceFeedbackQuery)


def check_fullscan(strict: StrictMode, config: CollectionConfig, schema: Schema, using: str,
                   query: object, flt: Filter | None) -> None:
    """With `search_allow_exact: false`, a vector search of a vector without a global HNSW graph
    (`m: 0`) is refused unless a tenant filter can use the payload graphs (`payload_m`)."""
    if strict.search_allow_exact is not False or not _vector_query(query):
        return
    if config.params.sparse(using) is not None or using not in config.params.vectors:
        return  # sparse vectors are always indexed; an unknown name fails later with its own error
    hnsw = config.effective_hnsw(using)
    if hnsw.m > 0:
        return
    label = "" if using == "" else f" on '{using}'"
    keys = [] if flt is None else [getattr(c, "key", None) for c in (*flt.must, *flt.should, *flt.must_not)]
    tenant = any(k is not None and k in schema and schema[k].option("is_tenant", False) for k in keys)
    if not tenant:
        raise strict_error(f"Request is forbidden{label} because global vector indexing is disabled "
                           "(hnsw_config.m = 0)", "Use tenant-specific filter, enable global vector indexing "
                           "or enable strict mode `search_allow_exact` option")
    payload_m = hnsw.payload_m if hnsw.payload_m is not None else hnsw.m
    if payload_m == 0:
        raise strict_error(f"Request is forbidden{label} because vector indexing is disabled (hnsw_config.m = 0 "
                           "and hnsw_config.payload_m = 0)", "Enable vector indexing, use a prefetch query with "
                           "indexed vectors or enable strict mode `search_allow_exact` option")


def _prefetch(strict: StrictMode, config: CollectionConfig, schema: Schema, node: Prefetch) -> None:
    for inner in node.prefetch:
        _prefetch(strict, config, schema, inner)
    if node.query is not None:
        check_fullscan(strict, config, schema, node.using, node.query, node.filter)
    check_limit(node.limit, strict.max_query_limit, "limit")
    check_read_filter(strict, node.filter, schema)
    check_params(strict, node.params, schema)


def check_query(strict: StrictMode, config: CollectionConfig, schema: Schema, request: QueryRequest,
                limit: int | None = None) -> None:
    """A query (or a converted search / recommend / discover): every level of its prefetch tree."""
    for node in request.prefetch:
        _prefetch(strict, config, schema, node)
    if request.query is not None and not request.prefetch:
        check_fullscan(strict, config, schema, request.using, request.query, request.filter)
    check_limit(request.limit if limit is None else limit, strict.max_query_limit, "limit")
    check_read_filter(strict, request.filter, schema)
    check_params(strict, request.params, schema)


def check_grouping_field(strict: StrictMode, group_by: str, schema: Schema) -> None:
    if strict.unindexed_filtering_retrieve is not False:
        return
    index = schema.get(group_by)
    if index is None:
        raise strict_error(f'Index required but not found for "{group_by}"',
                           "Create an index supporting `match` for this key.")
    if index.type not in ("keyword", "integer", "bool", "uuid") or (
            index.type == "integer" and not index.option("lookup", True)):
        raise strict_error(f'Index of type "{index.type.capitalize()}" found for "{group_by}"',
                           "Create an index supporting `match` for this key.")


def _vectors_in(value: Any) -> int:
    return int(value.shape[0]) if isinstance(value, np.ndarray) and value.ndim == 2 else 1


def _inputs_cost(inputs: list[VectorInput]) -> int:
    return sum(_vectors_in(v.vector) for v in inputs)


def query_cost(node: QueryRequest | Prefetch) -> int:
    """Qdrant's read cost: per search, its query vectors (a multivector counts its rows) plus the
    conditions of its filter; every prefetch is a search of its own."""
    match node.query:
        case NearestQuery(vector=vector):
            cost = _vectors_in(vector)
        case RecommendQuery(positive=positive, negative=negative):
            cost = _inputs_cost(positive) + _inputs_cost(negative)
        case DiscoverQuery(target=target, context=pairs):
            cost = _inputs_cost([target]) + _inputs_cost([x for p in pairs for x in (p.positive, p.negative)])
        case ContextQuery(context=pairs):
            cost = _inputs_cost([x for p in pairs for x in (p.positive, p.negative)])
        case RelevanceFeedbackQuery(target=target, feedback=feedback):
            cost = _inputs_cost([target, *(f.example for f in feedback)])
        case _:
            cost = 0 if node.prefetch else 1
    if node.filter is not None:
        cost += conditions_count(node.filter)
    return cost + sum(query_cost(p) for p in node.prefetch)


def filter_cost(flt: Filter | None) -> int:
    """Scroll, count, facet: 1 plus the filter's conditions."""
    return 1 + (conditions_count(flt) if flt is not None else 0)
