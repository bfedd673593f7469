"""Event lexicons: triggers, claim verbs, actor aliases and place names, one file per language.

Everything language-specific about event extraction is data in ``crawler/events/lexicons/``
(one ``<language>.toml`` each) plus the language-independent ``entities.toml`` that maps every
person, institution and place id to its country. Adding a language is adding its file: the
file names the lemmatizer to use (see :mod:`crawler.events.lemmatize`), and every phrase in it
is lemmatized with that same analyser when loaded, so phrases are written in dictionary form.

Matching (:meth:`PhraseIndex.find`) runs over the lemma sequence of a text: a phrase matches a
run of consecutive content words whose lemma or surface form equals the phrase's words; the
longest phrase at a position wins. Two refinements, both data-driven:

- a phrase word written in capitals of four letters or fewer ("US", "UN", "NIS") matches only the
  same capitals in text, so the pronoun "us" is not the United States;
- ``suffix_slack = N`` lets a word carry up to N extra trailing letters: Russian declines foreign
  names the dictionary does not know ("Ким Чен Ына" for "Ким Чен Ын").
"""

from __future__ import annotations

import hashlib
import re
import threading
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from crawler.events.lemmatize import Analyser, Token, analyser

LEXICON_DIR: Path = Path(__file__).with_name("lexicons")
ENTITIES_FILE: Path = Path(__file__).with_name("entities.toml")

EVENT_TYPES: tuple[str, ...] = (
    "meeting",
    "agreement",
    "troops",
    "arms_transfer",
    "technology_transfer",
    "economic",
    "sanctions",
    "statement",
)
"""The taxonomy of design.md, without ``other`` (no trigger needed: it is what is left)."""

_TOP_KEYS = {
    "language",
    "lemmatizer",
    "timezone",
    "suffix_slack",
    "types",
    "claims",
    "actors",
    "places",
    "dates",
}
_COUNTRY_RE = re.compile(r"^(?:[A-Z]{3}|UN)$")


class LexiconError(ValueError):
    """A lexicon or entities file that cannot be used, with the file and what to change."""


@dataclass(frozen=True, slots=True)
class Phrase:
    words: tuple[str, ...]
    acronym: tuple[bool, ...]
    key: str
    text: str


@dataclass(frozen=True, slots=True)
class Match:
    key: str
    phrase: str
    start: int  # token index
    end: int  # token index, exclusive
    char_start: int


@dataclass
class PhraseIndex:
    """Phrases by their first word, for a single left-to-right pass over a text's tokens."""

    slack: int = 0
    by_first: dict[str, list[Phrase]] = field(default_factory=dict)

    def add(self, phrase: Phrase) -> None:
        bucket = self.by_first.setdefault(phrase.words[0], [])
        bucket.append(phrase)
        bucket.sort(key=lambda p: -len(p.words))

    def _word_matches(self, token: Token, word: str, acronym: bool) -> bool:
        if acronym:
            return token.upper and token.surface == word
        if token.lemma == word or token.surface == word:
            return True
        if self.slack and len(word) >= 2:
            for form in (token.surface, token.lemma):
                if form.startswith(word) and len(form) - len(word) <= self.slack:
                    return True
        return False

    def _firsts(self, token: Token) -> list[Phrase]:
        if not self.slack:  # the common case, once per token and index: no set, no sort
            by_lemma = self.by_first.get(token.lemma, [])
            if token.surface == token.lemma:
                return by_lemma  # buckets are kept longest first (see add)
            by_surface = self.by_first.get(token.surface, [])
            if not by_lemma or not by_surface:
                return by_lemma or by_surface
        found: list[Phrase] = []
        keys = {token.lemma, token.surface}
        for cut in range(1, self.slack + 1):
            keys.update(form[:-cut] for form in (token.surface, token.lemma) if len(form) > cut + 1)
        for key in keys:
            found.extend(self.by_first.get(key, ()))
        found.sort(key=lambda p: -len(p.words))
        return found

    def find(self, tokens: list[Token]) -> list[Match]:
        """Non-overlapping matches, longest first at each position, left to right."""
        matches: list[Match] = []
        position = 0
        while position < len(tokens):
            for phrase in self._firsts(tokens[position]):
                end = position + len(phrase.words)
                if end <= len(tokens) and all(
                    self._word_matches(tokens[position + i], word, phrase.acronym[i])
                    for i, word in enumerate(phrase.words)
                ):
                    start = tokens[position].start
                    keys = [p.key for p in self._firsts(tokens[position]) if p.words == phrase.words]
                    for key in dict.fromkeys(keys):  # "북러" names both Russia and North Korea
                        matches.append(Match(key, phrase.text, position, end, start))
                    position = end
                    break
            else:
                position += 1
        return matches


