"""The feed spider: conditional GET of each feed, feedparser on the bytes, then each new
entry's article page, extracted into an ArticleItem.

Outcomes are counted by name on the source's run (see store.runs): `n_fetched` (pages
and feeds downloaded), `not_modified`, `known_url` (entry already decided on, not
fetched again), `fallback_summary`, `page_error_*`, `feed_salvaged`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from crawler.context import CrawlContext
from crawler.extract import extract_page
from crawler.feeds import FeedEntry, parse_feed
from crawler.items import ArticleItem
from crawler.language import detect_language
from crawler.urls import canonical_url
from store.articles import known_urls
from store.sources import load_feed_state
from store.types import utcnow


def classify_failure(failure: Failure) -> tuple[str, str, int | None]:
    """(counter name, message, HTTP status) for a failed download."""
    if failure.check(HttpError):
        response = failure.value.response
        return f"http_{response.status}", f"HTTP {response.status} from {response.url}", response.status
    if failure.check(TimeoutError, TCPTimedOutError):
        return "timeout", f"timed out: {failure.getErrorMessage()}", None
    if failure.check(DNSLookupError):
        return "dns", f"DNS lookup failed: {failure.getErrorMessage()}", None
    if failure.check(IgnoreRequest) and "robots" in failure.getErrorMessage().lower():
        return "robots_forbidden", "forbidden by the site's robots.txt: not fetched", None
    message = failure.getErrorMessage() or failure.type.__name__
    if "maxsize" in message.lower() or "max size" in message.lower() or "Cancelled" in failure.type.__name__:
        return "too_large", f"response over the size limit or cancelled: {message}", None
    return "download_error", f"{failure.type.__name__}: {message}", None


class FeedSpider(scrapy.Spider):
    """Reads every `kind = "feed"` source of the crawl context."""

    name = "feed"

    def __init__(self, context: CrawlContext, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.context = context

    async def start(self) -> AsyncIterator[Any]:
        for request in self._feed_requests():
            yield request

    def _feed_requests(self) -> Iterator[scrapy.Request]:
        for name, run in self.context.runs.items():
            if run.spec.kind != "feed":
                continue
            state = load_feed_state(self.context.engine, run.source_id)
            headers: dict[str, str] = {
                "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"
            }
            if state.etag:
                headers["If-None-Match"] = state.etag
            if state.last_modified:
                headers["If-Modified-Since"] = state.last_modified
            yield scrapy.Request(
                run.spec.url,
                callback=self.parse_feed,
                errback=self.feed_failed,
                headers=headers,
                dont_filter=True,
                priority=10,
                meta={"source": name, "handle_httpstatus_list": [304]},
            )

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request | ArticleItem]:
        source = response.meta["source"]
        run = self.context.runs[source]
        run.tally.http_status = response.status
        self.context.count(source, "n_fetched")
        if response.status == 304:
            self.context.count(source, "not_modified")
            run.tally.status = "not_modified"
            return
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        parsed = parse_feed(response.body, response.url, content_type)
        if parsed.verdict == "refused":
            run.tally.fail(parsed.reason or "unreadable feed", response.status)
            self.context.count(source, "feed_refused")
            return
        if parsed.verdict == "salvaged":
            self.context.count(source, "feed_salvaged")
        etag = response.headers.get(b"ETag")
        modified = response.headers.get(b"Last-Modified")
        run.tally.validators = (  # saved with the run, and only if it finishes
            etag.decode("latin-1") if etag else None,
            modified.decode("latin-1") if modified else None,
        )
        # One request per page: entries are keyed by their canonical URL (tracking
        # parameters, AMP and mobile forms folded), which is also what seen_url remembers.
        entries = list({canonical_url(entry.url): entry for entry in parsed.entries}.items())
        self.context.count(source, "entries", len(entries))
        seen = known_urls(self.context.engine, (key for key, _entry in entries))
        for key, entry in entries:
            if key in seen:
                self.context.count(source, "known_url")
                self.context.count(source, "n_duplicates")
                continue
            yield scrapy.Request(
                entry.url,
                callback=self.parse_article,
                errback=self.article_failed,
                meta={"source": source, "entry": entry},
            )

    def feed_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        source = request.meta["source"]
        counter, message, status = classify_failure(failure)
        self.context.count(source, f"feed_{counter}")
        self.context.count(source, "n_errors")
        self.context.runs[source].tally.fail(message, status)

    def parse_article(self, response: Response) -> Iterator[ArticleItem]:
        source = response.meta["source"]
        entry: FeedEntry = response.meta["entry"]
        self.context.count(source, "n_fetched")
        run = self.context.runs[source]
        try:
            page = response.text if isinstance(response, TextResponse) else response.body
            extraction = extract_page(page, response.url, language_hint=run.spec.language)
        except Exception:  # a page that breaks the extractor must not lose the entry
            self.logger.exception("extraction failed for %s", response.url)
            self.context.count(source, "extract_error")
            yield self._from_entry(source, entry)
            return
        if not extraction.text:
            self.context.count(source, "page_no_text")
            yield self._from_entry(source, entry)
            return
        fetched = utcnow()
        if extraction.published_at is not None and extraction.published_kind == "datetime":
            published, published_source = extraction.published_at, "page"
        elif entry.published_at is not None:
            published, published_source = entry.published_at, "feed"
        elif extraction.published_at is not None:
            published, published_source = extraction.published_at, "page"
        else:
            published, published_source = fetched, "fetched"
        yield ArticleItem(
            url=entry.url,
            source_name=source,
            source_id=run.source_id,
            run_id=run.tally.run_id,
            title=extraction.title or entry.title,
            text=extraction.text,
            text_source="page",
            published_at=published,
            published_at_source=published_source,  # type: ignore[arg-type]
            fetched_at=fetched,
            canonical_url=extraction.canonical_url,
            language=extraction.language,
            authors=extraction.authors or list(entry.authors),
            site_name=extraction.site_name,
        )

    def article_failed(self, failure: Failure) -> Iterator[ArticleItem]:
        request = failure.request  # type: ignore[attr-defined]
        source = request.meta["source"]
        counter, _message, _status = classify_failure(failure)
        self.context.count(source, f"page_{counter}")
        self.context.count(source, "n_errors")
        yield self._from_entry(source, request.meta["entry"])

    def _from_entry(self, source: str, entry: FeedEntry) -> ArticleItem:
        """The page gave nothing: the feed's title and summary stand in, marked as such."""
        run = self.context.runs[source]
        self.context.count(source, "fallback_summary")
        fetched = utcnow()
        language, _how = detect_language(f"{entry.title}\n{entry.summary}", hints=(run.spec.language,))
        return ArticleItem(
            url=entry.url,
            source_name=source,
            source_id=run.source_id,
            run_id=run.tally.run_id,
            title=entry.title,
            text=entry.summary,
            text_source="feed",
            published_at=entry.published_at or fetched,
            published_at_source="feed" if entry.published_at else "fetched",
            fetched_at=fetched,
            language=language,
            authors=list(entry.authors),
        )
