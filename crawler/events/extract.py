"""A story's text to :class:`store.events.EventFacts`: type, actors, place, date, claimant.

Rules (documented in ARCHITECTURE.md), applied to the headline and the lead (the first
``LEAD_SENTENCES`` sentences), where news writing states the happening; later paragraphs are
background and would mix in earlier events:

- **type**: every trigger match scores the weight of its sentence (headline 3, then 2, 1, 0.5…);
  ``statement`` triggers count half, since a claim usually reports some other happening. The best
  type wins (ties: the order of ``TYPE_PRIORITY``). No trigger at all: no event.
- **recap**: a recap marker ("analysis", "timeline"…) in the headline or first sentence means a
  backgrounder about several happenings: no event.
- **claimant**: in the first headline/lead sentence with a claim verb, the first actor named
  from a country other than the two sides; else the first actor named.
- **actors**: Russia and North Korea (every stored article is about both), plus other countries
  named in the headline except the claimant's; plus the claimant for a ``statement``.
- **place**: the first gazetteer place in the headline, else in the lead.
- **date**: :func:`crawler.events.dates.find_event_date` on the headline and lead.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from crawler.events.dates import find_event_date
from crawler.events.lemmatize import Token
from crawler.events.lexicon import LEXICON_DIR, EventLexicon, Lexicons, Match, load_lexicons
from store.events import EventFacts, Evidence

EXTRACTOR_VERSION = "1"
"""Bumped when the rules change; the lexicons' fingerprint is appended (see :func:`version`)."""

LEAD_SENTENCES = 3
DATE_SENTENCES = 2  # the happening's day is in the first two sentences; later ones recall earlier events
SENTENCE_WEIGHTS = (3.0, 2.0, 1.0, 0.5)
STATEMENT_FACTOR = 0.5
TYPE_PRIORITY = (
    "troops",
    "arms_transfer",
    "technology_transfer",
    "agreement",
    "sanctions",
    "economic",
    "meeting",
    "statement",
)
SIDES = frozenset({"RUS", "PRK"})
NOT_ACTORS = frozenset({"UN"})

_SENTENCE_END = re.compile(r"(?<=[.!?。…])[\"»”’)]*\s+|\n+")
_NUMBER = re.compile(r"\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+|\d{3,}")


def version(lexicons: Lexicons) -> str:
    return f"{EXTRACTOR_VERSION}-{lexicons.fingerprint}"


def sentences_of(text: str, limit: int) -> list[str]:
    found: list[str] = []
    for part in _SENTENCE_END.split(text):
        part = part.strip()
        if len(part) > 2:
            found.append(part)
            if len(found) >= limit:
                break
    return found


def _numbers(sentences: list[str]) -> tuple[int, ...]:
    values: set[int] = set()
    for sentence in sentences:
        for match in _NUMBER.finditer(sentence):
            value = int(re.sub(r"\D", "", match.group()))
            if value >= 100 and not 1900 <= value <= 2100:
                values.add(value)
    return tuple(sorted(values))


class _Sentence:
    def __init__(self, text: str, weight: float, lexicon: EventLexicon) -> None:
        self.text = text
        self.weight = weight
        self.tokens: list[Token] = lexicon.analyse(text)
        self.types = lexicon.types.find(self.tokens)
        self.claims = lexicon.claims.find(self.tokens)
        self.recap = lexicon.recap.find(self.tokens)
        self.actors = lexicon.actors.find(self.tokens)
        self.places = lexicon.places.find(self.tokens)


def _choose_type(sentences: list[_Sentence]) -> tuple[str, Evidence] | None:
    scores: dict[str, float] = defaultdict(float)
    best_sentence: dict[str, tuple[float, str, str]] = {}
    for sentence in sentences:
        seen: set[str] = set()
        for match in sentence.types:
            weight = sentence.weight * (STATEMENT_FACTOR if match.key == "statement" else 1.0)
            scores[match.key] += weight if match.key not in seen else weight * 0.25
            seen.add(match.key)
            if match.key not in best_sentence or best_sentence[match.key][0] < weight:
                best_sentence[match.key] = (weight, match.phrase, sentence.text)
    if not scores:
        return None
    chosen = max(scores, key=lambda t: (scores[t], -TYPE_PRIORITY.index(t)))
    _, phrase, text = best_sentence[chosen]
    return chosen, Evidence("type", f"{chosen} ({phrase})", text)


def _claimant(sentences: list[_Sentence], lexicons: Lexicons) -> tuple[str, Evidence] | None:
    for sentence in sentences:
        if not sentence.claims or not sentence.actors:
            continue
        verb_at = sentence.claims[0].start
        named = [(m, lexicons.entities.country_of(m.key)) for m in sentence.actors]
        third = [(m, c) for m, c in named if c not in SIDES and c not in NOT_ACTORS]
        before = [(m, c) for m, c in named if m.start < verb_at]
        pick = third[0] if third else (before[0] if before else named[0])
        return pick[1], Evidence("claimant", f"{pick[1]} ({pick[0].phrase})", sentence.text)
    return None


