"""Canned reports: `rnk report NAME` with bound parameters, the same rows on SQLite and
PostgreSQL, rollups that stay true as articles arrive, and every output format."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from store import rollups
from store.db import make_engine
from store.migrate import head_revision, upgrade
from store.reports import ReportError, get_report, list_reports, run_report
from store.types import utcnow
from tests.conftest import rnk
from tests.test_views_parity import _write

REPORTS = [r.name for r in list_reports()]
WINDOW = {"since": "2024-06-19", "until": "2024-06-19"}
INJECTION = "x'; DROP TABLE article; --"
ROLLUP_TABLES = {
    "coverage_cell": "day, source_id, language, event_type",
    "run_cell": "day, source_id",
    "story_cell": "story_id",
    "copy_cell": "day, original_source_id, copy_source_id",
}


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'rnk.db'}")
    _write(engine)
    yield engine
    engine.dispose()


def _comparable(name: str, rows: list[tuple[Any, ...]], columns: list[str]) -> list[tuple[Any, ...]]:
    """Rows minus wall-clock columns (when the test's runs happened to start)."""
    if name != "ingest-health":
        return rows
    keep = [i for i, column in enumerate(columns) if column != "last_run_at"]
    return [tuple(row[i] for i in keep) for row in rows]


def test_the_reports_cover_what_analysts_ask() -> None:
    for wanted in (
        "coverage-daily", "coverage-weekly", "event-timeline", "first-reporters", "syndication",
        "copy-network", "source-activity", "language-share", "ingest-health",
    ):  # fmt: skip
        report = get_report(wanted)
        assert report.title and report.description, wanted
        assert {"since", "until", "limit"} <= {p.name for p in report.params} or wanted == "articles-per-day"


def test_every_report_gives_the_same_rows_on_sqlite_and_postgresql(
    sqlite_engine: Engine, postgres_engine: Engine
) -> None:
    _write(postgres_engine)
    for name in REPORTS:
        report = get_report(name)
        declared = {p.name for p in report.params}
        for values in ({}, {k: v for k, v in WINDOW.items() if k in declared}):
            columns, on_sqlite = run_report(sqlite_engine, name, values)
            pg_columns, on_postgres = run_report(postgres_engine, name, values)
            assert columns == pg_columns, name
            assert on_sqlite or (name == "ingest-health" and values), (name, values)  # runs: today
            assert _comparable(name, on_sqlite, columns) == _comparable(name, on_postgres, columns), (name, values)


def test_coverage_counts_copies_and_firsts(sqlite_engine: Engine) -> None:
    columns, rows = run_report(sqlite_engine, "coverage-daily", {"since": "2024-06-19", "until": "2024-06-19"})
    by_type = {row[1]: dict(zip(columns, row, strict=True)) for row in rows}
    meeting = by_type["meeting"]
    # The wire's story, its copy by the daily, and another outlet's story of the same summit.
    assert (meeting["n_articles"], meeting["n_new_stories"], meeting["n_new_events"]) == (3, 2, 1)
    assert (meeting["n_sources"], meeting["n_languages"]) == (3, 2)
    _, pairs = run_report(sqlite_engine, "copy-network", {})
    assert pairs == [("wire", "daily", 1, 2.0)]
    columns, firsts = run_report(sqlite_engine, "first-reporters", {"event_type": "meeting"})
    assert [(r[columns.index("source")], r[columns.index("delay_hours")]) for r in firsts] == [
        ("wire", 0.0),
        ("daily", 2.0),
        ("vestnik", 5.0),
    ]


def test_refreshed_rollups_equal_a_rebuild(sqlite_engine: Engine) -> None:
    """Marks cover every day a write changes: what a crawl's refreshes left is what a full
    recomputation gives (here after copies, merges into events and several runs)."""

    def dump() -> dict[str, list[tuple[Any, ...]]]:
        with sqlite_engine.connect() as connection:
            return {
                table: [tuple(r) for r in connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY {key}"))]
                for table, key in ROLLUP_TABLES.items()
            }

    rollups.refresh(sqlite_engine)
    incremental = dump()
    assert all(incremental.values())
    rollups.rebuild(sqlite_engine)
    assert dump() == incremental
    assert rollups.pending_days(sqlite_engine) == []


def test_a_parameter_is_a_value_never_sql(sqlite_engine: Engine, postgres_engine: Engine) -> None:
    _write(postgres_engine)
    for engine in (sqlite_engine, postgres_engine):
        for name in REPORTS:
            if "source" in {p.name for p in get_report(name).params}:
                assert run_report(engine, name, {"source": INJECTION})[1] == [], name
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT COUNT(*) FROM article")).scalar() == 5


def test_bad_parameters_are_refused_with_what_to_write() -> None:
    with pytest.raises(ReportError, match="YYYY-MM-DD"):
        get_report("coverage-daily").bind({"since": "June 2024"})
    with pytest.raises(ReportError, match="whole number"):
        get_report("coverage-daily").bind({"limit": "10; DELETE FROM article"})
    with pytest.raises(ReportError, match="not an event type; choose one of meeting"):
        get_report("coverage-daily").bind({"event_type": "parade"})
    with pytest.raises(ReportError, match="takes no parameter 'event_type'"):
        get_report("articles-per-day").bind({"event_type": "meeting"})


def test_rnk_report_in_every_format(tmp_path: Path, sqlite_engine: Engine) -> None:
    db = str(sqlite_engine.url)
    listed = rnk("report", "--list", "--db", db, "--format", "csv")
    assert listed.returncode == 0, listed.stderr
    assert {row["name"] for row in csv.DictReader(io.StringIO(listed.stdout))} == set(REPORTS)

    as_json = rnk("report", "coverage-weekly", "--db", db, "--format", "json", "--event-type", "meeting")
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout) == [
        {"week": "2024-W25", "event_type": "meeting", "n_articles": 3, "n_new_stories": 2, "n_new_events": 1,
         "n_sources": 3, "n_languages": 2},
    ]  # fmt: skip

    as_csv = rnk("report", "event-timeline", "--db", db, "--format", "csv", "--limit", "1")
    assert as_csv.returncode == 0, as_csv.stderr
    assert len(list(csv.DictReader(io.StringIO(as_csv.stdout)))) == 1

    markdown = rnk("report", "syndication", "--db", db, "--format", "markdown")
    assert markdown.returncode == 0, markdown.stderr
    assert "| story_id | title |" in markdown.stdout and "| wire |" in markdown.stdout

    table = rnk("report", "ingest-health", "--db", db)
    assert table.returncode == 0 and "Ingest health per source" in table.stdout

    injected = rnk("report", "articles-per-day", "--db", db, "--source", INJECTION, "--format", "json")
    assert injected.returncode == 0 and json.loads(injected.stdout) == []
    with sqlite_engine.connect() as connection:
        assert connection.execute(sa.text("SELECT COUNT(*) FROM article")).scalar() == 5

    refused = rnk("report", "articles-per-day", "--db", db, "--event-type", "meeting")
    assert refused.returncode == 2 and "takes no parameter" in refused.stderr
    unknown = rnk("report", "nonsense", "--db", db)
    assert unknown.returncode == 2 and "available: articles-per-day" in unknown.stderr


def test_rnk_init_brings_the_rollups_up_to_date(sqlite_engine: Engine) -> None:
    db = str(sqlite_engine.url)
    rollups.refresh(sqlite_engine)
    with sqlite_engine.begin() as connection:  # as after an upgrade that adds the rollups
        connection.execute(sa.text("DELETE FROM coverage_cell"))
        connection.execute(sa.text("INSERT INTO rollup_dirty (day) VALUES ('2024-06-19')"))
    refreshed = rnk("init", "--db", db)
    assert refreshed.returncode == 0 and "report rollups: 1 day(s) recomputed" in refreshed.stderr
    assert run_report(sqlite_engine, "coverage-daily", WINDOW, refresh=False)[1]
    rebuilt = rnk("init", "--db", db, "--rebuild-rollups")
    days = {row[0] for row in run_report(sqlite_engine, "articles-per-day", {})[1]} | {utcnow().date().isoformat()}
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert f"report rollups: {len(days)} day(s) recomputed" in rebuilt.stderr  # articles' days, runs' day


def test_a_database_behind_the_schema_is_told_to_upgrade(tmp_path: Path) -> None:
    old = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(old, "0007")  # before the rollups
    with pytest.raises(ReportError, match=rf"is at schema 0007; reports need {head_revision()}: run `rnk init`"):
        run_report(old, "coverage-daily")
    result = rnk("report", "coverage-daily", "--db", str(old.url))
    assert result.returncode == 2 and "run `rnk init`" in result.stderr
