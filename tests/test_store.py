"""The store on both databases: migrations from the first revision, the contract views,
UTC instants, and what is stored is what is read back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from store.articles import NewArticle, known_urls, mark_seen, store_article
from store.hashing import content_hash, normalize_text
from store.migrate import current_revision, head_revision, upgrade
from store.models import SQLModel
from store.sources import SourceSpec, sync_sources
from store.types import NaiveDatetimeError, as_utc

REPORT_ARTICLES = ["article_id", "url", "canonical_url", "source", "domain", "title", "language",
                   "published_at", "fetched_at", "relevance", "story_id", "event_id"]  # fmt: skip
REPORT_RUNS = ["run_id", "source", "started_at", "finished_at", "status", "n_fetched", "n_new",
               "n_duplicates", "n_irrelevant", "n_errors", "error"]  # fmt: skip


def article(url: str, source_id: int, text: str = "Putin met Kim Jong Un in Pyongyang.") -> NewArticle:
    return NewArticle(
        url=url, canonical_url=url, source_id=source_id, title="Putin in Pyongyang", text=text,
        text_source="page", published_at=datetime(2024, 6, 19, 8, 30, tzinfo=timezone(timedelta(hours=9))),
        published_at_source="page", fetched_at=datetime(2024, 6, 19, 1, 0, tzinfo=UTC), relevance=6.0,
        language="en", authors=("rnk test desk",),
    )  # fmt: skip


def old_source(engine: Engine, name: str) -> int:
    """A source row written as revision 0001 knew it (the ORM classes describe only head)."""
    when = "2024-06-19T00:00:00+00:00" if engine.dialect.name == "sqlite" else datetime(2024, 6, 19, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO source (name, kind, url, interval_seconds, enabled, created_at, updated_at) "
                "VALUES (:n, 'feed', 'http://127.0.0.1/feed.xml', 1800, true, :t, :t)"
            ),
            {"n": name, "t": when},
        )
        return int(connection.execute(sa.text("SELECT id FROM source WHERE name = :n"), {"n": name}).scalar_one())


def test_old_database_upgrades_in_place(engine: Engine) -> None:
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    old_source(engine, "kept")
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT name FROM source")).scalars().all() == ["kept"]
    upgrade(engine)  # already at head: a no-op


def test_models_match_migrations(engine: Engine) -> None:
    upgrade(engine)
    with engine.connect() as connection:
        # The full-text index (FTS5 tables, a GIN expression index) is the database's, not the ORM's.
        search_index = {"article_fts", "ix_article_search"}
        options = {"include_name": lambda name, *_: not any(str(name).startswith(p) for p in search_index)}
        diff = compare_metadata(MigrationContext.configure(connection, opts=options), SQLModel.metadata)
    assert diff == []


def test_contract_views_have_their_columns(engine: Engine) -> None:
    upgrade(engine)
    with engine.connect() as connection:
        for view, columns in (("report_articles", REPORT_ARTICLES), ("report_runs", REPORT_RUNS)):
            assert list(connection.execute(sa.text(f"SELECT * FROM {view}")).keys()) == columns


def test_article_round_trip_in_utc(engine: Engine) -> None:
    upgrade(engine)
    ids = sync_sources(engine, [SourceSpec("wire", "feed", "http://127.0.0.1/feed.xml", "en")])
    assert store_article(engine, article("http://127.0.0.1/a.html", ids["wire"])).outcome == "new"
    assert store_article(engine, article("http://127.0.0.1/a.html", ids["wire"])).outcome == "duplicate"
    with engine.connect() as connection:
        row = connection.execute(sa.text("SELECT * FROM report_articles")).one()
        day = connection.execute(sa.text("SELECT published_day FROM article")).scalar_one()
    published = row.published_at
    if isinstance(published, str):  # SQLite: the contract's ISO 8601 text
        assert published == "2024-06-18T23:30:00+00:00"
        published = datetime.fromisoformat(published)
    assert published == datetime(2024, 6, 18, 23, 30, tzinfo=UTC)
    assert day == "2024-06-18"
    assert row.domain == "127.0.0.1" and row.source == "wire" and row.story_id is not None
    assert known_urls(engine, ["http://127.0.0.1/a.html", "http://127.0.0.1/b.html"]) == {
        "http://127.0.0.1/a.html"
    }


def test_seen_urls_first_decision_wins(engine: Engine) -> None:
    upgrade(engine)
    ids = sync_sources(engine, [SourceSpec("wire", "feed", "http://127.0.0.1/feed.xml")])
    mark_seen(engine, "http://127.0.0.1/x.html", ids["wire"], "irrelevant")
    mark_seen(engine, "http://127.0.0.1/x.html", ids["wire"], "stored")
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT outcome FROM seen_url")).scalar_one() == "irrelevant"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(NaiveDatetimeError):
        as_utc(datetime(2024, 6, 19, 8, 30))


@given(st.text())
def test_content_hash_is_stable_under_typography(text: str) -> None:
    assert content_hash(text) == content_hash(normalize_text(text))
    assert content_hash(text.upper().lower()) == content_hash(text.lower())
    assert content_hash(f"  {text}\n") == content_hash(text)


def test_articles_stored_before_stories_get_one_on_upgrade(engine: Engine) -> None:
    """A database at 0002 with articles upgrades in place: each article gets its title key,
    bands and a story of its own; the views work."""
    upgrade(engine, "0002")
    ids = {"wire": old_source(engine, "wire")}
    row = {
        "url": "http://127.0.0.1/old.html", "canonical_url": "http://127.0.0.1/old.html", "source_id": ids["wire"],
        "domain": "127.0.0.1", "title": "Wire: Putin meets Kim in Pyongyang", "text": "Putin met Kim Jong Un. " * 40,
        "text_source": "page", "published_at": "2024-06-19T06:00:00+00:00", "published_at_source": "page",
        "published_day": "2024-06-19", "fetched_at": "2024-06-19T07:00:00+00:00", "content_hash": "x",
        "relevance": 5.0, "word_count": 200,
    }  # fmt: skip
    if engine.dialect.name == "postgresql":
        row["published_at"] = datetime(2024, 6, 19, 6, tzinfo=UTC)
        row["fetched_at"] = datetime(2024, 6, 19, 7, tzinfo=UTC)
    with engine.begin() as connection:
        columns = ", ".join(row)
        connection.execute(sa.text(f"INSERT INTO article ({columns}) VALUES ({', '.join(':' + k for k in row)})"), row)
    upgrade(engine)
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT story_id, title_key, dedup_rule FROM article")).one()
        bands = connection.execute(sa.text("SELECT COUNT(*) FROM article_band")).scalar()
        story = connection.execute(sa.text("SELECT * FROM report_stories")).one()
    assert stored.title_key == "putin meets kim in pyongyang" and stored.dedup_rule == "new"
    assert bands == 32 and story.story_id == stored.story_id and story.n_articles == 1
