"""Streaming export of the contract views (backs `rnk export`): rows are read with a
server-side cursor in batches and written as they come, so memory stays flat whatever the size.

Parquet files get one declared schema per column name (`PARQUET_TYPES`), not one inferred from
the rows: SQLite returns times as ISO text and PostgreSQL as datetimes, so inference would give
the same view two schemas. Times are written as UTC timestamps (microseconds), days as dates,
ids and counts as int64; a column not declared there (a column added later) is written as text.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from itertools import islice
from typing import IO, TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    import pyarrow as pa

VIEWS = {
    "articles": "report_articles",
    "events": "report_events",
    "mentions": "report_mentions",
    "stories": "report_stories",
    "runs": "report_runs",
}
FORMATS = ("csv", "jsonl", "parquet")
BATCH = 2_000
PARQUET_BATCH = 10_000  # rows per RecordBatch, and so per row group

# The Parquet type of every contract column ("timestamp" = UTC instant, "date" = a day).
_IDS = ("article_id", "story_id", "event_id", "run_id")
_COUNTS = ("n_articles", "n_stories", "n_sources", "n_languages", "n_events")
_RUN_COUNTS = ("n_fetched", "n_new", "n_duplicates", "n_irrelevant", "n_errors")
_TIMES = ("published_at", "fetched_at", "first_published_at", "first_seen_at", "last_seen_at")
_RUN_TIMES = ("started_at", "finished_at")
PARQUET_TYPES: dict[str, str] = {
    **dict.fromkeys(_IDS + _COUNTS + _RUN_COUNTS, "int64"),
    **dict.fromkeys(_TIMES + _RUN_TIMES, "timestamp"),
    "event_date": "date",
    "relevance": "float64",
}


class ExportError(ValueError):
    """An unknown table or format."""


def check(what: str, fmt: str) -> None:
    """Refuse an unknown table or format before anything is opened or written."""
    if what not in VIEWS:
        raise ExportError(f"nothing called {what!r} to export: use one of {', '.join(VIEWS)}")
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r}: use {', '.join(FORMATS[:-1])} or {FORMATS[-1]}")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def rows(engine: Engine, what: str) -> Iterator[tuple[list[str], Iterator[sa.Row[Any]]]]:
    """Yield (columns, row iterator) for the view behind `what`, streamed in batches."""
    check(what, "csv")
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
            sa.text(f"SELECT * FROM {VIEWS[what]}")  # a name from VIEWS, never user text
        )
        yield list(result.keys()), iter(result)


def export(engine: Engine, what: str, fmt: str, out: IO[str] | IO[bytes]) -> int:
    """Write every row of `what` to `out` as CSV (with a header), JSON lines or Parquet; return
    the count. Parquet is binary: given a text file (as `rnk export` opens), it writes to the
    file's underlying byte stream."""
    check(what, fmt)
    if fmt == "parquet":
        return export_parquet(engine, what, _binary(out))
    text: IO[str] = out  # type: ignore[assignment]
    count = 0
    for columns, stream in rows(engine, what):
        if fmt == "csv":
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(columns)
            for row in stream:
                writer.writerow([_plain(v) for v in row])
                count += 1
        else:
            for row in stream:
                text.write(
                    json.dumps(dict(zip(columns, map(_plain, row), strict=True)), ensure_ascii=False) + "\n"
                )
                count += 1
    return count


def _binary(out: IO[str] | IO[bytes]) -> IO[bytes]:
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        return out  # type: ignore[return-value]
    out.flush()
    return buffer  # type: ignore[no-any-return]


def _timestamp(value: Any) -> datetime | None:
    """A UTC instant from SQLite's ISO text or PostgreSQL's datetime (naive means UTC)."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _day(value: Any) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    return value.date() if isinstance(value, datetime) else date.fromisoformat(str(value)[:10])


def _text(value: Any) -> str | None:
    return None if value is None else str(_plain(value))


def parquet_schema(columns: list[str]) -> pa.Schema:
    """The declared Parquet schema for a view's columns (see PARQUET_TYPES)."""
    import pyarrow as pa

    types = {
        "int64": pa.int64(),
        "float64": pa.float64(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "date": pa.date32(),
    }
    return pa.schema(
        [pa.field(name, types.get(PARQUET_TYPES.get(name, ""), pa.string())) for name in columns]
    )


def export_parquet(engine: Engine, what: str, out: IO[bytes] | str) -> int:
    """Write every row of `what` to `out` (a binary file or a path) as Parquet, one row group per
    PARQUET_BATCH rows read from the streaming cursor: memory holds one batch, not the view."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    convert: dict[str, Callable[[Any], Any]] = {
        "int64": int,
        "float64": float,
        "timestamp": _timestamp,
        "date": _day,
    }
    count = 0
    for columns, stream in rows(engine, what):
        schema = parquet_schema(columns)
        converters = [convert.get(PARQUET_TYPES.get(name, ""), _text) for name in columns]
        with pq.ParquetWriter(out, schema) as writer:
            while batch := list(islice(stream, PARQUET_BATCH)):
                arrays = [
                    pa.array(
                        [None if row[i] is None else to(row[i]) for row in batch], type=schema.field(i).type
                    )
                    for i, to in enumerate(converters)
                ]
                writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))
                count += len(batch)
    return count
