"""What every `rnk` command module shares: the --db option, the usage error, and the helpers that
turn an option's text into what a command works with.

Why a module of its own: the commands live in more than one module (`jobs.cli`, and
`jobs.pictures` for `chart` and `report-html`), and `jobs.cli` cannot be the one they import.
Tests and users run the CLI as `python -m jobs.cli`, where that module is `__main__`; a command
module importing `jobs.cli` would load a second copy of it, whose `UsageProblem` is another class
than the one `main()` catches. Every module importing from here gets the same objects, so a
usage error raised anywhere is exit 2 with the CLI's `error:` line.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from sqlalchemy.engine import Engine

from store.db import DatabaseUrlError, default_database_url, make_engine

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///FILE, postgresql://...) or a file path. "
        "Default: $RNK_DATABASE_URL, else a SQLite file in your data folder.",
        show_default=False,
    ),
]
"""--db, the same on every command that reads or writes the database (one help text to keep)."""


class UsageProblem(Exception):
    """A usage or configuration error: exit status 2."""


def engine_for(db: str | None) -> Engine:
    """The engine for a --db value (default: $RNK_DATABASE_URL, else the data folder's SQLite file).

    A URL rnk cannot use is the user's to fix, so it is a UsageProblem (exit 2), not a crash."""
    try:
        return make_engine(db or default_database_url())
    except DatabaseUrlError as exc:
        raise UsageProblem(str(exc)) from exc


def parse_day(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option (None when not given). `option` names it in the error, so that the
    user sees which of --since and --until to fix; a bad day is a UsageProblem (exit 2)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise UsageProblem(f"{option} {value!r}: write a day as YYYY-MM-DD") from exc
