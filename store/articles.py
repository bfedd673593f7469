"""Writing articles: one transaction per article, the database's unique index decides.

Two writers racing on the same URL both try the insert; the loser gets an
IntegrityError, which is a duplicate, not an error (Media Cloud's rule).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from store.db import insert_or_ignore, locked_transaction
from store.dedup import ARTICLE, BAND, STORY, decide, merge_stories, url_duplicate
from store.events import MENTION, EventDecision, EventFacts, forget_stories, record_story_event
from store.fingerprint import Fingerprint, fingerprint
from store.models import SeenUrl
from store.rollups import deferred_marks, mark_events, mark_stories
from store.types import as_utc, utcnow

logger = logging.getLogger(__name__)
SEEN_URL: sa.Table = SeenUrl.__table__  # type: ignore[attr-defined]
SEEN_OUTCOMES = ("stored", "irrelevant", "duplicate")


@dataclass(frozen=True)
class NewArticle:
    """Everything the crawler hands over for one relevant article."""

    url: str
    canonical_url: str
    source_id: int
    title: str
    text: str
    text_source: Literal["page", "feed"]
    published_at: datetime
    published_at_source: Literal["page", "feed", "fetched"]
    fetched_at: datetime
    relevance: float
    language: str | None = None
    authors: tuple[str, ...] = ()
    site_name: str | None = None
    run_id: int | None = None
    event: EventFacts | None = None  # what happening the text reports (crawler.events)


def domain_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


@dataclass(frozen=True)
class Stored:
    """What happened to one article: `new` (a new story), `copy` (a new row joining a
    story), or `duplicate` (the same page already stored: no row)."""

    outcome: Literal["new", "copy", "duplicate"]
    article_id: int | None
    story_id: int | None
    rule: str
    match_id: int | None = None
    score: float | None = None
    event: EventDecision | None = None


@dataclass(frozen=True)
class SeenMark:
    """A decision on a URL that stores no article (irrelevant, say): the next pass skips it."""

    url: str
    source_id: int
    outcome: str


def store_article(engine: Engine, new: NewArticle) -> Stored:
    """Decide the article's story and insert it, its bands and its seen-URL row, all in
    one transaction that holds the database's write lock (see store.db.locked_transaction):
    two crawls storing the same page or text at once cannot both decide "new"."""
    fp = fingerprint(new.title, new.text)
    try:
        with locked_transaction(engine) as connection:
            return _store(connection, new, fp)
    except IntegrityError:
        # Only a writer outside locked_transaction can race us here; the row it stored wins.
        mark_seen(engine, new.url, new.source_id, "duplicate")
        return Stored("duplicate", None, None, "url")


def store_batch(engine: Engine, entries: Sequence[NewArticle | SeenMark]) -> list[Stored | Exception | None]:
    """Store a crawl's articles and seen marks in one locked transaction, in order (a later
    article sees the earlier ones, as if stored one by one): one commit instead of one each.

    When anything in the batch fails, nothing of it is kept and every entry is stored again
    in its own transaction (`store_article`, `mark_seen`), so one bad article costs only
    itself. Returns, per entry, what `store_article` returns (None for a seen mark), or the
    exception that entry raised on its own."""
    fingerprints = [fingerprint(e.title, e.text) if isinstance(e, NewArticle) else None for e in entries]
    try:
        with locked_transaction(engine) as connection, deferred_marks(connection):
            results: list[Stored | Exception | None] = []
            for entry, fp in zip(entries, fingerprints, strict=True):
                if isinstance(entry, NewArticle):
                    assert fp is not None
                    results.append(_store(connection, entry, fp))
                else:
                    _seen(connection, entry.url, entry.source_id, entry.outcome)
                    results.append(None)
            return results
    except Exception:
        logger.warning("a batch of %d writes failed; storing them one by one", len(entries), exc_info=True)
    one_by_one: list[Stored | Exception | None] = []
    for entry in entries:
        try:
            if isinstance(entry, NewArticle):
                one_by_one.append(store_article(engine, entry))
            else:
                mark_seen(engine, entry.url, entry.source_id, entry.outcome)
                one_by_one.append(None)
        except Exception as error:  # recorded by the caller against the article's run
            one_by_one.append(error)
    return one_by_one


def _store(connection: sa.Connection, new: NewArticle, fp: Fingerprint) -> Stored:
    """`store_article` inside a locked transaction."""
    published = as_utc(new.published_at)
    day = published.date().isoformat()
    existing = url_duplicate(connection, new.url, new.canonical_url)
    if existing is not None:
        _seen(connection, new.url, new.source_id, "duplicate")
        story = connection.execute(ARTICLE_STORY, {"id": existing}).scalar()
        return Stored("duplicate", None, story, "url", existing, 1.0)
    decision = decide(connection, fp, new.text, new.source_id, day)
    if decision.story_id is None:
        story_id = connection.execute(STORY.insert(), {"created_at": utcnow()}).inserted_primary_key[0]  # type: ignore[index]
    else:
        story_id = decision.story_id
        forget_stories(connection, decision.merge)
        merge_stories(connection, story_id, decision.merge)
    values = {
        "url": new.url,
        "canonical_url": new.canonical_url,
        "source_id": new.source_id,
        "run_id": new.run_id,
        "domain": domain_of(new.canonical_url or new.url),
        "title": new.title,
        "authors": "; ".join(new.authors) or None,
        "site_name": new.site_name,
        "text": new.text,
        "text_source": new.text_source,
        "language": new.language,
        "published_at": published,
        "published_at_source": new.published_at_source,
        "published_day": day,
        "fetched_at": as_utc(new.fetched_at),
        "content_hash": fp.content_hash,
        "relevance": new.relevance,
        "word_count": fp.words,
        "story_id": story_id,
        "title_key": fp.title_key,
        "dedup_rule": decision.rule,
        "dedup_match_id": decision.match_id,
        "dedup_score": decision.score,
        "minhash": fp.signature or None,
        "shingle_count": fp.shingle_count,
    }
    article_id = connection.execute(ARTICLE.insert(), values).inserted_primary_key[0]  # type: ignore[index]
    if fp.lsh_bands:
        connection.execute(
            BAND.insert(), [{"band": band, "article_id": article_id} for band in set(fp.lsh_bands)]
        )
    _seen(connection, new.url, new.source_id, "stored")
    event, event_id = _assign_event(connection, story_id, new.event, joined=decision.story_id is not None)
    if event_id is None:  # else the event's marks cover the story
        mark_stories(connection, [story_id])
    outcome: Literal["new", "copy"] = "new" if decision.rule == "new" else "copy"
    return Stored(outcome, article_id, story_id, decision.rule, decision.match_id, decision.score, event)


def _assign_event(
    connection: sa.Connection, story_id: int, facts: EventFacts | None, joined: bool
) -> tuple[EventDecision | None, int | None]:
    """A story gets its event from its first article stored with facts; copies inherit it.
    Returns the decision taken (None when there was none to take) and the story's event id,
    whose days are then marked for the rollups.

    A copy joining a story that has an event may be the event's earliest article, which moves
    the event's first day: the days of all its stories are marked."""
    if joined:  # a new story has no mention yet
        mentioned = connection.execute(STORY_EVENT, {"story_id": story_id}).first()
        if mentioned is not None:
            mark_events(connection, [mentioned.event_id])
            return None, mentioned.event_id
    if facts is None:
        return None, None
    decision = record_story_event(connection, story_id, facts)  # marks the event's days
    return decision, decision.event_id


