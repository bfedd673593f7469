"""Events: a story joins the event it reports, or opens a new one.

The extractor (``crawler.events``) turns a story's text into :class:`EventFacts`: type, actors,
place, date, claimant, the people and numbers it names, and the sentence each came from. This
module decides which event the story belongs to and keeps the event tables. It runs inside the
article's own transaction (``store.articles.store_article``), which holds the database's write
lock, so two crawls cannot open the same event twice.

The clustering rule (documented in ARCHITECTURE.md) compares language-independent signatures:

- candidates: events of the same type whose date lies within ``WINDOW_DAYS`` of the story's
  event date, found through the ``(event_type, event_date)`` index: the cost does not grow with
  the number of events stored;
- a candidate is refused when both dates come from the text and differ by more than
  ``DATED_WINDOW_DAYS`` (two dated happenings two days apart are two happenings), when a story
  dated only by its publication day would put the candidate after publication, or when the
  actor sets overlap by less than half;
- the remaining candidates are scored: 1, minus ``DAY_PENALTY`` per day apart, plus or minus the
  place (same / different), plus the overlap of named people and of significant numbers; the
  best candidate at or above ``JOIN_SCORE`` wins (ties: nearer date, then lower id). Otherwise
  the story opens a new event.

An event's id is the id of the story that opened it: reprocessing in the same order gives the
same ids, which makes ``rnk reprocess`` idempotent down to the numbers users cite.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from store.db import insert_or_ignore
from store.models import Event, EventActor, EventMention
from store.rollups import mark_events, mark_stories
from store.types import utcnow

EVENT: sa.Table = Event.__table__  # type: ignore[attr-defined]
EVENT_ACTOR: sa.Table = EventActor.__table__  # type: ignore[attr-defined]
MENTION: sa.Table = EventMention.__table__  # type: ignore[attr-defined]

WINDOW_DAYS = 3
DATED_WINDOW_DAYS = 1
DAY_PENALTY = 0.2
SAME_PLACE = 0.3
OTHER_PLACE = -0.6
PEOPLE_WEIGHT = 0.3
NUMBERS_WEIGHT = 0.3
JOIN_SCORE = 0.5
MIN_ACTOR_OVERLAP = 0.5
MAX_CANDIDATES = 200

CAMEO: dict[str, str | None] = {
    "meeting": "04",
    "agreement": "05",
    "troops": "07",
    "arms_transfer": "07",
    "technology_transfer": "06",
    "economic": "06",
    "sanctions": "16",
    "statement": "01",
    "other": None,
}


@dataclass(frozen=True)
class Evidence:
    """Where a field's value came from: the sentence, for a user to check."""

    field: str
    value: str
    sentence: str


@dataclass(frozen=True)
class EventFacts:
    """What one story says happened, in language-independent terms."""

    version: str
    event_type: str | None  # None: no single happening (a recap, or no trigger at all)
    actors: tuple[str, ...] = ()  # sorted ISO alpha-3 codes
    location: str | None = None  # gazetteer id
    event_date: date | None = None
    date_source: str = "published"  # text | relative | published
    claimant: str | None = None  # ISO alpha-3 of who made the reported claim
    people: tuple[str, ...] = ()  # entity ids of the people and institutions named
    numbers: tuple[int, ...] = ()  # significant numbers of the title and lead (troops, shells…)
    evidence: tuple[Evidence, ...] = ()
    reason: str = ""  # why there is no event, when there is none

    def evidence_json(self) -> list[dict[str, str]]:
        return [asdict(item) for item in self.evidence]


@dataclass(frozen=True)
class EventDecision:
    """What happened to a story: ``opened`` a new event, ``joined`` one, or ``none``."""

    rule: str
    event_id: int | None
    score: float | None = None
    details: dict[str, float] = field(default_factory=dict)


def _csv(values: Iterable[object]) -> str:
    return ",".join(str(v) for v in values)


