"""Stable fingerprints of text, shared by storage and deduplication."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize_text(text: str) -> str:
    """Fold case, compatibility forms, punctuation and whitespace: copies that differ only
    in typography (curly quotes, non-breaking spaces, line wrapping) normalize alike."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


def content_hash(text: str) -> str:
    """SHA-256 of the normalized text, hex: equal for exact copies, stable across releases."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()
