"""`rnk daemon`: the scheduler and its lifecycle (signals, heartbeat, locks).

One APScheduler (3.x) job per enabled source, id ``source:NAME``, with ``max_instances=1``,
``coalesce=True`` and an explicit ``misfire_grace_time``. Each job is a one-shot date trigger at
the source's next poll time, which lives in ``feed_state.next_poll_at`` (see store/schedule.py
for why there and not in APScheduler's job store); when the crawl ends the job is re-added at
the new next poll time, so the schedule adapts to each run's outcome and survives restarts: a
source polled five minutes before a restart is not polled at start-up.

Each crawl runs in a process of its own, forked from a fork server that preloaded the heavy
modules (``jobs/preload.py``); the daemon itself only decides *when*. The daemon holds the
source's lock while its crawl runs. A crawl dies with the daemon (it watches the daemon's pidfd),
so ``kill -9`` of the daemon stops its crawls too; their runs stay ``running`` until the next
start marks them ``interrupted``.

Signals: SIGTERM and SIGINT stop taking new runs, send SIGTERM to running crawls (Scrapy stops
them cleanly and records their runs as interrupted), wait up to ``stop_deadline`` seconds, kill
what is left, close its runs, and exit 0. SIGHUP reloads the sources file: added sources are
scheduled, removed ones unscheduled and disabled, changed ones updated; a bad file is refused
and the old one kept. On SQLite one daemon per database file: a second one refuses to start.
"""

from __future__ import annotations

import fcntl
import logging
import multiprocessing
import os
import random
import signal
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.engine import Engine

from crawler.config import SourcesFileError, load_sources
from crawler.lifetime import die_with
from store import daemons
from store.db import make_engine
from store.migrate import upgrade
from store.schedule import PollPolicy, close_open_runs, close_orphaned_runs, next_poll_at, source_lock
from store.sources import SourceSpec, disable_sources, sync_sources
from store.types import utcnow

logger = logging.getLogger("rnk.daemon")
_CURRENT: Daemon | None = None


class DaemonError(Exception):
    """The daemon cannot start (another daemon holds the SQLite file, a bad sources file)."""


@dataclass
class DaemonConfig:
    db_url: str
    sources_file: Path
    policy: PollPolicy = field(default_factory=PollPolicy)
    concurrency: int = 2
    stop_deadline: float = 30.0
    heartbeat_seconds: float = 10.0
    misfire_grace_seconds: float = 300.0
    settings: dict[str, Any] = field(default_factory=dict)
    log_format: str = "human"
    log_level: str = "INFO"


def poll_source(name: str) -> None:
    """The scheduler's job function (importable, as APScheduler 3 wants): crawl one source."""
    if _CURRENT is not None:
        _CURRENT.poll(name)


@dataclass(frozen=True)
class ChildOptions:
    name: str
    db_url: str
    policy: dict[str, Any]
    settings: dict[str, Any]
    log_format: str
    log_level: str
    daemon_pid: int


def crawl_in_child(options: ChildOptions) -> None:  # pragma: no cover - runs in the crawl process
    """A crawl process: dies with the daemon (kill -9 of the daemon stops its crawls), then
    crawls one source under the daemon's lock."""
    die_with(options.daemon_pid)  # a fork of the fork server: PR_SET_PDEATHSIG would not tie it to us
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C reaches the daemon, which stops crawls itself
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    from jobs.logs import setup_logging
    from jobs.tasks import crawl_source

    setup_logging(options.log_format, options.log_level)
    code = crawl_source(
        options.db_url, options.name, PollPolicy(**options.policy), options.settings, locked=True
    )
    sys.exit(code)


