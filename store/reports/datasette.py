"""Datasette configuration generated from the canned reports (issue 6).

Why generate it: the .sql files in this folder are the one source of truth for the reports;
`rnk report` runs them, and Datasette (>= 1.0a) can offer the same queries as canned queries
with a form and a JSON API. A hand-written datasette.yml would drift as reports are added, so
the committed `datasette.yml` is produced by this module and a test fails when it is stale:

    python -m store.reports.datasette [--db-name rnk] > datasette.yml
    datasette rnk.db -c datasette.yml

The database key is the name Datasette gives the file (its stem: `rnk.db` -> `rnk`). The SQL
is the report's SQLite form (`Report.sql_for("sqlite")`), since Datasette serves SQLite only.

Datasette has no parameter defaults: a blank form field, or a parameter left out of the URL,
is bound as ''. `rnk report` binds a header's default instead. So that a blank field means
the same as an option not given, every parameter with a non-empty default is wrapped as
`COALESCE(NULLIF(:name, ''), 'default')` in the generated SQL (the default bound as text, as
`Report.bind` does), unless the report already reads it so (its SQL has `NULLIF(:name, '')`).
Parameters whose default is empty are left alone: the reports read '' as "all". The queries
are read-only (no `write: true`) and nothing is hidden.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from store.reports import Report, list_reports

DEFAULT_DB_NAME = "rnk"
COMMAND = "python -m store.reports.datasette"

# String literals, quoted identifiers and comments are skipped; only a bare `:name` (not the
# second colon of a PostgreSQL `::cast`) is a parameter.
_SQL_TOKENS = re.compile(
    r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/|(?<![:\w]):(?P<name>[A-Za-z_]\w*)", re.DOTALL
)


# Words YAML 1.1 (PyYAML) reads as booleans or null: such a key is quoted.
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def datasette_sql(report: Report) -> str:
    """The report's SQL as SQLite runs it (Datasette serves SQLite only: `HOURS_BETWEEN` written
    out), with each defaulted parameter read as its default when blank."""
    defaults = {
        p.name: p.default
        for p in report.params
        if p.default != ""
        and not re.search(rf"NULLIF\(\s*:{p.name}\s*,\s*''\s*\)", report.sql, re.IGNORECASE)
    }

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name is None or name not in defaults:
            return match.group(0)
        return f"COALESCE(NULLIF(:{name}, ''), {_literal(defaults[name])})"

    return _SQL_TOKENS.sub(replace, report.sql_for("sqlite")).strip()


def _description(report: Report) -> str:
    """The report's description, then each parameter's help: Datasette shows no help of its own."""
    parts = [report.description.strip()] if report.description.strip() else []
    helps = []
    for param in report.params:
        default = f", {param.default} if blank" if param.default else ""
        helps.append(f"{param.name} = {param.help}{default}")
    if helps:
        parts.append("Parameters: " + " · ".join(helps) + ".")
    return " ".join(parts)


def datasette_config(reports: Iterable[Report], db_name: str = DEFAULT_DB_NAME) -> dict[str, Any]:
    """A Datasette (>= 1.0a) configuration offering every report as a read-only canned query."""
    queries: dict[str, Any] = {}
    for report in reports:
        query: dict[str, Any] = {
            "title": report.title,
            "description": _description(report),
            "sql": datasette_sql(report),
        }
        if report.params:
            query["params"] = [p.name for p in report.params]
        queries[report.name] = query
    return {"databases": {db_name: {"queries": queries}}}


def _block(text: str, indent: str) -> str:
    """A YAML literal block (`|-`), so the SQL reads as written; JSON quoting if it cannot be one."""
    lines = text.split("\n")
    if not text or text != text.strip() or any("\t" in line or line != line.rstrip() for line in lines):
        return json.dumps(text, ensure_ascii=False)
    return "|-\n" + "\n".join(indent + line if line else "" for line in lines)


def _yaml(value: Any, indent: int) -> list[str]:
    """A small YAML writer for this config's shape (dicts, lists, strings), so that generating
    the file needs no YAML library; scalars are JSON strings, which YAML reads as they are."""
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            plain = re.fullmatch(r"[A-Za-z_][\w-]*", key) and key.lower() not in _YAML_WORDS
            name = key if plain else json.dumps(key)
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{name}:")
                lines.extend(_yaml(item, indent + 1))
            elif isinstance(item, str) and "\n" in item:
                lines.append(f"{pad}{name}: {_block(item, pad + '  ')}")
            else:
                lines.append(f"{pad}{name}: {json.dumps(item, ensure_ascii=False)}")
    elif isinstance(value, list):
        lines.extend(f"{pad}- {json.dumps(item, ensure_ascii=False)}" for item in value)
    else:
        raise TypeError(f"no YAML for {type(value).__name__}")
    return lines


def render(config: dict[str, Any], db_name: str = DEFAULT_DB_NAME) -> str:
    """The datasette.yml text: a header saying how to regenerate it, then the config."""
    command = COMMAND if db_name == DEFAULT_DB_NAME else f"{COMMAND} --db-name {db_name}"
    header = [
        "# Datasette configuration: rnk's canned reports (store/reports/*.sql) as canned queries.",
        f"# Generated; do not edit. Regenerate after adding or changing a report: {command} > datasette.yml",
        f"# Use: datasette {db_name}.db -c datasette.yml   (the database key is the file's stem)",
    ]
    return "\n".join([*header, *_yaml(config, 0)]) + "\n"


def generate(db_name: str = DEFAULT_DB_NAME) -> str:
    """datasette.yml for the reports in this folder now."""
    return render(datasette_config(list_reports(), db_name), db_name)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND, description="Print a datasette.yml offering rnk's reports as canned queries."
    )
    parser.add_argument(
        "--db-name", default=DEFAULT_DB_NAME, help="Datasette's name for the database: the file's stem (rnk)."
    )
    args = parser.parse_args(argv)
    sys.stdout.write(generate(args.db_name))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
