"""Importable job functions, no scheduler code: crawl one source, in a process of its own.

The daemon runs each crawl in a process of its own (see jobs/daemon.py): Scrapy's reactor
cannot be restarted within a process, a crawl that leaks or crashes takes nothing else down,
two crawls use two cores, and a stuck crawl can be killed at the stop deadline without killing
the daemon. Run alone (``python -m jobs.tasks crawl-source NAME --db URL``) it takes the
source's lock itself (two daemons on one PostgreSQL database never crawl one source at once),
checks that the source is still due, crawls, and stores the next poll time.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from crawler.run import crawl_once
from jobs.logs import FORMATS, setup_logging
from store.db import make_engine
from store.models import Source
from store.schedule import PollPolicy, next_poll_at, schedule_next, source_lock
from store.sources import SourceSpec
from store.types import utcnow

EXIT_OK, EXIT_BUSY, EXIT_NOT_DUE, EXIT_UNKNOWN = 0, 3, 4, 5
DUE_SLACK = timedelta(seconds=1)
logger = logging.getLogger("rnk.tasks")


def source_spec(engine: sa.Engine, name: str) -> tuple[int, SourceSpec] | None:
    table = Source.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        row = connection.execute(sa.select(table).where(table.c.name == name)).first()
    if row is None:
        return None
    return row.id, SourceSpec(row.name, row.kind, row.url, row.language, row.interval_seconds, row.enabled)


def crawl_source(
    db_url: str,
    name: str,
    policy: PollPolicy,
    settings: dict[str, Any],
    force: bool = False,
    locked: bool = False,
) -> int:
    """Crawl one configured source now if it is due and nobody else is crawling it.
    `locked`: the caller (the daemon) holds the source's lock and has checked that it is due."""
    engine = make_engine(db_url)
    try:
        found = source_spec(engine, name)
        if found is None:
            logger.error("source %s is not in the database", name)
            return EXIT_UNKNOWN
        source_id, spec = found
        with source_lock(engine, source_id) if not locked else nullcontext(True) as taken:
            if not taken:
                logger.info("source %s is being crawled by another process: skipped", name)
                return EXIT_BUSY
            due = None if force or locked else next_poll_at(engine, source_id)
            if due is not None and due > utcnow() + DUE_SLACK:
                logger.info("source %s is not due before %s: skipped", name, due.isoformat())
                return EXIT_NOT_DUE
            summaries = crawl_once(engine, [spec], settings, source_ids={name: source_id})
            s = summaries[0] if summaries else None
            when = schedule_next(engine, source_id, spec.interval_seconds, policy, s.run_id if s else None)
            if s is not None:
                logger.info(
                    "source %s: %s, %d new, %d duplicates, %d irrelevant, %d errors; next poll %s",
                    name, s.status, s.new, s.duplicates, s.irrelevant, s.errors, when.isoformat(),
                )  # fmt: skip
        return EXIT_OK
    finally:
        engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jobs.tasks", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    crawl = commands.add_parser("crawl-source", help="crawl one source now")
    crawl.add_argument("name")
    crawl.add_argument("--db", required=True)
    crawl.add_argument("--policy", default="{}", help="PollPolicy fields as JSON")
    crawl.add_argument("--settings", default="{}", help="Scrapy settings as JSON")
    crawl.add_argument("--force", action="store_true", help="crawl even if not due")
    crawl.add_argument("--locked", action="store_true", help="the caller holds the source's lock")
    crawl.add_argument("--log-format", default="human", choices=FORMATS)
    crawl.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    setup_logging(args.log_format, args.log_level)
    return crawl_source(
        args.db,
        args.name,
        PollPolicy(**json.loads(args.policy)),
        json.loads(args.settings),
        args.force,
        args.locked,
    )


if __name__ == "__main__":
    sys.exit(main())
