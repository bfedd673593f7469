"""The run log: one row per run of one source, every outcome counted by name.

The contract's counters (`n_fetched`, `n_new`, `n_duplicates`, `n_irrelevant`,
`n_errors`) are columns of `report_runs`; finer outcomes (`page_404`,
`fallback_summary`, `feed_salvaged`, `known_url`, ...) go to the JSON `counters`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from store.db import session_scope
from store.models import FeedState, IngestRun
from store.rollups import mark_run
from store.types import utcnow

CONTRACT_COUNTERS = ("n_fetched", "n_new", "n_duplicates", "n_irrelevant", "n_errors")
RUN_STATUSES = ("running", "ok", "not_modified", "failed", "interrupted")


@dataclass
class RunTally:
    """Counters of a run in progress, kept in memory and written when the run closes."""

    run_id: int
    source_id: int
    counts: Counter[str] = field(default_factory=Counter)
    status: str | None = None
    error: str | None = None
    http_status: int | None = None
    validators: tuple[str | None, str | None] | None = None  # (ETag, Last-Modified) of the feed read

    def add(self, name: str, n: int = 1) -> None:
        self.counts[name] += n

    def fail(self, error: str, http_status: int | None = None) -> None:
        self.status, self.error, self.http_status = "failed", error, http_status


def open_run(engine: Engine, source_id: int) -> RunTally:
    """Open a `running` row now, so a crash leaves a trace that a later start can close."""
    with session_scope(engine) as session:
        run = IngestRun(source_id=source_id, started_at=utcnow(), counters={})
        session.add(run)
        session.flush()
        assert run.id is not None
        mark_run(session.connection(), run.started_at)
        return RunTally(run_id=run.id, source_id=source_id)


def close_run(engine: Engine, tally: RunTally, default_status: str = "ok") -> IngestRun:
    """Write the final counters and status of a run, and the feed state's bookkeeping."""
    status = tally.status or default_status
    with session_scope(engine) as session:
        run = session.get(IngestRun, tally.run_id)
        assert run is not None
        for name in CONTRACT_COUNTERS:
            setattr(run, name, tally.counts.get(name, 0))
        run.counters = {k: v for k, v in sorted(tally.counts.items()) if k not in CONTRACT_COUNTERS}
        run.status, run.error, run.http_status = status, tally.error, tally.http_status
        run.finished_at = utcnow()
        state = session.get(FeedState, tally.source_id) or FeedState(source_id=tally.source_id)
        state.last_poll_at = run.finished_at
        state.last_status = status
        if status == "failed":
            state.consecutive_failures += 1
            state.last_error = tally.error
        elif status in {"ok", "not_modified"}:
            state.consecutive_failures = 0
            state.last_error = None
        if tally.counts.get("n_new"):
            state.last_new_at = run.finished_at
        if status == "ok" and tally.validators is not None:
            # Only a run that finished: a run killed halfway must not make the next poll a 304
            # that would skip the entries it had not stored yet.
            state.etag, state.last_modified = tally.validators
        session.add(state)
        session.add(run)
        mark_run(session.connection(), run.started_at)
        return run
