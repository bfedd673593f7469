"""A synthetic news site for the ingest benchmark: N article pages and one RSS 2.0 feed.

Why synthetic: the benchmark must run offline, be repeatable bit for bit and weigh what
rnk really meets (~60 KB pages of which the article is a tenth: head metadata, a big nav,
sidebars, related links, comments, footer, inline CSS and JS). Real pages cannot be
redistributed; generated ones can be regenerated from a seed.

Every page is derived from `random.Random(f"{seed}:{index}")`, so page 17 is the same
whatever N is, and the whole site is a function of (N, seed, GENERATOR_VERSION). The site is
written into a temporary folder under `bench/out/` and renamed into place when complete,
so an interrupted run never leaves a half-written cache behind.

Relevance: 9 pages in 10 are about the Russia–North Korea relationship (Russia/Moscow/
Putin and North Korea/Pyongyang/Kim Jong Un named several times each in the body, and in
most titles). Every tenth page (index % 10 == 0) names North Korea and a third country but
never Russia: rnk's rule (min of the two sides ≥ 2) must drop it, which exercises the
irrelevant path (scored, marked seen, not stored). The page chrome (nav, sidebars,
comments, footer) never names either side, so the verdict depends on the article alone.

No person is named except public figures (Vladimir Putin, Kim Jong Un, Sergei Lavrov);
bylines are the desk's, commenters are numbered readers.
"""

from __future__ import annotations

import html
import json
import os
import random
import shutil
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

GENERATOR_VERSION = 1
"""Bump when the output changes, so stale caches are not reused."""

DEFAULT_SEED = 20240619
OUT = Path(__file__).resolve().parent / "out"
SITE_NAME = "Bench Gazette"
IRRELEVANT_EVERY = 10
NEWEST = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)

# --- vocabulary ---------------------------------------------------------------------------------
# Side references. RUS and PRK make a page relevant; OTHER stands in for Russia on the
# irrelevant pages. None of the neutral lists below may contain a lexicon term.

RUS_LONG = [
    "Russia", "Moscow", "the Kremlin", "Putin", "Russian President Vladimir Putin",
    "Russian officials", "Russian Foreign Minister Sergei Lavrov", "Lavrov", "Russian state media",
    "Russian diplomats", "Russian engineers", "the Russian government", "Russian negotiators",
]  # fmt: skip
PRK_LONG = [
    "North Korea", "Pyongyang", "Kim Jong Un", "North Korean leader Kim Jong Un",
    "North Korean officials", "the DPRK", "North Korean state media", "North Korean diplomats",
    "KCNA, the North Korean state news agency", "the government in Pyongyang", "North Korean negotiators",
]  # fmt: skip
OTHER_LONG = [
    "China", "Beijing", "Chinese officials", "Japan", "Tokyo", "Mongolia", "Vietnam",
    "the Chinese government", "Chinese negotiators", "Japanese diplomats", "Mongolian officials",
]  # fmt: skip
RUS_SHORT = ["Russia", "Moscow", "Putin", "Kremlin", "Lavrov"]
PRK_SHORT = ["North Korea", "Pyongyang", "Kim Jong Un", "DPRK"]
OTHER_SHORT = ["China", "Beijing", "Japan", "Tokyo", "Mongolia", "Vietnam"]

