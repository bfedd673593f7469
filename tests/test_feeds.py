"""Feed parsing on the project's recorded feeds: every format, and the bad ones salvaged or
refused with a reason (feedparser on bytes, as the spider calls it)."""

from __future__ import annotations

from crawler.feeds import parse_feed
from tests.conftest import SITE

BASE = "http://127.0.0.1:8000"


def read(path: str) -> bytes:
    return (SITE / path).read_bytes().replace(b"{{BASE_URL}}", BASE.encode())


def test_rss2_atom_rss1_give_entries_with_absolute_links_and_utc_dates() -> None:
    for path, version, count in (("rss2/feed.xml", "rss20", 3), ("atom/feed.atom", "atom10", 2),
                                 ("rss1/feed.rdf", "rss10", 2)):  # fmt: skip
        parsed = parse_feed(read(path), f"{BASE}/{path}", "application/xml")
        assert parsed.verdict == "parsed", parsed.reason
        assert parsed.version == version and len(parsed.entries) == count
        for entry in parsed.entries:
            assert entry.url.startswith(BASE) and entry.title
            assert entry.published_at is not None and entry.published_at.utcoffset().total_seconds() == 0


def test_wrong_encoding_declaration_is_salvaged_with_the_real_text() -> None:
    parsed = parse_feed(read("badenc/feed.xml"), f"{BASE}/badenc/feed.xml", "application/xml")
    assert parsed.verdict == "salvaged" and "encoding" in (parsed.reason or "")
    assert all("КНДР" in entry.title for entry in parsed.entries)


def test_html_page_is_refused_with_a_reason() -> None:
    parsed = parse_feed(
        read("notafeed/index.html"), f"{BASE}/notafeed/index.html", "text/html; charset=utf-8"
    )
    assert parsed.verdict == "refused" and parsed.entries == []
    assert (parsed.reason or "").startswith("not a feed")


def test_garbage_never_raises() -> None:
    for body in (b"", b"\x00\xff" * 100, b"<rss><channel><item><link>", b"<?xml version='1.0'?><x/>"):
        assert parse_feed(body, f"{BASE}/x.xml").verdict in {"refused", "salvaged", "parsed"}
