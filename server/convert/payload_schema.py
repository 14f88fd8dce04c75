"""REST JSON ⇄ `PayloadSchema`: `field_schema` of create-index requests and collection info's
`payload_schema` entries (`PayloadIndexInfo`: data_type, params when given, points)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from engine.errors import ValidationError
from engine.types.payload_schema import (
    SCHEMA_TYPES,
    IndexParams,
    PayloadSchema,
    PayloadSchemaType,
    SnowballStemmer,
    StopwordsSet,
)
from server.convert.json_fields import format_error

_COMMON = ("type", "on_disk", "memory", "enable_hnsw")
_ALLOWED: dict[str, tuple[str, ...]] = {
    "keyword": (*_COMMON, "is_tenant", "prefix"),
    "integer": (*_COMMON, "lookup", "range", "is_principal"),
    "float": (*_COMMON, "is_principal"),
    "geo": _COMMON,
    "text": (
        *_COMMON,
        "tokenizer",
        "min_token_len",
        "max_token_len",
        "lowercase",
        "ascii_folding",
        "phrase_matching",
        "stopwords",
        "stemmer",
    ),
    "bool": _COMMON,
    "datetime": (*_COMMON, "is_principal"),
    "uuid": (*_COMMON, "is_tenant"),
}
_BOOLS = (
    "is_tenant",
    "is_principal",
    "on_disk",
    "enable_hnsw",
    "prefix",
    "lookup",
    "range",
    "lowercase",
    "ascii_folding",
    "phrase_matching",
)
_MEMORY = ("cold", "cached", "pinned")
_TOKENIZERS = ("prefix", "whitespace", "word", "multilingual")
_LANGUAGES = ["arabic", "azerbaijani", "basque", "bengali", "catalan", "chinese", "danish", "dutch", "english", "finnish", "french", "german", "greek", "hebrew", "hinglish", "hungarian", "indonesian", "italian", "japanese", "kazakh", "nepali", "norwegian", "portuguese", "romanian", "russian", "slovene", "spanish", "swedish", "tajik", "turkish"]
_SNOWBALL = ["arabic", "armenian", "danish", "dutch", "english", "finnish", "french", "german", "greek", "hungarian", "italian", "norwegian", "portuguese", "romanian", "russian", "spanish", "swedish", "tamil", "turkish"]


def _schema_type(value: Any) -> PayloadSchemaType:
    for t in SCHEMA_TYPES:
        if value == t:
            return t
    expected = ", ".join(f"`{t}`" for t in SCHEMA_TYPES)
    raise format_error(f"unknown payload schema type {value!r}, expected one of {expected}")


def payload_schema_from_json(field_schema: Any) -> PayloadSchema:
    """`"keyword"` or `{"type": "text", "tokenizer": "word", ...}` → PayloadSchema."""
    if isinstance(field_schema, str):
        return PayloadSchema(_schema_type(field_schema))
    if not isinstance(field_schema, dict):
        raise format_error("`field_schema` must be a type name or an object with `type`")
    kind = _schema_type(field_schema.get("type"))
    values: dict[str, Any] = {}
    allowed = _ALLOWED[kind]
    for name, value in field_schema.items():
        if name == "type" or value is None or name not in allowed:
            continue  # unknown fields are ignored, as by Qdrant's index params models
        values[name] = _option(name, value)
    if kind == "integer" and values.get("lookup") is False and values.get("range") is False:
        # Qdrant's IntegerIndexParams validator; its error has a code and no message, so the
        # validator crate's Display ("Validation error: <code> [<params>]") is what clients see
        raise ValidationError("Validation error in JSON body: [field_schema.lookup: Validation error: the 'lookup' "
                              "and 'range' capabilities can't be both disabled [{}]]")
    low, high = values.get("min_token_len"), values.get("max_token_len")
    if low is not None and high is not None and low > high:
        raise ValidationError("Validation error in JSON body: [min_token_len must not exceed max_token_len]")
    return PayloadSchema(kind, IndexParams(**values))


def _option(name: str, value: Any) -> Any:
    if name in _BOOLS:
        if not isinstance(value, bool):
            raise format_error(f"`{name}` must be a boolean")
        return value
    match name:
        case "memory":
            if value not in _MEMORY:
                raise format_error(f"`memory` must be one of {', '.join(_MEMORY)}")
            return value
        case "tokenizer":
            if value not in _TOKENIZERS:
                raise format_error(f"`tokenizer` must be one of {', '.join(_TOKENIZERS)}")
            return value
        case "min_token_len" | "max_token_len":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise format_error(f"`{name}` must be an unsigned integer")
            return value
        case "stopwords":
            return _stopwords(value)
        case "stemmer":
            return _stemmer(value)
    raise format_error(f"unknown field `{name}`")


def _language(value: Any, allowed: list[str], where: str) -> str:
    if value not in allowed:
        raise format_error(f"`{where}`: unknown language {value!r}")
    return str(value)


def _stopwords(value: Any) -> str | StopwordsSet:
    if isinstance(value, str):
        return _language(value, _LANGUAGES, "stopwords")
    if not isinstance(value, dict):
        raise format_error("`stopwords` must be a language or {languages, custom}")
    languages, custom = value.get("languages"), value.get("custom")
    if languages is not None and not isinstance(languages, list):
        raise format_error("`stopwords.languages` must be an array")
    if custom is not None and not (isinstance(custom, list) and all(isinstance(w, str) for w in custom)):
        raise format_error("`stopwords.custom` must be an array of strings")
    return StopwordsSet(
        None if languages is None else tuple(_language(x, _LANGUAGES, "stopwords.languages") for x in languages),
        None if custom is None else tuple(custom),
    )


def _stemmer(value: Any) -> SnowballStemmer:
    if not isinstance(value, dict) or value.get("type") != "snowball":
        raise format_error('`stemmer` must be {"type": "snowball", "language": ...}')
    return SnowballStemmer(_language(value.get("language"), _SNOWBALL, "stemmer.language"))


def _option_json(value: Any) -> Any:
    match value:
        case StopwordsSet(languages, custom):
            out: dict[str, Any] = {}
            if languages is not None:
                out["languages"] = list(languages)
            if custom is not None:
                out["custom"] = list(custom)
            return out
        case SnowballStemmer(language):
            return {"type": "snowball", "language": language}
    return value


def payload_schema_params_json(schema: PayloadSchema) -> dict[str, Any] | None:
    """The `params` object as given at creation (None for the plain string form)."""
    if schema.params is None:
        return None
    out: dict[str, Any] = {"type": schema.type}
    for f in fields(IndexParams):
        value = getattr(schema.params, f.name)
        if value is not None:
            out[f.name] = _option_json(value)
    return out


def payload_schema_to_json(schema: PayloadSchema, points: int) -> dict[str, Any]:
    """Qdrant's `PayloadIndexInfo`."""
    info: dict[str, Any] = {"data_type": schema.type}
    params = payload_schema_params_json(schema)
    if params is not None:
        info["params"] = params
    info["points"] = points
    return info
