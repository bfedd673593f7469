"""The crawl's writes, a batch per transaction.

A transaction per article cost a third of rnk's own time per page on SQLite: the write
lock taken and released, a commit, and the statements around them. So the pipelines hand
their writes (articles to store, URLs decided irrelevant) to this writer, which stores them
in order in one locked transaction (`store.articles.store_batch`) when BATCH_SIZE are
waiting, every FLUSH_SECONDS, and when the spider closes (before the runs are closed).

What that changes for a user: an article reaches the database up to FLUSH_SECONDS after it
was fetched. What it does not change: a batch is all or nothing, and a failed batch is
stored again entry by entry, so one bad article costs only itself. A crawl killed between
two flushes loses the waiting articles, which were not marked seen either: the next pass
fetches them again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from store.articles import NewArticle, SeenMark, Stored, store_batch

logger = logging.getLogger(__name__)

BATCH_SIZE = 32
FLUSH_SECONDS = 1.0

Counter = Callable[[str, str], None]
ErrorHook = Callable[[str, Exception], None]


@dataclass(frozen=True)
class _Pending:
    source: str
    entry: NewArticle | SeenMark


class BatchWriter:
    """Collects a crawl's writes and stores them a batch at a time."""

    def __init__(self, engine: Engine, count: Counter, on_error: ErrorHook, size: int = BATCH_SIZE) -> None:
        self.engine = engine
        self.count = count
        self.on_error = on_error
        self.size = size
        self.pending: list[_Pending] = []

    def add(self, source: str, entry: NewArticle | SeenMark) -> None:
        """Queue one write for `source`'s run; a full batch is stored at once."""
        self.pending.append(_Pending(source, entry))
        if len(self.pending) >= self.size:
            self.flush()

    def flush(self) -> None:
        """Store what is waiting and count each outcome on its source's run."""
        batch, self.pending = self.pending, []
        if not batch:
            return
        try:
            results = store_batch(self.engine, [p.entry for p in batch])
        except Exception as error:  # a seen mark alone could not be written: nothing stored
            logger.exception("could not store %d pending writes", len(batch))
            results = [error] * len(batch)
        for pending, result in zip(batch, results, strict=True):
            if isinstance(result, Exception):
                logger.error("could not store %s: %s", getattr(pending.entry, "url", "?"), result)
                self.on_error(pending.source, result)
            elif isinstance(result, Stored):
                self._count_stored(pending.source, result)

    def _count_stored(self, source: str, stored: Stored) -> None:
        if stored.outcome == "duplicate":
            self.count(source, "n_duplicates")
            self.count(source, "dup_url")
        else:
            self.count(source, "n_new")
            self.count(source, f"story_{stored.rule}")