class Daemon:
    def __init__(self, config: DaemonConfig) -> None:
        self.config = config
        self.engine: Engine = make_engine(config.db_url)
        self.stopping = threading.Event()
        self.reload_requested = threading.Event()
        self.children: dict[str, BaseProcess] = {}
        # Crawls are forks of a fork server that preloaded the heavy modules (jobs/preload.py).
        self.processes = multiprocessing.get_context("forkserver")
        self.processes.set_forkserver_preload(["jobs.preload"])
        self.children_lock = threading.Lock()
        self.specs: dict[str, SourceSpec] = {}
        self.source_ids: dict[str, int] = {}
        self.daemon_id: int | None = None
        self._lock_file: Any = None
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=config.concurrency)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": int(config.misfire_grace_seconds),
            },
            timezone="UTC",
        )
        self.scheduler.add_listener(self._job_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)

    # -- start-up ---------------------------------------------------------------------------
    def _single_daemon_on_sqlite(self) -> None:
        url = self.engine.url
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            return
        path = Path(f"{url.database}.daemon.lock")
        handle = path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            handle.close()
            raise DaemonError(
                f"another rnk daemon (pid {holder}) is running on {url.database}; SQLite takes one "
                "daemon per database file: stop it first, or use PostgreSQL to run several"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_file = handle

    def _load(self) -> list[SourceSpec]:
        try:
            specs = load_sources(self.config.sources_file)
        except SourcesFileError as exc:
            raise DaemonError(str(exc)) from exc
        return [s for s in specs if s.enabled and s.kind == "feed"]

    def start(self) -> None:
        global _CURRENT
        self._single_daemon_on_sqlite()
        upgrade(self.engine)
        specs = self._load()
        closed = close_orphaned_runs(self.engine, "the process running it stopped (daemon killed?)")
        if closed:
            logger.warning("marked %d run(s) left open by a stopped process as interrupted", len(closed))
        self.daemon_id = daemons.register(
            self.engine, self.config.heartbeat_seconds, str(self.config.sources_file)
        )
        _CURRENT = self
        self._apply(specs)
        self.scheduler.add_job(
            self._heartbeat,
            "interval",
            seconds=self.config.heartbeat_seconds,
            id="heartbeat",
            replace_existing=True,
        )
        self.scheduler.start()
        database = self.engine.url.render_as_string(hide_password=True)
        logger.info(
            "daemon %s started: %d source(s), database %s, %d crawl(s) at a time",
            self.daemon_id, len(specs), database, self.config.concurrency,
        )  # fmt: skip

    def _apply(self, specs: list[SourceSpec]) -> None:
        """Make the scheduled jobs match `specs`: add, update, remove."""
        ids = sync_sources(self.engine, specs)
        self.source_ids.update(ids)
        wanted = {s.name: s for s in specs}
        removed = sorted(set(self.specs) - set(wanted))
        if removed:
            disable_sources(self.engine, removed)
            for name in removed:
                if self.scheduler.get_job(f"source:{name}"):
                    self.scheduler.remove_job(f"source:{name}")
            logger.info("sources removed: %s", ", ".join(removed))
        added = sorted(set(wanted) - set(self.specs))
        changed = sorted(n for n in set(wanted) & set(self.specs) if wanted[n] != self.specs[n])
        self.specs = wanted
        spread = random.Random()
        for name in [*added, *changed]:
            when = next_poll_at(self.engine, ids[name]) if name in added else None
            # Never polled: start within the minimum interval, in random order, so that daemons
            # started together do not all reach for the same source first.
            first = utcnow() + timedelta(seconds=spread.uniform(0, min(self.config.policy.min_interval, 5.0)))
            self._schedule(name, when or first)
        if added:
            logger.info("sources scheduled: %s", ", ".join(added))
        if changed:
            logger.info("sources changed: %s", ", ".join(changed))

    def _retry_at(self) -> datetime:
        """When a poll that did not run or ended without a next time is tried again."""
        return utcnow() + timedelta(seconds=self.config.policy.min_interval)

    def _schedule(self, name: str, when: datetime) -> None:
        if self.stopping.is_set():
            return
        self.scheduler.add_job(
            poll_source,
            "date",
            run_date=max(when, utcnow()),
            args=[name],
            id=f"source:{name}",
            name=name,
            replace_existing=True,
        )

    # -- running ----------------------------------------------------------------------------
    def poll(self, name: str) -> None:
        """Crawl one source in a child process, holding the source's lock meanwhile.

        The daemon takes the lock (not the child): another daemon then skips the source
        without spawning anything, and the lock dies with the daemon's connection if the
        daemon is killed (its child dies with it)."""
        spec = self.specs.get(name)
        source_id = self.source_ids.get(name)
        if spec is None or source_id is None or self.stopping.is_set():
            return
        with source_lock(self.engine, source_id) as taken:
            if not taken:
                logger.debug("source %s is being crawled by another daemon", name)
                self._schedule(name, self._retry_at())
                return
            due = next_poll_at(self.engine, source_id)
            if due is not None and due > utcnow() + timedelta(seconds=1):
                self._schedule(name, due)  # another daemon polled it meanwhile
                return
            self._run_child(name)
            # Still under the lock: a crawl that died before closing its run (killed at the stop
            # deadline, or stopped before Scrapy took over its signals) is closed now, not later
            # when another daemon may already be crawling the source.
            close_open_runs(self.engine, source_id, "the crawl process ended before closing its run")
        self._reschedule(name)

    def _run_child(self, name: str) -> None:
        options = ChildOptions(
            name=name,
            db_url=self.config.db_url,
            policy=asdict(self.config.policy),
            settings=self.config.settings,
            log_format=self.config.log_format,
            log_level=self.config.log_level,
            daemon_pid=os.getpid(),
        )
        started = time.monotonic()
        child = self.processes.Process(target=crawl_in_child, args=(options,), name=f"rnk-crawl-{name}")
        child.start()
        with self.children_lock:
            self.children[name] = child
        try:
            child.join()
        finally:
            with self.children_lock:
                self.children.pop(name, None)
        logger.debug(
            "crawl of %s ended with %s after %.1fs", name, child.exitcode, time.monotonic() - started
        )

    def _reschedule(self, name: str) -> None:
        source_id = self.source_ids.get(name)
        if name not in self.specs or source_id is None or self.stopping.is_set():
            return
        when = next_poll_at(self.engine, source_id)
        if when is None or when <= utcnow():
            # The child wrote no next time (it crashed): back off by the minimum interval.
            when = self._retry_at()
        self._schedule(name, when)

    def _heartbeat(self) -> None:
        if self.daemon_id is not None:
            daemons.beat(self.engine, self.daemon_id)

    def _job_event(self, event: JobExecutionEvent) -> None:
        name = event.job_id.removeprefix("source:")
        if event.code == EVENT_JOB_MISSED:
            logger.warning("poll of %s missed its time by more than the grace time; rescheduled", name)
        else:
            logger.error("poll of %s failed: %r", name, event.exception)
        if name in self.specs:
            self._schedule(name, self._retry_at())

    def reload(self) -> None:
        """SIGHUP: read the sources file again; a bad file is refused and the old one kept."""
        try:
            specs = self._load()
        except DaemonError as exc:
            logger.error("sources file refused, keeping the previous one: %s", exc)
            return
        self._apply(specs)

    # -- stopping ---------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop taking runs, stop running crawls within the deadline, record their state."""
        self.stopping.set()
        self.scheduler.pause()
        with self.children_lock:
            running = dict(self.children)
        logger.info("stopping: %d crawl(s) running, deadline %.0fs", len(running), self.config.stop_deadline)
        for child in running.values():
            child.terminate()  # SIGTERM: Scrapy stops the crawl and closes its run as interrupted
        deadline = time.monotonic() + self.config.stop_deadline
        for name, child in running.items():
            child.join(timeout=max(0.0, deadline - time.monotonic()))
            if child.is_alive():
                logger.warning("crawl of %s did not stop within the deadline: killed", name)
                child.kill()
                child.join()
        self.scheduler.shutdown(wait=False)
        close_orphaned_runs(self.engine, "stopped by the daemon's shutdown before it finished")
        if self.daemon_id is not None:
            daemons.stopped(self.engine, self.daemon_id)
        self.engine.dispose()
        logger.info("daemon stopped")

    def run_forever(self) -> None:
        """Start, then wait for signals in the main thread."""
        signal.signal(signal.SIGTERM, lambda *_: self.stopping.set())
        signal.signal(signal.SIGINT, lambda *_: self.stopping.set())
        signal.signal(signal.SIGHUP, lambda *_: self.reload_requested.set())
        self.start()
        while not self.stopping.wait(0.2):
            if self.reload_requested.is_set():
                self.reload_requested.clear()
                logger.info("SIGHUP: reloading %s", self.config.sources_file)
                self.reload()
        self.stop()
