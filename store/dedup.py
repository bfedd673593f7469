"""THE dedup rules: which story a new article joins, decided inside one locked transaction.

In order, the first that holds names the rule recorded on the article (`dedup_rule`),
and every story matched by any rule is merged into one (so the stories are the connected
components of the match relation, whatever the order articles arrive in):

1. `url`: the article's URL or canonical URL is already stored: it is the same page, a
   duplicate, not a new row (nothing is counted twice).
2. `exact`: the same normalized text (content hash).
3. `title`: the same outlet, the same UTC day, the same normalized title (Media Cloud's
   rule; live-updated pages whose text changed).
4. `near`: LSH candidates (shared MinHash band) confirmed by shingle containment
   >= NEAR_CONTAINMENT, or >= NEAR_CONTAINMENT_SAME_TITLE when the normalized titles agree;
   containment is estimated from the stored MinHash signatures and set sizes, and
   computed exactly on the texts when the estimate is within UNSURE of the threshold.
5. `short`: when either text has under SHORT_TEXT_WORDS words, containment of a few dozen
   shingles is brittle: a candidate (shared band, or the same normalized title) is
   confirmed when the leads (first LEAD_WORDS words) have containment >=
   SHORT_LEAD_CONTAINMENT and the normalized titles word-Jaccard >= SHORT_TITLE_SIMILARITY.
6. `new`: none of the above: a new story.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from store.fingerprint import (
    SHORT_TEXT_WORDS,
    Fingerprint,
    containment,
    estimated_containment,
    shingles,
    title_similarity,
    words_of,
)
from store.models import Article, ArticleBand, Story

NEAR_CONTAINMENT = 0.60
NEAR_CONTAINMENT_SAME_TITLE = 0.35
SHORT_LEAD_CONTAINMENT = 0.50
SHORT_TITLE_SIMILARITY = 0.50
LEAD_WORDS = 40
MAX_CANDIDATES = 50
TITLE_KEY_MIN_WORDS = 3

ARTICLE: sa.Table = Article.__table__  # type: ignore[attr-defined]
BAND: sa.Table = ArticleBand.__table__  # type: ignore[attr-defined]
STORY: sa.Table = Story.__table__  # type: ignore[attr-defined]
CANDIDATE_COLUMNS = (
    ARTICLE.c.id,
    ARTICLE.c.story_id,
    ARTICLE.c.title_key,
    ARTICLE.c.word_count,
    ARTICLE.c.minhash,
    ARTICLE.c.shingle_count,
)
UNSURE = 0.10
"""An estimated containment this close to its threshold is re-checked on the texts."""


@dataclass
class Decision:
    """Why an article is in its story."""

    rule: str
    story_id: int | None = None
    match_id: int | None = None
    score: float | None = None
    merge: set[int] = field(default_factory=set)


URL_DUPLICATE = sa.text(
    "SELECT id FROM article WHERE url IN (:a, :b) "
    "UNION ALL SELECT id FROM article WHERE canonical_url IN (:a, :b) LIMIT 1"
)  # one statement, four index probes (url and canonical_url are both indexed)


SAME_TEXT = sa.select(ARTICLE.c.id, ARTICLE.c.story_id).where(
    ARTICLE.c.content_hash == sa.bindparam("content_hash")
)
SAME_TITLE = sa.select(ARTICLE.c.id, ARTICLE.c.story_id).where(
    ARTICLE.c.title_key == sa.bindparam("title_key"),
    ARTICLE.c.source_id == sa.bindparam("source_id"),
    ARTICLE.c.published_day == sa.bindparam("published_day"),
)
BAND_CANDIDATES = sa.select(*CANDIDATE_COLUMNS).where(
    ARTICLE.c.id.in_(
        sa.select(BAND.c.article_id)
        .where(BAND.c.band.in_(sa.bindparam("bands", expanding=True)))
        .distinct()
        .limit(MAX_CANDIDATES)
        .scalar_subquery()
    )
)
"""Run for every stored article: built once (building a statement costs more than running it)."""


def url_duplicate(connection: sa.Connection, url: str, canonical: str) -> int | None:
    """The id of a stored article at this URL or canonical URL, if any."""
    found = connection.execute(URL_DUPLICATE, {"a": url, "b": canonical}).scalar()
    return None if found is None else int(found)


def _text(connection: sa.Connection, article_id: int) -> str:
    return str(connection.execute(sa.select(ARTICLE.c.text).where(ARTICLE.c.id == article_id)).scalar() or "")


def _lead(words: list[str]) -> set[int]:
    return shingles(words[:LEAD_WORDS])


def decide(
    connection: sa.Connection, fp: Fingerprint, text: str, source_id: int, published_day: str
) -> Decision:
    """Find every story the new article belongs to; the first matching rule names it."""
    matches: list[tuple[str, int, int, float]] = []  # rule, article id, story id, score
    for row in connection.execute(SAME_TEXT, {"content_hash": fp.content_hash}):
        matches.append(("exact", row.id, row.story_id, 1.0))
    if len(fp.title_key.split()) >= TITLE_KEY_MIN_WORDS:
        title_params = {"title_key": fp.title_key, "source_id": source_id, "published_day": published_day}
        for row in connection.execute(SAME_TITLE, title_params):
            matches.append(("title", row.id, row.story_id, 1.0))
    words_cache: list[list[str]] = []

    def words() -> list[str]:  # tokenized only when a check needs the text itself
        if not words_cache:
            words_cache.append(words_of(text))
        return words_cache[0]

    candidates: dict[int, sa.Row] = {}
    if fp.lsh_bands:
        for found in connection.execute(BAND_CANDIDATES, {"bands": list(fp.lsh_bands)}):
            candidates[found.id] = found
    if fp.words < SHORT_TEXT_WORDS and len(fp.title_key.split()) >= TITLE_KEY_MIN_WORDS:
        by_title = sa.select(*CANDIDATE_COLUMNS).where(ARTICLE.c.title_key == fp.title_key)
        for found in connection.execute(by_title.limit(MAX_CANDIDATES)):
            candidates[found.id] = found
    for candidate in candidates.values():
        if min(fp.words, candidate.word_count) >= SHORT_TEXT_WORDS:
            same_title = bool(fp.title_key) and candidate.title_key == fp.title_key
            threshold = NEAR_CONTAINMENT_SAME_TITLE if same_title else NEAR_CONTAINMENT
            score = estimated_containment(
                fp.signature, fp.shingle_count, candidate.minhash, candidate.shingle_count
            )
            if abs(score - threshold) < UNSURE:
                score = containment(shingles(words()), shingles(words_of(_text(connection, candidate.id))))
            if score >= threshold:
                matches.append(("near", candidate.id, candidate.story_id, round(score, 4)))
        else:
            theirs = words_of(_text(connection, candidate.id))
            score = containment(_lead(words()), _lead(theirs))
            titles = title_similarity(fp.title_key, candidate.title_key)
            if score >= SHORT_LEAD_CONTAINMENT and titles >= SHORT_TITLE_SIMILARITY:
                matches.append(("short", candidate.id, candidate.story_id, round(score, 4)))
    if not matches:
        return Decision("new")
    order = {"exact": 0, "title": 1, "near": 2, "short": 3}
    rule, match_id, _story, score = min(matches, key=lambda m: (order[m[0]], -m[3], m[1]))
    stories = {m[2] for m in matches}
    keep = min(stories)
    return Decision(rule, keep, match_id, score, stories - {keep})


def merge_stories(connection: sa.Connection, keep: int, others: set[int]) -> None:
    """Fold stories `others` into `keep`: their articles move, the empty stories go."""
    if not others:
        return
    connection.execute(ARTICLE.update().where(ARTICLE.c.story_id.in_(others)).values(story_id=keep))
    connection.execute(STORY.delete().where(STORY.c.id.in_(others)))
