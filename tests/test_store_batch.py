"""A crawl stores its articles a batch per transaction (store_batch, crawler.writer): in order,
exactly as one by one, and one bad article costs only itself. On both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from crawler.writer import BatchWriter
from store import rollups
from store.articles import NewArticle, SeenMark, Stored, store_article, store_batch
from store.db import make_engine
from store.migrate import upgrade
from store.sources import SourceSpec, sync_sources
from tests.test_dedup import corpus
from tests.test_views_parity import SUMMIT


def _articles(ids: dict[str, int]) -> list[NewArticle]:
    start = datetime(2024, 6, 19, 6, 0, tzinfo=UTC)
    return [
        NewArticle(
            url=url, canonical_url=url, source_id=ids[source], title=title, text=text, text_source="page",
            published_at=start + timedelta(minutes=minutes), published_at_source="page",
            fetched_at=start + timedelta(minutes=minutes), relevance=5.0, language="en",
        )
        for url, source, title, text, minutes, _gold in corpus()
    ]  # fmt: skip


def _prepared(engine: Engine) -> dict[str, int]:
    upgrade(engine)
    names = sorted({source for _url, source, *_rest in corpus()})
    return sync_sources(engine, [SourceSpec(n, "feed", f"http://127.0.0.1/{n}.xml", "en") for n in names])


def _partition(engine: Engine) -> list[tuple[str, str, str]]:
    """(url, rule, url of the story's first article) for every stored article."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT a.url, a.dedup_rule, (SELECT MIN(f.url) FROM article f WHERE f.story_id = a.story_id) "
                "FROM article a ORDER BY a.url"
            )
        ).all()
    return [tuple(row) for row in rows]


def test_a_batch_decides_exactly_as_one_article_at_a_time(engine: Engine, tmp_path: Path) -> None:
    ids = _prepared(engine)
    articles = _articles(ids)
    results = store_batch(engine, [*articles, articles[0]])  # the same page twice in one batch
    assert all(isinstance(r, Stored) for r in results)
    reference = make_engine(f"sqlite:///{tmp_path / 'one-by-one.db'}")
    reference_ids = _prepared(reference)
    one_by_one = [
        store_article(reference, a) for a in [*_articles(reference_ids), _articles(reference_ids)[0]]
    ]
    assert [(r.outcome, r.rule) for r in results if isinstance(r, Stored)] == [
        (r.outcome, r.rule) for r in one_by_one
    ]
    assert results[-1].outcome == "duplicate"  # type: ignore[union-attr]
    assert _partition(engine) == _partition(reference)
    reference.dispose()


def test_one_bad_article_in_a_batch_costs_only_itself(engine: Engine) -> None:
    ids = _prepared(engine)
    good, other, *_ = _articles(ids)
    bad = NewArticle(**{**good.__dict__, "url": "http://127.0.0.1/nowhere/1", "source_id": 999_999})
    other = NewArticle(**{**other.__dict__, "text": "A different text. " * 40})
    irrelevant = SeenMark("http://127.0.0.1/wire/irrelevant", ids["wire"], "irrelevant")
    results = store_batch(engine, [good, bad, irrelevant, other])
    assert isinstance(results[0], Stored) and results[0].outcome == "new"
    assert isinstance(results[1], Exception)  # the unknown source: a foreign key violation
    assert results[2] is None
    assert isinstance(results[3], Stored) and results[3].outcome == "new"
    with engine.connect() as connection:
        urls = set(connection.execute(sa.text("SELECT url FROM article")).scalars())
        seen: dict[str, str] = {
            row.url: row.outcome for row in connection.execute(sa.text("SELECT url, outcome FROM seen_url"))
        }
    assert urls == {good.url, other.url}
    assert seen == {good.url: "stored", other.url: "stored", irrelevant.url: "irrelevant"}


def test_the_writer_stores_full_batches_at_once_and_counts_each_outcome(engine: Engine) -> None:
    ids = _prepared(engine)
    counted: list[tuple[str, str]] = []
    errors: list[tuple[str, str]] = []
    writer = BatchWriter(
        engine,
        lambda source, name: counted.append((source, name)),
        lambda s, e: errors.append((s, str(e))),
        size=3,
    )
    articles = _articles(ids)
    for article in articles[:2]:
        writer.add("wire", article)
    assert writer.pending and not _partition(engine)  # two wait for a third
    writer.add("wire", articles[2])
    assert not writer.pending and len(_partition(engine)) == 3
    writer.add("wire", NewArticle(**{**articles[3].__dict__, "source_id": 999_999}))
    writer.flush()  # what the crawl does every second and when the spider closes
    assert ("wire", "n_new") in counted and ("wire", "story_exact") in counted
    assert [source for source, _message in errors] == ["wire"]


def test_a_batch_marks_every_day_it_changes_for_the_report_rollups(engine: Engine) -> None:
    """Marks of a batch are taken once, when it ends: refreshed rollups still equal a rebuild.
    Here stories of one event arrive newest first, so each batch moves the event's first day
    (and its "new event" count) to an earlier day than any it writes to; copies follow."""
    ids = _prepared(engine)
    first = datetime(2024, 6, 19, 6, 0, tzinfo=UTC)
    articles = []
    for n in range(6):
        text = " ".join(f"w{n % 4}x{i}" for i in range(150))  # 4 stories, 2 copied
        when = first - timedelta(hours=20 * n)  # arriving late
        facts = replace(SUMMIT, event_date=date(2024, 6, 19)) if n != 3 else None
        articles.append(
            NewArticle(
                url=f"http://127.0.0.1/wire/{n}", canonical_url=f"http://127.0.0.1/wire/{n}",
                source_id=ids["wire" if n % 2 else "b"], title=f"Story {n % 4}", text=text,
                text_source="page", published_at=when, published_at_source="page", fetched_at=first,
                relevance=5.0, language="en", event=facts,
            )
        )  # fmt: skip
    store_batch(engine, articles[:3])
    rollups.refresh(engine)
    store_batch(engine, articles[3:])
    rollups.refresh(engine)
    incremental = _rollup_rows(engine)
    assert incremental["coverage_cell"] and incremental["story_cell"]
    rollups.rebuild(engine)
    assert _rollup_rows(engine) == incremental


def _rollup_rows(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as connection:
        return {
            table: sorted(
                (tuple(row) for row in connection.execute(sa.text(f"SELECT * FROM {table}"))), key=repr
            )
            for table in rollups.ROLLUP_TABLES
        }
