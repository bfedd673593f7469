"""The events development set (tests/data/events: four languages, twenty real happenings of
2023–2025, look-alikes, follow-ups, recaps and off-topic pieces) crawled for real over
127.0.0.1. Prints event-type accuracy, actor-set exact match, event-date accuracy within a day,
B-cubed precision/recall/F1 of the clustering and cross-language recall, beside a baseline that
groups articles by publication day alone."""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from crawler.urls import canonical_url
from jobs.localserver import LocalSiteServer
from store.db import make_engine
from tests.conftest import DATA, FAST, rnk, write_sources

EVENTS = DATA / "events"
GOLD = [
    a for path in sorted(EVENTS.glob("gold-*.json")) for a in json.loads(path.read_text("utf-8"))["articles"]
]
FEEDS = sorted(f"/{path.parent.name}/feed.xml" for path in (EVENTS / "site").glob("*/feed.xml"))
TYPE_FLOOR, BCUBED_F1_FLOOR, CROSS_LANGUAGE_FLOOR = 0.85, 0.85, 0.80


@dataclass(frozen=True)
class Found:
    """What rnk decided for one stored article."""

    story_id: int
    event_id: int | None
    event_type: str | None
    actors: str
    event_date: date | None
    published_day: str


def crawl(base_url: str, db_url: str, tmp_path: Path) -> None:
    sources = write_sources(tmp_path / "events-sources.toml", base_url, {f.split("/")[1]: f for f in FEEDS})
    result = rnk("crawl", "--db", db_url, "--sources", str(sources), *FAST)
    assert result.returncode == 0, result.stderr


def found_by_url(db_url: str, base_url: str) -> dict[str, Found]:
    sql = """
        SELECT a.url, a.story_id, a.published_day, m.event_id,
               COALESCE(e.event_type, m.event_type) AS event_type,
               COALESCE(e.actors, m.actors) AS actors,
               COALESCE(e.event_date, m.event_date) AS event_date
        FROM article a
        LEFT JOIN event_mention m ON m.story_id = a.story_id
        LEFT JOIN event e ON e.id = m.event_id
    """
    engine = make_engine(db_url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text(sql)).all()
    engine.dispose()
    paths = {canonical_url(base_url + g["url"]): g["url"] for g in GOLD}
    found = {}
    for row in rows:
        day = row.event_date
        if isinstance(day, str):
            day = date.fromisoformat(day)
        found[paths[row.url]] = Found(
            row.story_id, row.event_id, row.event_type, row.actors or "", day, row.published_day
        )
    return found


