"""Load and validate the per-language relevance lexicons in ``crawler/topic/lexicons/*.toml``.

The lexicons are data, not code: adding a language means dropping ``<code>.toml`` into the
folder; :func:`load_lexicons` discovers every ``*.toml`` file there. Each file looks like::

    language = "ru"                 # must equal the file name's stem
    exclude = ["россиянка-тест*"]   # optional: tokens that never start a match
    [terms]
    rus  = ["росси*", "москв*", ...]   # Russia
    prk  = ["кндр", "пхеньян*", ...]   # North Korea
    both = ["российско-северокорейск*"]  # bilateral compounds: count for rus AND prk
    kor  = ["южн* коре*", "сеул*"]     # South Korea: recorded, never counts

Why the text normalisation lives here and not in ``relevance.py``: a term and the article it
should match must go through *exactly* the same normalisation and tokenisation, or the term
silently never matches. Validating a term means tokenising it, so the one implementation of
:func:`normalize` / :func:`tokenize` sits next to the loader and the scorer imports it.

Normalisation (:func:`normalize`): NFKC, case-fold, then accents are folded: every accented
Latin, Greek or Cyrillic letter is replaced by its base letter (its NFD form without the
combining marks U+0300–U+036F) and stray combining marks are dropped. So "Corée" equals
"Coree", "Choïgou" equals "Choigou", Russian "ё" equals "е" and "й" equals "и" (harmless for
matching, and it spares listing both spellings). Hangul and Han characters are untouched.

Tokenisation (:func:`tokenize`): ``\\w+`` runs are word tokens. Hyphens, en-dashes, minus,
apostrophes (``'`` ``’`` ``ʼ``) and middle dots (``·`` ``・``) are *soft* separators, exactly like
a space: "Russia-North Korea", "Russia–North Korea" and "Russia North Korea" give the same
tokens, "l'URSS" gives ``l``, ``urss``, "북·러" gives ``북``, ``러``. Every other punctuation
character (``. , ; : ! ? / ( ) « »`` quotes, em-dash …) becomes a token of its own: a
multi-word term therefore never matches across a sentence or clause boundary
("… Russia. North Korea …"), while a term may spell punctuation on purpose ("n. korea*").

Term syntax: words separated by spaces (or soft separators); a word matches one token
exactly, or, when it ends with ``*``, any token that starts with it (a stem). A term made of a
single stem needs at least 4 characters (2 for Hangul/Han syllables), which keeps out
over-broad stems such as "рос*" or "북*".
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LEXICON_DIR: Path = Path(__file__).with_name("lexicons")
"""Where the packaged lexicons live; one ``<language>.toml`` per language."""

SIDES: tuple[str, ...] = ("rus", "prk", "both", "kor")
"""Allowed keys of the ``[terms]`` table."""

_TOP_KEYS: frozenset[str] = frozenset({"language", "exclude", "terms"})

# Characters that separate tokens like whitespace does (so they are equivalent to a space in
# terms): apostrophes, hyphens/dashes except the em-dash (a clause break), middle dots.
_SOFT = "\\s'’‘ʼ`´\\-‐‑‒–−·・‧∙⋅"
_TOKEN_RE = re.compile(rf"\w+|[^\w{_SOFT}]")
_TERM_TOKEN_RE = re.compile(rf"\w+\*?|[^\w{_SOFT}]")
_COMBINING_RE = re.compile("[\u0300-\u036f]")

_MIN_STEM = 4
_MIN_STEM_SYLLABIC = 2

Word = tuple[str, bool]
"""One word of a term: (normalised text, is_prefix)."""


def _accent_table() -> dict[str, str]:
    """Map every accented Latin/Greek/Cyrillic letter to its unaccented form, computed once.

    Folding through a precomputed table touches only the few accented characters of a text;
    decomposing and recomposing the whole text (NFD → strip → NFC) would also round-trip
    every Hangul syllable, which tripled the cost of normalising Korean articles.
    """
    table: dict[str, str] = {}
    for code in (*range(0x00C0, 0x0530), *range(0x1E00, 0x2000)):
        char = chr(code)
        decomposed = unicodedata.normalize("NFD", char)
        stripped = _COMBINING_RE.sub("", decomposed)
        if stripped != decomposed:
            table[char] = unicodedata.normalize("NFC", stripped)
    return table


_ACCENTS: dict[str, str] = _accent_table()
_ACCENTED_RE = re.compile("[" + "".join(_ACCENTS) + "\u0300-\u036f]")


def normalize(text: str) -> str:
    """Return ``text`` NFKC-normalised, case-folded and with accents folded.

    ASCII text takes a fast path (``lower`` is all it needs), which matters because the
    scorer runs on every crawled article.
    """
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold()
    # One str.replace per *distinct* accented letter beats a per-occurrence regex callback.
    for char in set(_ACCENTED_RE.findall(text)):
        text = text.replace(char, _ACCENTS.get(char, ""))  # stray combining marks are dropped
    return text


def tokenize(text: str) -> list[str]:
    """Split normalised ``text`` into word tokens and hard-punctuation tokens (see module doc)."""
    return _TOKEN_RE.findall(normalize(text))


def _is_syllabic(char: str) -> bool:
    """True for Hangul and Han characters, where one character carries a whole syllable."""
    code = ord(char)
    return (
        0x1100 <= code <= 0x11FF
        or 0x3130 <= code <= 0x318F
        or 0xAC00 <= code <= 0xD7AF
        or (0x4E00 <= code <= 0x9FFF)
    )


def parse_term(term: str) -> tuple[Word, ...]:
    """Turn a lexicon term into its sequence of words, raising ValueError if it is malformed.

    The term is normalised and tokenised exactly like article text, except that a ``*``
    directly after a word marks that word as a stem.
    """
    if not isinstance(term, str) or not term.strip():
        raise ValueError(f"term {term!r} must be a non-empty string")
    words: list[Word] = []
    for raw in _TERM_TOKEN_RE.findall(normalize(term)):
        if raw == "*":
            raise ValueError(f"term {term!r}: '*' must directly follow a word")
        if raw.endswith("*"):
            words.append((raw[:-1], True))
        else:
            words.append((raw, False))
    if not words or not re.fullmatch(r"\w+", words[0][0]):
        raise ValueError(f"term {term!r} must start with a word")
    if len(words) == 1 and words[0][1]:
        stem = words[0][0]
        minimum = _MIN_STEM_SYLLABIC if all(_is_syllabic(c) for c in stem) else _MIN_STEM
        if len(stem) < minimum:
            raise ValueError(
                f"term {term!r}: stem {stem!r} is too short to stand alone (needs {minimum} characters)"
            )
    return tuple(words)


@dataclass(frozen=True)
class Term:
    """One validated lexicon entry."""

    text: str
    """The term as written in the file; shown back to users in explanations."""
    words: tuple[Word, ...]
    side: str
    language: str


@dataclass(frozen=True)
class Lexicon:
    """All terms of one language file."""

    language: str
    path: Path
    terms: tuple[Term, ...]
    exclude: tuple[Word, ...]
    """Single words (exact or stem) that never start a match, to veto a too-broad stem."""

    def count(self, side: str) -> int:
        """Number of terms listed for ``side`` (used in reports and tests)."""
        return sum(1 for term in self.terms if term.side == side)


def _string_list(value: object, path: Path, key: str) -> list[str]:
    """Check that a TOML value is a list of strings, naming the file and key if not."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{path}: {key!r} must be a list of strings")
    return value