NEUTRAL_SUBJECTS = [
    "Analysts", "Diplomats in the region", "Trade data", "Satellite imagery",
    "Officials familiar with the talks", "Regional observers", "Shipping records", "A senior envoy",
    "Customs figures", "Independent researchers", "Think-tank analysts", "Western governments",
    "Port authorities", "Economists", "Aid workers",
    "Sanctions monitors", "Former negotiators", "Logistics firms", "Energy traders", "Military analysts",
]  # fmt: skip
VERBS = [
    "signed", "discussed", "expanded", "reviewed", "announced", "postponed", "finalised", "negotiated",
    "outlined", "welcomed", "criticised", "renewed", "examined", "pledged", "secured", "revived",
    "approved", "delayed", "drafted", "endorsed", "defended", "questioned", "accelerated", "suspended",
]  # fmt: skip
OBJECTS = [
    "a new agreement on rail freight", "plans for a road bridge across the Tumen River",
    "a programme of technical exchanges", "quotas for seasonal workers", "a package of fuel deliveries",
    "grain shipments", "joint tourism routes", "a schedule of cultural visits",
    "cooperation in satellite research", "a memorandum on fisheries",
    "payment arrangements in national currencies", "an air route between the two capitals",
    "medical supplies", "a treaty on mutual assistance", "new customs procedures",
    "an expansion of port capacity", "coal and timber exports", "training for university students",
    "electricity supply contracts", "a framework for scientific cooperation", "a joint commission on trade",
    "veterinary inspections at the border", "a plan to repair old rail lines", "fertiliser deliveries",
    "a revised visa regime", "broadcasting agreements", "a pipeline feasibility study",
]  # fmt: skip
WHEN = [
    "on Tuesday", "earlier this month", "after weeks of talks", "at a ceremony in the capital",
    "despite international sanctions", "amid growing concern in the region", "in a closed-door meeting",
    "according to official statements", "late on Friday", "as winter approached",
    "for the first time in years", "under a plan first floated last year", "during a brief visit",
    "at the end of a two-day summit", "in a televised address", "without public debate", "after a long pause",
    "ahead of the harvest season",
]  # fmt: skip
ATTRIBUTIONS = [
    "officials said", "a statement said", "analysts noted", "the report added", "diplomatic sources said",
    "according to people briefed on the matter", "observers said", "the announcement read",
    "a spokesperson confirmed", "according to published minutes",
]  # fmt: skip
ADJECTIVES = [
    "cautious", "ambitious", "modest", "unusual", "symbolic", "practical", "long-delayed", "controversial",
    "closely watched", "low-key", "costly", "fragile", "tentative", "sweeping", "limited", "technical",
]  # fmt: skip
MEASURES = [
    "trade volumes", "freight traffic", "fuel prices", "harvest figures", "border crossings",
    "shipping movements", "hotel bookings", "exchange rates", "factory output", "rail schedules",
    "fishing catches", "cargo inspections", "visa applications", "power outages", "food imports",
]  # fmt: skip
TRENDS = ["risen", "fallen", "doubled", "stalled", "recovered", "slipped", "climbed", "levelled off"]
PERIODS = [
    "over the past year", "since the spring", "in the last quarter", "since the talks began",
    "over the summer", "in recent months", "compared with a year earlier", "since the border reopened",
]  # fmt: skip
PLACES = [
    "the border town", "the northern port", "the coastal province", "the river crossing", "the rail hub",
    "the industrial zone", "the capital's outskirts", "the free trade zone", "the mountain districts",
]  # fmt: skip
NEEDS = ["trained staff", "spare parts", "legal changes", "fresh inspections", "better roads"]
GROUPS = ["economists", "diplomats", "shipping agents", "lawyers", "engineers", "scholars", "traders"]
DOUBTS = [
    "doubted whether", "asked how", "questioned whether", "wondered if", "warned that it was unclear whether",
]  # fmt: skip
GOALS = [
    "survive a change of leadership", "be paid for", "withstand further sanctions", "deliver results quickly",
    "be verified independently", "outlast the current season", "reach its stated targets", "stay on schedule",
]  # fmt: skip
HEADLINE_VERBS = ["sign", "discuss", "expand", "review", "revive", "finalise", "delay", "extend", "deepen"]
HEADLINE_TOPICS = [
    "rail links", "fuel deal", "grain trade", "labour quotas", "air route", "bridge project", "port upgrade",
    "mutual aid treaty", "tourism plan", "currency settlement", "fisheries accord", "research exchange",
    "energy contracts", "customs pact", "student exchanges", "border trade",
]  # fmt: skip

