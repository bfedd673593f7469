"""canonical_url: one spelling per page, idempotent."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.provisional import urls

from crawler.urls import canonical_url

SAME_PAGE = [
    "https://www.example.org/world/kim-putin-summit/",
    "HTTPS://EXAMPLE.ORG:443/world/kim-putin-summit",
    "https://example.org/world/kim-putin-summit?utm_source=rss&utm_medium=feed",
    "https://example.org/world/kim-putin-summit?fbclid=IwAR0x&gclid=abc&mc_cid=1",
    "https://example.org/world/kim-putin-summit#comments",
    "https://m.example.org/world/kim-putin-summit",
    "https://mobile.example.org/world/kim-putin-summit",
    "https://amp.example.org/world/kim-putin-summit",
    "https://example.org/world/kim-putin-summit/amp/",
    "https://example.org/amp/world/kim-putin-summit",
    "https://example.org/world/kim-putin-summit?outputType=amp",
]


@pytest.mark.parametrize("variant", SAME_PAGE)
def test_variants_of_one_page_have_one_spelling(variant: str) -> None:
    assert canonical_url(variant) == "https://example.org/world/kim-putin-summit"


def test_meaningful_query_is_kept_and_sorted() -> None:
    assert canonical_url("http://127.0.0.1:8080/news?id=7&page=2&utm_campaign=x") == (
        "http://127.0.0.1:8080/news?id=7&page=2"
    )
    assert canonical_url("https://example.org/a?b=2&a=1") == "https://example.org/a?a=1&b=2"


def test_hosts_that_are_not_prefixes_stay() -> None:
    assert canonical_url("https://m.com/story") == "https://m.com/story"
    assert canonical_url("https://amp.dev/story.html") == "https://amp.dev/story.html"


@given(urls())
def test_canonical_url_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


@given(st.text(max_size=40))
def test_anything_else_is_left_alone(text: str) -> None:
    if not text.strip().lower().startswith(("http://", "https://")):
        assert canonical_url(text) == text.strip()
