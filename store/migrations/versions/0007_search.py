"""Full-text search over article titles and texts, kept current by the database.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

SQLite: an FTS5 table (`unicode61`, diacritics folded) with the article table as external
content, filled by triggers on insert, update and delete. PostgreSQL: a GIN index on the
`simple` tsvector of title and text (no stemming: queries match word prefixes, which covers the
inflections of every language alike). Existing articles are indexed here.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SQLITE = [
    """CREATE VIRTUAL TABLE article_fts USING fts5(
           title, text, content='article', content_rowid='id',
           tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER article_fts_insert AFTER INSERT ON article BEGIN
           INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
       END""",
    """CREATE TRIGGER article_fts_delete AFTER DELETE ON article BEGIN
           INSERT INTO article_fts(article_fts, rowid, title, text)
           VALUES ('delete', old.id, old.title, old.text);
       END""",
    """CREATE TRIGGER article_fts_update AFTER UPDATE OF title, text ON article BEGIN
           INSERT INTO article_fts(article_fts, rowid, title, text)
           VALUES ('delete', old.id, old.title, old.text);
           INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
       END""",
    "INSERT INTO article_fts(article_fts) VALUES ('rebuild')",
]
POSTGRES_INDEX = (
    "CREATE INDEX ix_article_search ON article USING gin "
    "(to_tsvector('simple'::regconfig, title || ' ' || text))"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_INDEX)
    else:
        for statement in SQLITE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_article_search")
    else:
        for trigger in ("article_fts_insert", "article_fts_delete", "article_fts_update"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE article_fts")
