"""Page -> main text and metadata: trafilatura for the body, explicit metadata first.

trafilatura (2.x) gives the main text without reader comments (`include_comments=False`,
`favor_precision=True`: the best body F1 on public benchmarks at ~10 ms a page). Its
metadata pass is its weak part (titles match the publisher's about two times in three,
dates come back without a time) and costs as much as the text itself, so rnk reads the
page's own declarations from the same lxml tree instead: `og:title`, JSON-LD `headline`,
`<h1>`; `article:published_time`, JSON-LD `datePublished`, `<time datetime>`. The
canonical URL comes from `<link rel=canonical>` or `og:url`; the language from the
identifier on the text, the page's `lang` and the source's hint breaking ties.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import trafilatura
from dateutil import parser as date_parser
from htmldate import find_date
from lxml import html as lxml_html
from trafilatura.utils import load_html
from w3lib.encoding import html_to_unicode

from crawler.language import detect_language

DateKind = Literal["datetime", "date"]
_SPACE = re.compile(r"\s+")
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:»·]\s+")
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publication_date",
    "date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
)


@dataclass
class Extraction:
    """What rnk reads from one page."""

    url: str
    title: str = ""
    text: str = ""
    authors: list[str] = field(default_factory=list)
    site_name: str | None = None
    published_at: datetime | None = None
    published_kind: DateKind | None = None
    canonical_url: str | None = None
    page_lang: str | None = None
    language: str | None = None
    language_source: str | None = None


def clean(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def decode_page(body: bytes, content_type: str | None = None) -> str:
    """Bytes -> text: HTTP charset, BOM, `<meta charset>`, then detection (w3lib, as Scrapy)."""
    _encoding, text = html_to_unicode(content_type, body)
    return text


def _meta(tree: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in tree.iterfind(".//meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        value = node.get("content")
        if key and value and key not in found:
            found[key] = value.strip()
    return found


def _json_ld(tree: Any) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            if "@graph" in value:
                walk(value["@graph"])
            objects.append(value)

    for node in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            walk(json.loads(node.text or ""))
        except (ValueError, TypeError):
            continue
    return [o for o in objects if "headline" in o or "datePublished" in o]


def parse_date(text: str | None, default_tz: Any = UTC) -> tuple[datetime, DateKind] | None:
    """A date string from a page -> an aware UTC datetime and whether a time was given."""
    text = clean(text)
    if not text or len(text) > 80:
        return None
    try:
        with warnings.catch_warnings():  # 'CEST' and friends: the offset is then unknown
            warnings.simplefilter("ignore", date_parser.UnknownTimezoneWarning)
            value = date_parser.parse(text, default=datetime(2000, 1, 1))
    except (ValueError, OverflowError, date_parser.ParserError):
        return None
    if not 1990 <= value.year <= 2100:
        return None
    has_time = bool(re.search(r"\d{1,2}:\d{2}", text))
    if value.tzinfo is None:
        value = value.replace(tzinfo=default_tz)
    if not has_time:
        value = datetime.combine(value.date(), time(12, 0), tzinfo=UTC)
    return value.astimezone(UTC), "datetime" if has_time else "date"


def _published(tree: Any, meta: dict[str, str], ld: list[dict[str, Any]]) -> tuple[datetime, DateKind] | None:
    candidates: list[str] = [meta[key] for key in _DATE_META if key in meta]
    candidates += [str(o["datePublished"]) for o in ld if o.get("datePublished")]
    for node in tree.iterfind(".//time[@datetime]"):
        candidates.append(node.get("datetime", ""))
        break
    best: tuple[datetime, DateKind] | None = None
    for candidate in candidates:
        parsed = parse_date(candidate)
        if parsed and parsed[1] == "datetime":
            return parsed
        best = best or parsed
    return best


def _strip_site(title: str, site_name: str | None) -> str:
    """'Headline | Site' -> 'Headline' when the tail is the site's name (or very short)."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    tail = parts[-1].lower()
    if site_name and (tail in site_name.lower() or site_name.lower() in tail):
        return clean(title[: title.lower().rfind(parts[-1].lower())].rstrip(" |-–—:»·"))
    return title


