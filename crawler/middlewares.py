"""Downloader middlewares: retries with exponential backoff; robots.txt decided once per host.

Scrapy's RetryMiddleware re-queues a failed request at once (lower priority, no delay),
which hammers a server that is already failing. This subclass waits
`RETRY_BACKOFF_BASE * 2**(attempt-1)` seconds (capped at `RETRY_BACKOFF_MAX`) before
handing the retry back, using Scrapy's support for coroutine middleware methods.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import reactor
from twisted.internet.defer import DeferredLock
from twisted.internet.task import deferLater


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware whose retries wait longer after each failure."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def backoff_seconds(self, retry_request: Request) -> float:
        attempt = max(1, int(retry_request.meta.get("retry_times", 1)))
        return float(min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1)))

    async def _wait(self, result: Request | Response | None) -> Request | Response | None:
        if isinstance(result, Request) and self.backoff_base > 0:
            await maybe_deferred_to_future(deferLater(reactor, self.backoff_seconds(result), lambda: None))  # type: ignore[arg-type]
        return result

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        result = super().process_response(request, response)
        waited = await self._wait(result)
        assert waited is not None
        return waited

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        return await self._wait(super().process_exception(request, exception))


class SerialRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with one request per host deciding at a time.

    While a host's robots.txt is being fetched, Scrapy parks the other requests for that host on
    one Deferred; in Scrapy 2.19 only the first of them receives the parser, the others receive
    None and are let through (seen here: a feed forbidden by robots.txt fetched one crawl in
    three). A per-host lock makes the later requests wait for the lock instead, and find the
    parser stored when they get it.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._host_locks: dict[str, DeferredLock] = {}

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        lock = self._host_locks.setdefault(netloc, DeferredLock())
        await maybe_deferred_to_future(lock.acquire())
        try:
            return await super().robot_parser(request)
        finally:
            lock.release()
