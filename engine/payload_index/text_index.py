"""Full-text index: token → posting set, with the index's tokenizer options.

`match: text` = every query token in one value, `text_any` = some token, `phrase` = the tokens
consecutively (checked on the stored strings of the candidates the postings leave).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.filters.text import (
    TextOptions,
    document_tokens,
    phrase_matches,
    stopwords_for,
    text_matches,
    tokenize,
)
from engine.payload_index.base import PayloadIndex
from engine.types.filters import FieldCondition, FieldMatch, MatchPhrase, MatchText, MatchTextAny
from engine.types.payload_schema import PayloadSchema, StopwordsSet

_EMPTY = np.empty(0, dtype=np.int64)


def text_options(schema: PayloadSchema) -> TextOptions:
    p = schema.params
    if p is None:
        return TextOptions()
    match p.stopwords:
        case None:
            stop: frozenset[str] = frozenset()
        case str(language):
            stop = stopwords_for((language,), ())
        case StopwordsSet(languages, custom):
            stop = stopwords_for(languages or (), custom or ())
    lowercase = p.lowercase is not False
    if lowercase:
        stop = frozenset(w.lower() for w in stop)
    return TextOptions(
        tokenizer=p.tokenizer or "word",
        lowercase=lowercase,
        min_token_len=p.min_token_len,
        max_token_len=p.max_token_len,
        ascii_folding=bool(p.ascii_folding),
        stopwords=stop,
    )


class TextIndex(PayloadIndex):
    def __init__(self, key: str, schema: PayloadSchema) -> None:
        super().__init__(key, schema)
        self.options = text_options(schema)
        self._postings: dict[str, set[int]] = {}
        self._tokens: dict[int, set[str]] = {}

    foreign_values_may_match = False  # values of other types never satisfy a text condition

    def _accepts(self, value: Any) -> bool:
        return isinstance(value, str)

    def _store(self, offset: int, values: list[Any]) -> None:
        tokens: set[str] = set()
        for v in values:
            tokens |= document_tokens(v, self.options)
        self._tokens[offset] = tokens
        for t in tokens:
            self._postings.setdefault(t, set()).add(offset)

    def _unstore(self, offset: int) -> None:
        for t in self._tokens.pop(offset, ()):
            posting = self._postings.get(t)
            if posting is not None:
                posting.discard(offset)
                if not posting:
                    del self._postings[t]

    def _posting(self, token: str) -> set[int]:
        return self._postings.get(token, set())

    def matching_offsets(self, cond: FieldCondition) -> np.ndarray | None:
        opts = self.options
        match cond:
            case FieldMatch(_, MatchText(text)):
                query = tokenize(text, opts)
                if not query:
                    return _EMPTY
                found = set.intersection(*(self._posting(t) for t in query))
                return self._verify(found, lambda v: text_matches(text, v, opts))
            case FieldMatch(_, MatchTextAny(text)):
                # some token in some value == some token in the point: postings are exact
                found = set().union(*(self._posting(t) for t in tokenize(text, opts)))
                return np.fromiter(found, dtype=np.int64, count=len(found))
            case FieldMatch(_, MatchPhrase(phrase)):
                query = tokenize(phrase, opts)
                if not query:
                    return _EMPTY
                found = set.intersection(*(self._posting(t) for t in query))
                return self._verify(found, lambda v: phrase_matches(phrase, v, opts), always=True)
        return None

    def _verify(self, found: set[int], check: Any, always: bool = False) -> np.ndarray:
        """Posting hits are per point; conditions are per value: re-check multi-valued points."""
        out = [
            o
            for o in found
            if (not always and len(self._values[o]) == 1)
            or any(check(v) for v in self._values[o])
        ]
        return np.array(sorted(out), dtype=np.int64)