# Page chrome: deliberately free of both sides' terms.
SECTIONS = [
    "World", "Asia", "Europe", "Americas", "Africa", "Middle East", "Business", "Markets", "Technology",
    "Science", "Health", "Climate", "Sport", "Culture", "Travel", "Opinion", "Video", "Podcasts", "Data",
    "Newsletters",
]  # fmt: skip
SUBSECTIONS = ["Latest", "Analysis", "Explainers", "In pictures", "Features", "Live", "Long reads"]
GENERIC_SUBJECTS = [
    "Central bank", "City council", "Rail operator", "Football club", "Museum", "Weather service",
    "Tech firm", "Farmers", "Airline", "University", "Carmaker", "Orchestra", "Hospital trust", "Retailer",
]  # fmt: skip
GENERIC_VERBS = ["holds", "cuts", "raises", "unveils", "delays", "expands", "reviews", "scraps", "doubles"]
GENERIC_OBJECTS = [
    "rates", "fares", "budget plans", "new exhibition", "summer schedule", "hiring targets",
    "flood defences", "ticket prices", "opening hours", "battery plant", "season opener", "pension offer",
]  # fmt: skip
GENERIC_TAILS = [
    "as inflation cools", "after record year", "amid heatwave", "ahead of elections", "despite protests",
    "after storm damage", "as demand slows", "in surprise move", "",
]  # fmt: skip
COMMENT_LINES = [
    "Good piece, thanks for the context.", "I would like to see the actual figures behind this.",
    "This has been coming for a while.", "The map in the second section was really helpful.",
    "Hard to know what to believe any more.", "Please do a follow-up in six months.",
    "The headline oversells it a little.", "Interesting, but what about the costs?",
    "Finally some reporting on the logistics side.", "Not convinced this will change much.",
]  # fmt: skip
FOOTER_LINKS = [
    "About us", "Contact", "Careers", "Terms of use", "Privacy policy", "Cookie settings", "Accessibility",
    "Advertise", "Corrections", "RSS feeds", "Archive", "Help centre", "Licensing", "Newsletters",
    "Subscriptions", "Editorial standards", "Tip line", "Site map", "Events", "Store",
]  # fmt: skip


@dataclass(frozen=True)
class Site:
    """A generated site on disk and what a crawl of it should find."""

    root: Path
    pages: int
    seed: int
    relevant: int
    irrelevant: int
    bytes_total: int
    bytes_min: int
    bytes_max: int
    words_mean: float


def is_relevant(index: int) -> bool:
    """Page `index` (1-based) is about Russia–North Korea unless it is a tenth page."""
    return index % IRRELEVANT_EVERY != 0


def published_at(index: int) -> datetime:
    """Newest first, 37 minutes apart: 2,000 pages span about seven weeks."""
    return NEWEST - timedelta(minutes=37 * (index - 1))


def article_path(index: int) -> str:
    return f"/articles/{index}.html"


# --- text ---------------------------------------------------------------------------------------


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _side_sentence(rng: random.Random, a: list[str], b: list[str]) -> str:
    """A sentence naming both parties: the lead of a paragraph, roughly."""
    x, y = rng.choice(a), rng.choice(b)
    templates = (
        f"{x} and {y} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(WHEN)}, "
        f"{rng.choice(ATTRIBUTIONS)}.",
        f"{x} {rng.choice(VERBS)} {rng.choice(OBJECTS)} with {y} {rng.choice(WHEN)}.",
        f"Talks between {x} and {y} {rng.choice(WHEN)} produced {rng.choice(ADJECTIVES)} progress on "
        f"{rng.choice(OBJECTS)}, {rng.choice(ATTRIBUTIONS)}.",
        f"According to {rng.choice(['officials', 'state media', 'diplomats', 'analysts'])}, {y} has "
        f"{rng.choice(VERBS)} "
        f"{rng.choice(OBJECTS)} offered by {x}.",
    )
    return _cap(rng.choice(templates))


def _one_side_sentence(rng: random.Random, side: list[str]) -> str:
    x = rng.choice(side)
    templates = (
        f"{x} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(WHEN)}.",
        f"For {x}, the {rng.choice(ADJECTIVES)} arrangement offers a way to secure {rng.choice(OBJECTS)}.",
        f"{x} has said little in public about {rng.choice(OBJECTS)}, {rng.choice(ATTRIBUTIONS)}.",
        f"Statements from {x} stressed that {rng.choice(MEASURES)} had {rng.choice(TRENDS)} "
        f"{rng.choice(PERIODS)}.",
    )
    return _cap(rng.choice(templates))