def _first(matches_by_sentence: list[tuple[_Sentence, list[Match]]]) -> tuple[Match, str] | None:
    for sentence, matches in matches_by_sentence:
        if matches:
            return matches[0], sentence.text
    return None


def extract_event(
    title: str,
    text: str,
    language: str | None,
    published_at: datetime,
    lexicon_dir: Path = LEXICON_DIR,
) -> EventFacts:
    """What happening the story reports, with the sentence behind every field."""
    lexicons = load_lexicons(lexicon_dir)
    tag = version(lexicons)
    lexicon = lexicons.get(language or "")
    if lexicon is None:
        return EventFacts(tag, None, reason=f"no event lexicon for language {language!r}")
    lead = sentences_of(text, LEAD_SENTENCES + 1)
    if lead and lead[0].strip() == title.strip():
        lead = lead[1:]  # the extracted text may repeat the headline
    texts = [title.strip(), *lead[:LEAD_SENTENCES]]
    sentences = [
        _Sentence(t, SENTENCE_WEIGHTS[min(i, len(SENTENCE_WEIGHTS) - 1)], lexicon)
        for i, t in enumerate(texts)
        if t
    ]
    head = sentences[:2]
    recap = next((m for s in head for m in s.recap), None)
    evidence: list[Evidence] = []
    found_date = find_event_date([s.text for s in sentences[: DATE_SENTENCES + 1]], lexicon, published_at)
    people = sorted({m.key for s in sentences for m in s.actors if m.key in lexicons.entities.countries})
    claimant = _claimant(sentences, lexicons)
    if claimant:
        evidence.append(claimant[1])
    if recap is not None:
        sentence = next(s.text for s in head if recap in s.recap)
        evidence.append(Evidence("recap", recap.phrase, sentence))
        return EventFacts(
            tag, None, tuple(sorted(SIDES)), people=tuple(people), evidence=tuple(evidence), reason="recap"
        )
    typed = _choose_type(sentences)
    if typed is None:
        return EventFacts(tag, None, tuple(sorted(SIDES)), people=tuple(people), reason="no event trigger")
    event_type, type_evidence = typed
    evidence.insert(0, type_evidence)
    actors = set(SIDES)
    claimant_code = claimant[0] if claimant else None
    if sentences[0].actors:
        for match in sentences[0].actors:
            country = lexicons.entities.country_of(match.key)
            if country not in NOT_ACTORS and country != claimant_code:
                if country not in actors:
                    evidence.append(Evidence("actor", f"{country} ({match.phrase})", sentences[0].text))
                actors.add(country)
    if event_type == "statement" and claimant_code and claimant_code not in NOT_ACTORS:
        actors.add(claimant_code)
    named = {e.value.split(" ")[0] for e in evidence if e.field == "actor"}
    for country in sorted(actors - named):
        for said in sentences:
            named_by = next((m for m in said.actors if lexicons.entities.country_of(m.key) == country), None)
            if named_by is not None:
                evidence.append(Evidence("actor", f"{country} ({named_by.phrase})", said.text))
                break
    place = _first([(s, s.places) for s in sentences])
    location = None
    if place is not None:
        location = place[0].key
        evidence.append(Evidence("place", f"{location} ({place[0].phrase})", place[1]))
    if found_date.source != "published":
        evidence.append(
            Evidence("date", f"{found_date.day.isoformat()} ({found_date.phrase})", found_date.sentence)
        )
    else:
        evidence.append(
            Evidence("date", f"{found_date.day.isoformat()} (publication day: no date in the lead)", "")
        )
    return EventFacts(
        version=tag,
        event_type=event_type,
        actors=tuple(sorted(actors)),
        location=location,
        event_date=found_date.day,
        date_source=found_date.source,
        claimant=claimant_code,
        people=tuple(people),
        numbers=_numbers(texts),
        evidence=tuple(evidence),
    )


def warm_up(lexicon_dir: Path = LEXICON_DIR, skip_lemmatizers: frozenset[str] = frozenset()) -> None:
    """Load every language's lexicon and analyser (but those using `skip_lemmatizers`), so that a
    long-lived process (the daemon's fork server) pays the seconds of dictionary loading up front."""
    lexicons = load_lexicons(lexicon_dir)
    wanted = [lang for lang in lexicons.languages if lexicons.lemmatizer(lang) not in skip_lemmatizers]
    warm_up_languages(wanted, lexicon_dir)


def warm_up_languages(languages: Iterable[str], lexicon_dir: Path = LEXICON_DIR) -> list[str]:
    """Load the given languages' lexicons and analysers now (those rnk has a lexicon for) by
    running one extraction each, and return them. A crawl calls this before its reactor starts,
    with its sources' languages: loading takes 0.1–2 s a language in C code holding the GIL,
    harmless before the crawl but a stall of every download in flight during it; articles in a
    loaded language are then extracted inline, with no worker process to feed."""
    when = datetime(2024, 6, 19, 12, 0, tzinfo=UTC)
    loaded = sorted(set(languages) & set(load_lexicons(lexicon_dir).languages))
    for language in loaded:
        extract_event(
            "Pyongyang Moscow", "Pyongyang Moscow on Wednesday, 19 June 2024.", language, when, lexicon_dir
        )
    return loaded
