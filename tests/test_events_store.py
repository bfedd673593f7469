"""Event assignment in the store, on both databases: the clustering rule, the event views,
what happens when stories merge, and counts that stay true as copies arrive."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from store.articles import NewArticle, store_article
from store.events import EventFacts, Evidence
from store.migrate import upgrade
from store.sources import SourceSpec, sync_sources

REPORT_EVENTS = ["event_id", "event_type", "cameo_code", "actors", "location", "event_date", "title",
                 "first_seen_at", "last_seen_at", "n_articles", "n_stories", "n_sources", "n_languages"]  # fmt: skip
REPORT_MENTIONS = ["event_id", "article_id", "story_id", "source", "language", "published_at"]
REPORT_COVERAGE_DAILY = ["day", "event_type", "n_articles", "n_stories", "n_events", "n_sources"]
REPORT_STORIES = ["story_id", "title", "first_published_at", "first_source", "n_articles", "n_sources",
                  "n_languages"]  # fmt: skip

SUMMIT = EventFacts(
    version="test",
    event_type="meeting",
    actors=("PRK", "RUS"),
    location="pyongyang",
    event_date=date(2024, 6, 19),
    date_source="text",
    people=("kim_jong_un", "putin"),
    evidence=(Evidence("type", "meeting (summit)", "Putin and Kim held a summit in Pyongyang."),),
)


def _sources(engine: Engine) -> dict[str, int]:
    upgrade(engine)
    sync_sources(engine, [SourceSpec(n, "feed", f"http://127.0.0.1/{n}.xml") for n in ("a", "b", "c")])
    with engine.connect() as connection:
        return dict(connection.execute(sa.text("SELECT name, id FROM source")).all())  # type: ignore[arg-type]


def _article(url: str, source_id: int, text: str, facts: EventFacts | None, hours: int = 0, lang: str = "en") -> NewArticle:
    return NewArticle(
        url=url, canonical_url=url, source_id=source_id, title=text.split(".")[0], text=text,
        text_source="page", published_at=datetime(2024, 6, 19, 12, tzinfo=UTC) + timedelta(hours=hours),
        published_at_source="page", fetched_at=datetime(2024, 6, 20, tzinfo=UTC), relevance=6.0,
        language=lang, event=facts,
    )  # fmt: skip


def _text(n: int) -> str:
    return f"Report number {n}. " + " ".join(f"word{n}x{i}" for i in range(150))


def test_event_views_have_their_columns(engine: Engine) -> None:
    upgrade(engine)
    with engine.connect() as connection:
        for view, columns in (
            ("report_events", REPORT_EVENTS),
            ("report_mentions", REPORT_MENTIONS),
            ("report_coverage_daily", REPORT_COVERAGE_DAILY),
            ("report_stories", REPORT_STORIES),
        ):
            assert list(connection.execute(sa.text(f"SELECT * FROM {view}")).keys()) == columns


def test_stories_join_one_event_and_counts_follow_copies(engine: Engine) -> None:
    ids = _sources(engine)
    first = store_article(engine, _article("http://127.0.0.1/a/1", ids["a"], _text(1), SUMMIT))
    assert first.event is not None and first.event.rule == "opened"
    assert first.event.event_id == first.story_id  # an event's id is its opening story's
    other_language = replace(SUMMIT, people=("putin",), location="pyongyang")
    second = store_article(engine, _article("http://127.0.0.1/b/1", ids["b"], _text(2), other_language, 3, "fr"))
    assert second.event is not None and second.event.rule == "joined"
    assert second.event.event_id == first.event.event_id
    copy = store_article(engine, _article("http://127.0.0.1/c/1", ids["c"], _text(2), None, 5, "fr"))
    assert copy.outcome == "copy" and copy.story_id == second.story_id
    with engine.connect() as connection:
        row = connection.execute(sa.text("SELECT * FROM report_events")).one()
        mentions = connection.execute(sa.text("SELECT COUNT(*) FROM report_mentions")).scalar()
        event_ids = set(connection.execute(sa.text("SELECT event_id FROM report_articles")).scalars())
    assert (row.n_articles, row.n_stories, row.n_sources, row.n_languages) == (3, 2, 3, 2)
    assert row.title == "Report number 1" and row.actors == "PRK,RUS" and row.cameo_code == "04"
    assert mentions == 3 and event_ids == {first.event.event_id}


def test_two_dated_happenings_two_days_apart_stay_apart(engine: Engine) -> None:
    ids = _sources(engine)
    moscow = replace(SUMMIT, event_type="agreement", location="moscow", event_date=date(2024, 11, 9))
    pyongyang = replace(moscow, location=None, event_date=date(2024, 11, 11))
    one = store_article(engine, _article("http://127.0.0.1/a/1", ids["a"], _text(1), moscow))
    two = store_article(engine, _article("http://127.0.0.1/b/1", ids["b"], _text(2), pyongyang, 48))
    assert one.event and two.event and two.event.rule == "opened"
    other_type = replace(moscow, event_type="meeting")
    three = store_article(engine, _article("http://127.0.0.1/c/1", ids["c"], _text(3), other_type, 1))
    assert three.event and three.event.rule == "opened"


def test_an_undated_follow_up_joins_the_happening_before_it(engine: Engine) -> None:
    ids = _sources(engine)
    dated = store_article(engine, _article("http://127.0.0.1/a/1", ids["a"], _text(1), SUMMIT))
    follow_up = replace(SUMMIT, event_date=date(2024, 6, 21), date_source="published", location=None)
    later = store_article(engine, _article("http://127.0.0.1/b/1", ids["b"], _text(2), follow_up, 48))
    assert dated.event and later.event and later.event.event_id == dated.event.event_id
    before = replace(follow_up, event_date=date(2024, 6, 17))  # published before the happening
    earlier = store_article(engine, _article("http://127.0.0.1/c/1", ids["c"], _text(3), before, -48))
    assert earlier.event and earlier.event.rule == "opened"


def test_a_story_without_a_happening_has_no_event_but_keeps_its_reason(engine: Engine) -> None:
    ids = _sources(engine)
    recap = EventFacts("test", None, ("PRK", "RUS"), reason="recap")
    stored = store_article(engine, _article("http://127.0.0.1/a/1", ids["a"], _text(1), recap))
    assert stored.event and stored.event.rule == "none" and stored.event.event_id is None
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT COUNT(*) FROM event")).scalar() == 0
        assert connection.execute(sa.text("SELECT reason FROM event_mention")).scalar() == "recap"
        day = connection.execute(sa.text("SELECT * FROM report_coverage_daily")).one()
    assert (day.day, day.event_type, day.n_articles, day.n_events) == ("2024-06-19", None, 1, 0)