def _neutral_sentence(rng: random.Random) -> str:
    templates = (
        f"{rng.choice(NEUTRAL_SUBJECTS)} said {rng.choice(MEASURES)} had {rng.choice(TRENDS)} by "
        f"{rng.randint(3, 61)} percent {rng.choice(PERIODS)}.",
        f"The {rng.choice(ADJECTIVES)} plan is expected to cover {rng.choice(OBJECTS)} within "
        f"{rng.randint(2, 18)} months.",
        f"{rng.choice(NEUTRAL_SUBJECTS)} noted that {rng.choice(OBJECTS)} would require new funding and "
        f"{rng.choice(NEEDS)}.",
        f"Some {rng.choice(GROUPS)} {rng.choice(DOUBTS)} the arrangement could {rng.choice(GOALS)}.",
        f"In {rng.choice(PLACES)}, {rng.choice(MEASURES)} had {rng.choice(TRENDS)} {rng.choice(PERIODS)}, "
        f"{rng.choice(ATTRIBUTIONS)}.",
        f"{rng.choice(NEUTRAL_SUBJECTS)} counted {rng.randint(12, 940)} {rng.choice(['trucks', 'wagons', 'vessels', 'flights', 'containers'])} "  # noqa: E501
        f"passing through {rng.choice(PLACES)} {rng.choice(PERIODS)}.",
        f"The figures could not be independently verified, and {rng.choice(GROUPS)} cautioned against "
        f"reading too much into a single {rng.choice(['month', 'quarter', 'season', 'report'])}.",
        f"Details of {rng.choice(OBJECTS)} were not made public, {rng.choice(ATTRIBUTIONS)}.",
        f"{rng.choice(NEUTRAL_SUBJECTS)} described the move as {rng.choice(ADJECTIVES)} but "
        f"{rng.choice(ADJECTIVES)}.",
    )
    return _cap(rng.choice(templates))


def body_paragraphs(rng: random.Random, relevant: bool) -> list[str]:
    """8–15 paragraphs, 800–1,200 words, each side named at least once per three paragraphs."""
    first = RUS_LONG if relevant else OTHER_LONG
    target_words = rng.randint(800, 1200)
    n_paragraphs = rng.randint(8, 15)
    per_paragraph = target_words / n_paragraphs
    paragraphs: list[str] = []
    words = 0
    for p in range(n_paragraphs):
        sentences: list[str] = []
        if p % 3 == 0:
            sentences.append(_side_sentence(rng, first, PRK_LONG))
        budget = per_paragraph if p < n_paragraphs - 1 else max(target_words - words, 40)
        count = sum(len(s.split()) for s in sentences)
        while count < budget:
            roll = rng.random()
            if roll < 0.12:
                sentence = _one_side_sentence(rng, first)
            elif roll < 0.24:
                sentence = _one_side_sentence(rng, PRK_LONG)
            else:
                sentence = _neutral_sentence(rng)
            sentences.append(sentence)
            count += len(sentence.split())
        words += count
        paragraphs.append(" ".join(sentences))
    return paragraphs


def headline(rng: random.Random, relevant: bool) -> str:
    """A relevant headline names a side or both (title mentions weigh 3); an irrelevant one
    names North Korea and a third country."""
    a = rng.choice(RUS_SHORT if relevant else OTHER_SHORT)
    b = rng.choice(PRK_SHORT)
    topic = rng.choice(HEADLINE_TOPICS)
    templates = (
        f"{a} and {b} {rng.choice(HEADLINE_VERBS)} {topic}",
        f"{b} and {a} {rng.choice(HEADLINE_VERBS)} {topic} {rng.choice(['talks', 'plans', 'terms'])}",
        f"{a} to {rng.choice(HEADLINE_VERBS)} {topic} with {b}",
        f"What the {topic} between {a} and {b} means",
        f"{b} {rng.choice(['hails', 'plays down', 'confirms', 'questions'])} {topic} with {a}",
        f"Inside the {rng.choice(ADJECTIVES)} {topic} linking {a} and {b}",
    )
    return rng.choice(templates)


