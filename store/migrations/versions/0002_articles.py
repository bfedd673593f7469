"""Articles and seen URLs, with the report_articles view.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

`story_id` and `event_id` are part of the public contract of `report_articles`; they are
NULL until the deduplication and event migrations fill them, so user queries written
today keep working when they arrive.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0002"
down_revision = "0001"
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
       CAST(NULL AS INTEGER) AS story_id,
       CAST(NULL AS INTEGER) AS event_id
FROM article a
JOIN source s ON s.id = a.source_id
"""


def upgrade() -> None:
    op.create_table(
        "article",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.Text(), nullable=False, unique=True),
        sa.Column("canonical_url", sa.Text(), nullable=False),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("source.id", ondelete="CASCADE"), nullable=False),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("ingest_run.id", ondelete="SET NULL")),
        sa.Column("domain", sa.String(255), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("authors", sa.Text()),
        sa.Column("site_name", sa.Text()),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_source", sa.String(10), nullable=False),
        sa.Column("language", sa.String(12)),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.Column("published_at_source", sa.String(10), nullable=False),
        sa.Column("published_day", sa.String(10), nullable=False),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("relevance", sa.Float(), nullable=False),
        sa.Column("word_count", sa.Integer(), nullable=False),
    )
    op.create_index("ix_article_canonical_url", "article", ["canonical_url"])
    op.create_index("ix_article_language", "article", ["language"])
    op.create_index("ix_article_published_at", "article", ["published_at"])
    op.create_index("ix_article_published_day", "article", ["published_day"])
    op.create_index("ix_article_content_hash", "article", ["content_hash"])
    op.create_index("ix_article_source_published", "article", ["source_id", "published_at"])
    op.create_table(
        "seen_url",
        sa.Column("url", sa.Text(), primary_key=True),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("source.id", ondelete="CASCADE"), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
    )
    op.execute(REPORT_ARTICLES)


def downgrade() -> None:
    op.execute("DROP VIEW report_articles")
    op.drop_table("seen_url")
    op.drop_table("article")
