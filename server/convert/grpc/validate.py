"""Qdrant's validation of a gRPC request message, run before anything else (before the collection
is looked up): INVALID_ARGUMENT `Validation error in body: [path: message]`.

Qdrant derives `Validate` on the generated gRPC types (lib/api/build.rs lists the constraint of
each field; src/tonic/api/mod.rs `validate`). The table below states those constraints for the
public messages this server reads; `check` walks a message along them. Paths are built as
Qdrant's flattening builds them: `field`, `parent.field`, `list[i].field`, a oneof by its own name
(`query.variant.mmr.diversity`), a map entry as `.[]`. A field without presence (no `optional`) is
checked whatever its value, so `SearchPoints.limit` left at 0 fails as in Qdrant.

Rule notation, per field: `name` / `name_legacy` (collection names: 1 to 255 characters, and the
characters Qdrant refuses), `range(a,b)` / `min(a)` / `max(b)` (the numbers as Qdrant's rule
writes them, which is how its message prints them), `len(n)` (a string of at least n characters),
`nested` (a message, a repeated message, a map of messages or a oneof).
"""

from __future__ import annotations

import json
import re
from typing import Any

from server.convert.grpc.values import invalid

_RULES_TEXT: dict[str, str] = {
    # collections
    "GetCollectionInfoRequest": "collection_name:name_legacy",
    "CollectionExistsRequest": "collection_name:name_legacy",
    "CreateCollection": ("collection_name:name hnsw_config:nested wal_config:nested optimizers_config:nested "
                         "vectors_config:nested quantization_config:nested strict_mode_config:nested "
                         "shard_number:min(1) replication_factor:min(1) write_consistency_factor:min(1)"),
    "UpdateCollection": ("collection_name:name_legacy timeout:min(1) optimizers_config:nested params:nested "
                         "hnsw_config:nested vectors_config:nested quantization_config:nested "
                         "strict_mode_config:nested"),
    "CollectionParamsDiff": "replication_factor:min(1) write_consistency_factor:min(1)",
    "DeleteCollection": "collection_name:name_legacy timeout:min(1)",
    "ChangeAliases": "timeout:min(1)",
    "ListCollectionAliasesRequest": "collection_name:name_legacy",
    "HnswConfigDiff": "ef_construct:min(4)",
    "WalConfigDiff": "wal_capacity_mb:min(1) wal_retain_closed:min(1)",
    "OptimizersConfigDiff": "deleted_threshold:range(0.0,1.0) vacuum_min_vector_number:min(100) max_segment_size:min(1)",
    "VectorsConfig": "config:nested",
    "VectorsConfigDiff": "config:nested",
    "VectorParams": "size:range(1,65536) hnsw_config:nested quantization_config:nested",
    "VectorParamsMap": "map:nested",
    "VectorParamsDiff": "hnsw_config:nested quantization_config:nested",
    "VectorParamsDiffMap": "map:nested",
    "QuantizationConfig": "quantization:nested",
    "QuantizationConfigDiff": "quantization:nested",
    "ScalarQuantization": "quantile:range(0.5,1.0)",
    "StrictModeConfig": ("max_query_limit:min(1) max_timeout:min(1) max_points_count:min(1) read_rate_limit:min(1) "
                         "write_rate_limit:min(1) max_resident_memory_percent:range(1,100) multivector_config:nested "
                         "sparse_config:nested"),
    "StrictModeSparseConfig": "sparse_config:nested",
    "StrictModeSparse": "max_length:min(1)",
    "StrictModeMultivectorConfig": "multivector_config:nested",
    "StrictModeMultivector": "max_vectors:min(1)",
    # points: updates
    "UpsertPoints": "collection_name:name_legacy",
    "DeletePoints": "collection_name:name_legacy",
    "UpdatePointVectors": "collection_name:name_legacy",
    "DeletePointVectors": "collection_name:name_legacy",
    "GetPoints": "collection_name:name_legacy",
    "SetPayloadPoints": "collection_name:name_legacy",
    "DeletePayloadPoints": "collection_name:name_legacy",
    "ClearPayloadPoints": "collection_name:name_legacy",
    "UpdateBatchPoints": "collection_name:name_legacy",
    "CreateFieldIndexCollection": "collection_name:name_legacy field_name:len(1)",
    "DeleteFieldIndexCollection": "collection_name:name_legacy field_name:len(1)",
    "CreateVectorNameRequest": "collection_name:name_legacy vector_config:nested",
    "DenseVectorCreationConfig": "size:range(1,65536)",
    "DeleteVectorNameRequest": "collection_name:name_legacy",
    # points: reads
    "SearchPoints": "collection_name:name_legacy limit:min(1) timeout:min(1) filter:nested params:nested",
    "SearchBatchPoints": "collection_name:name_legacy timeout:min(1) search_points:nested",
    "SearchPointGroups": ("collection_name:name_legacy group_by:len(1) group_size:min(1) limit:min(1) "
                          "timeout:min(1) filter:nested params:nested"),
    "SearchParams": "hnsw_ef:min(1) quantization:nested acorn:nested idf:nested",
    "QuantizationSearchParams": "oversampling:min(1.0)",
    "AcornSearchParams": "max_selectivity:range(0.0,1.0)",
    "IdfParams": "corpus:nested",
    "ScrollPoints": "collection_name:name_legacy limit:min(1) filter:nested",
    "RecommendPoints": "collection_name:name_legacy timeout:min(1) filter:nested params:nested",
    "RecommendBatchPoints": "collection_name:name_legacy timeout:min(1) recommend_points:nested",
    "RecommendPointGroups": ("collection_name:name_legacy group_by:len(1) group_size:min(1) limit:min(1) "
                             "timeout:min(1) filter:nested params:nested"),
    "DiscoverPoints": "collection_name:name_legacy limit:min(1) timeout:min(1) filter:nested params:nested",
    "DiscoverBatchPoints": "collection_name:name_legacy timeout:min(1) discover_points:nested",
    "CountPoints": "collection_name:name_legacy filter:nested",
    "Filter": "should:nested must:nested must_not:nested",
    "NestedCondition": "filter:nested",
    "Condition": "condition_one_of:nested",
    "Mmr": "diversity:range(0.0,1.0) candidates_limit:max(16_384)",
    "NearestInputWithMmr": "mmr:nested",
    "Rrf": "k:min(1)",
    "Query": "variant:nested",
    "NaiveFeedbackStrategy": "b:min(0.0)",
    "FeedbackStrategy": "variant:nested",
    "RelevanceFeedbackInput": "strategy:nested",
    "PrefetchQuery": "prefetch:nested query:nested filter:nested params:nested limit:min(1)",
    "QueryPoints": ("collection_name:name_legacy limit:min(1) timeout:min(1) prefetch:nested query:nested "
                    "filter:nested params:nested"),
    "QueryBatchPoints": "collection_name:name_legacy timeout:min(1) query_points:nested",
    "QueryPointGroups": ("collection_name:name_legacy group_by:len(1) group_size:min(1) limit:min(1) "
                         "timeout:min(1) prefetch:nested query:nested filter:nested params:nested"),
    "FacetCounts": "collection_name:name_legacy key:len(1) timeout:min(1) filter:nested",
    "SearchMatrixPoints": "collection_name:name_legacy sample:min(2) limit:min(1) timeout:min(1) filter:nested",
    # snapshots
    "CreateSnapshotRequest": "collection_name:name_legacy",
    "ListSnapshotsRequest": "collection_name:name_legacy",
    "DeleteSnapshotRequest": "collection_name:name_legacy snapshot_name:len(1)",
    "DeleteFullSnapshotRequest": "snapshot_name:len(1)",
}

