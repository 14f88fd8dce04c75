"""Tokenizers for full-text conditions, with Qdrant's text-index options approximated.

Without a text index Qdrant tokenizes both sides with the default `word` tokenizer (split on
anything that is not a letter or digit, lowercase). A text index may choose `whitespace`,
`prefix` (documents also yield every prefix of each word), or `multilingual` (approximated
here by the Unicode-aware word split), plus length limits, ASCII folding and stopwords.
Stemming is accepted by the schema but not applied.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_WORD = re.compile(r"[^\W_]+")

_ENGLISH_STOPWORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with"]
)
_STOPWORD_LISTS = {"english": _ENGLISH_STOPWORDS}


def stopwords_for(languages: tuple[str, ...], custom: tuple[str, ...]) -> frozenset[str]:
    """Known lists (English only; others contribute nothing) plus custom words."""
    words: set[str] = set(custom)
    for lang in languages:
        words |= _STOPWORD_LISTS.get(lang, frozenset())
    return frozenset(words)


@dataclass(frozen=True, slots=True)
class TextOptions:
    tokenizer: str = "word"
    lowercase: bool = True
    min_token_len: int | None = None
    max_token_len: int | None = None
    ascii_folding: bool = False
    stopwords: frozenset[str] = field(default_factory=frozenset)


DEFAULT_TEXT = TextOptions()


def _fold(token: str) -> str:
    decomposed = unicodedata.normalize("NFKD", token)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenize(text: str, opts: TextOptions = DEFAULT_TEXT) -> list[str]:
    """Query-side tokens, in order (prefix expansion happens only on the document side)."""
    raw = text.split() if opts.tokenizer == "whitespace" else _WORD.findall(text)
    out: list[str] = []
    for token in raw:
        if opts.lowercase:
            token = token.lower()
        if opts.ascii_folding:
            token = _fold(token)
        if opts.min_token_len is not None and len(token) < opts.min_token_len:
            continue
        if opts.max_token_len is not None and len(token) > opts.max_token_len:
            continue
        if token in opts.stopwords:
            continue
        out.append(token)
    return out


def document_tokens(text: str, opts: TextOptions = DEFAULT_TEXT) -> set[str]:
    """Tokens a stored value is found by (with every prefix for the `prefix` tokenizer)."""
    tokens = tokenize(text, opts)
    if opts.tokenizer != "prefix":
        return set(tokens)
    low = opts.min_token_len or 1
    out: set[str] = set()
    for token in tokens:
        out.update(token[:n] for n in range(low, len(token) + 1))
    return out


def text_matches(query: str, value: str, opts: TextOptions = DEFAULT_TEXT) -> bool:
    wanted = tokenize(query, opts)
    have = document_tokens(value, opts)
    return bool(wanted) and all(t in have for t in wanted)


def text_any_matches(query: str, value: str, opts: TextOptions = DEFAULT_TEXT) -> bool:
    have = document_tokens(value, opts)
    return any(t in have for t in tokenize(query, opts))


def phrase_matches(query: str, value: str, opts: TextOptions = DEFAULT_TEXT) -> bool:
    phrase = tokenize(query, opts)
    tokens = tokenize(value, opts)
    n = len(phrase)
    return n > 0 and any(tokens[i : i + n] == phrase for i in range(len(tokens) - n + 1))
