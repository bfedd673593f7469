"""Stories on both databases: copies join, separate reports stay apart, the partition does
not depend on arrival order, report_stories tells the counts."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from store.articles import NewArticle, store_article
from store.fingerprint import title_key
from store.migrate import upgrade
from store.sources import SourceSpec, sync_sources

WIRE = [
    "Russian President Vladimir Putin arrived in Pyongyang early on Wednesday for his first visit to North Korea "
    "in twenty four years, and Kim Jong Un met him at the airport in person.",
    "The two leaders rode together through the capital, where crowds lined the avenues and portraits of Putin "
    "hung from the facades of apartment blocks along the route to the guest house.",
    "Officials in Moscow said a treaty on a comprehensive strategic partnership would be signed during the talks, "
    "replacing the agreements of 1961 and 2000 between the Soviet Union, Russia and North Korea.",
    "Western governments accuse Pyongyang of supplying artillery shells and ballistic missiles to Russia for its "
    "war in Ukraine, and fear that Moscow will share space and military technology in return.",
    "Both governments deny any arms trade, though Russia vetoed in March the renewal of the United Nations panel "
    "of experts that monitored sanctions against North Korea.",
    "After Pyongyang the Russian leader is due to fly to Hanoi, where he will meet the leadership of Vietnam "
    "on trade, energy and the supply of Russian weapons to the Vietnamese army.",
]
OTHER_REPORT = [
    "Kim Jong Un welcomed Vladimir Putin to Pyongyang with a ceremony at Kim Il Sung Square, state media in "
    "North Korea reported, calling the visit a turning point for the alliance.",
    "Analysts in Seoul said the choice of words mattered: the North Korean leader spoke of an alliance, while "
    "the Kremlin chose the language of partnership and avoided the word entirely.",
    "Diplomats in Tokyo and Washington watched for any sign of military clauses, recalling the mutual defence "
    "article of the 1961 treaty between Moscow and Pyongyang.",
    "Russian officials brought a large delegation including ministers of defence, natural resources and "
    "transport, which suggested talks on rail links, the Tumen river bridge and labour.",
]

LIVE_UPDATE = (
    "Update at noon: the talks at the Kumsusan guest house have ended and the two delegations moved to a "
    "signing ceremony, according to our correspondent. The text of the document has not been published yet, "
    "and neither side has said whether it contains a clause on military assistance."
)


def add(
    engine: Engine, ids: dict[str, int], url: str, source: str, title: str, text: str, minutes: int
) -> str:
    when = datetime(2024, 6, 19, 6, 0, tzinfo=UTC) + timedelta(minutes=minutes)
    stored = store_article(
        engine,
        NewArticle(
            url=url, canonical_url=url, source_id=ids[source], title=title, text=text, text_source="page",
            published_at=when, published_at_source="page", fetched_at=when, relevance=5.0, language="en",
        ),
    )  # fmt: skip
    return stored.outcome


def corpus() -> list[tuple[str, str, str, str, int, str]]:
    """(url, source, title, text, minutes after the wire, gold story)."""
    wire = " ".join(WIRE)
    trimmed = " ".join(WIRE[:-2])
    added = "Local context: the visit was followed closely in our region. " + wire
    edited = (
        wire.replace("twenty four", "24").replace("apartment blocks", "tower blocks").replace("fly", "travel")
    )
    other = " ".join(OTHER_REPORT)
    brief = "Putin lands in Pyongyang. Kim Jong Un greeted the Russian leader at the airport of the North Korean capital."
    return [
        ("http://127.0.0.1/wire/1", "wire", "Putin arrives in Pyongyang for talks with Kim", wire, 0, "visit"),
        ("http://127.0.0.1/b/1", "b", "Wire: Putin arrives in Pyongyang for talks with Kim", wire, 30, "visit"),
        ("http://127.0.0.1/c/1", "c", "Putin in North Korea - The Daily", trimmed, 45, "visit"),
        ("http://127.0.0.1/d/1", "d", "Kremlin chief lands in Pyongyang", added, 60, "visit"),
        ("http://127.0.0.1/e/1", "e", "Putin arrives in North Korea", edited, 90, "visit"),
        ("http://127.0.0.1/f/1", "f", "Kim hails alliance as Putin visits", other, 50, "other"),
        ("http://127.0.0.1/wire/2", "wire", "Putin lands in Pyongyang, Kim at the airport", brief, 5, "brief"),
        ("http://127.0.0.1/b/2", "b", "Putin lands in Pyongyang, Kim at the airport", brief + " More soon.", 40, "brief"),
        ("http://127.0.0.1/c/2", "c", "Live: Putin in Pyongyang", wire, 10, "live"),
        ("http://127.0.0.1/c/3", "c", "Live: Putin in Pyongyang", LIVE_UPDATE + " " + " ".join(WIRE[4:]), 200, "live"),
    ]  # fmt: skip


def partition(engine: Engine) -> set[frozenset[str]]:
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT url, story_id FROM report_articles")).all()
    groups: dict[int, set[str]] = {}
    for row in rows:
        groups.setdefault(row.story_id, set()).add(row.url)
    return {frozenset(g) for g in groups.values()}


def test_copies_join_and_separate_reports_stay_apart(engine: Engine) -> None:
    upgrade(engine)
    ids = sync_sources(
        engine, [SourceSpec(n, "feed", f"http://127.0.0.1/{n}.xml") for n in ["wire", "b", "c", "d", "e", "f"]]
    )
    for url, source, title, text, minutes, _gold in corpus():
        add(engine, ids, url, source, title, text, minutes)
    gold: dict[str, set[str]] = {}
    for url, *_rest, story in corpus():
        gold.setdefault(story, set()).add(url)
    # "live" (same outlet, day and title) shares its first text with the wire story, so the
    # two gold stories are one connected component: exact copy + title rule.
    expected = {frozenset(gold["visit"] | gold["live"]), frozenset(gold["other"]), frozenset(gold["brief"])}
    assert partition(engine) == expected

    with engine.connect() as connection:
        stories = {r.title: r for r in connection.execute(sa.text("SELECT * FROM report_stories"))}
        rules = dict(connection.execute(sa.text("SELECT url, dedup_rule FROM article")).all())
    visit = stories["Putin arrives in Pyongyang for talks with Kim"]  # the earliest copy's title
    assert visit.first_source == "wire" and visit.n_articles == 7 and visit.n_sources == 5
    assert visit.n_languages == 1 and len(stories) == 3
    assert rules["http://127.0.0.1/b/1"] == "exact" and rules["http://127.0.0.1/c/1"] == "near"
    assert rules["http://127.0.0.1/b/2"] == "short" and rules["http://127.0.0.1/f/1"] == "new"


def test_same_page_twice_is_one_row(engine: Engine) -> None:
    upgrade(engine)
    ids = sync_sources(engine, [SourceSpec("wire", "feed", "http://127.0.0.1/wire.xml")])
    assert (
        add(engine, ids, "http://127.0.0.1/wire/1", "wire", "Putin in Pyongyang", " ".join(WIRE), 0) == "new"
    )
    assert (
        add(engine, ids, "http://127.0.0.1/wire/1", "wire", "Putin in Pyongyang", " ".join(WIRE), 5)
        == "duplicate"
    )
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT COUNT(*) FROM article")).scalar() == 1
        assert connection.execute(sa.text("SELECT COUNT(*) FROM story")).scalar() == 1


def test_arrival_order_does_not_change_the_stories(engine: Engine) -> None:
    upgrade(engine)
    names = ["wire", "b", "c", "d", "e", "f"]
    ids = sync_sources(engine, [SourceSpec(n, "feed", f"http://127.0.0.1/{n}.xml") for n in names])
    items = corpus()
    for url, source, title, text, minutes, _gold in items:
        add(engine, ids, url, source, title, text, minutes)
    first = partition(engine)
    for seed in (1, 2, 3):
        with engine.begin() as connection:
            for table in ("article_band", "seen_url", "article", "story"):
                connection.execute(sa.text(f"DELETE FROM {table}"))
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        for url, source, title, text, minutes, _gold in shuffled:
            add(engine, ids, url, source, title, text, minutes)
        assert partition(engine) == first, seed


def test_media_cloud_title_key() -> None:
    assert title_key("Wire: Kim meets Putin in Pyongyang") == title_key(
        "Kim meets Putin in Pyongyang - Daily"
    )
    assert title_key("Kim meets Putin in Pyongyang | The rnk Herald") == "kim meets putin in pyongyang"
    assert title_key("Live: Putin") == "live putin"  # no part long enough: the whole title
