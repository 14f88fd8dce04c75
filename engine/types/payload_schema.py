"""Payload index schemas: a data type plus the optional parameters Qdrant accepts for it.

`params is None` means the index was created with the plain string form (`"keyword"`); collection
info then shows no `params`. Options that change nothing here (`on_disk`, `memory`, `is_tenant`,
`is_principal`, `enable_hnsw`) are kept so they round-trip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PayloadSchemaType = Literal["keyword", "integer", "float", "geo", "text", "bool", "datetime", "uuid"]
SCHEMA_TYPES: tuple[PayloadSchemaType, ...] = (
    "keyword",
    "integer",
    "float",
    "geo",
    "text",
    "bool",
    "datetime",
    "uuid",
)

Memory = Literal["cold", "cached", "pinned"]
Tokenizer = Literal["prefix", "whitespace", "word", "multilingual"]


@dataclass(frozen=True, slots=True)
class StopwordsSet:
    languages: tuple[str, ...] | None = None
    custom: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class SnowballStemmer:
    language: str


@dataclass(frozen=True, slots=True)
class IndexParams:
    """Every option of `*IndexParams`; which ones a type allows is checked on conversion."""

    is_tenant: bool | None = None
    is_principal: bool | None = None
    on_disk: bool | None = None
    memory: Memory | None = None
    enable_hnsw: bool | None = None
    # keyword
    prefix: bool | None = None
    # integer
    lookup: bool | None = None
    range: bool | None = None
    # text
    tokenizer: Tokenizer | None = None
    min_token_len: int | None = None
    max_token_len: int | None = None
    lowercase: bool | None = None
    ascii_folding: bool | None = None
    phrase_matching: bool | None = None
    stopwords: str | StopwordsSet | None = None
    stemmer: SnowballStemmer | None = None


@dataclass(frozen=True, slots=True)
class PayloadSchema:
    type: PayloadSchemaType
    params: IndexParams | None = None

    def option(self, name: str, default: object) -> object:
        """The value of option `name`, or `default` when it was not given."""
        if self.params is None:
            return default
        value = getattr(self.params, name)
        return default if value is None else value
