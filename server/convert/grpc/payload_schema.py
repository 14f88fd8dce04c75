"""gRPC payload index schemas ⇄ `PayloadSchema`: `CreateFieldIndexCollection` (field_type +
field_index_params) in, `PayloadSchemaInfo` (collection info) out.

Index params are mapped onto the REST option names and validated by the one REST reader
(`payload_schema_from_json`), so both transports accept and store exactly the same options.
"""

from __future__ import annotations

from typing import Any

from engine.errors import BadRequest
from engine.types.payload_schema import PayloadSchema
from server.convert.grpc.values import GrpcInputError
from server.convert.payload_schema import payload_schema_from_json, payload_schema_params_json
from server.pb import collections_pb2 as cpb

_FIELD_TYPES = ("keyword", "integer", "float", "geo", "text", "bool", "datetime", "uuid")
"""`FieldType` enum order (FieldTypeKeyword = 0 ...)."""
_SCHEMA_TYPES: dict[str, Any] = {name: i + 1 for i, name in enumerate(_FIELD_TYPES)}
"""`PayloadSchemaType` numbers (UnknownType = 0, Keyword = 1 ...)."""
_PARAMS_ONEOF = {
    "keyword_index_params": "keyword", "integer_index_params": "integer", "float_index_params": "float",
    "geo_index_params": "geo", "text_index_params": "text", "bool_index_params": "bool",
    "datetime_index_params": "datetime", "uuid_index_params": "uuid",
}
_TYPE_TO_ONEOF = {v: k for k, v in _PARAMS_ONEOF.items()}
_MEMORY = {1: "cold", 2: "cached", 3: "pinned"}
_MEMORY_NUM = {v: k for k, v in _MEMORY.items()}
_TOKENIZERS = {1: "prefix", 2: "whitespace", 3: "word", 4: "multilingual"}
_TOKENIZER_NUM = {v: k for k, v in _TOKENIZERS.items()}


def payload_schema_from_pb(request: Any) -> PayloadSchema:
    """`field_type` and/or `field_index_params` of a CreateFieldIndexCollection → PayloadSchema."""
    declared = _FIELD_TYPES[request.field_type] if request.HasField("field_type") else None
    if not request.HasField("field_index_params"):
        if declared is None:
            raise GrpcInputError("Cannot create field index: `field_type` or `field_index_params` is required")
        return payload_schema_from_json(declared)
    oneof = request.field_index_params.WhichOneof("index_params")
    if oneof is None:
        if declared is None:
            raise GrpcInputError("Cannot create field index: empty `field_index_params`")
        return payload_schema_from_json(declared)
    kind = _PARAMS_ONEOF[oneof]
    if declared is not None and declared != kind:
        raise GrpcInputError(f"field_type {declared} does not match field_index_params of type {kind}")
    body: dict[str, Any] = {"type": kind}
    for fd, value in getattr(request.field_index_params, oneof).ListFields():
        body[fd.name] = _option_from_pb(fd.name, value)
    return payload_schema_from_json(body)


def _option_from_pb(name: str, value: Any) -> Any:
    match name:
        case "memory":
            return _MEMORY.get(value, value)
        case "tokenizer":
            return _TOKENIZERS.get(value, value)
        case "prefix":
            return True  # KeywordPrefixParams has no options yet: its presence enables prefix matching
        case "stopwords":
            out: dict[str, Any] = {}
            if value.languages:
                out["languages"] = list(value.languages)
            if value.custom:
                out["custom"] = list(value.custom)
            return out
        case "stemmer":
            if value.WhichOneof("stemming_params") != "snowball":
                raise BadRequest("only the snowball stemmer is supported by this server")
            return {"type": "snowball", "language": value.snowball.language}
    return value


def payload_schema_info_to_pb(schema: PayloadSchema, points: int) -> Any:
    """Qdrant's `PayloadSchemaInfo` for collection info."""
    info = cpb.PayloadSchemaInfo(data_type=_SCHEMA_TYPES[schema.type], points=points)
    params = payload_schema_params_json(schema)
    if params is not None:
        inner = getattr(info.params, _TYPE_TO_ONEOF[schema.type])
        inner.SetInParent()
        for name, value in params.items():
            if name != "type":
                _set_option(inner, name, value)
    return info


def _set_option(message: Any, name: str, value: Any) -> None:
    match name:
        case "memory":
            message.memory = _MEMORY_NUM[value]
        case "tokenizer":
            message.tokenizer = _TOKENIZER_NUM[value]
        case "prefix":
            if value:
                message.prefix.SetInParent()
        case "stopwords":
            if isinstance(value, str):
                message.stopwords.languages.append(value)
            else:
                message.stopwords.languages.extend(value.get("languages") or [])
                message.stopwords.custom.extend(value.get("custom") or [])
        case "stemmer":
            message.stemmer.snowball.language = value["language"]
        case _:
            setattr(message, name, value)
