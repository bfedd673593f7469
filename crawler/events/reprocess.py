"""Recompute events from stored articles after a lexicon or rule change, without refetching.

``rnk reprocess [--since DATE]`` takes the stories first published on or after DATE (all of them
without it) together with every story that shares an event with one of them, forgets their
events in one transaction, then extracts and assigns them again in batches, in order of first
publication. Because the starting state and the order are fixed and event ids are the ids of the
stories that open them, running it twice gives identical events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from crawler.events.extract import extract_event
from crawler.events.lexicon import LEXICON_DIR
from store import rollups
from store.db import locked_transaction
from store.dedup import ARTICLE
from store.events import forget_stories, record_story_event, stories_to_reprocess

BATCH_SIZE = 200

Progress = Callable[[int, int], None]


@dataclass
class ReprocessSummary:
    stories: int = 0
    rules: dict[str, int] = field(default_factory=dict)
    events: int = 0


def _representatives(
    connection: sa.Connection, story_ids: list[int]
) -> dict[int, Any]:
    rows = connection.execute(
        sa.select(
            ARTICLE.c.story_id, ARTICLE.c.title, ARTICLE.c.text, ARTICLE.c.language, ARTICLE.c.published_at
        )
        .where(ARTICLE.c.story_id.in_(story_ids))
        .order_by(ARTICLE.c.story_id, ARTICLE.c.published_at, ARTICLE.c.id)
    ).all()
    chosen: dict[int, Any] = {}
    for row in rows:
        chosen.setdefault(row.story_id, row)
    return chosen


def reprocess(
    engine: Engine,
    since: datetime | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
    lexicon_dir: Path = LEXICON_DIR,
) -> ReprocessSummary:
    """Forget and re-extract the events of the stories published since `since`."""
    with locked_transaction(engine) as connection:
        story_ids = stories_to_reprocess(connection, since)
        for start in range(0, len(story_ids), 500):
            forget_stories(connection, story_ids[start : start + 500])
    summary = ReprocessSummary(stories=len(story_ids))
    if progress:
        progress(0, len(story_ids))
    for start in range(0, len(story_ids), batch_size):
        batch = story_ids[start : start + batch_size]
        with engine.connect() as connection:
            articles = _representatives(connection, batch)
        facts = {
            sid: extract_event(row.title, row.text, row.language, row.published_at, lexicon_dir)
            for sid, row in articles.items()
        }
        with locked_transaction(engine) as connection:
            for sid in batch:
                if sid not in facts:
                    continue
                decision = record_story_event(connection, sid, facts[sid])
                summary.rules[decision.rule] = summary.rules.get(decision.rule, 0) + 1
        if progress:
            progress(min(start + batch_size, len(story_ids)), len(story_ids))
    summary.events = summary.rules.get("opened", 0)
    rollups.refresh(engine)  # the reports' counts of new events per day follow the new assignment
    return summary
