"""Sources, feed state and the run log, with the report_runs view.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

REPORT_RUNS = """
CREATE VIEW report_runs AS
SELECT r.id AS run_id,
       s.name AS source,
       r.started_at,
       r.finished_at,
       r.status,
       r.n_fetched,
       r.n_new,
       r.n_duplicates,
       r.n_irrelevant,
       r.n_errors,
       r.error
FROM ingest_run r
JOIN source s ON s.id = r.source_id
"""


def upgrade() -> None:
    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("language", sa.String(12)),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "feed_state",
        sa.Column(
            "source_id", sa.Integer(), sa.ForeignKey("source.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("etag", sa.Text()),
        sa.Column("last_modified", sa.Text()),
        sa.Column("last_poll_at", UTCDateTime()),
        sa.Column("next_poll_at", UTCDateTime()),
        sa.Column("last_new_at", UTCDateTime()),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("last_status", sa.String(20)),
        sa.Column("last_error", sa.Text()),
    )
    op.create_table(
        "ingest_run",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("source.id", ondelete="CASCADE"), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("http_status", sa.Integer()),
        sa.Column("n_fetched", sa.Integer(), nullable=False),
        sa.Column("n_new", sa.Integer(), nullable=False),
        sa.Column("n_duplicates", sa.Integer(), nullable=False),
        sa.Column("n_irrelevant", sa.Integer(), nullable=False),
        sa.Column("n_errors", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text()),
        sa.Column("counters", sa.JSON(), nullable=False),
    )
    op.create_index("ix_ingest_run_source_id", "ingest_run", ["source_id"])
    op.create_index("ix_ingest_run_started_at", "ingest_run", ["started_at"])
    op.execute(REPORT_RUNS)


def downgrade() -> None:
    op.execute("DROP VIEW report_runs")
    op.drop_table("ingest_run")
    op.drop_table("feed_state")
    op.drop_table("source")