_LEGACY_NAME_CHARS = ("/", "\0")
_NAME_CHARS = ("<", ">", ":", '"', "/", "\\", "|", "?", "*", "\0", "\x1f")
_RULE = re.compile(r"(\w+)(?:\(([^)]*)\))?$")


def _parse(text: str) -> list[tuple[str, str, list[str]]]:
    out = []
    for item in text.split():
        field, rule = item.split(":", 1)
        found = _RULE.match(rule)
        assert found is not None, item
        out.append((field, found.group(1), [a.strip() for a in (found.group(2) or "").split(",") if a.strip()]))
    return out


RULES: dict[str, list[tuple[str, str, list[str]]]] = {f"qdrant.{k}": _parse(v) for k, v in _RULES_TEXT.items()}
"""Per message full name: (field, kind, arguments), in the order the fields are checked."""


def check(message: Any) -> None:
    """Raise Qdrant's validation error for the first constraint `message` breaks (none: return)."""
    problem = _walk(message, "")
    if problem is not None:
        raise invalid(problem)


def _walk(message: Any, prefix: str) -> str | None:
    rules = RULES.get(message.DESCRIPTOR.full_name)
    if rules is None:
        return None
    for field, kind, args in rules:
        descriptor = message.DESCRIPTOR.fields_by_name.get(field)
        if descriptor is None:  # a oneof
            oneof = message.DESCRIPTOR.oneofs_by_name.get(field)
            which = message.WhichOneof(field) if oneof is not None else None
            if which is not None and kind == "nested":
                value = getattr(message, which)
                if hasattr(value, "DESCRIPTOR") and (problem := _walk(value, f"{prefix}{field}.")) is not None:
                    return problem
            continue
        path = f"{prefix}{field}"
        if kind == "nested":
            problem = _nested(message, descriptor, path)
        else:
            if descriptor.has_presence and not message.HasField(field):
                continue
            problem = _scalar(getattr(message, field), kind, args, path)
        if problem is not None:
            return problem
    return None


