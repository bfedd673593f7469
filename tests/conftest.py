"""Shared fixtures: a loopback site server, databases on SQLite and PostgreSQL, and a way
to run the `rnk` command as a user would (a real process: Scrapy's reactor runs once per
process)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from jobs.localserver import LocalSiteServer
from store.db import make_engine

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
SITE = DATA / "site"
POSTGRES_ENV = "RNK_TEST_POSTGRES_URL"
CORPUS_ENV = "RNK_EXTERNAL_CORPUS"
IN_CI = os.environ.get("CI", "").lower() == "true"

# Settings that make loopback crawls quick without changing what is tested.
FAST = [
    "-s", "AUTOTHROTTLE_ENABLED=False",
    "-s", "DOWNLOAD_TIMEOUT=4",
    "-s", "RETRY_TIMES=1",
    "-s", "RETRY_BACKOFF_BASE=0.1",
    "-s", "DOWNLOAD_MAXSIZE=5000000",
]  # fmt: skip


def skip_or_fail(reason: str) -> None:
    """Skip on a laptop; under CI=true a skipped PostgreSQL or corpus test is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this test must run)")
    pytest.skip(reason)


@pytest.fixture
def site() -> Iterator[LocalSiteServer]:
    with LocalSiteServer(SITE) as server:
        yield server


@pytest.fixture
def plain_site() -> Iterator[LocalSiteServer]:
    """The same site without ETag/Last-Modified: every feed answers 200 every time."""
    with LocalSiteServer(SITE, conditional=False) as server:
        yield server


def _postgres_database() -> Iterator[str]:
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        skip_or_fail(f"{POSTGRES_ENV} is not set")
        return
    name = f"rnk_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(
        make_url(base).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(drivername="postgresql+psycopg", database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database (skipped without one; a failure under CI)."""
    yield from _postgres_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL, once per backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'rnk.db'}"
    else:
        yield from _postgres_database()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def rnk(*args: str, timeout: float = 180) -> Result:
    """Run `rnk ARGS...` in a new process, as a user would."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-m", "jobs.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def write_sources(path: Path, base_url: str, entries: dict[str, str], **extra: str) -> Path:
    """A sources file with one feed per `name -> path on the site`."""
    lines = []
    for name, site_path in entries.items():
        lines += ["[[source]]", f'name = "{name}"', 'kind = "feed"', f'url = "{base_url}{site_path}"']
        lines += [f'{key} = "{value}"' for key, value in extra.items()]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def external_corpus() -> Path:
    folder = os.environ.get(CORPUS_ENV)
    if not folder or not Path(folder).is_dir():
        skip_or_fail(f"{CORPUS_ENV} is not set to the external corpus folder")
    return Path(folder or "")
