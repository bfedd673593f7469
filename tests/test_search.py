"""`rnk search` over the database's own full-text index, on both databases: ranked hits with
highlighted snippets, prefixes across inflections, filters, a query treated as a value, and an
article stored a moment ago found at once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from store.articles import NewArticle, store_article
from store.db import make_engine
from store.migrate import upgrade
from store.search import HIGHLIGHT, SearchError, search
from store.sources import SourceSpec, sync_sources
from tests.conftest import rnk

TEXTS = {
    "en": ("Shoigu meets Kim Jong Un in Pyongyang", "Sergei Shoigu met Kim Jong Un in Pyongyang on Tuesday to discuss the treaty and troops."),
    "ru": ("Шойгу прибыл в Пхеньян", "Секретарь Совбеза Сергей Шойгу прибыл в Пхеньяне на переговоры с Ким Чен Ыном о договоре."),
    "ko": ("쇼이구, 평양 방문", "쇼이구 서기는 평양에서 김정은 위원장과 만나 조약 이행을 논의했다."),
    "fr": ("Le train Moscou-Pyongyang reprend", "Le train direct entre Moscou et Pyongyang a repris, annoncent les chemins de fer russes."),
}  # fmt: skip


def _store(engine: Engine, source_id: int, language: str, n: int) -> int:
    title, text = TEXTS[language]
    stored = store_article(
        engine,
        NewArticle(
            url=f"http://127.0.0.1/{language}/{n}", canonical_url=f"http://127.0.0.1/{language}/{n}",
            source_id=source_id, title=title, text=text + f" Report {n}.", text_source="page",
            published_at=datetime(2025, 6, 4, 9, tzinfo=UTC) + timedelta(days=n), published_at_source="page",
            fetched_at=datetime(2025, 6, 5, tzinfo=UTC), relevance=5.0, language=language,
        ),
    )  # fmt: skip
    assert stored.article_id is not None
    return stored.article_id


def test_search_finds_ranks_and_highlights(engine: Engine) -> None:
    upgrade(engine)
    source_id = sync_sources(engine, [SourceSpec("wire", "feed", "http://127.0.0.1/feed.xml")])["wire"]
    ids = {language: _store(engine, source_id, language, n) for n, language in enumerate(TEXTS)}

    hits = search(engine, "Shoigu Pyongyang")
    assert [h.article_id for h in hits] == [ids["en"]]
    assert any(f"{HIGHLIGHT[0]}{word}{HIGHLIGHT[1]}" in hits[0].snippet for word in ("Shoigu", "Pyongyang"))
    assert [h.article_id for h in search(engine, "Пхеньян")] == [ids["ru"]]  # "в Пхеньяне" by prefix
    assert [h.article_id for h in search(engine, "평양")] == [ids["ko"]]  # "평양에서" by prefix
    assert {h.article_id for h in search(engine, "Pyongyang")} == {ids["en"], ids["fr"]}
    assert [h.article_id for h in search(engine, "Pyongyang", language="fr")] == [ids["fr"]]
    assert search(engine, "Pyongyang", since=datetime(2025, 6, 30).date()) == []
    assert search(engine, "x'; DROP TABLE article; --") == []  # a value, not SQL
    with pytest.raises(SearchError):
        search(engine, "!!!")

    fresh = _store(engine, source_id, "en", 10)  # stored a moment ago: found at once
    assert fresh in {h.article_id for h in search(engine, "Shoigu")}


def test_rnk_search_prints_json(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'rnk.db'}"
    engine = make_engine(db)
    upgrade(engine)
    source_id = sync_sources(engine, [SourceSpec("wire", "feed", "http://127.0.0.1/feed.xml")])["wire"]
    _store(engine, source_id, "en", 0)
    found = rnk("search", "shoigu", "--db", db, "--format", "json")
    assert found.returncode == 0, found.stderr
    (hit,) = json.loads(found.stdout)
    assert hit["source"] == "wire" and "**" in hit["snippet"]
    assert rnk("search", "...", "--db", db).returncode == 2
