"""The `rnk` command as a user meets it: help with an example on every command, a bad
sources file refused before any fetch (exit 2, file and line), reports, extract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.config import SourcesFileError, load_sources, parse_interval
from jobs.cli import app
from jobs.localserver import LocalSiteServer
from tests.conftest import FAST, ROOT, SITE, rnk, write_sources

README = (ROOT / "README.md").read_text(encoding="utf-8")

COMMANDS = sorted(c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands)


def test_the_command_list_is_read_from_the_app() -> None:
    assert {"init", "crawl", "daemon", "status", "events", "reprocess", "search", "export"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = rnk(command, "--help")
    assert result.returncode == 0
    assert "Example: rnk " + command in " ".join(result.stdout.split())
    assert command in README  # and the README shows it


BAD_FILES = {
    "unknown key": (
        '[[source]]\nname = "a"\nurl = "https://example.org/f.xml"\nintervall = "1h"\n',
        4,
        "intervall",
    ),
    "duplicate": (
        '[[source]]\nname = "a"\nurl = "https://example.org/f.xml"\n\n[[source]]\nname = "a"\n'
        'url = "https://example.org/g.xml"\n',
        6,
        "duplicate source name",
    ),
    "bad url": ('[[source]]\nname = "a"\nurl = "ftp://example.org/f.xml"\n', 3, "not an http(s) URL"),
    "bad interval": (
        '[[source]]\nname = "a"\nurl = "https://example.org/f.xml"\ninterval = "soon"\n',
        4,
        "interval",
    ),
    "bad toml": ('[[source]]\nname = "a\n', 2, "not valid TOML"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_sources_file_names_file_line_and_fix(case: str, tmp_path: Path) -> None:
    text, line, words = BAD_FILES[case]
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourcesFileError) as caught:
        load_sources(path)
    assert caught.value.line == line
    assert words in str(caught.value) and str(path) in str(caught.value)


def test_bad_sources_file_exits_2_before_any_fetch(site: LocalSiteServer, tmp_path: Path) -> None:
    path = write_sources(tmp_path / "sources.toml", site.base_url, {"rss2": "/rss2/feed.xml"})
    path.write_text(path.read_text() + '\n[[source]]\nname = "rss2"\nurl = "https://example.org/x.xml"\n')
    result = rnk("crawl", "--db", f"sqlite:///{tmp_path / 'x.db'}", "--sources", str(path), *FAST)
    assert result.returncode == 2
    assert f"{path}:" in " ".join(result.stderr.split()) and "duplicate source name" in result.stderr
    assert site.requests == []
    assert not (tmp_path / "x.db").exists()


def test_intervals() -> None:
    assert parse_interval("30m") == 1800 and parse_interval("1h30m") == 5400 and parse_interval("1d") == 86400
    assert parse_interval("2s") == 2  # the daemon's --min-interval (10m by default) bounds polling
    for bad in ("0s", "soon", "5 minutes"):
        with pytest.raises(ValueError):
            parse_interval(bad)


def test_report_after_a_crawl(site: LocalSiteServer, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'rnk.db'}"
    sources = write_sources(tmp_path / "sources.toml", site.base_url, {"korean": "/korean/feed.xml"})
    assert rnk("crawl", "--db", db, "--sources", str(sources), *FAST).returncode == 0
    listed = rnk("report", "--list", "--format", "json")
    assert "articles-per-day" in {r["name"] for r in json.loads(listed.stdout)}
    result = rnk("report", "articles-per-day", "--db", db, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        {"day": "2024-06-19", "n_articles": 1, "n_sources": 1, "n_languages": 1},
        {"day": "2024-10-30", "n_articles": 1, "n_sources": 1, "n_languages": 1},
    ]
    csv_out = rnk("report", "articles-per-day", "--db", db, "--format", "csv", "--since", "2024-10-01")
    assert csv_out.stdout.splitlines() == ["day,n_articles,n_sources,n_languages", "2024-10-30,1,1,1"]
    injected = rnk("report", "articles-per-day", "--db", db, "--source", "x'; DROP TABLE article; --")
    assert injected.returncode == 0
    assert rnk("report", "articles-per-day", "--db", db, "--format", "csv").stdout.count("\n") == 3
    assert rnk("report", "no-such-report", "--db", db).returncode == 2
    assert rnk("report", "articles-per-day", "--db", db, "--since", "June").returncode == 2


def test_extract_prints_one_json_object_per_page() -> None:
    pages = [str(SITE / "rss2" / "a1.html"), str(SITE / "rss2" / "a3.html")]
    result = rnk("extract", *pages, "--url", "http://127.0.0.1/rss2/a1.html")
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["relevant"] is True and first["language"] == "en" and first["title"]
    assert first["published_at"].startswith("2024-06-1") and first["published_at_source"] == "page"
    assert "comment" not in first["text"].lower()[:50]
    assert second["relevant"] is False


def test_init_creates_then_upgrades(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'rnk.db'}"
    assert "created" in rnk("init", "--db", db).stderr
    assert "already at" in rnk("init", "--db", db).stderr
    assert rnk("init", "--db", "mysql://nope").returncode == 2