def _split(text: str | None) -> set[str]:
    return {part for part in (text or "").split(",") if part}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def score_candidate(
    facts: EventFacts, candidate: sa.Row[tuple[object, ...]]
) -> tuple[float, dict[str, float]] | None:
    """The join score of `facts` against one candidate event, or None when refused."""
    assert facts.event_date is not None
    cand_date: date = candidate.event_date
    days = abs((facts.event_date - cand_date).days)
    ours_dated = facts.date_source != "published"
    theirs_dated = candidate.date_source != "published"
    if ours_dated and theirs_dated and days > DATED_WINDOW_DAYS:
        return None
    if not ours_dated and cand_date > facts.event_date:
        return None  # undated: the happening came on or before the publication day
    if not theirs_dated and ours_dated and facts.event_date > cand_date:
        return None
    actors = _jaccard(set(facts.actors), _split(candidate.actors))
    if actors < MIN_ACTOR_OVERLAP:
        return None
    details = {"days": float(days), "actors": round(actors, 3)}
    score = 1.0 - DAY_PENALTY * days
    if facts.location and candidate.location:
        place = SAME_PLACE if facts.location == candidate.location else OTHER_PLACE
        details["place"] = place
        score += place
    people = _jaccard(set(facts.people), _split(candidate.people))
    details["people"] = round(people, 3)
    score += PEOPLE_WEIGHT * people
    if set(map(str, facts.numbers)) & _split(candidate.numbers):
        details["numbers"] = NUMBERS_WEIGHT
        score += NUMBERS_WEIGHT
    return (round(score, 4), details) if score >= JOIN_SCORE else None


CANDIDATE_EVENTS = (
    sa.select(EVENT)
    .where(
        EVENT.c.event_type == sa.bindparam("event_type"),
        EVENT.c.event_date.between(sa.bindparam("first"), sa.bindparam("last")),
    )
    .order_by(EVENT.c.event_date, EVENT.c.id)
    .limit(MAX_CANDIDATES)
)
"""Statements run for every stored article are built once (building costs more than running)."""
EVENT_ID_TAKEN = sa.select(EVENT.c.id).where(EVENT.c.id == sa.bindparam("id"))
CLAIMANT_INSERT = insert_or_ignore(EVENT_ACTOR)


def find_event(
    connection: sa.Connection, facts: EventFacts
) -> tuple[EventDecision, sa.Row[tuple[object, ...]]] | None:
    """The best existing event for `facts`, by the rule in the module docstring, with its row."""
    if facts.event_type is None or facts.event_date is None:
        return None
    window = timedelta(days=WINDOW_DAYS)
    rows = connection.execute(
        CANDIDATE_EVENTS,
        {
            "event_type": facts.event_type,
            "first": facts.event_date - window,
            "last": facts.event_date + window,
        },
    ).all()
    best: tuple[float, int, int, dict[str, float], sa.Row[tuple[object, ...]]] | None = None
    for row in rows:
        scored = score_candidate(facts, row)
        if scored is None:
            continue
        score, details = scored
        days = abs((facts.event_date - row.event_date).days)
        key = (score, -days, -row.id, details, row)
        if best is None or key[:3] > best[:3]:
            best = key
    if best is None:
        return None
    return EventDecision("joined", -best[2], best[0], best[3]), best[4]


def _open_event(connection: sa.Connection, story_id: int, facts: EventFacts) -> int:
    taken = connection.execute(EVENT_ID_TAKEN, {"id": story_id}).first()
    event_id = story_id
    if taken is not None:  # the story id was reused after a merge: take the next free id
        event_id = int(connection.execute(sa.select(sa.func.max(EVENT.c.id))).scalar_one()) + 1
    assert facts.event_type is not None and facts.event_date is not None
    connection.execute(
        EVENT.insert(),
        {
            "id": event_id,
            "event_type": facts.event_type,
            "cameo_code": CAMEO.get(facts.event_type),
            "actors": _csv(facts.actors),
            "location": facts.location,
            "event_date": facts.event_date,
            "date_source": facts.date_source,
            "people": _csv(facts.people),
            "numbers": _csv(facts.numbers),
            "extractor_version": facts.version,
            "created_at": utcnow(),
        },
    )
    connection.execute(
        EVENT_ACTOR.insert(), [{"event_id": event_id, "actor": a, "role": "party"} for a in facts.actors]
    )
    return event_id


def _improve_event(connection: sa.Connection, row: sa.Row[tuple[object, ...]], facts: EventFacts) -> None:
    """A dated story refines an event known only by a publication day (`row`: the event as
    read by `find_event`, in this transaction)."""
    event_id = row.id
    values: dict[str, object] = {}
    if row.date_source == "published" and facts.date_source != "published":
        values.update(event_date=facts.event_date, date_source=facts.date_source)
    if row.location is None and facts.location:
        values["location"] = facts.location
    if values:
        connection.execute(EVENT.update().where(EVENT.c.id == event_id).values(**values))


