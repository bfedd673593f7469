"""Rollups behind the canned reports: `coverage_cell`, `story_cell`, `copy_cell` and `run_cell`
(migration 0008; docs/sql.md says what each holds).

Why: a report over three years of a million articles must answer in a few hundred
milliseconds, and counting distinct stories per day from the article table does not. So
every writer marks the days it changes in `rollup_dirty` (inside its own transaction), and
`refresh` recomputes exactly those days from the base tables, one day per transaction. The
rollups are therefore never half-written, and never wrong once refreshed: a day is either
recomputed whole or still marked. `rnk crawl`, the daemon's crawls and `rnk reprocess`
refresh when they finish; `rnk report` refreshes before it reads.

A change can move a count to another day: a copy published earlier than the story's first
copy makes the story "new" on its day instead; a story joining an event, or a copy joining a
story that has one, can become the event's first. So the marks cover every day of the story's
articles and of the event's, and a story's `story_cell` row is recomputed whole on each of its
days (days are refreshed in date order, and a story's first day can move to an earlier one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from store.db import locked_transaction
from store.types import UTCDateTime, as_utc

RUN_STATUS_COUNTS = {
    "n_ok": "ok",
    "n_not_modified": "not_modified",
    "n_failed": "failed",
    "n_interrupted": "interrupted",
}
RUN_SUMS = ("n_fetched", "n_new", "n_duplicates", "n_irrelevant", "n_errors")
ROLLUP_TABLES = ("coverage_cell", "story_cell", "copy_cell", "run_cell")


def iso_week(day: str) -> str:
    """'2025-06-19' -> '2025-W25': the ISO 8601 week, which sorts as text."""
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


CHUNK = 500
"""Ids per marking statement: a reprocess forgets hundreds of thousands of stories at once."""


def _mark_select(
    connection: sa.Connection, select_sql: str, params: dict[str, object], expanding: str | None = None
) -> None:
    """Insert the days a SELECT returns into rollup_dirty, skipping those already marked."""
    statement = sa.text(
        f"INSERT INTO rollup_dirty (day) SELECT DISTINCT x.day FROM ({select_sql}) x "
        "WHERE x.day IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rollup_dirty d WHERE d.day = x.day)"
    )
    if expanding is not None:
        statement = statement.bindparams(sa.bindparam(expanding, expanding=True))
    connection.execute(statement, params)


def _chunks(ids: Iterable[int | None]) -> Iterable[list[int]]:
    ordered = sorted({i for i in ids if i is not None})
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def mark_days(connection: sa.Connection, days: Iterable[str]) -> None:
    """Mark days (YYYY-MM-DD) stale."""
    for day in sorted(set(days)):
        _mark_select(connection, "SELECT :day AS day", {"day": day})


_DEFERRED = "rnk_deferred_marks"


@contextmanager
def deferred_marks(connection: sa.Connection) -> Iterator[None]:
    """Collect the story and event marks of a batch of writes and mark their days once, when
    the block ends (inside the same transaction): a crawl's batch of 32 articles then marks
    in two statements instead of one or two per article.

    Only marks of what the batch adds are deferred: days are read when the block ends, from
    the stories' and events' articles then. Marks of what is about to be moved or deleted
    (`forget_stories`, merges) pass `now=True`, since their days must be read before."""
    pending: tuple[set[int], set[int]] = (set(), set())
    connection.info[_DEFERRED] = pending
    try:
        yield
    finally:
        del connection.info[_DEFERRED]
    stories, events = pending
    mark_stories(connection, stories)
    mark_events(connection, events)


def mark_stories(connection: sa.Connection, story_ids: Iterable[int], now: bool = False) -> None:
    """Mark every day on which one of these stories has an article."""
    deferred = None if now else connection.info.get(_DEFERRED)
    if deferred is not None:
        deferred[0].update(story_ids)
        return
    for chunk in _chunks(story_ids):
        _mark_select(
            connection,
            "SELECT published_day AS day FROM article WHERE story_id IN :ids",
            {"ids": chunk},
            expanding="ids",
        )


def mark_events(connection: sa.Connection, event_ids: Iterable[int | None], now: bool = False) -> None:
    """Mark every day on which one of these events has an article."""
    deferred = None if now else connection.info.get(_DEFERRED)
    if deferred is not None:
        deferred[1].update(i for i in event_ids if i is not None)
        return
    for chunk in _chunks(event_ids):
        _mark_select(
            connection,
            "SELECT a.published_day AS day FROM event_mention m JOIN article a ON a.story_id = m.story_id "
            "WHERE m.event_id IN :ids",
            {"ids": chunk},
            expanding="ids",
        )


def mark_run(connection: sa.Connection, started_at: datetime) -> None:
    """Mark the day a run started on (UTC)."""
    mark_days(connection, [as_utc(started_at).date().isoformat()])


_EARLIER = "(b.published_at < a.published_at OR (b.published_at = a.published_at AND b.id < a.id))"

COVERAGE_SQL = f"""
INSERT INTO coverage_cell
       (day, source_id, language, event_type, week, n_articles, n_new_stories, n_new_events)
