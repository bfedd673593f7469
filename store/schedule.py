"""When to poll each source next: adaptive intervals, backoff after failures, the failing
flag, and the per-source lock that keeps two daemons from crawling one source at once.

The policy (after Media Cloud's rss-fetcher, which moves each feed's interval with how often it
actually brings new stories):

- a run that stored new articles shortens the source's interval (× ``speedup``), a run that
  found nothing new or got a 304 lengthens it (× ``slowdown``), within
  [``min_interval``, ``max_interval``]; a source starts from its configured interval;
- a failed run does not touch the interval: the next poll waits ``interval × 2^failures``,
  capped at ``max_backoff``; after ``failing_after`` consecutive failures the source is marked
  failing (still polled at the cap) until a run succeeds, which resets both, and the source
  goes back to its interval;
- an interrupted run (a stop, a kill) is retried after ``min_interval``;
- every delay gets ±``jitter`` so that sources configured alike drift apart.

The next poll time is kept in ``feed_state.next_poll_at``, in the database rather than in
APScheduler's job store: it is computed from the run's outcome, read by ``rnk status`` and shared
by every daemon on the same database (APScheduler's SQLAlchemy store pickles the jobs and is
meant for one scheduler).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from store.db import session_scope
from store.models import FeedState, IngestRun
from store.rollups import mark_run
from store.types import as_utc, utcnow

LOCK_NAMESPACE = 0x726E6B  # "rnk": the first key of the per-source advisory locks


@dataclass(frozen=True)
class PollPolicy:
    min_interval: float = 600.0
    max_interval: float = 86_400.0
    failing_after: int = 5
    max_backoff: float | None = None  # None: max_interval
    speedup: float = 0.5
    slowdown: float = 1.5
    jitter: float = 0.1

    def clamp(self, seconds: float) -> float:
        return min(self.max_interval, max(self.min_interval, seconds))

    @property
    def backoff_cap(self) -> float:
        return self.max_backoff if self.max_backoff is not None else self.max_interval


@dataclass(frozen=True)
class Plan:
    """What the last run means for the next: the interval, the delay, the failing flag."""

    interval: float
    delay: float
    failures: int
    failing: bool


def plan(
    policy: PollPolicy,
    configured: float,
    current: float | None,
    status: str,
    new_articles: int,
    failures: int,
) -> Plan:
    """The next interval and delay after a run that ended with `status` (pure: tested alone).
    `failures` counts the consecutive failed runs including this one."""
    interval = policy.clamp(current if current is not None else configured)
    if status == "failed":
        delay = min(policy.backoff_cap, interval * 2 ** max(0, failures))
        return Plan(interval, delay, failures, failures >= policy.failing_after)
    if status == "interrupted":
        return Plan(interval, policy.min_interval, failures, failures >= policy.failing_after)
    if status == "ok" and new_articles > 0:
        interval = policy.clamp(interval * policy.speedup)
    else:  # ok with nothing new, or not_modified
        interval = policy.clamp(interval * policy.slowdown)
    return Plan(interval, interval, 0, False)


def schedule_next(
    engine: Engine,
    source_id: int,
    configured: float,
    policy: PollPolicy,
    run_id: int | None,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> datetime:
    """Apply :func:`plan` to the source's last run and store the next poll time."""
    now = now or utcnow()
    rng = rng or random.Random()
    with session_scope(engine) as session:
        state = session.get(FeedState, source_id) or FeedState(source_id=source_id)
        run = session.get(IngestRun, run_id) if run_id is not None else None
        status = run.status if run is not None else "interrupted"
        new = run.n_new if run is not None else 0
        decided = plan(policy, configured, state.interval_seconds, status, new, state.consecutive_failures)
        delay = decided.delay * (1 + rng.uniform(-policy.jitter, policy.jitter))
        state.interval_seconds = decided.interval
        state.failing = decided.failing
        state.next_poll_at = now + timedelta(seconds=delay)
        session.add(state)
        return state.next_poll_at


def next_poll_at(engine: Engine, source_id: int) -> datetime | None:
    with engine.connect() as connection:
        value = connection.execute(
            sa.select(FeedState.__table__.c.next_poll_at).where(  # type: ignore[attr-defined]
                FeedState.__table__.c.source_id == source_id  # type: ignore[attr-defined]
            )
        ).scalar()
    return as_utc(value) if value is not None else None


@contextmanager
def source_lock(engine: Engine, source_id: int) -> Iterator[bool]:
    """Try to take the source's crawl lock for the duration of the block; yields whether it
    was taken. PostgreSQL: a session advisory lock, held by a connection of this process, so it
    is released when the process dies, however it dies. SQLite: always taken; one daemon per
    file is enforced by the daemon's lock file, and it runs one crawl per source at a time."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        taken = bool(
            connection.execute(sa.select(sa.func.pg_try_advisory_lock(LOCK_NAMESPACE, source_id))).scalar()
        )
        try:
            yield taken
        finally:
            if taken:
                connection.execute(sa.select(sa.func.pg_advisory_unlock(LOCK_NAMESPACE, source_id)))


def close_open_runs(engine: Engine, source_id: int, reason: str) -> list[int]:
    """Mark `interrupted`, now, the source's runs still `running`. For a caller that holds the
    source's lock and knows its crawl process has ended (killed, or died before closing)."""
    closed = []
    with session_scope(engine) as session:
        table = IngestRun.__table__  # type: ignore[attr-defined]
        ids = session.execute(  # type: ignore[call-overload]
            sa.select(table.c.id).where(table.c.source_id == source_id, table.c.status == "running")
        ).scalars()
        for run_id in ids:
            run = session.get(IngestRun, run_id)
            if run is None:
                continue
            run.status, run.error, run.finished_at = "interrupted", reason, utcnow()
            session.add(run)
            mark_run(session.connection(), run.started_at)
            closed.append(run_id)
        if closed:
            state = session.get(FeedState, source_id)
            if state is not None:
                state.last_status = "interrupted"
                session.add(state)
    return closed


def close_orphaned_runs(engine: Engine, reason: str) -> list[int]:
    """Mark `interrupted` the runs left `running` by a process that died (a killed daemon or
    crawl). A run whose source lock someone holds is still alive elsewhere and is left alone."""
    with engine.connect() as connection:
        sources = (
            connection.execute(
                sa.select(IngestRun.__table__.c.source_id)  # type: ignore[attr-defined]
                .where(IngestRun.__table__.c.status == "running")  # type: ignore[attr-defined]
                .distinct()
            )
            .scalars()
            .all()
        )
    closed = []
    for source_id in sources:
        with source_lock(engine, source_id) as free:
            if free:
                closed += close_open_runs(engine, source_id, reason)
    return closed
