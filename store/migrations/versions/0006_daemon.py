"""The daemon: adaptive interval and failing flag per feed, and the daemon heartbeat table.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feed_state") as batch:
        batch.add_column(sa.Column("interval_seconds", sa.Float(), nullable=True))
        batch.add_column(sa.Column("failing", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "daemon",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("sources_file", sa.Text(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
        sa.Column("heartbeat_seconds", sa.Float(), nullable=False),
        sa.Column("stopped_at", UTCDateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("daemon")
    with op.batch_alter_table("feed_state") as batch:
        batch.drop_column("failing")
        batch.drop_column("interval_seconds")
