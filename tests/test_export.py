"""`rnk export`: a contract view streamed to CSV, JSON lines or Parquet, on both databases."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy.engine import Engine

import store.export
from store.articles import NewArticle, store_article
from store.export import VIEWS, export, parquet_schema
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


def _instant(value: object) -> object:
    """Times as UTC ISO text, days as ISO text: how a Parquet row and a JSON line compare."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _export_bytes(engine: Engine, what: str) -> bytes:
    data = io.BytesIO()
    export(engine, what, "parquet", data)
    return data.getvalue()


def _parquet_rows(data: bytes) -> tuple[pa.Schema, list[dict[str, object]]]:
    table = pq.read_table(io.BytesIO(data))
    return table.schema, [{k: _instant(v) for k, v in row.items()} for row in table.to_pylist()]


def _json_rows(engine: Engine, what: str, schema: pa.Schema) -> list[dict[str, object]]:
    lines = io.StringIO()
    export(engine, what, "jsonl", lines)
    times = {f.name for f in schema if pa.types.is_timestamp(f.type)}
    return [
        {
            k: datetime.fromisoformat(v).astimezone(UTC).isoformat() if k in times and v else v
            for k, v in rec.items()
        }
        for rec in map(json.loads, lines.getvalue().splitlines())
    ]


def test_parquet_export_has_the_json_lines_rows_and_one_schema_on_both_databases(engine: Engine) -> None:
    from tests.test_views_parity import _write

    _write(engine)  # articles, stories, events, mentions and runs
    for what in VIEWS:
        data = io.BytesIO()
        count = export(engine, what, "parquet", data)
        schema, rows = _parquet_rows(data.getvalue())
        assert count == len(rows) > 0, what
        assert schema == parquet_schema(schema.names), what  # declared, not inferred from the rows
        assert sorted(rows, key=repr) == sorted(_json_rows(engine, what, schema), key=repr), what
    schema, rows = _parquet_rows(_export_bytes(engine, "events"))
    assert schema.field("first_seen_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("event_date").type == pa.date32() and schema.field("event_id").type == pa.int64()
    assert {row["event_date"] for row in rows} == {"2024-06-19", "2024-06-20"}


def test_parquet_is_written_batch_by_batch_and_an_empty_view_keeps_its_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'rnk.db'}")
    _fill(engine, 25)
    monkeypatch.setattr(store.export, "PARQUET_BATCH", 10)
    meta = pq.ParquetFile(io.BytesIO(_export_bytes(engine, "articles"))).metadata
    assert (meta.num_rows, meta.num_row_groups) == (25, 3)  # one row group per batch of 10
    empty = pq.read_table(io.BytesIO(_export_bytes(engine, "runs")))
    assert empty.num_rows == 0 and empty.schema.field("started_at").type == pa.timestamp("us", tz="UTC")
    engine.dispose()


def test_rnk_export_parquet_writes_a_file(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'rnk.db'}"
    from store.db import make_engine

    _fill(make_engine(db), 3)
    out = tmp_path / "articles.parquet"
    done = rnk("export", "articles", "--db", db, "--format", "parquet", "--out", str(out))
    assert done.returncode == 0, done.stderr
    table = pq.read_table(out)
    assert table.num_rows == 3 and "3 articles written" in done.stderr
    assert table.column("published_at").to_pylist()[0] == datetime(2025, 1, 1, tzinfo=UTC)
