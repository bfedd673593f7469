"""Canned reports as data: one .sql file per report, with a header that names its title,
description and parameters (as Datasette's canned queries do). Parameters are always
bound, never pasted into the SQL."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

REPORTS_DIR = Path(__file__).parent
_HEADER = re.compile(r"^--\s*(title|description|param):\s*(.*)$")


class ReportError(ValueError):
    """Unknown report or bad parameter."""


@dataclass(frozen=True)
class ReportParam:
    name: str
    kind: str
    help: str
    default: str


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    description: str
    sql: str
    params: tuple[ReportParam, ...] = field(default_factory=tuple)

    def bind(self, values: dict[str, Any]) -> dict[str, Any]:
        """Defaults for missing parameters; unknown names and bad dates refused."""
        known = {p.name: p for p in self.params}
        unknown = set(values) - set(known)
        if unknown:
            raise ReportError(f"report {self.name!r} takes no parameter {sorted(unknown)[0]!r}")
        bound: dict[str, Any] = {}
        for param in self.params:
            value = values.get(param.name)
            value = param.default if value is None else str(value)
            if param.kind == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ReportError(f"--{param.name} {value!r}: write a date as YYYY-MM-DD")
            bound[param.name] = value
        return bound


def _parse(path: Path) -> Report:
    meta: dict[str, str] = {}
    params: list[ReportParam] = []
    body: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _HEADER.match(line)
        if match and not body:
            key, value = match.groups()
            if key == "param":
                name, kind, help_text, default = (part.strip() for part in (value.split("|") + [""] * 4)[:4])
                params.append(ReportParam(name, kind, help_text, default))
            else:
                meta[key] = value.strip()
        else:
            body.append(line)
    return Report(
        path.stem, meta.get("title", path.stem), meta.get("description", ""), "\n".join(body), tuple(params)
    )


def list_reports() -> list[Report]:
    return [_parse(path) for path in sorted(REPORTS_DIR.glob("*.sql"))]


def get_report(name: str) -> Report:
    for report in list_reports():
        if report.name == name:
            return report
    names = ", ".join(r.name for r in list_reports())
    raise ReportError(f"no report named {name!r}; available: {names}")


def run_report(
    engine: Engine, name: str, values: dict[str, Any] | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a canned report with bound parameters; return (columns, rows)."""
    report = get_report(name)
    params = report.bind(values or {})
    with engine.connect() as connection:
        result = connection.execute(sa.text(report.sql), params)
        return list(result.keys()), [tuple(row) for row in result]
