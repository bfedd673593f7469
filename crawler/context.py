"""What one crawl shares between its spider and its pipelines: the engine, the sources
with their open runs, and a hook for progress reporting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from crawler.writer import BatchWriter
from store.runs import RunTally
from store.sources import SourceSpec

ProgressHook = Callable[[str, str, int], None]


def _no_progress(_source: str, _event: str, _n: int) -> None:
    return None


@dataclass
class SourceRun:
    spec: SourceSpec
    source_id: int
    tally: RunTally


@dataclass
class CrawlContext:
    engine: Engine
    runs: dict[str, SourceRun] = field(default_factory=dict)
    progress: ProgressHook = _no_progress
    _writer: BatchWriter | None = field(default=None, repr=False)

    @property
    def writer(self) -> BatchWriter:
        """The crawl's batched writes (crawler.writer), shared by the pipelines."""
        if self._writer is None:
            self._writer = BatchWriter(self.engine, self.count, self.store_error)
        return self._writer

    def count(self, source: str, name: str, n: int = 1) -> None:
        """Count an outcome for a source's run and tell the progress display."""
        self.runs[source].tally.add(name, n)
        self.progress(source, name, n)

    def store_error(self, source: str, error: BaseException | str) -> None:
        """An article could not be stored: counted as an error, the first one kept on the run."""
        self.count(source, "n_errors")
        self.count(source, "store_error")
        tally = self.runs[source].tally
        tally.error = tally.error or (error if isinstance(error, str) else f"{type(error).__name__}: {error}")