def generic_headline(rng: random.Random) -> str:
    tail = rng.choice(GENERIC_TAILS)
    text = f"{rng.choice(GENERIC_SUBJECTS)} {rng.choice(GENERIC_VERBS)} {rng.choice(GENERIC_OBJECTS)}"
    return f"{text} {tail}".strip()


# --- HTML ---------------------------------------------------------------------------------------


def _css(rng: random.Random) -> str:
    """A site stylesheet inlined in the head, as many CMSs do for first paint."""
    rules = []
    for i in range(rng.randint(90, 120)):
        name = rng.choice(
            ["c-nav", "c-card", "c-hero", "c-ad", "c-foot", "c-list", "c-btn", "u-grid", "c-meta"]
        )
        rules.append(
            f".{name}-{i}{{margin:{rng.randint(0, 24)}px auto;padding:{rng.randint(0, 16)}px "
            f"{rng.randint(0, 32)}px;font:{rng.choice([400, 500, 700])} {rng.randint(12, 28)}px/"
            f"1.{rng.randint(2, 6)} Georgia,serif;color:#{rng.randrange(0x1000000):06x};"
            f"border-bottom:1px solid #{rng.randrange(0x1000000):06x}}}"
        )
    return "\n".join(rules)


def _nav(rng: random.Random) -> str:
    items = []
    for section in SECTIONS:
        slug = section.lower().replace(" ", "-")
        subs = "".join(
            f'<li><a href="/{slug}/{sub.lower().replace(" ", "-")}">{html.escape(sub)}</a></li>'
            for sub in SUBSECTIONS
        )
        items.append(
            f'<li class="nav-item"><a href="/{slug}">{html.escape(section)}</a>'
            f'<ul class="sub">{subs}</ul></li>'
        )
    return (
        '<header class="site-header"><a class="logo" href="/">' + SITE_NAME + "</a>"
        '<form class="search" action="/search"><input type="search" name="q" placeholder="Search">'
        '<button type="submit">Search</button></form>'
        '<nav class="main-nav" aria-label="Sections"><ul>' + "".join(items) + "</ul></nav></header>"
        '<div class="ticker"><span>Latest:</span><ul>'
        + "".join(
            f'<li><a href="/live/{rng.randint(1000, 9999)}">{html.escape(generic_headline(rng))}</a></li>'
            for _ in range(6)
        )
        + "</ul></div>"
    )


def _sidebar(rng: random.Random) -> str:
    most_read = "".join(
        f'<li><a href="/story/{rng.randint(10000, 99999)}">{html.escape(generic_headline(rng))}</a></li>'
        for _ in range(10)
    )
    return (
        '<aside class="sidebar"><section class="most-read"><h2>Most read</h2><ol>'
        + most_read
        + "</ol></section>"
        '<section class="newsletter"><h2>Morning briefing</h2>'
        "<p>The day's news in five minutes, every weekday.</p>"
        '<form action="/newsletters/subscribe"><input type="email" name="email" placeholder="Email address">'
        '<button type="submit">Sign up</button></form></section>'
        '<div class="ad ad-sidebar" data-slot="sidebar-1">Advertisement</div></aside>'
    )


def _related(rng: random.Random, index: int, pages: int, relevant: bool) -> str:
    links = []
    for _ in range(8):
        other = rng.randint(1, max(pages, 2))
        links.append(
            f'<li><a href="{{{{BASE_URL}}}}{article_path(other)}">{html.escape(headline(rng, relevant))}</a>'
            f'<span class="when">{rng.randint(2, 23)} hours ago</span></li>'
        )
    return '<section class="related"><h2>Related coverage</h2><ul>' + "".join(links) + "</ul></section>"


def _comments(rng: random.Random) -> str:
    items = []
    for _ in range(rng.randint(6, 20)):
        text = " ".join(rng.sample(COMMENT_LINES, rng.randint(1, 3)))
        items.append(
            f'<li class="comment"><div class="comment-author">Reader {rng.randint(100, 99999)}</div>'
            f'<div class="comment-time">{rng.randint(1, 59)} minutes ago</div>'
            f'<div class="comment-body"><p>{html.escape(text)}</p></div>'
            f'<a class="reply" href="#reply">Reply</a></li>'
        )
    return (
        '<section id="comments" class="comments"><h2>Comments</h2><ol class="comment-list">'
        + "".join(items)
        + "</ol></section>"
    )


