"""`rnk daemon` as an operator runs it, against a local server whose feeds change on command,
with intervals of a second or two: adaptive intervals, backoff and recovery, restarts, SIGHUP,
SIGTERM during a crawl, kill -9 in the middle of a large feed, two daemons on one PostgreSQL
database, and a second daemon refused on SQLite."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from itertools import pairwise
from pathlib import Path

import pytest
import sqlalchemy as sa

from jobs.localserver import LocalSiteServer
from store.db import make_engine
from store.schedule import PollPolicy, plan
from tests.conftest import ROOT, rnk

FAST_DAEMON = [
    "--min-interval", "1s", "--max-interval", "8s", "--heartbeat", "1s", "--stop-deadline", "10s",
    "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_TIMEOUT=5", "-s", "RETRY_TIMES=0",
]  # fmt: skip
BODY = (
    "Russia and North Korea agreed on item {n} in Pyongyang. Moscow said Russian officials met "
    "North Korean officials; the Kremlin and Pyongyang described talks on subject {n} and on "
    "cooperation number {n}. North Korea and Russia will meet again, Russian and North Korean "
    "diplomats said about matter {n}."
)


def article_page(n: int, slug: str) -> bytes:
    text = " ".join(BODY.format(n=f"{slug}-{n}-{k}") for k in range(3))
    return (
        f'<html lang="en"><head><title>Russia and North Korea item {slug} {n}</title>'
        f'<meta property="article:published_time" content="2024-06-19T08:{n % 60:02d}:00+00:00"></head>'
        f"<body><article><h1>Russia and North Korea item {slug} {n}</h1><p>{text}</p></article></body></html>"
    ).encode()


class Site:
    """A loopback site whose feeds gain entries on command."""

    def __init__(self, root: Path) -> None:
        root.mkdir(exist_ok=True)
        self.server = LocalSiteServer(root).start()
        self.items: dict[str, int] = {}

    @property
    def base(self) -> str:
        return self.server.base_url

    def publish(self, feed: str, count: int = 1, page_prefix: str = "") -> None:
        """Add `count` entries (and their pages) to `/feed/feed.xml`."""
        start = self.items.get(feed, 0)
        for n in range(start, start + count):
            self.server.set_file(f"/{feed}/{n}.html", article_page(n, feed))
        self.items[feed] = start + count
        items = "".join(
            f"<item><title>Russia and North Korea item {feed} {n}</title>"
            f"<link>{self.base}{page_prefix}/{feed}/{n}.html</link>"
            f"<guid>{feed}-{n}</guid>"
            f"<pubDate>{format_datetime(datetime(2024, 6, 19, 8, tzinfo=UTC) + timedelta(minutes=n))}</pubDate>"
            "</item>"
            for n in range(self.items[feed])
        )
        feed_xml = (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>{feed}</title>{items}</channel></rss>'
        )
        self.server.set_file(f"/{feed}/feed.xml", feed_xml.encode())

    def break_feed(self, feed: str) -> None:
        self.server.set_file(f"/{feed}/feed.xml", b"<html><body>maintenance</body></html>")

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    served = Site(tmp_path / "site")
    yield served
    served.stop()


def sources_file(path: Path, site: Site, feeds: dict[str, str]) -> Path:
    """`feeds`: name -> interval."""
    lines = []
    for name, interval in feeds.items():
        lines += ["[[source]]", f'name = "{name}"', 'kind = "feed"', f'url = "{site.base}/{name}/feed.xml"']
        lines += [f'interval = "{interval}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


STARTED: list[subprocess.Popen[bytes]] = []


@pytest.fixture(autouse=True)
def no_daemon_outlives_its_test() -> Iterator[None]:
    yield
    while STARTED:
        process = STARTED.pop()
        if process.poll() is None:
            process.kill()
            process.wait()


class Daemon:
    """`rnk daemon` in a process of its own, its log in a file."""

    def __init__(self, db: str, sources: Path, log: Path, *extra: str) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jobs.cli",
                "daemon",
                "--db",
                db,
                "--sources",
                str(sources),
                *FAST_DAEMON,
                *extra,
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log.open("ab"),
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        STARTED.append(self.process)

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def stop(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def query(db: str, sql: str, **params: object) -> list[sa.Row]:
    engine = make_engine(db)
    try:
        with engine.connect() as connection:
            return list(connection.execute(sa.text(sql), params))
    finally:
        engine.dispose()


def runs(db: str, source: str) -> list[sa.Row]:
    return query(db, "SELECT * FROM report_runs WHERE source = :s ORDER BY run_id", s=source)


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except sa.exc.SQLAlchemyError:
            pass  # the daemon has not created its tables yet
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def finished(db: str, source: str) -> int:
    return sum(1 for r in runs(db, source) if r.status != "running")


def test_busy_feeds_are_polled_more_often_than_quiet_ones(site: Site, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'rnk.db'}"
    site.publish("busy", 2)
    site.publish("quiet", 2)
    sources = sources_file(tmp_path / "sources.toml", site, {"busy": "3s", "quiet": "3s"})
    stop = threading.Event()

    def keep_publishing() -> None:
        while not stop.wait(1.0):
            site.publish("busy", 1)

    publisher = threading.Thread(target=keep_publishing, daemon=True)
    publisher.start()
    daemon = Daemon(db, sources, tmp_path / "daemon.log")
    try:
        wait_for(lambda: finished(db, "busy") >= 5 and finished(db, "quiet") >= 4, 90, "five polls of busy")
    finally:
        stop.set()
        assert daemon.stop() == 0, daemon.text()
    state = {
        r.name: r
        for r in query(
            db, "SELECT s.name, f.interval_seconds FROM feed_state f JOIN source s ON s.id = f.source_id"
        )
    }
    quiet_runs = runs(db, "quiet")
    print(
        f"\nintervals after {len(runs(db, 'busy'))} busy and {len(quiet_runs)} quiet polls: "
        f"busy {state['busy'].interval_seconds:.2f}s, quiet {state['quiet'].interval_seconds:.2f}s "
        f"(both configured 3s; bounds 1s..8s)"
    )
    assert state["busy"].interval_seconds < 3 < state["quiet"].interval_seconds
    later = [r.status for r in quiet_runs[1:]]  # after the first fetch, each poll costs one 304
    assert set(later) <= {"not_modified", "interrupted"} and later.count("not_modified") >= 2


def test_backoff_grows_marks_failing_and_resets_on_recovery(site: Site, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'rnk.db'}"
    site.break_feed("flaky")
    sources = sources_file(tmp_path / "sources.toml", site, {"flaky": "1s"})
    daemon = Daemon(db, sources, tmp_path / "daemon.log", "--failing-after", "3", "--max-backoff", "6s")
    try:
        wait_for(lambda: finished(db, "flaky") >= 4, 90, "four failed polls")
        failed = runs(db, "flaky")
        spans = [
            (datetime.fromisoformat(r.started_at), datetime.fromisoformat(r.finished_at)) for r in failed
        ]
        gaps = [(nxt[0] - prev[1]).total_seconds() for prev, nxt in pairwise(spans)]  # finish -> next start
        status = rnk("status", "--db", db, "--format", "json")
        flaky = next(s for s in json.loads(status.stdout)["sources"] if s["source"] == "flaky")
        assert (
            flaky["failing"] and flaky["failures"] >= 3 and "unreadable feed" in (flaky["last_error"] or "")
        )
        site.publish("flaky", 2)
        wait_for(lambda: runs(db, "flaky")[-1].status == "ok", 30, "a successful poll after the fix")
    finally:
        assert daemon.stop() == 0, daemon.text()
    print(f"\nwaits after failed polls: {', '.join(f'{g:.1f}s' for g in gaps)} (backoff 2x from 1s, cap 6s)")
    assert gaps[-1] > gaps[0] + 1.5 and max(gaps) < 6 * 1.1 + 3  # grows (2s, 4s, 6s), capped at 6s
    state = query(db, "SELECT consecutive_failures, failing, interval_seconds FROM feed_state")[0]
    assert state.consecutive_failures == 0 and not state.failing  # back to its normal interval
    assert state.interval_seconds <= 1.5


def test_a_restart_does_not_poll_early(site: Site, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'rnk.db'}"
    site.publish("calm", 1)
    sources = sources_file(tmp_path / "sources.toml", site, {"calm": "60s"})
    extra = ("--max-interval", "120s")
    first = Daemon(db, sources, tmp_path / "first.log", *extra)
    wait_for(lambda: finished(db, "calm") == 1, 60, "the first poll")
    alive = rnk("status", "--db", db)
    assert first.stop() == 0
    second = Daemon(db, sources, tmp_path / "second.log", *extra)
    time.sleep(8)
    assert second.stop() == 0, second.text()
    assert "daemon" in alive.stdout and "alive" in alive.stdout
    assert len(runs(db, "calm")) == 1  # next poll is ~30-60 s away, kept across the restart
    assert "no daemon alive" in rnk("status", "--db", db).stdout


def test_sighup_adds_and_removes_sources_and_refuses_a_bad_file(site: Site, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'rnk.db'}"
    site.publish("old", 1)
    site.publish("new", 1)
    sources = sources_file(tmp_path / "sources.toml", site, {"old": "2s"})
    daemon = Daemon(db, sources, tmp_path / "daemon.log")
    try:
        wait_for(lambda: finished(db, "old") >= 1, 60, "the first poll of old")
        sources.write_text("[[source]]\nname = 'broken'\nkind = 'nonsense'\n", encoding="utf-8")
        daemon.signal(signal.SIGHUP)
        wait_for(lambda: "sources file refused" in daemon.text(), 20, "the bad file refused")
        assert daemon.process.poll() is None  # still running, on the old file
        sources_file(sources, site, {"new": "2s"})
        daemon.signal(signal.SIGHUP)
        wait_for(lambda: finished(db, "new") >= 1, 60, "the first poll of new")
        removed_at = len(runs(db, "old"))
        time.sleep(5)
    finally:
        assert daemon.stop() == 0, daemon.text()
    assert len(runs(db, "old")) == removed_at  # no poll of a removed source
    enabled = dict(query(db, "SELECT name, enabled FROM source"))  # type: ignore[arg-type]
    assert not enabled["old"] and enabled["new"]


def test_sigterm_during_a_crawl_exits_0_within_the_deadline_and_leaves_no_open_run(
    site: Site, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'rnk.db'}"
    site.publish("slow", 6, page_prefix="/_slow/4")  # every page takes 4 s
    sources = sources_file(tmp_path / "sources.toml", site, {"slow": "5s"})
    daemon = Daemon(db, sources, tmp_path / "daemon.log", "--stop-deadline", "8s")
    wait_for(lambda: any(r.status == "running" for r in runs(db, "slow")), 60, "a crawl in progress")
    time.sleep(1)
    started = time.monotonic()
    daemon.signal(signal.SIGTERM)
    code = daemon.process.wait(timeout=30)
    took = time.monotonic() - started
    print(f"\nSIGTERM during a crawl: exit {code} after {took:.1f}s (deadline 8s)")
    assert code == 0 and took < 8 + 4
    statuses = [r.status for r in runs(db, "slow")]
    assert "running" not in statuses and statuses[-1] == "interrupted"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_kill_9_while_storing_a_large_feed_then_restart_stores_each_article_once(
    backend: str, site: Site, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    db = (
        f"sqlite:///{tmp_path / 'rnk.db'}" if backend == "sqlite" else request.getfixturevalue("postgres_url")
    )
    total = 200
    site.publish("large", total)
    sources = sources_file(tmp_path / "sources.toml", site, {"large": "1h"})
    extra = ("--max-interval", "2h", "-s", "CONCURRENT_REQUESTS=2")

    def stored() -> int:
        return int(query(db, "SELECT COUNT(*) FROM article")[0][0])

    first = Daemon(db, sources, tmp_path / "first.log", *extra)
    wait_for(lambda: stored() >= 20, 90, "articles being stored")
    first.process.kill()  # kill -9: no handler runs
    first.process.wait()
    time.sleep(1.5)
    at_kill = stored()
    time.sleep(1.5)
    assert stored() == at_kill < total  # the crawl died with the daemon
    second = Daemon(db, sources, tmp_path / "second.log", *extra)
    try:
        wait_for(lambda: stored() == total, 120, f"all {total} articles")
    finally:
        assert second.stop() == 0, second.text()
    urls = query(db, "SELECT url, COUNT(*) AS n FROM article GROUP BY url HAVING COUNT(*) > 1")
    statuses = [r.status for r in runs(db, "large")]
    print(f"\n{backend}: killed at {at_kill} of {total} stored; after restart {stored()}; runs {statuses}")
    assert not urls and stored() == total
    assert statuses[0] == "interrupted" and statuses[-1] == "ok" and "running" not in statuses


def test_a_second_daemon_on_one_sqlite_file_refuses_to_start(site: Site, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'rnk.db'}"
    site.publish("one", 1)
    sources = sources_file(tmp_path / "sources.toml", site, {"one": "60s"})
    first = Daemon(db, sources, tmp_path / "first.log")
    try:
        wait_for(lambda: finished(db, "one") >= 1, 60, "the first daemon running")
        second = rnk("daemon", "--db", db, "--sources", str(sources), *FAST_DAEMON, timeout=60)
    finally:
        assert first.stop() == 0
    assert second.returncode == 2 and "another rnk daemon" in second.stderr, second.stderr


def test_two_daemons_share_ten_sources_on_postgresql(site: Site, tmp_path: Path, postgres_url: str) -> None:
    names = [f"s{n}" for n in range(10)]
    for name in names:
        site.publish(name, 3)
    sources = sources_file(tmp_path / "sources.toml", site, dict.fromkeys(names, "2s"))
    stop = threading.Event()

    def keep_publishing() -> None:
        n = 0
        while not stop.wait(2.0):
            site.publish(names[n % len(names)], 1)
            n += 1

    publisher = threading.Thread(target=keep_publishing, daemon=True)
    publisher.start()
    daemons = [Daemon(postgres_url, sources, tmp_path / f"d{i}.log", "--max-interval", "4s") for i in (1, 2)]
    time.sleep(60)  # one minute, as the acceptance line says
    stop.set()
    for daemon in daemons:
        assert daemon.stop() == 0, daemon.text()
    overlaps = []
    for name in names:
        spans = [(r.started_at, r.finished_at) for r in runs(postgres_url, name)]
        assert spans and all(end is not None for _, end in spans), name
        overlaps += [name for (a0, a1), (b0, _b1) in pairwise(spans) if b0 < a1]
    duplicates = query(postgres_url, "SELECT url FROM article GROUP BY url HAVING COUNT(*) > 1")
    stored = int(query(postgres_url, "SELECT COUNT(*) FROM article")[0][0])
    published = sum(site.items.values())
    crawled = query(postgres_url, "SELECT COUNT(*) FROM report_runs WHERE status IN ('ok', 'not_modified')")[
        0
    ][0]
    print(
        f"\ntwo daemons, 10 sources, 60 s: {crawled} successful runs, {stored} articles of {published} published"
    )
    assert not overlaps and not duplicates
    assert all(any(r.status in ("ok", "not_modified") for r in runs(postgres_url, n)) for n in names)
    assert stored >= published - len(names)  # at most the last entry of each feed still unpolled


def test_the_polling_policy() -> None:
    """The rule itself (store/schedule.py), without a clock."""
    policy = PollPolicy(min_interval=60, max_interval=3600, failing_after=3, max_backoff=600)
    assert plan(policy, 600, None, "ok", 5, 0).interval == 300  # new entries: twice as often
    assert plan(policy, 600, 300, "not_modified", 0, 0).interval == 450  # quiet: 1.5x less often
    assert plan(policy, 600, 3000, "ok", 0, 0).interval == 3600  # never beyond the bounds
    assert plan(policy, 600, 61, "ok", 3, 0).interval == 60
    delays = [plan(policy, 600, 100, "failed", 0, n).delay for n in (1, 2, 3, 4)]
    assert delays == [200, 400, 600, 600]  # doubles, capped
    assert [plan(policy, 600, 100, "failed", 0, n).failing for n in (1, 2, 3)] == [False, False, True]
    recovered = plan(policy, 600, 100, "not_modified", 0, 0)
    assert not recovered.failing and recovered.failures == 0 and recovered.delay == 150
    assert plan(policy, 600, 100, "interrupted", 0, 0).delay == 60  # retried soon