def _add_claimant(connection: sa.Connection, event_id: int, claimant: str | None) -> None:
    if claimant is None:
        return
    values = {"event_id": event_id, "actor": claimant, "role": "claimant"}
    connection.execute(CLAIMANT_INSERT[connection.dialect.name], values)


def record_story_event(connection: sa.Connection, story_id: int, facts: EventFacts) -> EventDecision:
    """Assign a new story to an event (joining or opening one) and keep its evidence."""
    decision: EventDecision
    if facts.event_type is None or facts.event_date is None:
        decision = EventDecision("none", None)
    else:
        found = find_event(connection, facts)
        if found is not None:
            decision, row = found
            _improve_event(connection, row, facts)
        else:
            decision = EventDecision("opened", _open_event(connection, story_id, facts))
        _add_claimant(connection, decision.event_id or 0, facts.claimant)
    connection.execute(
        MENTION.insert(),
        {
            "story_id": story_id,
            "event_id": decision.event_id,
            "extractor_version": facts.version,
            "event_type": facts.event_type,
            "actors": _csv(facts.actors),
            "location": facts.location,
            "event_date": facts.event_date,
            "date_source": facts.date_source,
            "claimant": facts.claimant,
            "people": _csv(facts.people),
            "numbers": _csv(facts.numbers),
            "evidence": facts.evidence_json(),
            "reason": facts.reason or None,
            "rule": decision.rule,
            "score": decision.score,
            "details": decision.details or None,
            "extracted_at": utcnow(),
        },
    )
    mark_events(connection, [decision.event_id])
    return decision


def forget_stories(connection: sa.Connection, story_ids: Iterable[int]) -> None:
    """Drop the event mentions of `story_ids` (merged away, or about to be reprocessed) and
    the events left with no mention."""
    ids = list(story_ids)
    if not ids:
        return
    events = set(
        connection.execute(
            sa.select(MENTION.c.event_id).where(MENTION.c.story_id.in_(ids), MENTION.c.event_id.is_not(None))
        ).scalars()
    )
    mark_events(connection, events, now=True)  # their days are read before the rows go
    mark_stories(connection, ids, now=True)
    connection.execute(MENTION.delete().where(MENTION.c.story_id.in_(ids)))
    if events:
        still = set(
            connection.execute(
                sa.select(MENTION.c.event_id).where(MENTION.c.event_id.in_(events)).distinct()
            ).scalars()
        )
        empty = events - still
        if empty:
            connection.execute(EVENT_ACTOR.delete().where(EVENT_ACTOR.c.event_id.in_(empty)))
            connection.execute(EVENT.delete().where(EVENT.c.id.in_(empty)))


def stories_to_reprocess(connection: sa.Connection, since: datetime | None) -> list[int]:
    """Stories whose first article was published at or after `since` (all when None), plus
    every story sharing an event with one of them, ordered by first publication then id: the
    order in which reprocessing assigns them, so that the result does not depend on crawl order."""
    from store.dedup import ARTICLE

    first = (
        sa.select(ARTICLE.c.story_id, sa.func.min(ARTICLE.c.published_at).label("first"))
        .where(ARTICLE.c.story_id.is_not(None))
        .group_by(ARTICLE.c.story_id)
        .subquery()
    )
    rows = connection.execute(sa.select(first.c.story_id, first.c.first)).all()
    order = {row.story_id: row.first for row in rows}
    chosen = {sid for sid, when in order.items() if since is None or when >= since}
    if since is not None and chosen:
        chosen_list = sorted(chosen)
        events: set[int] = set()
        for start in range(0, len(chosen_list), 500):
            events.update(
                connection.execute(
                    sa.select(MENTION.c.event_id).where(
                        MENTION.c.story_id.in_(chosen_list[start : start + 500]),
                        MENTION.c.event_id.is_not(None),
                    )
                ).scalars()
            )
        events_list = sorted(events)
        for start in range(0, len(events_list), 500):
            chosen.update(
                connection.execute(
                    sa.select(MENTION.c.story_id).where(
                        MENTION.c.event_id.in_(events_list[start : start + 500])
                    )
                ).scalars()
            )
    return sorted(chosen, key=lambda sid: (order[sid], sid))