def _footer(rng: random.Random) -> str:
    links = "".join(
        f'<li><a href="/{t.lower().replace(" ", "-")}">{html.escape(t)}</a></li>' for t in FOOTER_LINKS
    )
    sections = "".join(
        f'<li><a href="/{s.lower().replace(" ", "-")}">{html.escape(s)}</a></li>' for s in SECTIONS
    )
    return (
        '<footer class="site-footer"><ul class="footer-sections">' + sections + "</ul>"
        '<ul class="footer-links">' + links + "</ul>"
        f"<p>&copy; {2025 - rng.randint(0, 1)} {SITE_NAME}. All rights reserved.</p></footer>"
    )


def _padding_script(rng: random.Random, size: int) -> str:
    """An app-config blob (ad slots, experiments) of about `size` bytes: the bulk of a real
    page's weight is script the extractor must skip."""
    slots: list[str] = []
    used = 0
    while used < size:
        slot = {
            "id": f"slot-{len(slots)}-{rng.randrange(16**8):08x}",
            "sizes": [[rng.choice([300, 320, 728, 970]), rng.choice([50, 90, 250, 600])] for _ in range(3)],
            "targeting": {
                "sec": rng.choice(SECTIONS).lower(),
                "pos": rng.randint(1, 9),
                "exp": rng.random() < 0.5,
            },
            "lazy": rng.random() < 0.7,
        }
        slots.append(json.dumps(slot, separators=(",", ":")))
        used += len(slots[-1]) + 1
    text = '{"adSlots":[' + ",".join(slots) + f'],"build":"{rng.randrange(16**12):012x}"}}'
    return f"<script>window.__APP_CONFIG__={text};</script>"


def article_html(index: int, pages: int, seed: int) -> tuple[str, str, str, int]:
    """Page `index` as (html, title, description, word count). Deterministic in (seed, index)."""
    rng = random.Random(f"{seed}:{index}")
    relevant = is_relevant(index)
    title = headline(rng, relevant)
    paragraphs = body_paragraphs(rng, relevant)
    words = sum(len(p.split()) for p in paragraphs)
    description = paragraphs[0].split(". ")[0].rstrip(".") + "."
    when = published_at(index).isoformat().replace("+00:00", "Z")
    url = "{{BASE_URL}}" + article_path(index)
    target = rng.randint(57_000, 63_000)
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": when,
            "dateModified": when,
            "author": {"@type": "Organization", "name": SITE_NAME},
            "publisher": {"@type": "Organization", "name": SITE_NAME},
            "mainEntityOfPage": url,
        }
    )
    head = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} | {SITE_NAME}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="description" content="{html.escape(description)}">'
        f'<meta property="og:title" content="{html.escape(title)}">'
        '<meta property="og:type" content="article">'
        f'<meta property="og:url" content="{url}">'
        f'<meta property="og:site_name" content="{SITE_NAME}">'
        f'<meta property="article:published_time" content="{when}">'
        '<meta property="article:section" content="World">'
        f'<link rel="canonical" href="{url}">'
        f"<style>{_css(rng)}</style>"
        f'<script type="application/ld+json">{ld}</script>'
        "<script>(function(w,d){w.dataLayer=w.dataLayer||[];w.dataLayer.push({event:'pageview',"
        f"section:'world',id:{index}}});var s=d.createElement('script');s.async=true;"
        "s.src='/static/analytics.js';d.head.appendChild(s);})(window,document);</script>"
        "</head>"
    )
    body_parts = []
    for n, paragraph in enumerate(paragraphs):
        body_parts.append(f"<p>{html.escape(paragraph)}</p>")
        if n == len(paragraphs) // 2:
            body_parts.append(f'<div class="ad ad-inline" data-slot="inline-{index}">Advertisement</div>')
            body_parts.append(
                f'<aside class="read-more"><a href="{{{{BASE_URL}}}}{article_path(max(1, index - 1))}">'
                f"Read more: {html.escape(generic_headline(rng))}</a></aside>"
            )
    tags = "".join(
        f'<li><a href="/topics/{t.replace(" ", "-")}">{html.escape(t)}</a></li>'
        for t in rng.sample(HEADLINE_TOPICS, 4)
    )
    article = (
        '<main class="layout"><article class="story">'
        f"<h1>{html.escape(title)}</h1>"
        f'<p class="byline">By {SITE_NAME} staff · <time datetime="{when}">'
        f"{published_at(index):%d %B %Y, %H:%M} UTC</time></p>"
        f'<figure><img src="/img/{index}.jpg" alt="" width="1200" height="675">'
        f"<figcaption>{html.escape(_cap(rng.choice(PLACES)))}, {published_at(index):%B %Y}."
        "</figcaption></figure>"
        '<div class="article-body">' + "".join(body_parts) + "</div>"
        '<ul class="tags">'
        + tags
        + "</ul></article>"
        + _sidebar(rng)
        + _related(rng, index, pages, relevant)
        + _comments(rng)
        + "</main>"
    )
    page = head + '<body class="article-page">' + _nav(rng) + article + _footer(rng)
    pad = max(0, target - len(page.encode()) - 40)
    page += _padding_script(rng, pad) + "</body></html>\n"
    return page, title, description, words


