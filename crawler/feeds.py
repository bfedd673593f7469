"""Feed bytes -> entries, with feedparser, and a verdict: parsed, salvaged or refused.

feedparser always gets bytes from our own fetch (never a URL): its own fetching has no
politeness, limits or conditional-GET bookkeeping. A `bozo` feed whose entries could be
read is salvaged (a bare `&`, a wrong encoding declaration); one without entries and
without a recognisable feed is refused with the reason.
"""

from __future__ import annotations

import calendar
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import charset_normalizer
import feedparser

Verdict = Literal["parsed", "salvaged", "refused"]
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class FeedEntry:
    """What a feed says about one article, kept for the summary fallback and dates."""

    url: str
    title: str
    summary: str
    published_at: datetime | None
    authors: tuple[str, ...] = ()


@dataclass
class ParsedFeed:
    verdict: Verdict
    entries: list[FeedEntry] = field(default_factory=list)
    version: str = ""
    title: str = ""
    reason: str | None = None
    entries_without_link: int = 0


def html_to_text(fragment: str) -> str:
    """Feed summaries are HTML fragments; the fallback article wants plain text."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment or ""))).strip()


def _when(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def _link(entry: Any, base: str) -> str | None:
    candidates: list[str] = []
    for link in entry.get("links") or []:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            candidates.append(link["href"])
    if entry.get("link"):
        candidates.append(entry["link"])
    guid = entry.get("id")
    if guid and entry.get("guidislink", False):
        candidates.append(guid)
    for candidate in candidates:
        url = urljoin(base, candidate.strip())
        if urlsplit(url).scheme in {"http", "https"}:
            return url
    return None


def _reason(result: Any, content_type: str) -> str:
    exc = result.get("bozo_exception")
    head = " ".join(str(exc).split())[:200] if exc else "no entries"
    if "html" in content_type.lower() or (
        result.get("version", "") == "" and result.get("feed", {}).get("html")
    ):
        return f"not a feed: the URL answered an HTML page ({content_type or 'no content type'}); {head}"
    return f"unreadable feed: {type(exc).__name__ if exc else 'empty'}: {head}"


def _redecoded(body: bytes, result: Any) -> bytes | None:
    """A feed whose declared encoding is wrong (declared utf-8, bytes cp1251): feedparser
    falls back to windows-1252 and garbles the text. When charset detection is confident
    of another encoding, return the body re-encoded as UTF-8 with a matching declaration."""
    if not isinstance(result.get("bozo_exception"), feedparser.CharacterEncodingOverride):
        return None
    best = charset_normalizer.from_bytes(body).best()
    if best is None or best.encoding.replace("_", "-") in {"ascii", "utf-8", result.get("encoding", "")}:
        return None
    text = str(best)
    text = re.sub(r"^(<\?xml[^>]*?)encoding=[\"'][^\"']*[\"']", r'\1encoding="utf-8"', text.lstrip("\ufeff"))
    return text.encode("utf-8")


def parse_feed(body: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Parse feed bytes fetched from `url`. Never raises on bad input: returns a verdict."""
    parsed = _parse_once(body, url, content_type)
    if parsed[1] is not None:
        fixed = _redecoded(body, parsed[1])
        if fixed is not None:
            second = _parse_once(fixed, url, "")
            if second[0].verdict == "parsed" and len(second[0].entries) >= len(parsed[0].entries):
                result = second[0]
                result.verdict, result.reason = "salvaged", "wrong encoding declaration: text re-decoded"
                return result
    return parsed[0]


def _parse_once(body: bytes, url: str, content_type: str) -> tuple[ParsedFeed, Any]:
    # Without a Content-Type, feedparser would flag every feed `bozo` for the missing
    # header alone, so headers are passed only when the server sent one.
    headers = {"content-location": url, "content-type": content_type} if content_type else None
    try:
        result = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    except Exception as exc:  # feedparser is defensive, but a refusal beats a crashed run
        return ParsedFeed("refused", reason=f"feedparser failed: {type(exc).__name__}: {exc}"), None
    version = result.get("version", "") or ""
    feed_title = html_to_text(result.get("feed", {}).get("title", ""))
    entries: list[FeedEntry] = []
    without_link = 0
    for raw in result.get("entries", []):
        link = _link(raw, url)
        if link is None:
            without_link += 1
            continue
        authors = tuple(a.get("name", "") for a in raw.get("authors") or [] if a.get("name"))
        summary = raw.get("summary") or ""
        if not summary and raw.get("content"):
            summary = raw["content"][0].get("value", "")
        entries.append(
            FeedEntry(
                url=link,
                title=html_to_text(raw.get("title", "")),
                summary=html_to_text(summary),
                published_at=_when(raw),
                authors=authors,
            )
        )
    looks_like_feed = bool(version) or bool(entries)
    if not looks_like_feed:
        reason = _reason(result, content_type)
        return ParsedFeed("refused", version=version, title=feed_title, reason=reason), result
    if result.get("bozo"):
        problem = result.get("bozo_exception")
        reason = f"{type(problem).__name__}: {' '.join(str(problem).split())[:200]}" if problem else "bozo"
        return ParsedFeed("salvaged", entries, version, feed_title, reason, without_link), result
    return ParsedFeed("parsed", entries, version, feed_title, None, without_link), result
