"""Two processes storing the same page, or the same text, at the same moment: one article
row per page, one story per text, and the loser records a duplicate, not an error."""

from __future__ import annotations

import multiprocessing
import random
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from store.articles import NewArticle, store_article
from store.db import make_engine
from store.migrate import upgrade
from store.sources import SourceSpec, sync_sources

ROUNDS = 6


def text_of(round_: int) -> str:
    """A different text each round (rounds must not be near-duplicates of each other)."""
    rng = random.Random(round_)
    words = [
        "Moscow",
        "Pyongyang",
        "bridge",
        "Tumen",
        "rail",
        "port",
        "labour",
        "shells",
        "treaty",
        "talks",
        "delegation",
        "envoy",
    ]
    filler = " ".join(f"{rng.choice(words)}{rng.randrange(10_000)}" for _ in range(300))
    return f"Russian and North Korean officials met on round {round_}. {filler}"


def _writer(db_url: str, urls: list[str], barrier: Any, results: Any) -> None:
    try:
        _write(db_url, urls, barrier, results)
    except Exception as exc:  # report, do not leave the parent waiting
        results.put((-1, "", f"{type(exc).__name__}: {exc}", "error"))
        raise


def _write(db_url: str, urls: list[str], barrier: Any, results: Any) -> None:
    engine = make_engine(db_url)
    ids = sync_sources(engine, [SourceSpec("wire", "feed", "http://127.0.0.1/wire.xml")])
    when = datetime(2024, 6, 19, 6, 0, tzinfo=UTC)
    for round_, url in enumerate(urls):
        barrier.wait(timeout=60)
        stored = store_article(
            engine,
            NewArticle(
                url=url, canonical_url=url, source_id=ids["wire"], title=f"Bridge talks {round_}",
                text=text_of(round_), text_source="page", published_at=when,
                published_at_source="page", fetched_at=when, relevance=5.0, language="en",
            ),
        )  # fmt: skip
        results.put((round_, url, stored.outcome, stored.rule))
    engine.dispose()


def race(db_url: str, urls_a: list[str], urls_b: list[str]) -> list[tuple[int, str, str, str]]:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=_writer, args=(db_url, urls, barrier, results)) for urls in (urls_a, urls_b)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in range(len(urls_a) + len(urls_b))]
    assert not [o for o in outcomes if o[3] == "error"], outcomes
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    return outcomes


def test_same_page_at_the_same_moment_is_one_row(db_url: str, engine: Engine) -> None:
    upgrade(engine)
    urls = [f"http://127.0.0.1/wire/{n}.html" for n in range(ROUNDS)]
    outcomes = race(db_url, urls, urls)
    for round_ in range(ROUNDS):
        mine = sorted(o[2] for o in outcomes if o[0] == round_)
        assert mine == ["duplicate", "new"], (round_, outcomes)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT COUNT(*) FROM article")).scalar() == ROUNDS
        assert connection.execute(sa.text("SELECT COUNT(DISTINCT story_id) FROM article")).scalar() == ROUNDS


def test_same_text_at_the_same_moment_is_one_story(db_url: str, engine: Engine) -> None:
    upgrade(engine)
    urls_a = [f"http://127.0.0.1/a/{n}.html" for n in range(ROUNDS)]
    urls_b = [f"http://127.0.0.1/b/{n}.html" for n in range(ROUNDS)]
    outcomes = race(db_url, urls_a, urls_b)
    for round_ in range(ROUNDS):
        mine = sorted((o[2], o[3]) for o in outcomes if o[0] == round_)
        assert mine == [("copy", "exact"), ("new", "new")], (round_, outcomes)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT COUNT(*) FROM article")).scalar() == 2 * ROUNDS
        assert connection.execute(sa.text("SELECT COUNT(*) FROM story")).scalar() == ROUNDS