def feed_xml(items: list[tuple[int, str, str]]) -> str:
    """RSS 2.0 listing every page, newest first."""
    entries = []
    for index, title, description in items:
        link = "{{BASE_URL}}" + article_path(index)
        entries.append(
            f"<item><title>{html.escape(title, quote=False)}</title><link>{link}</link>"
            f'<guid isPermaLink="true">{link}</guid>'
            f"<pubDate>{format_datetime(published_at(index), usegmt=True)}</pubDate>"
            f"<description>{html.escape(description, quote=False)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{SITE_NAME}: Russia and North Korea</title><link>{{{{BASE_URL}}}}/</link>"
        "<description>Synthetic coverage for rnk's ingest benchmark.</description><language>en</language>"
        f"<lastBuildDate>{format_datetime(NEWEST, usegmt=True)}</lastBuildDate>"
        + "\n".join(entries)
        + "</channel></rss>\n"
    )


# --- cache --------------------------------------------------------------------------------------


def site_dir(pages: int, seed: int, out: Path = OUT) -> Path:
    return out / f"site-{pages}p-seed{seed}-v{GENERATOR_VERSION}"


def _load(root: Path) -> Site | None:
    try:
        data = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        data["root"] = root
        site = Site(**data)
    except (OSError, ValueError, TypeError):
        return None
    return site


def generate(root: Path, pages: int, seed: int) -> Site:
    """Write the site into `root` (which must exist and be empty)."""
    (root / "articles").mkdir()
    items: list[tuple[int, str, str]] = []
    sizes: list[int] = []
    words: list[int] = []
    for index in range(1, pages + 1):
        page, title, description, n_words = article_html(index, pages, seed)
        data = page.encode("utf-8")
        (root / article_path(index).lstrip("/")).write_bytes(data)
        items.append((index, title, description))
        sizes.append(len(data))
        words.append(n_words)
    (root / "feed.xml").write_text(feed_xml(items), encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    relevant = sum(1 for index in range(1, pages + 1) if is_relevant(index))
    site = Site(
        root=root,
        pages=pages,
        seed=seed,
        relevant=relevant,
        irrelevant=pages - relevant,
        bytes_total=sum(sizes),
        bytes_min=min(sizes),
        bytes_max=max(sizes),
        words_mean=sum(words) / len(words),
    )
    manifest = {k: v for k, v in asdict(site).items() if k != "root"}
    (root / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return site


def ensure_site(pages: int, seed: int = DEFAULT_SEED, out: Path = OUT) -> Site:
    """The cached site for (pages, seed), generated first if missing."""
    final = site_dir(pages, seed, out)
    cached = _load(final)
    if cached is not None and cached.pages == pages and cached.seed == seed:
        return cached
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".gen-", dir=out))
    try:
        generate(staging, pages, seed)
        if final.exists():
            shutil.rmtree(final)
        os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    loaded = _load(final)
    assert loaded is not None
    return loaded
