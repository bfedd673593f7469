"""`rnk export`: a contract view streamed to CSV or JSON lines, on both databases."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from store.articles import NewArticle, store_article
from store.export import export
from store.migrate import upgrade
from store.sources import SourceSpec, sync_sources
from tests.conftest import rnk


def _fill(engine: Engine, n: int) -> None:
    upgrade(engine)
    source_id = sync_sources(engine, [SourceSpec("wire", "feed", "http://127.0.0.1/feed.xml")])["wire"]
    for i in range(n):
        store_article(
            engine,
            NewArticle(
                url=f"http://127.0.0.1/{i}", canonical_url=f"http://127.0.0.1/{i}", source_id=source_id,
                title=f"Russia and North Korea, report {i}", text=f"Moscow and Pyongyang, item {i}. " * 30,
                text_source="page", published_at=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=i),
                published_at_source="page", fetched_at=datetime(2025, 2, 1, tzinfo=UTC), relevance=4.0,
                language="en",
            ),
        )  # fmt: skip


def test_articles_export_as_json_lines_and_csv(engine: Engine) -> None:
    _fill(engine, 25)
    lines = io.StringIO()
    assert export(engine, "articles", "jsonl", lines) == 25
    records = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert len(records) == 25 and records[0]["source"] == "wire" and "published_at" in records[0]
    table = io.StringIO()
    assert export(engine, "articles", "csv", table) == 25
    rows = list(csv.DictReader(io.StringIO(table.getvalue())))
    assert len(rows) == 25 and set(rows[0]) == set(records[0])


def test_rnk_export_writes_a_file_and_refuses_unknown_names(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'rnk.db'}"
    from store.db import make_engine

    _fill(make_engine(db), 3)
    out = tmp_path / "articles.jsonl"
    done = rnk("export", "articles", "--db", db, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert len(out.read_text("utf-8").splitlines()) == 3 and "3 articles written" in done.stderr
    refused = rnk("export", "secrets", "--db", db, "--out", str(tmp_path / "x.csv"), "--format", "csv")
    assert refused.returncode == 2 and not (tmp_path / "x.csv").exists()