SEEN_INSERT = insert_or_ignore(SEEN_URL, ["url"])
ARTICLE_STORY = sa.select(ARTICLE.c.story_id).where(ARTICLE.c.id == sa.bindparam("id"))
STORY_EVENT = sa.select(MENTION.c.event_id).where(MENTION.c.story_id == sa.bindparam("story_id")).limit(1)


def _seen(connection: sa.Connection, url: str, source_id: int, outcome: str) -> None:
    values = {"url": url, "source_id": source_id, "outcome": outcome, "first_seen_at": utcnow()}
    connection.execute(SEEN_INSERT[connection.dialect.name], values)


def mark_seen(engine: Engine, url: str, source_id: int, outcome: str) -> None:
    """Remember a decision on `url` (first decision wins); idempotent under races."""
    with engine.begin() as connection:
        _seen(connection, url, source_id, outcome)


def known_urls(engine: Engine, urls: Iterable[str]) -> set[str]:
    """Which of `urls` a crawl has already decided on (stored, irrelevant or duplicate)."""
    wanted = list(dict.fromkeys(urls))
    found: set[str] = set()
    table = SEEN_URL
    with engine.connect() as connection:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.update(connection.execute(sa.select(table.c.url).where(table.c.url.in_(chunk))).scalars())
    return found
