"""Downloader middlewares: retries with exponential backoff.

Scrapy's RetryMiddleware re-queues a failed request at once (lower priority, no delay),
which hammers a server that is already failing. This subclass waits
`RETRY_BACKOFF_BASE * 2**(attempt-1)` seconds (capped at `RETRY_BACKOFF_MAX`) before
handing the retry back, using Scrapy's support for coroutine middleware methods.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor
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
