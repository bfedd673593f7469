"""Item pipelines, one concern each, ordered in settings: canonicalize -> relevance -> events -> store.

Every decision is counted on the source's run; an item that stops here (irrelevant) is
remembered in `seen_url` so the next pass does not fetch it again.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.context import CrawlContext
from crawler.events.extract import extract_event
from crawler.items import ArticleItem
from crawler.topic.relevance import score_article
from crawler.urls import canonical_url
from store.articles import NewArticle, mark_seen, store_article

logger = logging.getLogger(__name__)


class _ContextPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler)

    @property
    def context(self) -> CrawlContext:
        spider = self.crawler.spider
        assert spider is not None
        context: CrawlContext = spider.context  # type: ignore[attr-defined]
        return context


def same_site(a: str, b: str) -> bool:
    """Whether two URLs are on the same host once canonical (www., m., amp. folded)."""
    host_a, host_b = (urlsplit(canonical_url(u)).hostname for u in (a, b))
    return bool(host_a) and host_a == host_b


class CanonicalizePipeline(_ContextPipeline):
    """The page's declared canonical URL (`<link rel=canonical>` / `og:url`) when it is on
    the same site, else the URL itself; both in `crawler.urls.canonical_url` form."""

    def process_item(self, item: ArticleItem) -> ArticleItem:
        declared = item.canonical_url
        chosen = declared if declared and same_site(declared, item.url) else item.url
        item.url = canonical_url(item.url)
        item.canonical_url = canonical_url(chosen)
        return item


class RelevancePipeline(_ContextPipeline):
    """Keep articles about the Russia–North Korea relationship; count and forget the rest."""

    def process_item(self, item: ArticleItem) -> ArticleItem:
        relevance = score_article(item.title, item.text, item.language)
        item.relevance = relevance.score
        if not relevance.relevant:
            mark_seen(self.context.engine, item.url, item.source_id, "irrelevant")
            self.context.count(item.source_name, "n_irrelevant")
            raise DropItem(f"not about Russia–North Korea (score {relevance.score:.1f}): {item.url}")
        return item


class EventsPipeline(_ContextPipeline):
    """What happening the article reports (type, actors, place, date), with its evidence; the
    store decides which event its story joins, in the article's own transaction."""

    def process_item(self, item: ArticleItem) -> ArticleItem:
        try:
            item.event = extract_event(item.title, item.text, item.language, item.published_at)
        except Exception:  # a broken lexicon or analyser must not cost the article itself
            logger.exception("event extraction failed for %s", item.url)
            self.context.count(item.source_name, "event_error")
        return item


class StorePipeline(_ContextPipeline):
    """One transaction per article; a unique-index violation counts as a duplicate."""

    def process_item(self, item: ArticleItem) -> ArticleItem:
        stored = store_article(
            self.context.engine,
            NewArticle(
                url=item.url,
                canonical_url=item.canonical_url or item.url,
                source_id=item.source_id,
                run_id=item.run_id,
                title=item.title,
                text=item.text,
                text_source=item.text_source,
                published_at=item.published_at,
                published_at_source=item.published_at_source,
                fetched_at=item.fetched_at,
                relevance=item.relevance,
                language=item.language,
                authors=tuple(item.authors),
                site_name=item.site_name,
                event=item.event,
            ),
        )
        if stored.outcome == "duplicate":
            self.context.count(item.source_name, "n_duplicates")
            self.context.count(item.source_name, "dup_url")
        else:
            self.context.count(item.source_name, "n_new")
            self.context.count(item.source_name, f"story_{stored.rule}")
        return item