@dataclass
class EventLexicon:
    """One language's compiled lexicon."""

    language: str
    timezone: str
    analyse: Analyser
    types: PhraseIndex
    claims: PhraseIndex
    recap: PhraseIndex
    actors: PhraseIndex
    places: PhraseIndex
    day_of_month: list[re.Pattern[str]]


@dataclass(frozen=True)
class Entities:
    """Language-independent ids: every person or institution and place, with its country."""

    countries: dict[str, str]  # actor id -> ISO alpha-3 (a country's own code maps to itself)
    places: dict[str, str]  # place id -> ISO alpha-3

    def country_of(self, actor: str) -> str:
        return actor if _COUNTRY_RE.match(actor) else self.countries[actor]


def load_entities(path: Path = ENTITIES_FILE) -> Entities:
    data = _read_toml(path)
    unknown = set(data) - {"entities", "places"}
    if unknown:
        raise LexiconError(f"{path}: unknown tables {sorted(unknown)}; use [entities.ID] and [places.ID]")
    countries: dict[str, str] = {}
    places: dict[str, str] = {}
    for table, target in (("entities", countries), ("places", places)):
        for key, value in data.get(table, {}).items():
            country = value.get("country") if isinstance(value, dict) else None
            if not isinstance(country, str) or not _COUNTRY_RE.match(country):
                raise LexiconError(f"{path}: [{table}.{key}] needs country = an ISO 3166 alpha-3 code")
            target[key] = country
    return Entities(countries, places)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise LexiconError(f"{path}: not valid TOML: {error}") from error


def _phrases(
    path: Path, table: str, data: Any, analyse: Analyser, index: PhraseIndex, allowed: set[str] | None
) -> None:
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: [{table}] must be a table of lists of phrases")
    for key, phrases in data.items():
        if allowed is not None and key not in allowed:
            raise LexiconError(f"{path}: [{table}] has unknown key {key!r}; allowed: {sorted(allowed)}")
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise LexiconError(f"{path}: [{table}] {key} must be a list of strings")
        for text in phrases:
            tokens = analyse(text)
            if not tokens:
                continue
            acronym = tuple(
                t.upper and len(t.surface) <= 4 and text[t.start : t.end].isalpha() for t in tokens
            )
            words = tuple(t.surface if acr else t.lemma for t, acr in zip(tokens, acronym, strict=True))
            index.add(Phrase(words, acronym, key, text))


