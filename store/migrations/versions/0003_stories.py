"""Stories: story table, article story and fingerprint columns, LSH bands, report_stories.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

Articles stored before this revision get their title key and bands computed here, and
each becomes its own story (no merging: re-crawl or reprocess to merge old copies).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0003"
down_revision = "0002"
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
       CAST(NULL AS INTEGER) AS event_id
FROM article a
JOIN source s ON s.id = a.source_id
"""

REPORT_STORIES = """
CREATE VIEW report_stories AS
SELECT st.id AS story_id,
       rep.title,
       agg.first_published_at,
       src.name AS first_source,
       agg.n_articles,
       agg.n_sources,
       agg.n_languages
FROM story st
JOIN (SELECT story_id,
             MIN(published_at) AS first_published_at,
             COUNT(*) AS n_articles,
             COUNT(DISTINCT source_id) AS n_sources,
             COUNT(DISTINCT language) AS n_languages
      FROM article
      GROUP BY story_id) agg ON agg.story_id = st.id
JOIN article rep ON rep.id = (SELECT a2.id FROM article a2
                              WHERE a2.story_id = st.id
                              ORDER BY a2.published_at, a2.id
                              LIMIT 1)
JOIN source src ON src.id = rep.source_id
"""


def upgrade() -> None:
    op.execute("DROP VIEW report_articles")
    op.create_table(
        "story",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    with op.batch_alter_table("article") as batch:
        batch.add_column(sa.Column("story_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("title_key", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("dedup_rule", sa.String(10), nullable=True))
        batch.add_column(sa.Column("dedup_match_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("dedup_score", sa.Float(), nullable=True))
        batch.create_foreign_key("fk_article_story_id_story", "story", ["story_id"], ["id"])
        batch.create_index("ix_article_story_id", ["story_id"])
        batch.create_index("ix_article_title_key", ["title_key", "source_id", "published_day"])
    op.create_table(
        "article_band",
        sa.Column("band", sa.BigInteger(), primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("article.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("ix_article_band_article_id", "article_band", ["article_id"])
    _backfill()
    op.execute(REPORT_ARTICLES)
    op.execute(REPORT_STORIES)


def _backfill() -> None:
    from store.fingerprint import fingerprint
    from store.types import utcnow

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, title, text FROM article ORDER BY id")).all()
    for row in rows:
        print_ = fingerprint(row.title, row.text)
        story_id = bind.execute(
            sa.text("INSERT INTO story (created_at) VALUES (:now) RETURNING id"),
            {"now": UTCDateTime().process_bind_param(utcnow(), bind.dialect)},
        ).scalar_one()
        bind.execute(
            sa.text("UPDATE article SET story_id = :s, title_key = :t, dedup_rule = 'new' WHERE id = :i"),
            {"s": story_id, "t": print_.title_key, "i": row.id},
        )
        if print_.lsh_bands:
            bind.execute(
                sa.text("INSERT INTO article_band (band, article_id) VALUES (:b, :i) ON CONFLICT DO NOTHING"),
                [{"b": band, "i": row.id} for band in print_.lsh_bands],
            )


def downgrade() -> None:
    op.execute("DROP VIEW report_stories")
    op.execute("DROP VIEW report_articles")
    op.drop_table("article_band")
    with op.batch_alter_table("article") as batch:
        batch.drop_index("ix_article_title_key")
        batch.drop_index("ix_article_story_id")
        batch.drop_constraint("fk_article_story_id_story", type_="foreignkey")
        for column in ("dedup_score", "dedup_match_id", "dedup_rule", "title_key", "story_id"):
            batch.drop_column(column)
    op.drop_table("story")
    op.execute(REPORT_ARTICLES.replace("a.story_id", "CAST(NULL AS INTEGER) AS story_id"))
