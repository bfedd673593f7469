"""What one crawl shares between its spider and its pipelines: the engine, the sources
with their open runs, and a hook for progress reporting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

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

    def count(self, source: str, name: str, n: int = 1) -> None:
        """Count an outcome for a source's run and tell the progress display."""
        self.runs[source].tally.add(name, n)
        self.progress(source, name, n)
