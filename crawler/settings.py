"""Scrapy settings: polite defaults, limits and the pipeline order.

Everything here can be overridden per crawl (`rnk crawl -s NAME=VALUE`), as with
`scrapy crawl -s`; tests use that to shorten timeouts and switch AutoThrottle off.
"""

from __future__ import annotations

import os
from typing import Any

DEFAULT_CONTACT = "https://github.com/rnk-project/rnk"
CONTACT_ENV = "RNK_CONTACT_URL"


def user_agent(contact: str | None = None) -> str:
    """Identify the crawler and say where its operator can be reached (set RNK_CONTACT_URL)."""
    from crawler import __version__

    return f"rnk/{__version__} (+{contact or os.environ.get(CONTACT_ENV) or DEFAULT_CONTACT})"


def crawl_settings(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "BOT_NAME": "rnk",
        "USER_AGENT": user_agent(),
        "ROBOTSTXT_OBEY": True,
        # Politeness: AutoThrottle adapts the delay to the server's latency; never more than
        # 4 requests at once to one domain.
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": 1.0,
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
        # Scrapy starts this many asyncio workers per response; a page yields one item.
        "CONCURRENT_ITEMS": 4,
        "DOWNLOAD_DELAY": 0.0,
        # Limits: no response above 10 MB (warn at 2 MB), no request waits above 30 s.
        "DOWNLOAD_MAXSIZE": 10 * 1024 * 1024,
        "DOWNLOAD_WARNSIZE": 2 * 1024 * 1024,
        "DOWNLOAD_TIMEOUT": 30,
        # Retries for 5xx, 429, 408 and timeouts, twice, with exponential backoff (see
        # crawler.middlewares.BackoffRetryMiddleware).
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 2,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "RETRY_BACKOFF_BASE": 1.0,
        "RETRY_BACKOFF_MAX": 60.0,
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawler.middlewares.BackoffRetryMiddleware": 550,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.middlewares.SerialRobotsTxtMiddleware": 100,
        },
        # Cookies are neither needed nor wanted; Scrapy's cookie middleware would also load
        # the public-suffix list, which must never be fetched at run time.
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REDIRECT_MAX_TIMES": 5,
        "ITEM_PIPELINES": {
            "crawler.pipelines.CanonicalizePipeline": 100,
            "crawler.pipelines.RelevancePipeline": 200,
            "crawler.pipelines.EventsPipeline": 300,
            "crawler.pipelines.StorePipeline": 900,
        },
        "LOG_LEVEL": "WARNING",
        # The caller (the CLI, the daemon) owns logging; Scrapy only sets its loggers' level.
        "LOG_INSTALL_ROOT_HANDLER": False,
        "DEFAULT_DROPITEM_LOG_LEVEL": "DEBUG",
        "RETRY_GIVE_UP_LOG_LEVEL": "WARNING",
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }
    settings.update(overrides or {})
    return settings
