"""ArticleItem: the one hand-off type from every collector to the item pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from store.events import EventFacts


@dataclass
class ArticleItem:
    """One article as collected: extracted from its page, or built from its feed entry
    when the page could not be fetched or yielded no text (`text_source == "feed"`)."""

    url: str
    source_name: str
    source_id: int
    run_id: int
    title: str
    text: str
    text_source: Literal["page", "feed"]
    published_at: datetime
    published_at_source: Literal["page", "feed", "fetched"]
    fetched_at: datetime
    canonical_url: str | None = None
    language: str | None = None
    authors: list[str] = field(default_factory=list)
    site_name: str | None = None
    relevance: float = 0.0
    event: EventFacts | None = None
    event_error: bool = False  # extraction failed: stored without an event, counted
