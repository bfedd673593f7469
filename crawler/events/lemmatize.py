"""Words to lemmas, one analyser per language, named by the lexicon file.

Event lexicons and article text go through the *same* analyser, so a phrase written in its
dictionary form ("Пхеньян", "meet", "정상회담") matches every inflected form of it in text
("в Пхеньяне", "met", "정상회담을"). Which analyser a language uses is data: the lexicon's
``lemmatizer`` key. That is what lets a new language be added with files alone.

- ``simplemma``: dictionary lemmatizer for ~50 languages, data shipped in the wheel (en, fr, de…).
- ``pymorphy3``: Russian morphological analyser with its shipped dictionary; the first parse's
  normal form ("Лаврова" -> "лавров").
- ``kiwi``: kiwipiepy's Korean morpheme analyser (model shipped in ``kiwipiepy-model``); content
  morphemes only, so particles and endings fall away ("평양에서" -> "평양").
- ``none``: lower-cased words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

_WORD_RE = re.compile(r"\w+")
_KIWI_CONTENT_TAGS = ("NN", "NP", "NR", "VV", "VA", "XR", "SL", "SN", "SH", "MAG")


@dataclass(frozen=True, slots=True)
class Token:
    """One content word: its lemma, its lower-cased surface form, where it is in the text."""

    lemma: str
    surface: str
    start: int
    end: int
    upper: bool  # written in capitals in the text ("US"), for case-sensitive acronyms


def fold(text: str) -> str:
    """Lower-case and fold what varies in spelling but not in meaning (Russian ё/е)."""
    return unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")


Analyser = Callable[[str], list[Token]]


def _word_tokens(text: str, lemma_of: Callable[[str], str]) -> list[Token]:
    tokens = []
    for match in _WORD_RE.finditer(text):
        word = match.group()
        surface = fold(word)
        tokens.append(Token(lemma_of(surface), surface, match.start(), match.end(), word.isupper()))
    return tokens


@cache
def _simplemma(language: str) -> Callable[[str], str]:
    import simplemma

    @lru_cache(maxsize=200_000)
    def lemma(word: str) -> str:
        if word.isdigit():
            return word
        return fold(simplemma.lemmatize(word, lang=language))

    return lemma


@cache
def _pymorphy() -> Callable[[str], str]:
    import pymorphy3

    morph = pymorphy3.MorphAnalyzer(lang="ru")

    @lru_cache(maxsize=200_000)
    def lemma(word: str) -> str:
        if word.isdigit() or not word.isalpha():
            return word
        return fold(morph.parse(word)[0].normal_form)

    return lemma


@cache
def _kiwi() -> Any:
    from kiwipiepy import Kiwi

    return Kiwi()


def _kiwi_tokens(text: str) -> list[Token]:
    tokens = []
    for morpheme in _kiwi().tokenize(text):
        if not morpheme.tag.startswith(_KIWI_CONTENT_TAGS):
            continue
        start = morpheme.start
        surface = text[start : start + morpheme.len]
        tokens.append(
            Token(fold(morpheme.form), fold(surface), start, start + morpheme.len, surface.isupper())
        )
    return tokens


def analyser(name: str, language: str) -> Analyser:
    """The analyser a lexicon names; a clear error for an unknown name."""
    if name == "simplemma":
        lemma = _simplemma(language)
        return lambda text: _word_tokens(text, lemma)
    if name == "pymorphy3":
        lemma = _pymorphy()
        return lambda text: _word_tokens(text, lemma)
    if name == "kiwi":
        return _kiwi_tokens
    if name == "none":
        return lambda text: _word_tokens(text, lambda word: word)
    raise ValueError(f"unknown lemmatizer {name!r}: use simplemma, pymorphy3, kiwi or none")
