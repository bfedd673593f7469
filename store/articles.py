"""Writing articles: one transaction per article, the database's unique index decides.

Two writers racing on the same URL both try the insert; the loser gets an
IntegrityError, which is a duplicate, not an error (Media Cloud's rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from store.hashing import content_hash
from store.models import Article, SeenUrl
from store.types import as_utc, utcnow

StoreOutcome = Literal["new", "duplicate"]
ARTICLE: sa.Table = Article.__table__  # type: ignore[attr-defined]
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


def domain_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def store_article(engine: Engine, new: NewArticle) -> StoreOutcome:
    """Insert the article and its seen-URL row together, or neither."""
    published = as_utc(new.published_at)
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
        "published_day": published.date().isoformat(),
        "fetched_at": as_utc(new.fetched_at),
        "content_hash": content_hash(new.text),
        "relevance": new.relevance,
        "word_count": len(new.text.split()),
    }
    seen = {"url": new.url, "source_id": new.source_id, "outcome": "stored", "first_seen_at": utcnow()}
    # SQLAlchemy Core, not the ORM: one article is two INSERTs, and the ORM's unit of work
    # costs more than the inserts themselves at ingest rates.
    try:
        with engine.begin() as connection:
            connection.execute(ARTICLE.insert(), values)
            connection.execute(SEEN_URL.insert(), seen)
    except IntegrityError:
        mark_seen(engine, new.url, new.source_id, "duplicate")
        return "duplicate"
    return "new"


def mark_seen(engine: Engine, url: str, source_id: int, outcome: str) -> None:
    """Remember a decision on `url` (first decision wins); idempotent under races."""
    values = {"url": url, "source_id": source_id, "outcome": outcome, "first_seen_at": utcnow()}
    table = SEEN_URL
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table).values(**values).on_conflict_do_nothing(index_elements=["url"])  # type: ignore[operator]
    with engine.begin() as connection:
        connection.execute(stmt)


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
