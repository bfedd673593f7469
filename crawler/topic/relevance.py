"""Decide whether an article is about the Russia–North Korea *relationship*.

Rule
----
An article is relevant when **both sides are present with weight**. Per-language lexicons
(``crawler/topic/lexicons/*.toml``, see :mod:`crawler.topic.lexicon` for the term syntax and
the text normalisation) list terms for four sides:

* ``rus`` – Russia: the country in all inflected forms, Moscow/Kremlin, leaders and officials
  (Putin, Lavrov, Shoigu, Belousov, Peskov, Zakharova, Medvedev, Kozlov …), Kursk, USSR;
* ``prk`` – North Korea: North Korea, DPRK, Pyongyang, Kim Jong Un, Kim Yo Jong, Choe Son Hui,
  KCNA, Workers' Party of Korea, Korean People's Army, Rodong Sinmun …;
* ``both`` – bilateral compounds that count once for ``rus`` *and* once for ``prk``
  ("Russia-North Korea", Korean "북러"/"북·러"/"조러", Russian "российско-северокорейск*",
  French "russo-nord-coréen*");
* ``kor`` – South Korea (Seoul, Yoon Suk Yeol, 한국, Южная Корея …): recorded in
  :attr:`Relevance.sides` for explanations but **never** counted toward relevance. A bare
  "Korea"/"Korean"/"Корея"/"Corée"/"조선" is deliberately in no list, so it can never stand in
  for North Korea.

Scoring: title and body are tokenised separately. Where terms overlap, the longest term
wins at each position and consumes its tokens, so "Russia-North Korea" counts once (as a
``both`` term) rather than three times. For each side::

    side = 3 × (occurrences in the title) + min(occurrences in the body, 10)

    relevance = min(rus, prk)           relevant  <=>  relevance >= THRESHOLD (2.0)

Consequences: North Korea alone → rus = 0 → not relevant; Russia and South Korea → prk = 0;
a Russia–South Korea trade story naming North Korea once in passing → prk = 1 → not
relevant; the bare headline "Putin arrives in Pyongyang" → 3/3 → relevant. The body cap
stops one side's long article from looking "balanced"; only the weaker side decides.

Languages: the lexicon of the article's language is applied **together with the English
one**, because articles in every language quote English names and agency copy ("KCNA",
"Kim Jong-un"). When the language is None or has no lexicon, the union of all lexicons is
used, which costs a few more candidate checks but never misses a known term.

Speed: each language combination is compiled once (``functools.cache``) into a
:class:`Matcher`: single-word exact terms sit in a dict, stems are grouped by first
character, and multi-word terms are only checked where their first word matched. Each
distinct token is classified once and remembered, so scoring an article is one regex pass,
a few set operations and Python work only at the positions that actually match.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from crawler.topic.lexicon import Lexicon, Word, available_languages, default_lexicons, tokenize

THRESHOLD: float = 2.0
"""Minimum of the two side scores for an article to count as relevant."""

TITLE_WEIGHT: float = 3.0
"""A title mention weighs three body mentions: headlines state what the article is about."""

BODY_CAP: int = 10
"""Body occurrences counted per side at most, so sheer length cannot buy relevance."""

SCORED_SIDES: tuple[str, ...] = ("rus", "prk", "kor")

_TARGETS: dict[str, tuple[str, ...]] = {
    "rus": ("rus",),
    "prk": ("prk",),
    "both": ("rus", "prk"),
    "kor": ("kor",),
}

_MEMO_LIMIT = 500_000
"""Distinct tokens remembered per matcher before the memo is reset (bounds memory)."""


@dataclass(frozen=True)
class Relevance:
    """The verdict for one article, with enough detail to explain it."""

    score: float
    """min(rus, prk)."""
    relevant: bool
    """score >= THRESHOLD."""
    sides: dict[str, float]
    """{"rus": …, "prk": …, "kor": …}: weighted, capped side scores."""
    matched: tuple[str, ...]
    """The distinct terms (as written in the lexicons) that matched, title first."""


class _Pattern(NamedTuple):
    """A compiled term. A plain tuple so the hot loop can unpack it without attribute lookups."""

    rest: tuple[Word, ...]
    """The words after the first one (the first word is what indexed the pattern)."""
    targets: tuple[str, ...]
    """Sides it adds one to: ("rus",), ("prk",), ("kor",) or ("prk", "rus") for "both"."""
    text: str
    """The term as written in the lexicon, for explanations."""


def _continues(tokens: list[str], start: int, rest: tuple[Word, ...]) -> bool:
    """True if ``tokens[start:]`` begins with the words ``rest`` (the caller checked the length)."""
    for offset, (word, is_prefix) in enumerate(rest, start):
        token = tokens[offset]
        if not (token.startswith(word) if is_prefix else token == word):
            return False
    return True


class Matcher:
    """Counts side occurrences in token streams for a fixed set of lexicons.

    Built once per language combination; see the module docstring for the data layout.
    """

    def __init__(self, lexicons: Iterable[Lexicon]) -> None:
        """Merge the lexicons' terms (same words → one pattern, sides united) and index them."""
        merged: dict[tuple[Word, ...], tuple[set[str], str]] = {}
        exclude: set[Word] = set()
        for lexicon in lexicons:
            exclude.update(lexicon.exclude)
            for term in lexicon.terms:
                targets, text = merged.setdefault(term.words, (set(), term.text))
                targets.update(_TARGETS[term.side])
        self._exact: dict[str, list[_Pattern]] = {}
        self._stems: dict[str, list[tuple[str, list[_Pattern]]]] = {}
        stems: dict[str, list[_Pattern]] = {}
        for words, (targets, text) in merged.items():
            pattern = _Pattern(rest=words[1:], targets=tuple(sorted(targets)), text=text)
            first, is_prefix = words[0]
            if is_prefix:
                stems.setdefault(first, []).append(pattern)
            else:
                self._exact.setdefault(first, []).append(pattern)
        for stem, patterns in stems.items():
            self._stems.setdefault(stem[0], []).append((stem, patterns))
        self._exclude_exact = {text for text, is_prefix in exclude if not is_prefix}
        self._exclude_stems = tuple(text for text, is_prefix in exclude if is_prefix)
        self._hits: dict[str, tuple[_Pattern, ...]] = {}  # token -> its candidates, if any
        self._seen: set[str] = set()  # every token already classified

    def _candidates(self, token: str) -> tuple[_Pattern, ...]:
        """Patterns whose first word matches ``token``, longest (most words, then longest stem) first."""
        if token in self._exclude_exact or token.startswith(self._exclude_stems):
            return ()
        found: list[tuple[int, int, _Pattern]] = [
            (len(p.rest), 1_000, p) for p in self._exact.get(token, ())
        ]  # an exact first word outranks any stem of the same length
        for stem, patterns in self._stems.get(token[:1], ()):
            if token.startswith(stem):
                found.extend((len(p.rest), len(stem), p) for p in patterns)
        found.sort(key=lambda item: (-item[0], -item[1], item[2].text))
        return tuple(item[2] for item in found)

    def scan(self, tokens: list[str]) -> tuple[dict[str, int], list[str]]:
        """Count occurrences per side (longest match wins, tokens consumed) and list matched terms.

        Most tokens match nothing, so the work is pushed into C: set operations find which
        distinct tokens have candidates (classifying each new token once, then remembering
        it), and Python only walks the positions of those tokens.
        """
        counts = dict.fromkeys(SCORED_SIDES, 0)
        matched: list[str] = []
        seen, hits = self._seen, self._hits
        if len(seen) > _MEMO_LIMIT:
            # Start afresh by rebinding, not clearing, so a scan running concurrently in
            # another thread keeps its own consistent pair.
            seen, hits = self._seen, self._hits = set(), {}
        distinct = set(tokens)
        new = distinct - seen
        for token in new:
            candidates = self._candidates(token)
            if candidates:
                hits[token] = candidates
        seen.update(new)
        present = distinct.intersection(hits)
        if not present:
            return counts, matched
        n = len(tokens)
        free = 0  # first position not consumed by an earlier (multi-word) match
        for i in [i for i, token in enumerate(tokens) if token in present]:
            if i < free:
                continue
            for rest, targets, text in hits[tokens[i]]:
                end = i + 1 + len(rest)
                if rest and not (end <= n and _continues(tokens, i + 1, rest)):
                    continue
                for side in targets:
                    counts[side] += 1
                matched.append(text)
                free = end
                break
        return counts, matched

    def score(self, title: str, text: str) -> Relevance:
        """Score one article with this matcher's lexicons (the rule is in the module docstring)."""
        title_counts, title_terms = self.scan(tokenize(title or ""))
        body_counts, body_terms = self.scan(tokenize(text or ""))
        sides = {
            side: TITLE_WEIGHT * title_counts[side] + float(min(body_counts[side], BODY_CAP))
            for side in SCORED_SIDES
        }
        score = min(sides["rus"], sides["prk"])
        return Relevance(
            score=score,
            relevant=score >= THRESHOLD,
            sides=sides,
            matched=tuple(dict.fromkeys(title_terms + body_terms)),
        )


def _language_code(language: str | None) -> str:
    """Reduce "ru-RU", "pt_BR", " KO " to the primary subtag used as lexicon file name."""
    if not language:
        return ""
    return language.strip().lower().replace("_", "-").split("-")[0]


def lexicon_languages(language: str | None) -> tuple[str, ...]:
    """The lexicons applied to an article in ``language``: its own plus English, else all."""
    available = available_languages()
    code = _language_code(language)
    if code in available:
        return tuple(sorted({code, "en"} & set(available)))
    return tuple(available)


@cache
def matcher_for(languages: tuple[str, ...]) -> Matcher:
    """The compiled matcher for a combination of packaged lexicons, built once per process."""
    lexicons = default_lexicons()
    return Matcher(lexicons[code] for code in languages)


def score_article(title: str, text: str, language: str | None) -> Relevance:
    """Score an article (title, body text, ISO 639-1 language or None) against the packaged lexicons."""
    return matcher_for(lexicon_languages(language)).score(title, text)
