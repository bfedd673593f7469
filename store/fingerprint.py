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

from store.hashing import hash_words, normalize_text, words_of

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


@dataclass(frozen=True)
class Fingerprint:
    content_hash: str
    title_key: str
    words: int
    lsh_bands: tuple[int, ...]
    signature: bytes = b""
    """The 128 MinHash values as little-endian uint32 (512 bytes): candidates are confirmed
    from stored signatures, without reading and re-shingling their texts."""
    shingle_count: int = 0


def title_key(title: str) -> str:
    """Media Cloud's normalized title (see module docstring)."""
    parts = [p for p in _TITLE_SPLIT.split(unicodedata.normalize("NFKC", title)) if p.strip()]
    if len(parts) > 1:
        longest = max(parts, key=lambda p: len(words_of(p)))
        if len(words_of(longest)) >= TITLE_PART_MIN_WORDS:
            title = longest
    return normalize_text(title)


_WORD_HASHES: dict[str, int] = {}
_WORD_HASHES_MAX = 500_000


def _word_hash(word: str) -> int:
    """CRC-32 of a word, memoized: news vocabularies repeat, hashing is the hot loop."""
    hashed = _WORD_HASHES.get(word)
    if hashed is None:
        hashed = zlib.crc32(word.encode())
        if len(_WORD_HASHES) < _WORD_HASHES_MAX:
            _WORD_HASHES[word] = hashed
    return hashed


def shingle_array(words: list[str]) -> np.ndarray:
    """Hashed word 3-shingles as a sorted uint32 array: each word hashed once (CRC-32,
    stable across processes), three consecutive word hashes combined arithmetically."""
    if not words:
        return np.zeros(0, dtype=np.uint64)
    hashed = np.fromiter(map(_word_hash, words), dtype=np.uint64, count=len(words))
    if len(hashed) < SHINGLE_WORDS:
        return np.unique(hashed)
    with np.errstate(over="ignore"):
        combined = hashed[:-2] * np.uint64(0x9E3779B1) + hashed[1:-1] * np.uint64(0x85EBCA77) + hashed[2:]
    return np.unique(combined & np.uint64(0xFFFFFFFF))


def shingles(words: list[str]) -> set[int]:
    """The same shingles as a Python set, for exact containment."""
    return set(shingle_array(words).tolist())


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20240619)
    a = rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)
    return a, b


def minhash(values: np.ndarray) -> np.ndarray:
    """128 MinHash values of a shingle array, by multiply-shift hashing: ((a*x + b) mod 2^64)
    >> 32 with a odd, a universal family whose arithmetic wraps natively in uint64."""
    if not len(values):
        return np.zeros(PERMUTATIONS, dtype=np.uint64)
    a, b = _permutations()
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
    digest = hash_words(words)  # the content hash, from the tokens already at hand
    shingle_set = shingle_array(words)
    if len(words) < MIN_WORDS_FOR_BANDS:
        return Fingerprint(digest, title_key(title), len(words), (), b"", len(shingle_set))
    signature = minhash(shingle_set)
    packed = signature.astype("<u4").tobytes()
    return Fingerprint(
        digest, title_key(title), len(words), bands(signature), packed, len(shingle_set)
    )


def estimated_containment(sig_a: bytes, count_a: int, sig_b: bytes, count_b: int) -> float:
    """Containment |A∩B| / min(|A|,|B|) estimated from two MinHash signatures and the set
    sizes: J = agreeing rows / 128, |A∩B| = J (|A|+|B|) / (1+J). Standard error about 0.04
    near the thresholds; store.dedup re-checks exactly when an estimate is that close."""
    if not sig_a or not sig_b or not count_a or not count_b:
        return 0.0
    a = np.frombuffer(sig_a, dtype="<u4")
    b = np.frombuffer(sig_b, dtype="<u4")
    if a.shape != b.shape:
        return 0.0
    j = float((a == b).mean())
    return min(1.0, j * (count_a + count_b) / (1 + j) / min(count_a, count_b))


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