SELECT a.published_day, a.source_id, COALESCE(a.language, ''), COALESCE(e.event_type, ''), :week,
       COUNT(*),
       SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM article b WHERE b.story_id = a.story_id AND {_EARLIER})
                THEN 1 ELSE 0 END),
       SUM(CASE WHEN e.id IS NOT NULL AND NOT EXISTS (
                     SELECT 1 FROM event_mention m2 JOIN article b ON b.story_id = m2.story_id
                     WHERE m2.event_id = e.id AND {_EARLIER})
                THEN 1 ELSE 0 END)
FROM article a
LEFT JOIN event_mention m ON m.story_id = a.story_id
LEFT JOIN event e ON e.id = m.event_id
WHERE a.published_day = :day
GROUP BY a.published_day, a.source_id, COALESCE(a.language, ''), COALESCE(e.event_type, '')
"""

_STATUS_SUMS = ", ".join(
    f"SUM(CASE WHEN r.status = '{status}' THEN 1 ELSE 0 END)" for status in RUN_STATUS_COUNTS.values()
)
RUN_SQL = sa.text(
    f"""
INSERT INTO run_cell (day, source_id, week, n_runs, {", ".join(RUN_STATUS_COUNTS)}, {", ".join(RUN_SUMS)})
SELECT :day, r.source_id, :week, COUNT(*), {_STATUS_SUMS}, {", ".join(f"SUM(r.{name})" for name in RUN_SUMS)}
FROM ingest_run r
WHERE r.started_at >= :start AND r.started_at < :end
GROUP BY r.source_id
"""
).bindparams(sa.bindparam("start", type_=UTCDateTime()), sa.bindparam("end", type_=UTCDateTime()))


TOUCHED_STORIES = "SELECT d.story_id FROM article d WHERE d.published_day = :day AND d.story_id IS NOT NULL"

STORY_DELETE = (
    "DELETE FROM story_cell WHERE story_id IN "
    f"(SELECT c.story_id FROM story_cell c WHERE c.first_day = :day UNION {TOUCHED_STORIES})"
)
"""A story's row is recomputed whole on every day it has an article, whatever its first day:
a copy published earlier than the story's first article moves the story's first day to a day
that may be refreshed before the old one (which still holds the row)."""

STORY_SQL = f"""
INSERT INTO story_cell
       (story_id, first_day, first_article_id, first_source_id, n_articles, n_sources, n_languages)
SELECT a.story_id, a.published_day, a.id, a.source_id, agg.n, agg.n_sources, agg.n_languages
FROM article a
JOIN (SELECT x.story_id, COUNT(*) AS n, COUNT(DISTINCT x.source_id) AS n_sources,
             COUNT(DISTINCT x.language) AS n_languages
      FROM article x
      WHERE x.story_id IN ({TOUCHED_STORIES})
      GROUP BY x.story_id) agg ON agg.story_id = a.story_id
WHERE NOT EXISTS (SELECT 1 FROM article b WHERE b.story_id = a.story_id AND {_EARLIER})
"""

HOURS = {
    "sqlite": "((julianday({later}) - julianday({earlier})) * 24.0)",
    "postgresql": "(EXTRACT(EPOCH FROM ({later} - {earlier})) / 3600.0)",
}
"""Hours from one timestamp to another, per dialect (SQLite keeps ISO 8601 text)."""

COPY_SQL = """
INSERT INTO copy_cell (day, original_source_id, copy_source_id, n_copies, delay_hours)
SELECT CAST(:day AS VARCHAR(10)), f.source_id, a.source_id, COUNT(*), SUM({hours})
FROM article a
JOIN article f ON f.id = (SELECT f2.id FROM article f2 WHERE f2.story_id = a.story_id
                          ORDER BY f2.published_at, f2.id LIMIT 1)
WHERE a.published_day = :day AND f.id <> a.id
GROUP BY f.source_id, a.source_id
"""


def hours_between(dialect: str, earlier: str, later: str) -> str:
    """SQL for the hours from `earlier` to `later` (two timestamp expressions)."""
    return HOURS["postgresql" if dialect == "postgresql" else "sqlite"].format(earlier=earlier, later=later)


def refresh_day(connection: sa.Connection, day: str) -> None:
    """Recompute one day's cells from the base tables and clear its mark."""
    start = datetime.fromisoformat(day).replace(tzinfo=UTC)
    params = {"day": day, "week": iso_week(day)}
    if connection.dialect.name == "postgresql":
        # Estimates of a day's rows are coarse; above jit_above_cost PostgreSQL compiled the
        # story query for 40 ms to run it in 10 ms. A day's queries are small: no JIT.
        connection.execute(sa.text("SET LOCAL jit = off"))
    connection.execute(sa.text("DELETE FROM coverage_cell WHERE day = :day"), params)
    connection.execute(sa.text(COVERAGE_SQL), params)
    connection.execute(sa.text(STORY_DELETE), params)
    connection.execute(sa.text(STORY_SQL), params)
    connection.execute(sa.text("DELETE FROM copy_cell WHERE day = :day"), params)
    hours = hours_between(connection.dialect.name, "f.published_at", "a.published_at")
    connection.execute(sa.text(COPY_SQL.format(hours=hours)), params)
    connection.execute(sa.text("DELETE FROM run_cell WHERE day = :day"), params)
    connection.execute(RUN_SQL, {**params, "start": start, "end": start + timedelta(days=1)})
    connection.execute(sa.text("DELETE FROM rollup_dirty WHERE day = :day"), params)


