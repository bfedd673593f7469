"""A fifth language (German) is added with data files alone: its relevance lexicon
(crawler/topic/lexicons/de.toml) and its event lexicon (crawler/events/lexicons/de.toml).
Without the event file German pages yield no event; with it they yield the right type, actors
and date, and a crawl of a German outlet stores them with their events."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from crawler.events.extract import extract_event
from crawler.events.lexicon import LEXICON_DIR
from crawler.extract import extract_page
from jobs.localserver import LocalSiteServer
from store.db import make_engine
from tests.conftest import DATA, FAST, rnk, write_sources

GERMAN = DATA / "events" / "german"
GOLD = json.loads((GERMAN / "gold-de.json").read_text("utf-8"))["articles"]
BASE = "http://127.0.0.1:8000"


def german_pages() -> list[tuple[dict[str, object], object]]:
    pages = []
    for gold in GOLD:
        html = (GERMAN / "site" / str(gold["url"]).lstrip("/")).read_bytes()
        pages.append((gold, extract_page(html.replace(b"{{BASE_URL}}", BASE.encode()), BASE + str(gold["url"]))))
    return pages


def test_german_events_come_from_the_data_files_alone(tmp_path: Path) -> None:
    without_german = tmp_path / "lexicons"
    without_german.mkdir()
    for path in LEXICON_DIR.glob("*.toml"):
        if path.stem != "de":
            shutil.copy(path, without_german)
    with_german = tmp_path / "lexicons-de"
    shutil.copytree(without_german, with_german)
    shutil.copy(LEXICON_DIR / "de.toml", with_german)  # the only difference: one file

    right = 0
    for gold, page in german_pages():
        assert page.language == "de"  # type: ignore[attr-defined]
        args = (page.title, page.text, page.language, page.published_at)  # type: ignore[attr-defined]
        before = extract_event(*args, lexicon_dir=without_german)
        assert before.event_type is None and "no event lexicon" in before.reason
        after = extract_event(*args, lexicon_dir=with_german)
        day_ok = after.event_date is not None and abs((after.event_date - date.fromisoformat(str(gold["event_date"]))).days) <= 1
        right += after.event_type == gold["type"] and day_ok and {"PRK", "RUS"} <= set(after.actors)
    print(f"\nGerman: {right} of {len(GOLD)} articles with the gold type, date (±1 day) and both sides")
    assert right >= len(GOLD) - 1


def test_a_german_outlet_is_crawled_into_events(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'de.db'}"
    with LocalSiteServer(GERMAN / "site") as server:
        sources = write_sources(tmp_path / "sources.toml", server.base_url, {"nordpost": "/nordpost/feed.xml"})
        result = rnk("crawl", "--db", db, "--sources", str(sources), *FAST)
        assert result.returncode == 0, result.stderr
    engine = make_engine(db)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT a.language, e.event_type FROM report_articles a LEFT JOIN event e ON e.id = a.event_id")
        ).all()
    assert len(rows) == len(GOLD)
    assert all(row.language == "de" and row.event_type is not None for row in rows)
