"""`rnk crawl` end to end: real Scrapy crawls of recorded feeds served on 127.0.0.1, into
SQLite and PostgreSQL. Each bad source is recorded in its run and the others complete."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from jobs.localserver import LocalSiteServer
from store.db import make_engine
from tests.conftest import FAST, ROOT, rnk, write_sources

ALL_CASES = {
    "rss2": "/rss2/feed.xml",
    "atom": "/atom/feed.atom",
    "rss1": "/rss1/feed.rdf",
    "korean": "/korean/feed.xml",
    "badenc": "/badenc/feed.xml",
    "faults": "/faults/feed.xml",
    "notafeed": "/notafeed/index.html",
    "err500": "/_status/500/feed.xml",
    "timeout": "/_slow/10/rss2/feed.xml",
    "private": "/private/feed.xml",
}


def rows(engine: Engine, sql: str) -> list[sa.Row]:
    with engine.connect() as connection:
        return list(connection.execute(sa.text(sql)))


def runs_by_source(engine: Engine) -> dict[str, sa.Row]:
    return {r.source: r for r in rows(engine, "SELECT * FROM report_runs ORDER BY run_id")}


def test_first_pass_records_every_case(
    site: LocalSiteServer, db_url: str, engine: Engine, tmp_path: Path
) -> None:
    sources = write_sources(tmp_path / "sources.toml", site.base_url, ALL_CASES)
    result = rnk("crawl", "--db", db_url, "--sources", str(sources), *FAST)
    assert result.returncode == 0, result.stderr
    assert "crawl summary" in result.stdout

    runs = runs_by_source(engine)
    for name in ("rss2", "atom", "rss1", "korean", "badenc", "faults"):
        assert runs[name].status == "ok", (name, runs[name].error)
        assert runs[name].finished_at is not None
    assert runs["rss2"].n_new == 2 and runs["rss2"].n_irrelevant == 1  # a3: North Korea alone
    assert runs["atom"].n_new == 2 and runs["rss1"].n_new == 2 and runs["korean"].n_new == 2
    assert runs["badenc"].n_new == 2  # declared utf-8, bytes cp1251: salvaged
    assert runs["notafeed"].status == "failed" and "not a feed" in runs["notafeed"].error
    assert runs["err500"].status == "failed" and "HTTP 500" in runs["err500"].error
    assert runs["timeout"].status == "failed" and "took longer" in runs["timeout"].error
    assert runs["private"].status == "failed" and "robots.txt" in runs["private"].error, runs["private"]
    assert not any(path.startswith("/private/") for path in site.paths_requested())

    # The 404 page, the page over the size limit and the empty page fall back to the feed
    # summary, are marked so, and the run counts the two page errors.
    assert runs["faults"].n_new == 4 and runs["faults"].n_errors == 2
    sql = "SELECT a.url, a.text_source FROM article a JOIN source s ON s.id = a.source_id WHERE s.name = :n"
    faults = {r.url.rsplit("/", 1)[-1]: r for r in rows(engine, sql.replace(":n", "'faults'"))}
    assert faults["gone.html"].text_source == "feed"
    assert faults["huge.html"].text_source == "feed"
    assert faults["empty.html"].text_source == "feed"
    assert faults["e1.html"].text_source == "page"

    # No half-written rows: every article has its seen-URL row, the views see every article,
    # every run is closed.
    articles = rows(engine, "SELECT id, url, published_at, language FROM article")
    assert len(articles) == 14
    stored = rows(engine, "SELECT url FROM seen_url WHERE outcome = 'stored'")
    assert {a.url for a in articles} == {s.url for s in stored}
    assert len(rows(engine, "SELECT * FROM report_articles")) == 14
    assert not rows(engine, "SELECT * FROM report_runs WHERE finished_at IS NULL OR status = 'running'")
    assert {a.language for a in articles} == {"en", "fr", "ru", "ko"}


def test_second_pass_is_a_304_and_adds_nothing(
    site: LocalSiteServer, db_url: str, engine: Engine, tmp_path: Path
) -> None:
    cases = {k: ALL_CASES[k] for k in ("rss2", "atom", "rss1", "korean")}
    sources = write_sources(tmp_path / "sources.toml", site.base_url, cases)
    assert rnk("crawl", "--db", db_url, "--sources", str(sources), *FAST).returncode == 0
    count = len(rows(engine, "SELECT id FROM article"))
    site.requests.clear()

    assert rnk("crawl", "--db", db_url, "--sources", str(sources), *FAST).returncode == 0
    second = [r for r in rows(engine, "SELECT * FROM report_runs ORDER BY run_id")][-4:]
    assert {r.status for r in second} == {"not_modified"}
    assert all(r.n_new == 0 for r in second)
    assert len(rows(engine, "SELECT id FROM article")) == count
    conditional = [r for r in site.requests if r.path.endswith((".xml", ".atom", ".rdf"))]
    assert conditional and all("If-None-Match" in r.headers for r in conditional)
    assert not any(p.endswith(".html") for p in site.paths_requested())


def test_unchanged_feed_without_validators_fetches_no_article_again(
    plain_site: LocalSiteServer, db_url: str, engine: Engine, tmp_path: Path
) -> None:
    """A server that ignores conditional GET: the feed is read again, but no article page
    is fetched again (relevant or not) and no row is added."""
    cases = {k: ALL_CASES[k] for k in ("rss2", "faults")}
    sources = write_sources(tmp_path / "sources.toml", plain_site.base_url, cases)
    assert rnk("crawl", "--db", db_url, "--sources", str(sources), *FAST).returncode == 0
    before = {t: len(rows(engine, f"SELECT * FROM {t}")) for t in ("article", "seen_url")}
    plain_site.requests.clear()

    result = rnk("crawl", "--db", db_url, "--sources", str(sources), *FAST)
    assert result.returncode == 0, result.stderr
    assert {t: len(rows(engine, f"SELECT * FROM {t}")) for t in before} == before
    fetched = plain_site.paths_requested()
    assert sorted(p for p in fetched if p != "/robots.txt") == ["/faults/feed.xml", "/rss2/feed.xml"]
    last = runs_by_source(engine)
    assert last["rss2"].n_new == 0 and last["rss2"].n_duplicates == 3


def test_interrupted_crawl_closes_its_runs(site: LocalSiteServer, tmp_path: Path) -> None:
    """Ctrl-C (SIGINT) during a crawl: Scrapy stops gracefully, and every run is closed as
    `interrupted` (or with what it had already decided), none left `running`."""
    db = f"sqlite:///{tmp_path / 'rnk.db'}"
    sources = write_sources(tmp_path / "sources.toml", site.base_url, {"slow": "/_slow/30/rss2/feed.xml"})
    process = subprocess.Popen(
        [sys.executable, "-m", "jobs.cli", "crawl", "--db", db, "--sources", str(sources), *FAST],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not any(p.startswith("/_slow/") for p in site.paths_requested()):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    engine = make_engine(db)
    run = runs_by_source(engine)["slow"]
    assert run.status == "interrupted" and run.finished_at is not None
    assert "shutdown" in run.error
