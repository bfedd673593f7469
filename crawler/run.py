"""One pass over the given sources, in this process: open a run per source, crawl, close
the runs with their counters.

Scrapy's reactor cannot be restarted in one process, so `crawl_once` may run once per
process; the CLI calls it once, tests and the daemon start a process per pass.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from sqlalchemy.engine import Engine

from crawler.context import CrawlContext, ProgressHook, SourceRun
from crawler.events.extract import warm_up_languages
from crawler.language import warm_up_identifier
from crawler.settings import crawl_settings
from crawler.spiders.feed import FeedSpider
from store import rollups
from store.runs import close_run, open_run
from store.sources import SourceSpec, sync_sources

logger = logging.getLogger(__name__)

SUPPORTED_KINDS = {"feed"}


@dataclass(frozen=True)
class RunSummary:
    source: str
    run_id: int
    status: str
    fetched: int
    new: int
    duplicates: int
    irrelevant: int
    not_modified: int
    errors: int
    error: str | None


class _Closer:
    """Closes every run when the spider closes; a strong reference (Scrapy's signal
    receivers are weak references, so a lambda would be dropped silently)."""

    def __init__(self, context: CrawlContext) -> None:
        self.context = context
        self.reason: str | None = None

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Close every run: a crawl stopped before it finished (a signal, a shutdown) leaves
        the runs it had not decided `interrupted`, never `ok`."""
        self.reason = reason
        for run in self.context.runs.values():
            if run.tally.status is None and reason != "finished":
                run.tally.status, run.tally.error = "interrupted", f"crawl stopped: {reason}"
            close_run(self.context.engine, run.tally, default_status="ok")

    def item_error(self, item: Any, response: Any, spider: Any, failure: Any) -> None:
        source = getattr(item, "source_name", None)
        if source in self.context.runs:
            self.context.store_error(source, f"{failure.type.__name__}: {failure.getErrorMessage()}")

    def spider_error(self, failure: Any, response: Any, spider: Any) -> None:
        """A callback raised (a database error while reading the feed, say): the source's
        run is failed with the error instead of ending `ok` with nothing done."""
        meta = getattr(response, "meta", None) or {}
        source = meta.get("source")
        if source in self.context.runs:
            self.context.count(source, "n_errors")
            if "entry" in meta:  # one article went wrong: the source's run goes on
                self.context.count(source, "article_error")
                return
            self.context.count(source, "callback_error")
            self.context.runs[source].tally.fail(f"{failure.type.__name__}: {failure.getErrorMessage()}")


def crawl_once(
    engine: Engine,
    specs: list[SourceSpec],
    settings: dict[str, Any] | None = None,
    progress: ProgressHook | None = None,
    source_ids: dict[str, int] | None = None,
) -> list[RunSummary]:
    """Crawl `specs` once into `engine` and return one summary per source.

    The sources are written to the `source` table first, unless `source_ids` gives their ids
    (the daemon's crawls: the daemon owns the table, and a crawl must not re-enable a source
    that a reload disabled while it ran)."""
    wanted = [spec for spec in specs if spec.enabled and spec.kind in SUPPORTED_KINDS]
    ids = source_ids if source_ids is not None else sync_sources(engine, wanted)
    context = CrawlContext(engine=engine)
    if progress is not None:
        context.progress = progress
    for spec in wanted:
        context.runs[spec.name] = SourceRun(spec, ids[spec.name], open_run(engine, ids[spec.name]))
    if not wanted:
        return []
    warm_up_languages(spec.language for spec in wanted if spec.language)
    warm_up_identifier()
    merged = crawl_settings(settings)
    process = CrawlerProcess(merged)
    # Without a root handler of Scrapy's, LOG_LEVEL would not reach Scrapy's loggers, and
    # every item would be formatted for a DEBUG record nobody reads.
    logging.getLogger("scrapy").setLevel(str(merged["LOG_LEVEL"]).upper())
    crawler = process.create_crawler(FeedSpider)
    closer = _Closer(context)
    crawler.signals.connect(closer.spider_closed, signal=signals.spider_closed)
    crawler.signals.connect(closer.item_error, signal=signals.item_error)
    crawler.signals.connect(closer.spider_error, signal=signals.spider_error)
    process.crawl(crawler, context=context)
    with _long_lived_heap_frozen():
        process.start()
    refresh_rollups(engine)
    return [summarize(name, run) for name, run in context.runs.items()]


GEN0_THRESHOLD = 10_000
"""Allocations between two young collections during a crawl (Python's default: 700)."""


@contextmanager
def _long_lived_heap_frozen() -> Iterator[None]:
    """Keep the cyclic garbage collector off what lives as long as the crawl.

    By the time the reactor starts, the process holds hundreds of thousands of long-lived
    objects (lexicons, dictionaries, the language model, Scrapy itself). Left in the
    collector's generations, every full collection walks them all; a page allocates enough
    to trigger collections often, and the collector took about 3 % of a crawl's time, 30
    times its share in a plain extraction loop. `gc.freeze()` moves them to a permanent
    generation, and a higher young threshold lets most of a page's garbage be freed by
    reference counting before a collection ever looks at it. Both are undone afterwards."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(GEN0_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def refresh_rollups(engine: Engine) -> None:
    """Bring the report rollups up to date with what the crawl stored. A failure here (a
    locked database, say) costs nothing stored: the days stay marked for the next refresh."""
    try:
        rollups.refresh(engine)
    except Exception:
        logger.exception("report rollups not refreshed; the next crawl or `rnk report` will")


def summarize(name: str, run: SourceRun) -> RunSummary:
    counts = run.tally.counts
    return RunSummary(
        source=name,
        run_id=run.tally.run_id,
        status=run.tally.status or "ok",
        fetched=counts.get("n_fetched", 0),
        new=counts.get("n_new", 0),
        duplicates=counts.get("n_duplicates", 0),
        irrelevant=counts.get("n_irrelevant", 0),
        not_modified=counts.get("not_modified", 0),
        errors=counts.get("n_errors", 0),
        error=run.tally.error,
    )
