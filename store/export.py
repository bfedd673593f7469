"""Streaming export of the contract views (backs `rnk export`): rows are read with a
server-side cursor in batches and written as they come, so memory stays flat whatever the size.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

VIEWS = {
    "articles": "report_articles",
    "events": "report_events",
    "mentions": "report_mentions",
    "stories": "report_stories",
    "runs": "report_runs",
}
FORMATS = ("csv", "jsonl")
BATCH = 2_000


class ExportError(ValueError):
    """An unknown table or format."""


def check(what: str, fmt: str) -> None:
    """Refuse an unknown table or format before anything is opened or written."""
    if what not in VIEWS:
        raise ExportError(f"nothing called {what!r} to export: use one of {', '.join(VIEWS)}")
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r}: use csv or jsonl")


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


def export(engine: Engine, what: str, fmt: str, out: IO[str]) -> int:
    """Write every row of `what` to `out` as CSV (with a header) or JSON lines; return the count."""
    check(what, fmt)
    count = 0
    for columns, stream in rows(engine, what):
        if fmt == "csv":
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(columns)
            for row in stream:
                writer.writerow([_plain(v) for v in row])
                count += 1
        else:
            for row in stream:
                out.write(
                    json.dumps(dict(zip(columns, map(_plain, row), strict=True)), ensure_ascii=False) + "\n"
                )
                count += 1
    return count
