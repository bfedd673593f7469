"""The day a happening took place, read from the headline and lead of its story.

dateparser reads explicit and relative dates in 200 locales ("June 19", "le 19 juin", "19 июня",
"on Tuesday", "hier", "вчера", "어제"), resolved against the publication instant in the
language's local time zone (the lexicon's ``timezone``). Two news conventions are applied on top:

- a bare weekday is the latest such day up to the publication day itself: "on Wednesday" in a
  Wednesday paper is that day, not a week before (dateparser, preferring the past, says the
  latter);
- a phrase that only names a month or a year ("in March", "in 2024") is no day and is ignored.

Forms dateparser does not read come from the lexicon's ``[dates] day_of_month`` patterns (Korean
"지난 19일"): the latest such day of month on or before publication. A date more than
``MAX_AGE_DAYS`` before publication, or after it, is background, not the happening.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from crawler.events.lexicon import EventLexicon

MAX_AGE_DAYS = 45
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[^\W\d_]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _only_short_words(phrase: str) -> bool:
    """ "mit" (read as Mittwoch), "am Mi", "sun": abbreviations that are ordinary words.
    Hangul words are short by nature ("어제" is yesterday) and are kept."""
    words = _WORD.findall(phrase)
    return bool(words) and not _HANGUL.search(phrase) and max(map(len, words)) <= 3


@dataclass(frozen=True)
class FoundDate:
    day: date
    source: str  # text (explicit) | relative (weekday, yesterday…) | published
    phrase: str
    sentence: str


def local_day(published_at: datetime, timezone: str) -> datetime:
    """The publication instant as naive local time, dateparser's relative base."""
    return published_at.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


def _day_of_month(day: int, base: date) -> date | None:
    for months_back in (0, 1):
        year, month = base.year, base.month - months_back
        if month == 0:
            year, month = year - 1, 12
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= base:
            return candidate
    return None


_REGEX_SYNTAX = re.compile(r"\\[A-Za-z]|\(\?P?<\w+>|\(\?[:=!<]*")
_INFO_NOT_WORDS = {"name", "date_order", "sentence_splitter_group", "no_word_spacing"}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (*_strings(key), *_strings(item))]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


@cache
def _date_words(language: str) -> re.Pattern[str] | None:
    """The words that can carry a date phrase past `_accept` when it has no digit: every
    word dateparser's `language` locale reads (months, weekdays, units, "yesterday",
    "tonight", and the words it skips or joins on: "of", "from", "ago") that is longer than
    three letters or Korean, as one pattern over dateparser's normalized text. None when the
    locale cannot be read (then every sentence is searched).

    Why it is exact: dateparser builds a phrase from digits and the words it reads, and
    `_accept` drops a phrase without a digit unless one of its words is longer than three
    letters (or Hangul). So a sentence with no digit and none of these words yields no date,
    and its search (about a millisecond, the costliest step of event extraction) is skipped.
    tests/test_events_extract.py checks this on the example and external corpora."""
    try:
        from dateparser.languages.loader import default_loader
        from dateparser.utils import normalize_unicode

        info = default_loader.get_locale(language).info
    except Exception:  # an unknown language: search everything, as before
        return None
    texts = [s for key, value in info.items() if key not in _INFO_NOT_WORDS for s in _strings(value)]
    words: set[str] = set()
    for text in texts:
        plain = normalize_unicode(_REGEX_SYNTAX.sub(" ", text).lower())
        for word in _WORD.findall(plain):
            if len(word) > 3 or _HANGUL.search(unicodedata.normalize("NFC", word)):
                words.add(word)
    if not words:
        return None
    alternatives = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    attached = "no_word_spacing" in info or any(_HANGUL.search(text) for text in texts)
    prefix = "" if attached else r"\b"  # Korean attaches particles: match inside words
    return re.compile(rf"{prefix}(?:{alternatives})", re.IGNORECASE)


def may_hold_date(sentence: str, language: str) -> bool:
    """Whether `find_event_date` could take a date from `sentence`: a digit, or a date word
    long enough for `_accept` (see `_date_words`)."""
    if _DIGIT.search(sentence):
        return True
    words = _date_words(language)
    if words is None:
        return True
    from dateparser.utils import normalize_unicode

    return words.search(normalize_unicode(sentence.lower())) is not None


def _search(sentence: str, language: str, base: datetime) -> list[tuple[str, datetime]]:
    from dateparser.search import search_dates

    if not may_hold_date(sentence, language):
        return []
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = search_dates(sentence, languages=[language], settings=settings)  # type: ignore[arg-type]
        except Exception:  # dateparser raises on odd inputs; a sentence without a date is fine
            return []
    return list(found or [])


def _has_day(phrase: str, language: str, base: datetime) -> bool:
    import dateparser

    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return dateparser.parse(phrase, languages=[language], settings=settings) is not None  # type: ignore[arg-type]


def _accept(phrase: str, when: datetime, language: str, base: datetime) -> tuple[date, str] | None:
    day, today = when.date(), base.date()
    if _DIGIT.search(phrase):
        if not _has_day(phrase, language, base):
            return None  # "in 2024", "в марте 2024"
        source = "text"
    elif _only_short_words(phrase):
        return None
    else:
        ago = (today - day).days
        if _has_day(phrase, language, base):
            source = "relative"  # yesterday, hier, вчера
        elif 1 <= ago <= 7:
            source = "relative"  # a weekday
            if ago == 7:
                day = today
        else:
            return None  # a month alone, "now"…
    if not timedelta(0) <= today - day <= timedelta(days=MAX_AGE_DAYS):
        return None
    return day, source


def find_event_date(sentences: list[str], lexicon: EventLexicon, published_at: datetime) -> FoundDate:
    """The first acceptable date in `sentences` (headline first), else the publication day."""
    base = local_day(published_at, lexicon.timezone)
    for sentence in sentences:
        candidates: list[tuple[int, FoundDate]] = []
        for pattern in lexicon.day_of_month:
            for match in pattern.finditer(sentence):
                day = _day_of_month(int(match.group(1)), base.date())
                if day is not None and (base.date() - day).days <= MAX_AGE_DAYS:
                    candidates.append((match.start(), FoundDate(day, "text", match.group(), sentence)))
        for phrase, when in _search(sentence, lexicon.language, base):
            accepted = _accept(phrase, when, lexicon.language, base)
            if accepted is not None:
                position = sentence.find(phrase)
                candidates.append((position, FoundDate(accepted[0], accepted[1], phrase.strip(), sentence)))
        if candidates:
            return min(candidates, key=lambda item: item[0])[1]
    return FoundDate(base.date(), "published", "", "")
