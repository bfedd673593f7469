"""All tables, as SQLModel classes.

The schema itself is owned by the Alembic migrations in `store/migrations/`; these
classes describe the same tables for the ORM, and a test checks that the two agree
(`alembic check`-style comparison), so a column added here without a migration fails CI.
Times are aware UTC instants (`UTCDateTime`); naive datetimes are refused.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from store.types import UTCDateTime, utcnow


def _utc_column(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index))


class Source(SQLModel, table=True):
    """A configured source, mirrored from the sources file at each crawl."""

    __tablename__ = "source"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String(100), nullable=False, unique=True))
    kind: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    url: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    language: str | None = Field(default=None, sa_column=sa.Column(sa.String(12)))
    interval_seconds: int = Field(default=1800, sa_column=sa.Column(sa.Integer(), nullable=False))
    enabled: bool = Field(default=True, sa_column=sa.Column(sa.Boolean(), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False))


class FeedState(SQLModel, table=True):
    """What the last poll of a feed learnt: validators for conditional GET, timing, failures."""

    __tablename__ = "feed_state"

    source_id: int = Field(
        sa_column=sa.Column(sa.Integer(), sa.ForeignKey("source.id", ondelete="CASCADE"), primary_key=True)
    )
    etag: str | None = Field(default=None, sa_column=sa.Column(sa.Text()))
    last_modified: str | None = Field(default=None, sa_column=sa.Column(sa.Text()))
    last_poll_at: datetime | None = _utc_column()
    next_poll_at: datetime | None = _utc_column()
    last_new_at: datetime | None = _utc_column()
    consecutive_failures: int = Field(default=0, sa_column=sa.Column(sa.Integer(), nullable=False))
    last_status: str | None = Field(default=None, sa_column=sa.Column(sa.String(20)))
    last_error: str | None = Field(default=None, sa_column=sa.Column(sa.Text()))
    interval_seconds: float | None = Field(default=None, sa_column=sa.Column(sa.Float()))
    failing: bool = Field(
        default=False, sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.false())
    )


class IngestRun(SQLModel, table=True):
    """One run of one source: a row opened at the start and closed at the end.

    The contract's counters are columns; every other named outcome (page_404,
    fallback_summary, salvaged_feed, ...) is kept in `counters` as JSON so the run log
    stays data for reports without a migration per new outcome.
    """

    __tablename__ = "ingest_run"

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(
        sa_column=sa.Column(
            sa.Integer(), sa.ForeignKey("source.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    started_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False, index=True))
    finished_at: datetime | None = _utc_column()
    status: str = Field(default="running", sa_column=sa.Column(sa.String(20), nullable=False))
    http_status: int | None = Field(default=None, sa_column=sa.Column(sa.Integer()))
    n_fetched: int = Field(default=0, sa_column=sa.Column(sa.Integer(), nullable=False))
    n_new: int = Field(default=0, sa_column=sa.Column(sa.Integer(), nullable=False))
    n_duplicates: int = Field(default=0, sa_column=sa.Column(sa.Integer(), nullable=False))
    n_irrelevant: int = Field(default=0, sa_column=sa.Column(sa.Integer(), nullable=False))
    n_errors: int = Field(default=0, sa_column=sa.Column(sa.Integer(), nullable=False))
    error: str | None = Field(default=None, sa_column=sa.Column(sa.Text()))
    counters: dict[str, int] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON(), nullable=False))


class Story(SQLModel, table=True):
    """One text and its copies (syndication, republication, live updates). Its figures
    (representative, first source, counts) are derived in the `report_stories` view, so
    they stay true as copies arrive and stories merge."""

    __tablename__ = "story"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False))


class Article(SQLModel, table=True):
    """A relevant article as extracted from its page (or, failing that, its feed entry)."""

    __tablename__ = "article"
    __table_args__ = (
        sa.Index("ix_article_source_published", "source_id", "published_at"),
        sa.Index("ix_article_title_key", "title_key", "source_id", "published_day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_column=sa.Column(sa.Text(), nullable=False, unique=True))
    canonical_url: str = Field(sa_column=sa.Column(sa.Text(), nullable=False, index=True))
    source_id: int = Field(
        sa_column=sa.Column(sa.Integer(), sa.ForeignKey("source.id", ondelete="CASCADE"), nullable=False)
    )
    run_id: int | None = Field(
        default=None,
        sa_column=sa.Column(sa.Integer(), sa.ForeignKey("ingest_run.id", ondelete="SET NULL")),
    )
    domain: str = Field(sa_column=sa.Column(sa.String(255), nullable=False))
    title: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    authors: str | None = Field(default=None, sa_column=sa.Column(sa.Text()))
    site_name: str | None = Field(default=None, sa_column=sa.Column(sa.Text()))
    text: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    text_source: str = Field(sa_column=sa.Column(sa.String(10), nullable=False))
    language: str | None = Field(default=None, sa_column=sa.Column(sa.String(12), index=True))
    published_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False, index=True))
    published_at_source: str = Field(sa_column=sa.Column(sa.String(10), nullable=False))
    published_day: str = Field(sa_column=sa.Column(sa.String(10), nullable=False, index=True))
    fetched_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
    content_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, index=True))
    relevance: float = Field(sa_column=sa.Column(sa.Float(), nullable=False))
    word_count: int = Field(default=0, sa_column=sa.Column(sa.Integer(), nullable=False))
    story_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.Integer(), sa.ForeignKey("story.id"), index=True)
    )
    title_key: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False, server_default=""))
    dedup_rule: str | None = Field(default=None, sa_column=sa.Column(sa.String(10)))
    dedup_match_id: int | None = Field(default=None, sa_column=sa.Column(sa.Integer()))
    dedup_score: float | None = Field(default=None, sa_column=sa.Column(sa.Float()))
    minhash: bytes | None = Field(default=None, sa_column=sa.Column(sa.LargeBinary()))
    shingle_count: int = Field(
        default=0, sa_column=sa.Column(sa.Integer(), nullable=False, server_default="0")
    )


class ArticleBand(SQLModel, table=True):
    """The LSH bands of an article's MinHash: one row per band, indexed by value, so the
    near-duplicate candidates of a text are found by 32 index probes."""

    __tablename__ = "article_band"

    band: int = Field(sa_column=sa.Column(sa.BigInteger(), primary_key=True))
    article_id: int = Field(
        sa_column=sa.Column(
            sa.Integer(), sa.ForeignKey("article.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )


class SeenUrl(SQLModel, table=True):
    """Every entry URL a crawl has decided on, stored or not.

    Irrelevant articles are not stored, yet must not be fetched again on the next pass:
    this table remembers the decision (stored, irrelevant, failed) per URL.
    """

    __tablename__ = "seen_url"

    url: str = Field(sa_column=sa.Column(sa.Text(), primary_key=True))
    source_id: int = Field(
        sa_column=sa.Column(sa.Integer(), sa.ForeignKey("source.id", ondelete="CASCADE"), nullable=False)
    )
    outcome: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    first_seen_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False)
    )


class Event(SQLModel, table=True):
    """One real-world happening: a type, a date, actors, a place. Its id is the id of the story
    that opened it; its figures (title, first and last seen, counts) are derived in the
    `report_events` view, so they stay true as copies and stories arrive."""

    __tablename__ = "event"
    __table_args__ = (sa.Index("ix_event_type_date", "event_type", "event_date"),)

    id: int = Field(sa_column=sa.Column(sa.Integer(), primary_key=True, autoincrement=False))
    event_type: str = Field(sa_column=sa.Column(sa.String(30), nullable=False))
    cameo_code: str | None = Field(default=None, sa_column=sa.Column(sa.String(4)))
    actors: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    location: str | None = Field(default=None, sa_column=sa.Column(sa.String(40)))
    event_date: date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    date_source: str = Field(sa_column=sa.Column(sa.String(10), nullable=False))
    people: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False))
    numbers: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False))
    extractor_version: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False))


class EventActor(SQLModel, table=True):
    """The actors of an event, one row each: `party` (from the opening story) or `claimant`
    (whoever made a claim about it, from any of its stories)."""

    __tablename__ = "event_actor"

    event_id: int = Field(
        sa_column=sa.Column(sa.Integer(), sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    )
    actor: str = Field(sa_column=sa.Column(sa.String(8), primary_key=True, index=True))
    role: str = Field(sa_column=sa.Column(sa.String(10), primary_key=True))


class EventMention(SQLModel, table=True):
    """What the extractor found in one story, with the evidence, and which event it joined
    (none for a recap or a story with no happening). Articles reach events through it."""

    __tablename__ = "event_mention"

    story_id: int = Field(
        sa_column=sa.Column(sa.Integer(), sa.ForeignKey("story.id", ondelete="CASCADE"), primary_key=True)
    )
    event_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.Integer(), sa.ForeignKey("event.id"), index=True)
    )
    extractor_version: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    event_type: str | None = Field(default=None, sa_column=sa.Column(sa.String(30)))
    actors: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False))
    location: str | None = Field(default=None, sa_column=sa.Column(sa.String(40)))
    event_date: date | None = Field(default=None, sa_column=sa.Column(sa.Date()))
    date_source: str = Field(sa_column=sa.Column(sa.String(10), nullable=False))
    claimant: str | None = Field(default=None, sa_column=sa.Column(sa.String(8)))
    people: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False))
    numbers: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False))
    evidence: list[dict[str, str]] = Field(
        default_factory=list, sa_column=sa.Column(sa.JSON(), nullable=False)
    )
    reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text()))
    rule: str = Field(sa_column=sa.Column(sa.String(10), nullable=False))
    score: float | None = Field(default=None, sa_column=sa.Column(sa.Float()))
    details: dict[str, float] | None = Field(default=None, sa_column=sa.Column(sa.JSON()))
    extracted_at: datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False))


class DaemonProcess(SQLModel, table=True):
    """One `rnk daemon` process: registered at start, its heartbeat updated while it lives,
    stopped_at set when it exits cleanly. `rnk status` reads it to say whether a daemon is alive."""

    __tablename__ = "daemon"

    id: int | None = Field(default=None, primary_key=True)
    host: str = Field(sa_column=sa.Column(sa.String(255), nullable=False))
    pid: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    sources_file: str | None = Field(default=None, sa_column=sa.Column(sa.Text()))
    started_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
    heartbeat_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
    heartbeat_seconds: float = Field(sa_column=sa.Column(sa.Float(), nullable=False))
    stopped_at: datetime | None = _utc_column()


def _count_column() -> Any:
    return Field(default=0, sa_column=sa.Column(sa.Integer(), nullable=False, server_default="0"))


def _source_key() -> Any:
    return Field(
        sa_column=sa.Column(sa.Integer(), sa.ForeignKey("source.id", ondelete="CASCADE"), primary_key=True)
    )


class RollupDirty(SQLModel, table=True):
    """A day whose rollup rows are stale: marked by every writer, cleared by `store.rollups.refresh`."""

    __tablename__ = "rollup_dirty"

    day: str = Field(sa_column=sa.Column(sa.String(10), primary_key=True))


class CoverageCell(SQLModel, table=True):
    """Relevant articles of one publication day, source, language and event type ('' for none).
    Every measure is additive: stories and events are counted on the day of their first copy,
    so weeks and months are sums, and distinct sources and languages are exact."""

    __tablename__ = "coverage_cell"

    day: str = Field(sa_column=sa.Column(sa.String(10), primary_key=True))
    source_id: int = _source_key()
    language: str = Field(sa_column=sa.Column(sa.String(12), primary_key=True))
    event_type: str = Field(sa_column=sa.Column(sa.String(30), primary_key=True))
    week: str = Field(sa_column=sa.Column(sa.String(8), nullable=False))
    n_articles: int = _count_column()
    n_new_stories: int = _count_column()
    n_new_events: int = _count_column()


class RunCell(SQLModel, table=True):
    """The ingest runs of one source that started on one day (UTC), summed."""

    __tablename__ = "run_cell"

    day: str = Field(sa_column=sa.Column(sa.String(10), primary_key=True))
    source_id: int = _source_key()
    week: str = Field(sa_column=sa.Column(sa.String(8), nullable=False))
    n_runs: int = _count_column()
    n_ok: int = _count_column()
    n_not_modified: int = _count_column()
    n_failed: int = _count_column()
    n_interrupted: int = _count_column()
    n_fetched: int = _count_column()
    n_new: int = _count_column()
    n_duplicates: int = _count_column()
    n_irrelevant: int = _count_column()
    n_errors: int = _count_column()


class StoryCell(SQLModel, table=True):
    """One story's figures, filed under the day of its first copy (so a day's refresh rewrites
    exactly the stories that start on it)."""

    __tablename__ = "story_cell"
    __table_args__ = (sa.Index("ix_story_cell_n_articles", "n_articles", "story_id"),)

    story_id: int = Field(
        sa_column=sa.Column(sa.Integer(), sa.ForeignKey("story.id", ondelete="CASCADE"), primary_key=True)
    )
    first_day: str = Field(sa_column=sa.Column(sa.String(10), nullable=False, index=True))
    first_article_id: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False))
    first_source_id: int = Field(
        sa_column=sa.Column(sa.Integer(), sa.ForeignKey("source.id", ondelete="CASCADE"), nullable=False)
    )
    n_articles: int = _count_column()
    n_sources: int = _count_column()
    n_languages: int = _count_column()


class CopyCell(SQLModel, table=True):
    """Copies published on one day by one source of stories first published by another (or the
    same) source, with the summed delay in hours: who copies whom, and how fast."""

    __tablename__ = "copy_cell"

    day: str = Field(sa_column=sa.Column(sa.String(10), primary_key=True))
    original_source_id: int = Field(
        sa_column=sa.Column(sa.Integer(), sa.ForeignKey("source.id", ondelete="CASCADE"), primary_key=True)
    )
    copy_source_id: int = Field(
        sa_column=sa.Column(sa.Integer(), sa.ForeignKey("source.id", ondelete="CASCADE"), primary_key=True)
    )
    n_copies: int = _count_column()
    delay_hours: float = Field(
        default=0.0, sa_column=sa.Column(sa.Float(), nullable=False, server_default="0")
    )