def load_lexicon(path: Path, entities: Entities) -> EventLexicon:
    data = _read_toml(path)
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise LexiconError(f"{path}: unknown keys {sorted(unknown)}; allowed: {sorted(_TOP_KEYS)}")
    language = data.get("language")
    if language != path.stem:
        raise LexiconError(f"{path}: language = {language!r} must equal the file name ({path.stem!r})")
    try:
        analyse = analyser(str(data.get("lemmatizer", "none")), language)
    except ValueError as error:
        raise LexiconError(f"{path}: {error}") from error
    slack = int(data.get("suffix_slack", 0))
    types, claims, recap = PhraseIndex(slack), PhraseIndex(slack), PhraseIndex(slack)
    actors, places = PhraseIndex(slack), PhraseIndex(slack)
    _phrases(path, "types", data.get("types", {}), analyse, types, set(EVENT_TYPES))
    claim_table = data.get("claims", {})
    _phrases(path, "claims", {"claim": claim_table.get("verbs", [])}, analyse, claims, None)
    _phrases(path, "claims", {"recap": claim_table.get("recap", [])}, analyse, recap, None)
    known_actors = set(entities.countries)
    for key in data.get("actors", {}):
        if not _COUNTRY_RE.match(key) and key not in known_actors:
            raise LexiconError(
                f"{path}: [actors] {key!r} is neither an ISO alpha-3 code nor an id of {ENTITIES_FILE.name}"
            )
    _phrases(path, "actors", data.get("actors", {}), analyse, actors, None)
    for key in data.get("places", {}):
        if key not in entities.places:
            raise LexiconError(f"{path}: [places] {key!r} is not a place id of {ENTITIES_FILE.name}")
    _phrases(path, "places", data.get("places", {}), analyse, places, None)
    patterns = data.get("dates", {}).get("day_of_month", [])
    try:
        day_of_month = [re.compile(p) for p in patterns]
    except re.error as error:
        raise LexiconError(f"{path}: [dates] day_of_month has a bad regular expression: {error}") from error
    return EventLexicon(
        language=language,
        timezone=str(data.get("timezone", "UTC")),
        analyse=analyse,
        types=types,
        claims=claims,
        recap=recap,
        actors=actors,
        places=places,
        day_of_month=day_of_month,
    )


class Lexicons:
    """Every language's lexicon, compiled on first use of that language.

    Compiling means loading the language's analyser (seconds for simplemma's, pymorphy3's and
    kiwipiepy's dictionaries); a crawl that only meets English and French articles, or a poll
    that gets a 304, never pays for Korean. Thread-safe: the crawler extracts in worker threads.
    """

    def __init__(self, entities: Entities, files: dict[str, Path], fingerprint: str) -> None:
        self.entities = entities
        self.files = files
        self.fingerprint = fingerprint  # changes whenever a lexicon file changes: part of the version
        self._compiled: dict[str, EventLexicon] = {}
        self._lock = threading.Lock()

    @property
    def languages(self) -> list[str]:
        return sorted(self.files)

    def lemmatizer(self, language: str) -> str:
        """The analyser `language`'s file names, read without compiling the lexicon."""
        return str(_read_toml(self.files[language]).get("lemmatizer", "none"))

    def is_loaded(self, language: str) -> bool:
        """Whether `language` is compiled in this process (extracting it costs no loading)."""
        return language in self._compiled

    def get(self, language: str) -> EventLexicon | None:
        if language not in self.files:
            return None
        compiled = self._compiled.get(language)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(language)
                if compiled is None:
                    compiled = load_lexicon(self.files[language], self.entities)
                    self._compiled[language] = compiled
        return compiled

    @property
    def by_language(self) -> dict[str, EventLexicon]:
        """All languages, compiled (loads every analyser)."""
        return {language: lexicon for language in self.languages if (lexicon := self.get(language))}


def load_lexicons(directory: Path = LEXICON_DIR, entities_file: Path = ENTITIES_FILE) -> Lexicons:
    """The lexicons of `directory` (one ``<language>.toml`` each), compiled lazily; one instance
    per folder, however the folder is named, so what one caller compiled another finds loaded."""
    return _load_lexicons(Path(directory).resolve(), Path(entities_file).resolve())


@cache
def _load_lexicons(directory: Path, entities_file: Path) -> Lexicons:
    entities = load_entities(entities_file)
    digest = hashlib.sha256(entities_file.read_bytes())
    files: dict[str, Path] = {}
    for path in sorted(directory.glob("*.toml")):
        digest.update(path.name.encode() + path.read_bytes())
        files[path.stem] = path
    return Lexicons(entities, files, digest.hexdigest()[:12])