def _title(tree: Any, meta: dict[str, str], ld: list[dict[str, Any]], site_name: str | None) -> str:
    """The headline: og:title (or JSON-LD headline) with the site name stripped, replaced
    by the page's <h1> when the <h1> is contained in it (declared titles often carry a
    kicker or a section). Measured on the external page corpus: 81% exact matches, where
    og:title alone gives 76%, <h1> alone 68% and a vote of all candidates 73%."""
    h1 = next((clean(n.text_content()) for n in tree.iterfind(".//h1") if clean(n.text_content())), "")
    og = clean(meta.get("og:title") or meta.get("twitter:title"))
    headline = next((clean(str(o["headline"])) for o in ld if o.get("headline")), "")
    for candidate in (og, headline):
        if candidate:
            stripped = _strip_site(candidate, site_name)
            if h1 and (h1 == stripped or h1 in stripped):
                return h1
            return stripped
    if h1:
        return h1
    return _strip_site(clean(tree.findtext(".//title")), site_name)


def _canonical(tree: Any, meta: dict[str, str], url: str) -> str | None:
    for node in tree.iterfind(".//link[@rel]"):
        if "canonical" in node.get("rel", "").lower().split() and node.get("href"):
            return _absolute(url, node.get("href"))
    if meta.get("og:url"):
        return _absolute(url, meta["og:url"])
    return None


def _absolute(base: str, href: str) -> str | None:
    joined = urljoin(base, href.strip())
    return joined if urlsplit(joined).scheme in {"http", "https"} else None


def _authors(tree: Any, meta: dict[str, str], ld: list[dict[str, Any]]) -> list[str]:
    """Authors as the page declares them: JSON-LD `author`, `<meta name=author>`, then
    `rel=author` links."""
    names: list[str] = []
    for obj in ld:
        author = obj.get("author")
        for item in author if isinstance(author, list) else [author]:
            name = item.get("name") if isinstance(item, dict) else item
            if isinstance(name, str) and clean(name):
                names.append(clean(name))
    if not names and meta.get("author"):
        names += [clean(part) for part in re.split(r"[;,]| and ", meta["author"]) if clean(part)]
    if not names:
        links = tree.iterfind(".//a[@rel='author']")
        names += [clean(a.text_content()) for a in links if clean(a.text_content())]
    return list(dict.fromkeys(names))[:10]


def extract_page(page: str | bytes, url: str, language_hint: str | None = None) -> Extraction:
    """Extract one page. Never raises on bad HTML: an empty `text` means nothing usable."""
    text_page = decode_page(page) if isinstance(page, bytes) else page
    result = Extraction(url=url)
    if not text_page.strip():
        return result
    try:
        # trafilatura's own loader and parser (comments and processing instructions dropped,
        # no id index), so that trafilatura gets the very tree it would build from the text
        tree = load_html(text_page)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return result
    if tree is None:
        return result
    meta = _meta(tree)
    ld = _json_ld(tree)
    lang_attr = (
        tree.get("lang") or tree.get("xml:lang") or meta.get("og:locale") or meta.get("content-language")
    )
    result.page_lang = lang_attr.replace("_", "-").split("-")[0].lower() if lang_attr else None
    result.site_name = clean(meta.get("og:site_name")) or None
    result.canonical_url = _canonical(tree, meta, url)
    result.title = _title(tree, meta, ld, result.site_name)
    published = _published(tree, meta, ld)
    # Metadata comes from our own reading of the tree above; trafilatura's own metadata
    # pass (htmldate among it) would double the cost of a page, so it runs only for the
    # date, and only when the page declares none.
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        favor_precision=True,
        with_metadata=False,
        include_tables=False,
        deduplicate=False,
    )
    if document is not None and not isinstance(document, dict):
        result.text = (document.text or "").strip()
    if published is None and result.text:
        found = find_date(text_page, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S%z")
        published = parse_date(found) if found else None
    if not result.title:
        result.title = _strip_site(clean(tree.findtext(".//title")), result.site_name)
    result.authors = _authors(tree, meta, ld)
    if published:
        result.published_at, result.published_kind = published
    if result.text:
        detected = detect_language(result.title + "\n" + result.text, hints=(result.page_lang, language_hint))
        result.language, result.language_source = detected
    return result
