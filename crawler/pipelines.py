"""Item pipelines, one concern each, ordered in settings: canonicalize -> relevance -> events -> store.

Every decision is counted on the source's run; an item that stops here (irrelevant) is
remembered in `seen_url` so the next pass does not fetch it again.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from twisted.internet.defer import Deferred, succeed
from twisted.internet.task import LoopingCall
from twisted.internet.threads import deferToThread

from crawler.context import CrawlContext
from crawler.events.extract import extract_event
from crawler.events.lexicon import load_lexicons
from crawler.items import ArticleItem
from crawler.lifetime import die_with
from crawler.topic.relevance import score_article
from crawler.urls import canonical_url
from crawler.writer import FLUSH_SECONDS
from store.articles import NewArticle, SeenMark

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
            self.context.writer.add(item.source_name, SeenMark(item.url, item.source_id, "irrelevant"))
            self.context.count(item.source_name, "n_irrelevant")
            raise DropItem(f"not about Russia–North Korea (score {relevance.score:.1f}): {item.url}")
        return item


class EventsPipeline(_ContextPipeline):
    """What happening the article reports (type, actors, place, date), with its evidence; the
    store decides which event its story joins, in the article's own transaction.

    The first article of a language loads that language's dictionaries: up to several seconds
    in C code that holds the GIL (kiwipiepy's model, simplemma's German dictionary). On the
    reactor thread, or even in a thread of this process, that stalls every download in flight
    (timeouts fire, responses wait). So a language already loaded in this process (`crawl_once`
    loads its sources' languages before the reactor starts; the daemon's crawls inherit all of
    them from its fork server) is extracted inline, at about 2 ms an article; any other goes to
    a worker process, started on the first such article."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._pool: ProcessPoolExecutor | None = None

    def process_item(self, item: ArticleItem) -> Deferred[ArticleItem]:
        if load_lexicons().is_loaded(item.language or ""):
            return succeed(self._extract(item, None))
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=get_context("spawn"), initializer=die_with, initargs=(os.getpid(),)
            )
        return deferToThread(self._extract, item, self._pool)

    def _extract(self, item: ArticleItem, pool: ProcessPoolExecutor | None) -> ArticleItem:
        args = (item.title, item.text, item.language, item.published_at)
        try:
            item.event = pool.submit(extract_event, *args).result() if pool else extract_event(*args)
        except Exception:  # a broken lexicon or analyser must not cost the article itself
            logger.exception("event extraction failed for %s", item.url)
            item.event = None
            item.event_error = True
        return item

    def close_spider(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class StorePipeline(_ContextPipeline):
    """Hands each article to the crawl's batch writer (crawler.writer), which stores a batch
    per transaction and counts what became of each article; a unique-index violation is a
    duplicate. What waits is stored every FLUSH_SECONDS and when the spider closes."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._timer: LoopingCall | None = None

    def open_spider(self) -> None:
        self._timer = LoopingCall(self.context.writer.flush)
        self._timer.start(FLUSH_SECONDS, now=False)

    def close_spider(self) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        self.context.writer.flush()

    def process_item(self, item: ArticleItem) -> ArticleItem:
        if item.event_error:
            self.context.count(item.source_name, "event_error")
        self.context.writer.add(
            item.source_name,
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
        return item