def pending_days(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(sa.text("SELECT day FROM rollup_dirty ORDER BY day")).scalars())


def refresh(engine: Engine, progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute every marked day, one transaction each (so writers wait at most one day's
    work); return how many days were refreshed. Days marked meanwhile are picked up too."""
    done = 0
    while True:
        days = pending_days(engine)
        if not days:
            return done
        total = done + len(days)
        for day in days:
            with locked_transaction(engine) as connection:
                refresh_day(connection, day)
            done += 1
            if progress is not None:
                progress(done, total)


def rebuild(engine: Engine, progress: Callable[[int, int], None] | None = None) -> int:
    """Mark every day that has an article or a run, then refresh: for bulk loads and repairs."""
    with locked_transaction(engine) as connection:
        for table in ROLLUP_TABLES:
            connection.execute(sa.text(f"DELETE FROM {table}"))
        _mark_select(connection, "SELECT published_day AS day FROM article", {})
        earliest, latest = connection.execute(
            sa.text("SELECT MIN(started_at), MAX(started_at) FROM ingest_run")
        ).one()
        if earliest is not None:
            first, last = _as_day(earliest), _as_day(latest)
            span = (date.fromisoformat(last) - date.fromisoformat(first)).days
            mark_days(
                connection,
                [(date.fromisoformat(first) + timedelta(days=i)).isoformat() for i in range(span + 1)],
            )
    return refresh(engine, progress)


def _as_day(value: object) -> str:
    """The UTC day of a stored instant: a datetime on PostgreSQL, ISO 8601 UTC text on SQLite."""
    return as_utc(value).date().isoformat() if isinstance(value, datetime) else str(value)[:10]


COVERAGE_KEYS = {"event_type": "c.event_type", "source": "s.name", "language": "c.language"}


def coverage_series(
    engine: Engine,
    by: str = "event_type",
    since: str | None = None,
    until: str | None = None,
    period: str = "day",
) -> list[tuple[str, str, int]]:
    """(period, key, articles) for a coverage chart: per day or ISO week, split by event
    type, source or language ('' where an article has no event or no language), in period
    order. Reads the rollups only; call `refresh` first for up-to-date figures."""
    if by not in COVERAGE_KEYS:
        raise ValueError(f"cannot split coverage by {by!r}; choose one of {', '.join(COVERAGE_KEYS)}")
    if period not in {"day", "week"}:
        raise ValueError(f"period must be day or week, not {period!r}")
    key = COVERAGE_KEYS[by]
    sql = sa.text(
        f"SELECT c.{period} AS period, {key} AS key, SUM(c.n_articles) AS n "
        "FROM coverage_cell c JOIN source s ON s.id = c.source_id "
        "WHERE c.day >= :since AND c.day <= :until "
        f"GROUP BY c.{period}, {key} ORDER BY c.{period}, {key}"
    )
    with engine.connect() as connection:
        rows = connection.execute(sql, {"since": since or "0001-01-01", "until": until or "9999-12-31"})
        return [(str(period_), str(key_ or ""), int(n)) for period_, key_, n in rows]


COVERAGE_TOTALS = (
    "articles", "new stories", "new events", "sources", "languages", "first day", "last day",
)  # fmt: skip


def coverage_totals(engine: Engine, since: str | None = None, until: str | None = None) -> dict[str, object]:
    """Totals over a window of days, from the rollups: articles, stories and events first
    published in it, distinct sources and identified languages, and the first and last day
    with coverage. Call `refresh` first for up-to-date figures."""
    sql = sa.text(
        "SELECT COALESCE(SUM(n_articles), 0), COALESCE(SUM(n_new_stories), 0), "
        "COALESCE(SUM(n_new_events), 0), COUNT(DISTINCT source_id), "
        "COUNT(DISTINCT CASE WHEN language <> '' THEN language END), MIN(day), MAX(day) "
        "FROM coverage_cell WHERE day >= :since AND day <= :until AND n_articles > 0"
    )
    with engine.connect() as connection:
        row = connection.execute(sql, {"since": since or "0001-01-01", "until": until or "9999-12-31"}).one()
    return dict(zip(COVERAGE_TOTALS, row, strict=True))
