"""Text fingerprints for deduplication, pure and stable across releases.

- `content_hash`: exact copies (store.hashing).
- `title_key`: Media Cloud's normalized title: case and punctuation folded, and the
  longest part of the title split on ':', ' - ', ' | ' when that part is long enough, so
  "Wire: Kim meets Putin" and "Kim meets Putin - Daily" agree.
- `lsh_bands`: MinHash (128 multiply-shift hash functions) of the text's word 3-shingles, cut into 32 bands
  of 4 rows, each band hashed to a signed 64-bit integer. Two texts whose shingle sets
  have Jaccard similarity s share at least one band with probability 1-(1-s^4)^32: 0.87
  at s=0.5, 0.99 at s=0.6, 0.02 at s=0.2. A band value is an index key: finding the
  candidates of a text is 32 index probes whatever the number of stored texts, and random
  64-bit collisions are negligible, so the candidate count does not grow with the store.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from dataclasses import dataclass
from functools import cache

import numpy as np

from store.hashing import content_hash, normalize_text

SHINGLE_WORDS = 3
PERMUTATIONS = 128
BANDS = 32
ROWS = PERMUTATIONS // BANDS
SHORT_TEXT_WORDS = 100
"""Below this many words (on either side) containment of a few dozen shingles is too
brittle: a pair is confirmed by title and lead instead (see store.dedup)."""
MIN_WORDS_FOR_BANDS = 12
TITLE_PART_MIN_WORDS = 4
_TITLE_SPLIT = re.compile(r"\s*:\s+|\s+[-–—|]\s+")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Fingerprint:
    content_hash: str
    title_key: str
    words: int
    lsh_bands: tuple[int, ...]


def words_of(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def title_key(title: str) -> str:
    """Media Cloud's normalized title (see module docstring)."""
    parts = [p for p in _TITLE_SPLIT.split(unicodedata.normalize("NFKC", title)) if p.strip()]
    if len(parts) > 1:
        longest = max(parts, key=lambda p: len(words_of(p)))
        if len(words_of(longest)) >= TITLE_PART_MIN_WORDS:
            title = longest
    return normalize_text(title)


def shingles(words: list[str]) -> set[int]:
    """Hashed word 3-shingles (CRC-32: fast, stable, ample for sets of a few thousand)."""
    if len(words) < SHINGLE_WORDS:
        return {zlib.crc32(" ".join(words).encode())} if words else set()
    return {
        zlib.crc32(" ".join(words[i : i + SHINGLE_WORDS]).encode())
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20240619)
    a = rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)
    return a, b


def minhash(shingle_set: set[int]) -> np.ndarray:
    """128 MinHash values of a shingle set, by multiply-shift hashing: ((a*x + b) mod 2^64)
    >> 32 with a odd, a universal family whose arithmetic wraps natively in uint64."""
    if not shingle_set:
        return np.zeros(PERMUTATIONS, dtype=np.uint64)
    a, b = _permutations()
    values = np.fromiter(shingle_set, dtype=np.uint64, count=len(shingle_set))
    with np.errstate(over="ignore"):
        hashed = (values[:, None] * a[None, :] + b[None, :]) >> np.uint64(32)
    return np.asarray(hashed.min(axis=0), dtype=np.uint64)


def bands(signature: np.ndarray) -> tuple[int, ...]:
    """Hash each band of 4 MinHash rows, with its band number, to a signed 64-bit int."""
    out = []
    for band in range(BANDS):
        chunk = signature[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(band.to_bytes(1, "big") + chunk, digest_size=8).digest()
        out.append(int.from_bytes(digest, "big", signed=True))
    return tuple(out)


def fingerprint(title: str, text: str) -> Fingerprint:
    words = words_of(text)
    lsh = bands(minhash(shingles(words))) if len(words) >= MIN_WORDS_FOR_BANDS else ()
    return Fingerprint(content_hash(text), title_key(title), len(words), lsh)


def title_similarity(a: str, b: str) -> float:
    """Jaccard similarity of the words of two normalized titles."""
    wa, wb = set(a.split()), set(b.split())
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def containment(a: set[int], b: set[int]) -> float:
    """|A∩B| / min(|A|,|B|): 1.0 when one text is a trimmed copy of the other. Symmetric."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def jaccard(a: set[int], b: set[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
