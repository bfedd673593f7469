"""Engines and sessions: one place that knows the database URL rules and SQLite's pragmas.

The engine is always passed in (never a module global) so tests parametrize over SQLite
and PostgreSQL with the same code, and two processes never share hidden state.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from platformdirs import user_data_dir
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

DATABASE_URL_ENV = "RNK_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 30_000


class DatabaseUrlError(ValueError):
    """The database URL cannot be used (unknown scheme, unparseable)."""


def default_database_url() -> str:
    """`RNK_DATABASE_URL`, else a SQLite file in the user's data folder."""
    from_env = os.environ.get(DATABASE_URL_ENV)
    if from_env:
        return from_env
    return f"sqlite:///{Path(user_data_dir('rnk')) / 'rnk.db'}"


def normalize_url(url: str) -> str:
    """Accept the URL forms users type: a bare path means SQLite; postgres:// means psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError as exc:
        raise DatabaseUrlError(f"cannot parse database URL {url!r}: {exc}") from exc
    if parsed.drivername in {"postgres", "postgresql"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise DatabaseUrlError(
            f"unsupported database {parsed.get_backend_name()!r}: use sqlite:///PATH or postgresql://..."
        )
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers (reports) run beside one writer; busy_timeout waits instead of failing.

    pysqlite's own transaction handling is switched off (isolation_level None) so that
    SQLAlchemy's `begin` below decides how a transaction starts: `BEGIN IMMEDIATE` for a
    writer that reads before it writes (dedup decisions), taking the write lock first, so
    two processes cannot both decide on a stale snapshot."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: sa.Connection) -> None:
    immediate = connection.get_execution_options().get(WRITE_LOCK, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


WRITE_LOCK = "rnk_write_lock"
"""Execution option: this transaction decides on what it reads, so it must hold the write
lock from its first statement (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock)."""
DEDUP_ADVISORY_KEY = 0x726E6B  # 'rnk'


@contextmanager
def locked_transaction(engine: Engine) -> Iterator[sa.Connection]:
    """A transaction serialized against every other locked transaction on the database,
    across processes and machines: read, decide, write, with no race in between."""
    with engine.connect().execution_options(**{WRITE_LOCK: True}) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": DEDUP_ADVISORY_KEY})
        yield connection


def insert_or_ignore(table: sa.Table, index_elements: list[str] | None = None) -> dict[str, Any]:
    """`INSERT ... ON CONFLICT DO NOTHING` on `table`, one statement per dialect name, to be
    built once and run with a dict of values: building an upsert costs more than running it."""
    return {
        "postgresql": pg_insert(table).on_conflict_do_nothing(index_elements=index_elements),
        "sqlite": sqlite_insert(table).on_conflict_do_nothing(index_elements=index_elements),
    }


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """Create an engine for `url` (default: `default_database_url()`), with SQLite set up."""
    resolved = normalize_url(url or default_database_url())
    parsed = make_url(resolved)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(resolved, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(resolved, pool_pre_ping=True, **kwargs)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One read-then-write transaction: committed when the block ends, rolled back on any
    exception. It is serialized like `locked_transaction`: on SQLite it takes the write
    lock first (BEGIN IMMEDIATE: a deferred transaction that reads, then writes after
    another process committed, fails with "database is locked" instead of waiting); on
    PostgreSQL it takes the advisory lock (two daemons syncing one source cannot both
    insert it)."""
    with (
        engine.connect().execution_options(**{WRITE_LOCK: True}) as connection,
        Session(bind=connection, expire_on_commit=False) as session,
    ):
        try:
            if connection.dialect.name == "postgresql":  # the same serialization, across machines
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": DEDUP_ADVISORY_KEY})
            yield session
            session.commit()
            connection.commit()
        except BaseException:
            session.rollback()
            raise


def describe(engine: Engine) -> str:
    """The URL for messages, password hidden."""
    return engine.url.render_as_string(hide_password=True)
