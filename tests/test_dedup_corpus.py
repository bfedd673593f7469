"""The dedup corpus (tests/data/dedup, 71 feed items, 64 pages, 35 gold stories) crawled for
real over 127.0.0.1: URL variants are one row, copies join their story, separate reports stay
apart. Prints pairwise precision and recall on same-story pairs."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from crawler.urls import canonical_url
from jobs.localserver import LocalSiteServer
from store.db import make_engine
from tests.conftest import DATA, FAST, rnk, write_sources

DEDUP = DATA / "dedup"
GOLD = json.loads((DEDUP / "gold.json").read_text(encoding="utf-8"))["articles"]
FEEDS = sorted({entry["feed_url"] for entry in GOLD})
PRECISION_FLOOR, RECALL_FLOOR = 0.98, 0.95


def crawl(base_url: str, db_url: str, tmp_path: Path, feeds: list[str], *extra: str) -> None:
    sources = write_sources(tmp_path / "dedup-sources.toml", base_url, {f.split("/")[1]: f for f in feeds})
    result = rnk("crawl", "--db", db_url, "--sources", str(sources), *FAST, *extra)
    assert result.returncode == 0, result.stderr


def stored(engine: Engine, base_url: str) -> dict[str, int]:
    """Gold article id -> story id, for every stored row (one row per gold article)."""
    by_url = {canonical_url(base_url + e["canonical"]): e["article"] for e in GOLD}
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT url, story_id FROM report_articles")).all()
    found = {by_url[row.url]: row.story_id for row in rows}
    assert len(found) == len(rows), "two rows for one page"
    return found


def pairwise(found: dict[str, int]) -> tuple[float, float, int, int]:
    gold_story = {e["article"]: e["story"] for e in GOLD}
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(found), 2):
        same_gold, same_found = gold_story[a] == gold_story[b], found[a] == found[b]
        tp += same_gold and same_found
        fp += same_found and not same_gold
        fn += same_gold and not same_found
    return tp / max(1, tp + fp), tp / max(1, tp + fn), tp, tp + fn


def partition(found: dict[str, int]) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for article, story in found.items():
        groups.setdefault(story, set()).add(article)
    return {frozenset(g) for g in groups.values()}


def test_dedup_corpus_precision_recall_and_recrawl(db_url: str, engine: Engine, tmp_path: Path) -> None:
    with LocalSiteServer(DEDUP / "site") as server:
        crawl(server.base_url, db_url, tmp_path, FEEDS)
        found = stored(engine, server.base_url)
        precision, recall, tp, gold_pairs = pairwise(found)
        stories = len(set(found.values()))
        print(
            f"\ndedup corpus: {len(found)} rows (gold {len({e['article'] for e in GOLD})}), {stories} stories "
            f"(gold {len({e['story'] for e in GOLD})}); same-story pairs: precision {precision:.3f}, "
            f"recall {recall:.3f} ({tp} of {gold_pairs} gold pairs)"
        )
        assert len(found) == len({e["article"] for e in GOLD})
        assert precision >= PRECISION_FLOOR and recall >= RECALL_FLOOR

        with engine.connect() as connection:
            before = [
                connection.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar()
                for t in ("article", "story")
            ]
        crawl(server.base_url, db_url, tmp_path, FEEDS)
        with engine.connect() as connection:
            after = [
                connection.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar()
                for t in ("article", "story")
            ]
        assert after == before
        assert stored(engine, server.base_url) == found


def test_shuffled_order_gives_the_same_stories(tmp_path: Path) -> None:
    partitions = []
    with LocalSiteServer(DEDUP / "site") as server:
        for n, feeds in enumerate((FEEDS, FEEDS[::-1], FEEDS[3:] + FEEDS[:3])):
            db = f"sqlite:///{tmp_path / f'order{n}.db'}"
            crawl(server.base_url, db, tmp_path, feeds, "-s", "CONCURRENT_REQUESTS=1")
            partitions.append(partition(stored(make_engine(db), server.base_url)))
    assert partitions[0] == partitions[1] == partitions[2]


def test_explain_says_which_rule_and_which_article(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'explain.db'}"
    with LocalSiteServer(DEDUP / "site") as server:
        crawl(server.base_url, db, tmp_path, FEEDS)
        with make_engine(db).connect() as connection:
            url = connection.execute(sa.text("SELECT url FROM article WHERE dedup_rule = 'near' LIMIT 1")).scalar()
        variant = f"{url}?utm_source=rss&fbclid=abc"  # any spelling of the page
        result = rnk("explain", variant, "--db", db, "--format", "json")
        assert result.returncode == 0, result.stderr
        explained = json.loads(result.stdout)
        assert explained["outcome"] == "stored" and explained["article"]["dedup_rule"] == "near"
        assert explained["match"]["url"] in {m["url"] for m in explained["story"]}
        assert "containment" in explained["reason"]
        text = rnk("explain", variant, "--db", db)
        assert "story" in text.stdout and explained["match"]["source"] in text.stdout
        assert rnk("explain", server.base_url + "/nowhere.html", "--db", db).returncode == 1
