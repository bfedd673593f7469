"""Why an article is in its story: the rule that placed it, the article it matched, the
similarity, and the story's other copies. Read-only; backs `rnk explain URL`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from store.dedup import (
    NEAR_CONTAINMENT,
    NEAR_CONTAINMENT_SAME_TITLE,
    SHORT_LEAD_CONTAINMENT,
    SHORT_TITLE_SIMILARITY,
)

RULES = {
    "new": "no stored article matched: it opened a new story",
    "exact": "the same normalized text as {match} (content hash)",
    "title": "the same outlet, the same UTC day and the same normalized title as {match}",
    "near": (
        f"a near-duplicate of {{match}}: shingle containment {{score}} (threshold {NEAR_CONTAINMENT}, "
        f"or {NEAR_CONTAINMENT_SAME_TITLE} with the same normalized title)"
    ),
    "short": (
        f"a short text matching {{match}} by title and lead: lead containment {{score}} (threshold "
        f"{SHORT_LEAD_CONTAINMENT}, titles word-Jaccard >= {SHORT_TITLE_SIMILARITY})"
    ),
}


@dataclass
class Explanation:
    url: str
    found: bool
    outcome: str
    article: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    match: dict[str, Any] | None = None
    story: list[dict[str, Any]] = field(default_factory=list)
    event: dict[str, Any] | None = None  # the story's event: extraction, evidence, decision


ARTICLE_SQL = """
SELECT a.id, a.url, a.canonical_url, s.name AS source, a.title, a.language, a.published_at,
       a.story_id, a.dedup_rule, a.dedup_match_id, a.dedup_score
FROM article a JOIN source s ON s.id = a.source_id
"""


def _plain(row: Any) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row._mapping.items()}


def explain(engine: Engine, urls: list[str]) -> Explanation:
    """Explain the first of `urls` (the URL as given, then its canonical form) that rnk knows."""
    with engine.connect() as connection:
        for url in urls:
            row = connection.execute(
                sa.text(ARTICLE_SQL + " WHERE a.url = :u OR a.canonical_url = :u ORDER BY a.id LIMIT 1"),
                {"u": url},
            ).first()
            if row is not None:
                return _explain_row(connection, url, row)
        for url in urls:
            seen = connection.execute(
                sa.text("SELECT outcome, first_seen_at FROM seen_url WHERE url = :u"), {"u": url}
            ).first()
            if seen is not None:
                reason = {
                    "irrelevant": "seen and judged not about the Russia–North Korea relationship: not stored",
                    "duplicate": "seen as a page already stored under another URL: not stored twice",
                }.get(seen.outcome, f"seen with outcome {seen.outcome}")
                return Explanation(
                    url, True, seen.outcome, reason=f"{reason} (first seen {seen.first_seen_at})"
                )
    return Explanation(urls[0], False, "unknown", reason="rnk has not seen this URL")


def _explain_row(connection: sa.Connection, url: str, row: Any) -> Explanation:
    match = None
    if row.dedup_match_id is not None:
        found = connection.execute(
            sa.text(ARTICLE_SQL + " WHERE a.id = :i"), {"i": row.dedup_match_id}
        ).first()
        match = _plain(found) if found is not None else None
    described = f"article {row.dedup_match_id}" + (
        f" ({match['source']}: {match['title']!r})" if match else ""
    )
    template = RULES.get(row.dedup_rule or "new", "rule {rule}")
    reason = template.format(match=described, score=row.dedup_score, rule=row.dedup_rule)
    members = connection.execute(
        sa.text(ARTICLE_SQL + " WHERE a.story_id = :s ORDER BY a.published_at, a.id"), {"s": row.story_id}
    ).all()
    return Explanation(
        url,
        True,
        "stored",
        _plain(row),
        reason,
        match,
        [_plain(m) for m in members],
        _event(connection, row.story_id),
    )


EVENT_RULES = {
    "opened": "no stored event matched its signature: the story opened event {event_id}",
    "joined": "joined event {event_id} (score {score}; {details})",
    "none": "no event: {reason}",
}


def _event(connection: sa.Connection, story_id: int | None) -> dict[str, Any] | None:
    """What the extractor found in the article's story and which event it went to."""
    if story_id is None:
        return None
    mention = connection.execute(
        sa.text("SELECT * FROM event_mention WHERE story_id = :s"), {"s": story_id}
    ).first()
    if mention is None:
        return {"reason": "not extracted yet: run `rnk reprocess`"}
    data = _plain(mention)
    if isinstance(data.get("evidence"), str):
        data["evidence"] = json.loads(data["evidence"])
    if isinstance(data.get("details"), str):
        data["details"] = json.loads(data["details"])
    data["reason"] = EVENT_RULES.get(mention.rule, "{rule}").format(**{**data, "reason": mention.reason})
    if mention.event_id is not None:
        summary = connection.execute(
            sa.text("SELECT * FROM report_events WHERE event_id = :e"), {"e": mention.event_id}
        ).first()
        data["summary"] = _plain(summary) if summary is not None else None
    return data
