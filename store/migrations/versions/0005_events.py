"""Events: event, event_actor and event_mention tables; report_events, report_mentions,
report_coverage_daily; report_articles gains its event_id.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

Stories stored before this revision have no event yet: `rnk reprocess` extracts them from the
stored texts (the store cannot run the extractor, which lives in the crawler layer).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

REPORT_ARTICLES = """
CREATE VIEW report_articles AS
SELECT a.id AS article_id,
       a.url,
       a.canonical_url,
       s.name AS source,
       a.domain,
       a.title,
       a.language,
       a.published_at,
       a.fetched_at,
       a.relevance,
       a.story_id,
       m.event_id
FROM article a
JOIN source s ON s.id = a.source_id
LEFT JOIN event_mention m ON m.story_id = a.story_id
"""

OLD_REPORT_ARTICLES = """
CREATE VIEW report_articles AS
SELECT a.id AS article_id,
       a.url,
       a.canonical_url,
       s.name AS source,
       a.domain,
       a.title,
       a.language,
       a.published_at,
       a.fetched_at,
       a.relevance,
       a.story_id,
       CAST(NULL AS INTEGER) AS event_id
FROM article a
JOIN source s ON s.id = a.source_id
"""

REPORT_EVENTS = """
CREATE VIEW report_events AS
SELECT e.id AS event_id,
       e.event_type,
       e.cameo_code,
       e.actors,
       e.location,
       e.event_date,
       rep.title,
       agg.first_seen_at,
       agg.last_seen_at,
       agg.n_articles,
       agg.n_stories,
       agg.n_sources,
       agg.n_languages
FROM event e
JOIN (SELECT m.event_id,
             MIN(a.published_at) AS first_seen_at,
             MAX(a.published_at) AS last_seen_at,
             COUNT(*) AS n_articles,
             COUNT(DISTINCT a.story_id) AS n_stories,
             COUNT(DISTINCT a.source_id) AS n_sources,
             COUNT(DISTINCT a.language) AS n_languages
      FROM event_mention m
      JOIN article a ON a.story_id = m.story_id
      WHERE m.event_id IS NOT NULL
      GROUP BY m.event_id) agg ON agg.event_id = e.id
JOIN article rep ON rep.id = (SELECT a2.id
                              FROM event_mention m2
                              JOIN article a2 ON a2.story_id = m2.story_id
                              WHERE m2.event_id = e.id
                              ORDER BY a2.published_at, a2.id
                              LIMIT 1)
"""

REPORT_MENTIONS = """
CREATE VIEW report_mentions AS
SELECT m.event_id,
       a.id AS article_id,
       a.story_id,
       s.name AS source,
       a.language,
       a.published_at
FROM event_mention m
JOIN article a ON a.story_id = m.story_id
JOIN source s ON s.id = a.source_id
WHERE m.event_id IS NOT NULL
"""

REPORT_COVERAGE_DAILY = """
CREATE VIEW report_coverage_daily AS
SELECT a.published_day AS day,
       e.event_type,
       COUNT(*) AS n_articles,
       COUNT(DISTINCT a.story_id) AS n_stories,
       COUNT(DISTINCT e.id) AS n_events,
       COUNT(DISTINCT a.source_id) AS n_sources
FROM article a
LEFT JOIN event_mention m ON m.story_id = a.story_id
LEFT JOIN event e ON e.id = m.event_id
GROUP BY a.published_day, e.event_type
"""


def upgrade() -> None:
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("event_type", sa.String(30), nullable=False),
        sa.Column("cameo_code", sa.String(4), nullable=True),
        sa.Column("actors", sa.Text(), nullable=False),
        sa.Column("location", sa.String(40), nullable=True),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("date_source", sa.String(10), nullable=False),
        sa.Column("people", sa.Text(), nullable=False),
        sa.Column("numbers", sa.Text(), nullable=False),
        sa.Column("extractor_version", sa.String(40), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_event_type_date", "event", ["event_type", "event_date"])
    op.create_table(
        "event_actor",
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("actor", sa.String(8), primary_key=True),
        sa.Column("role", sa.String(10), primary_key=True),
    )
    op.create_index("ix_event_actor_actor", "event_actor", ["actor"])
    op.create_table(
        "event_mention",
        sa.Column("story_id", sa.Integer(), sa.ForeignKey("story.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("event.id"), nullable=True),
        sa.Column("extractor_version", sa.String(40), nullable=False),
        sa.Column("event_type", sa.String(30), nullable=True),
        sa.Column("actors", sa.Text(), nullable=False),
        sa.Column("location", sa.String(40), nullable=True),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("date_source", sa.String(10), nullable=False),
        sa.Column("claimant", sa.String(8), nullable=True),
        sa.Column("people", sa.Text(), nullable=False),
        sa.Column("numbers", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("rule", sa.String(10), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("extracted_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_event_mention_event_id", "event_mention", ["event_id"])
    op.execute("DROP VIEW report_articles")
    op.execute(REPORT_ARTICLES)
    op.execute(REPORT_EVENTS)
    op.execute(REPORT_MENTIONS)
    op.execute(REPORT_COVERAGE_DAILY)


def downgrade() -> None:
    for view in ("report_coverage_daily", "report_mentions", "report_events", "report_articles"):
        op.execute(f"DROP VIEW {view}")
    op.execute(OLD_REPORT_ARTICLES)
    op.drop_table("event_mention")
    op.drop_table("event_actor")
    op.drop_table("event")