def load_lexicon(path: Path) -> Lexicon:
    """Load and validate one lexicon file; every error is a ValueError naming the file and key."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: invalid TOML: {exc}") from exc

    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ValueError(f"{path}: unknown key {unknown[0]!r}; allowed keys: {', '.join(sorted(_TOP_KEYS))}")
    language = data.get("language")
    if not isinstance(language, str) or not language:
        raise ValueError(f"{path}: 'language' must be a non-empty string")
    if language != path.stem:
        raise ValueError(f"{path}: 'language' is {language!r} but the file is named {path.name!r}")
    table = data.get("terms")
    if not isinstance(table, dict):
        raise ValueError(f"{path}: missing [terms] table")

    terms: list[Term] = []
    seen: dict[tuple[Word, ...], tuple[str, str]] = {}
    for side, values in table.items():
        if side not in SIDES:
            raise ValueError(f"{path}: unknown side {side!r} in [terms]; allowed sides: {', '.join(SIDES)}")
        for text in _string_list(values, path, f"terms.{side}"):
            try:
                words = parse_term(text)
            except ValueError as exc:
                raise ValueError(f"{path}: terms.{side}: {exc}") from exc
            if words in seen:
                other_side, other_text = seen[words]
                raise ValueError(
                    f"{path}: terms.{side}: {text!r} duplicates {other_text!r} in terms.{other_side} "
                    "(they normalise to the same tokens)"
                )
            seen[words] = (side, text)
            terms.append(Term(text=text, words=words, side=side, language=language))

    exclude: list[Word] = []
    for text in _string_list(data.get("exclude", []), path, "exclude"):
        try:
            words = parse_term(text)
        except ValueError as exc:
            raise ValueError(f"{path}: exclude: {exc}") from exc
        if len(words) != 1:
            raise ValueError(f"{path}: exclude: {text!r} must be a single word")
        exclude.append(words[0])
    return Lexicon(language=language, path=path, terms=tuple(terms), exclude=tuple(exclude))


def load_lexicons(directory: Path | None = None) -> dict[str, Lexicon]:
    """Load every ``*.toml`` lexicon in ``directory`` (default: the packaged ones), keyed by language."""
    folder = LEXICON_DIR if directory is None else Path(directory)
    lexicons: dict[str, Lexicon] = {}
    for path in sorted(folder.glob("*.toml")):
        lexicon = load_lexicon(path)
        lexicons[lexicon.language] = lexicon
    return lexicons


@cache
def default_lexicons() -> dict[str, Lexicon]:
    """The packaged lexicons, loaded once per process (callers must not mutate the dict)."""
    return load_lexicons()


def available_languages() -> list[str]:
    """Language codes that have a packaged lexicon, sorted."""
    return sorted(default_lexicons())
