"""The SQL contract means the same on both databases: the same writes give the same rows in
every view, value for value (times compared as UTC instants, days as dates)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from store.articles import NewArticle, store_article
from store.db import make_engine
from store.events import EventFacts
from store.migrate import upgrade
from store.runs import close_run, open_run
from store.sources import SourceSpec, sync_sources

VIEWS = [
    "report_articles",
    "report_stories",
    "report_events",
    "report_mentions",
    "report_coverage_daily",
    "report_runs",
]
SUMMIT = EventFacts(
    "test", "meeting", ("PRK", "RUS"), "pyongyang", date(2024, 6, 19), "text", people=("putin",)
)


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    yield engine
    engine.dispose()


def _write(engine: Engine) -> None:
    upgrade(engine)
    ids = sync_sources(
        engine, [SourceSpec(n, "feed", f"http://127.0.0.1/{n}.xml") for n in ("wire", "daily", "vestnik")]
    )
    base = datetime(2024, 6, 19, 6, tzinfo=UTC)
    texts = [" ".join(f"w{n}x{i}" for i in range(150)) for n in range(4)]
    plan = [  # (source, text, hours after base, language, facts)
        ("wire", 0, 0, "en", SUMMIT),
        ("daily", 0, 2, "en", None),  # a copy of the wire story
        ("vestnik", 1, 5, "ru", replace(SUMMIT, location=None)),  # another story, same event
        ("daily", 2, 30, "en", replace(SUMMIT, event_type="agreement", event_date=date(2024, 6, 20))),
        ("wire", 3, 50, "fr", EventFacts("test", None, ("PRK", "RUS"), reason="recap")),
    ]
    for n, (source, text, hours, language, facts) in enumerate(plan):
        run = open_run(engine, ids[source])
        store_article(
            engine,
            NewArticle(
                url=f"http://127.0.0.1/{source}/{n}", canonical_url=f"http://127.0.0.1/{source}/{n}",
                source_id=ids[source], title=f"Story {text}", text=texts[text], text_source="page",
                published_at=base + timedelta(hours=hours), published_at_source="page",
                fetched_at=base + timedelta(hours=hours + 1), relevance=4.5, language=language,
                run_id=run.run_id, event=facts,
            ),
        )  # fmt: skip
        run.add("n_new")
        close_run(engine, run)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, str) and len(value) == 25 and value[10] == "T":  # SQLite's UTC text
        return datetime.fromisoformat(value).astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value


def _dump(engine: Engine, view: str) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        rows = connection.execute(sa.text(f"SELECT * FROM {view}")).all()
    return sorted((tuple(_plain(v) for v in row) for row in rows), key=repr)


def test_every_view_gives_the_same_rows_on_sqlite_and_postgresql(
    tmp_path: Path, postgres_engine: Engine
) -> None:
    sqlite = make_engine(f"sqlite:///{tmp_path / 'rnk.db'}")
    _write(sqlite)
    _write(postgres_engine)
    for view in VIEWS:
        on_sqlite, on_postgres = _dump(sqlite, view), _dump(postgres_engine, view)
        assert on_sqlite, view
        if view == "report_runs":  # started_at / finished_at are wall-clock times of each write
            on_sqlite = [r[:2] + r[4:] for r in on_sqlite]
            on_postgres = [r[:2] + r[4:] for r in on_postgres]
        assert on_sqlite == on_postgres, view
