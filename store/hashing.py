"""Stable fingerprints of text, shared by storage and deduplication."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words_of(text: str) -> list[str]:
    """The text's words, case and compatibility forms folded, punctuation and underscores
    dropped: the one tokenization behind normalized text, content hashes and shingles."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def normalize_text(text: str) -> str:
    """Fold case, compatibility forms, punctuation and whitespace: copies that differ only
    in typography (curly quotes, non-breaking spaces, line wrapping) normalize alike."""
    return " ".join(words_of(text))


def hash_words(words: list[str]) -> str:
    """SHA-256 (hex) of already tokenized text; `content_hash` without tokenizing twice."""
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def content_hash(text: str) -> str:
    """SHA-256 of the normalized text, hex: equal for exact copies, stable across releases."""
    return hash_words(words_of(text))