def _nested(message: Any, descriptor: Any, path: str) -> str | None:
    value = getattr(message, descriptor.name)
    if descriptor.message_type is None:
        return None
    if descriptor.message_type.GetOptions().map_entry:
        for entry in value.values():
            if hasattr(entry, "DESCRIPTOR") and (problem := _walk(entry, f"{path}.[].")) is not None:
                return problem
        return None
    if _is_repeated(descriptor):
        for i, item in enumerate(value):
            if (problem := _walk(item, f"{path}[{i}].")) is not None:
                return problem
        return None
    if not message.HasField(descriptor.name):
        return None
    return _walk(value, f"{path}.")


def _is_repeated(descriptor: Any) -> bool:
    is_repeated = getattr(descriptor, "is_repeated", None)
    if is_repeated is not None:
        return bool(is_repeated)
    return bool(descriptor.label == descriptor.LABEL_REPEATED)


def _scalar(value: Any, kind: str, args: list[str], path: str) -> str | None:
    match kind:
        case "name" | "name_legacy":
            if not 1 <= len(value) <= 255:
                return f"{path}: value {_show(value)} invalid, must be from 1 to 255 characters"
            for char in _LEGACY_NAME_CHARS if kind == "name_legacy" else _NAME_CHARS:
                if char in value:
                    return f'{path}: collection name cannot contain "{char}" char'
            return None
        case "len":
            if len(value) < int(args[0]):
                return f"{path}: value {_show(value)} invalid, must be at least {args[0]} characters"
            return None
        case "min":
            if value < _number(args[0]):
                return f"{path}: value {_show(value)} invalid, must be {args[0]} or larger"
            return None
        case "max":
            if value > _number(args[0]):
                return f"{path}: value {_show(value)} invalid, must be {args[0].replace('_', '')} or smaller"
            return None
        case "range":
            if not _number(args[0]) <= value <= _number(args[1]):
                return f"{path}: value {_show(value)} invalid, must be from {args[0]} to {args[1]}"
            return None
    raise AssertionError(f"unknown rule {kind}")


def _number(text: str) -> float:
    return float(text.replace("_", ""))


def _show(value: Any) -> str:
    """A value as Qdrant's message prints it (serde_json): strings quoted, floats shortest."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value) if isinstance(value, float) else str(value)