def bcubed(gold: dict[str, str], system: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of `system` clusters against `gold` (item -> cluster)."""
    items = sorted(gold)
    precision = recall = 0.0
    for item in items:
        same_system = {o for o in items if system[o] == system[item]}
        same_gold = {o for o in items if gold[o] == gold[item]}
        both = len(same_system & same_gold)
        precision += both / len(same_system)
        recall += both / len(same_gold)
    precision, recall = precision / len(items), recall / len(items)
    return precision, recall, 2 * precision * recall / (precision + recall)


def cross_language_recall(gold: dict[str, str], system: dict[str, str], language: dict[str, str]) -> float:
    pairs = [
        (a, b)
        for a, b in itertools.combinations(sorted(gold), 2)
        if gold[a] == gold[b] and not gold[a].startswith("solo:") and language[a] != language[b]
    ]
    return sum(system[a] == system[b] for a, b in pairs) / len(pairs)


def score(found: dict[str, Found], clusters: Callable[[str, Found | None], str]) -> dict[str, float]:
    relevant = [g for g in GOLD if g["relevant"]]
    gold = {g["url"]: g["event"] or f"solo:{g['url']}" for g in relevant}
    system = {g["url"]: clusters(g["url"], found.get(g["url"])) for g in relevant}
    language = {g["url"]: g["language"] for g in relevant}
    precision, recall, f1 = bcubed(gold, system)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "cross": cross_language_recall(gold, system, language),
    }


def ours(url: str, found: Found | None) -> str:
    if found is None:
        return f"missing:{url}"
    return f"event:{found.event_id}" if found.event_id is not None else f"story:{found.story_id}"


def by_publication_day(url: str, found: Found | None) -> str:
    """The baseline: every relevant article published the same UTC day is one event."""
    return f"day:{found.published_day}" if found is not None else f"missing:{url}"


def field_accuracy(found: dict[str, Found]) -> dict[str, float]:
    labelled = [g for g in GOLD if g["relevant"] and g["event"]]
    hits = {"type": 0, "actors": 0, "date": 0}
    for g in labelled:
        f = found.get(g["url"])
        if f is None:
            continue
        hits["type"] += f.event_type == g["type"]
        hits["actors"] += f.actors == ",".join(sorted(g["actors"]))
        hits["date"] += (
            f.event_date is not None and abs((f.event_date - date.fromisoformat(g["event_date"])).days) <= 1
        )
    return {k: v / len(labelled) for k, v in hits.items()}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Found]]:
    """The development set crawled once over 127.0.0.1 into SQLite (shared by the tests here)."""
    folder = tmp_path_factory.mktemp("events")
    db = f"sqlite:///{folder / 'events.db'}"
    with LocalSiteServer(EVENTS / "site") as server:
        crawl(server.base_url, db, folder)
        found = found_by_url(db, server.base_url)
    return folder / "events.db", found


def test_development_set_types_actors_dates_and_clusters(crawled: tuple[Path, dict[str, Found]]) -> None:
    found = crawled[1]
    relevant = [g for g in GOLD if g["relevant"]]
    stored_offtopic = [g["url"] for g in GOLD if not g["relevant"] and g["url"] in found]
    missing = [g["url"] for g in relevant if g["url"] not in found]
    fields = field_accuracy(found)
    mine, baseline = score(found, ours), score(found, by_publication_day)
    events = len({g["event"] for g in relevant if g["event"]})
    print(
        f"\nevents dev set: {len(GOLD)} pages, {len(relevant)} relevant ({len(missing)} not stored), "
        f"{events} gold events, languages {sorted({g['language'] for g in relevant})}; "
        f"off-topic stored: {len(stored_offtopic)}\n"
        f"  event type accuracy {fields['type']:.3f}, actor-set exact match {fields['actors']:.3f}, "
        f"event date within one day {fields['date']:.3f}\n"
        f"  {'rule':<22} {'B3 precision':>12} {'B3 recall':>10} {'B3 F1':>7} {'cross-language recall':>22}"
    )
    for name, figures in (("rnk", mine), ("same publication day", baseline)):
        print(
            f"  {name:<22} {figures['precision']:>12.3f} {figures['recall']:>10.3f} {figures['f1']:>7.3f} "
            f"{figures['cross']:>22.3f}"
        )
    assert not missing and not stored_offtopic
    assert fields["type"] >= TYPE_FLOOR
    assert mine["f1"] >= BCUBED_F1_FLOOR and mine["cross"] >= CROSS_LANGUAGE_FLOOR
    assert mine["f1"] >= baseline["f1"] + 0.1


def snapshot(db_url: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    engine = make_engine(db_url)
    with engine.connect() as connection:
        events = connection.execute(
            sa.text("SELECT id, event_type, actors, location, event_date, date_source FROM event ORDER BY id")
        ).all()
        mentions = connection.execute(
            sa.text(
                "SELECT story_id, event_id, event_type, actors, event_date, rule FROM event_mention ORDER BY story_id"
            )
        ).all()
    engine.dispose()
    return [tuple(r) for r in events], [tuple(r) for r in mentions]


def test_reprocess_twice_gives_identical_events(
    crawled: tuple[Path, dict[str, Found]], tmp_path: Path
) -> None:
    shutil.copy(crawled[0], tmp_path / "reprocess.db")  # reprocess rewrites events: work on a copy
    db = f"sqlite:///{tmp_path / 'reprocess.db'}"
    after_crawl = snapshot(db)
    first = rnk("reprocess", "--db", db)
    assert first.returncode == 0, first.stderr
    once = snapshot(db)
    second = rnk("reprocess", "--db", db)
    assert second.returncode == 0, second.stderr
    assert snapshot(db) == once
    assert len(once[1]) == len(after_crawl[1])  # every story has its mention again
    print(f"\nreprocess: {first.stdout.strip()}; second run identical: {len(once[0])} events")
    partial = rnk("reprocess", "--db", db, "--since", "2025-01-01")
    assert partial.returncode == 0, partial.stderr
    assert snapshot(db) == once
    engine = make_engine(db)
    with engine.connect() as connection:
        url = connection.execute(
            sa.text("SELECT url FROM report_articles WHERE event_id IS NOT NULL AND language = 'ru' LIMIT 1")
        ).scalar_one()
    engine.dispose()
    explained = json.loads(rnk("explain", url, "--db", db, "--format", "json").stdout)
    event = explained["event"]
    assert event["event_id"] is not None and event["summary"]["n_articles"] >= 1
    assert {item["field"] for item in event["evidence"]} >= {"type", "actor", "date"}
    assert all("sentence" in item for item in event["evidence"])
    text = rnk("explain", url, "--db", db).stdout
    assert f"event {event['event_id']}" in text and "type:" in text
    listed = rnk("events", "--db", db, "--type", "meeting", "--since", "2025-01-01", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert rows and all(r["event_type"] == "meeting" and r["event_date"] >= "2025-01-01" for r in rows)
