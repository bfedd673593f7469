"""Rollups for the canned reports: coverage and ingest figures per day, kept current from a
list of dirty days.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

Reports over three years of a million articles cannot count distinct stories per group in
a few hundred milliseconds, so they read `coverage_cell` (one row per day, source, language
and event type), `run_cell` (one row per day and source), `story_cell` (one row per story,
keyed by the day of its first copy) and `copy_cell` (copies per day, original source and
copying source). Every measure in them is
additive (articles, stories and events *first published* in the cell), so a week or a
month is a plain SUM, and distinct sources and languages are exact because both are
dimensions. Writers mark the days they touch in `rollup_dirty`; `store.rollups.refresh`
recomputes those days from the base tables (after every crawl and before every report).
The days already stored are marked here, so the first refresh builds the rollups.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

RUN_COUNTS = (
    "n_runs",
    "n_ok",
    "n_not_modified",
    "n_failed",
    "n_interrupted",
    "n_fetched",
    "n_new",
    "n_duplicates",
    "n_irrelevant",
    "n_errors",
)


def _count(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=False, server_default="0")


def upgrade() -> None:
    op.create_table("rollup_dirty", sa.Column("day", sa.String(10), primary_key=True))
    op.create_table(
        "coverage_cell",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column(
            "source_id", sa.Integer(), sa.ForeignKey("source.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("language", sa.String(12), primary_key=True),
        sa.Column("event_type", sa.String(30), primary_key=True),
        sa.Column("week", sa.String(8), nullable=False),
        _count("n_articles"),
        _count("n_new_stories"),
        _count("n_new_events"),
    )
    op.create_table(
        "run_cell",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column(
            "source_id", sa.Integer(), sa.ForeignKey("source.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("week", sa.String(8), nullable=False),
        *(_count(name) for name in RUN_COUNTS),
    )
    op.create_table(
        "story_cell",
        sa.Column("story_id", sa.Integer(), sa.ForeignKey("story.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("first_day", sa.String(10), nullable=False, index=True),
        sa.Column("first_article_id", sa.Integer(), nullable=False),
        sa.Column(
            "first_source_id", sa.Integer(), sa.ForeignKey("source.id", ondelete="CASCADE"), nullable=False
        ),
        _count("n_articles"),
        _count("n_sources"),
        _count("n_languages"),
    )
    op.create_index("ix_story_cell_n_articles", "story_cell", ["n_articles", "story_id"])
    op.create_table(
        "copy_cell",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column(
            "original_source_id",
            sa.Integer(),
            sa.ForeignKey("source.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "copy_source_id", sa.Integer(), sa.ForeignKey("source.id", ondelete="CASCADE"), primary_key=True
        ),
        _count("n_copies"),
        sa.Column("delay_hours", sa.Float(), nullable=False, server_default="0"),
    )
    op.execute("INSERT INTO rollup_dirty (day) SELECT DISTINCT published_day FROM article")
    run_day = (
        "to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        if op.get_bind().dialect.name == "postgresql"
        else "substr(started_at, 1, 10)"
    )
    op.execute(
        f"INSERT INTO rollup_dirty (day) SELECT DISTINCT {run_day} FROM ingest_run "
        "WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty d WHERE d.day = " + run_day + ")"
    )


def downgrade() -> None:
    op.drop_table("copy_cell")
    op.drop_table("story_cell")
    op.drop_table("run_cell")
    op.drop_table("coverage_cell")
    op.drop_table("rollup_dirty")
