"""Canned reports as data: one .sql file per report, with a header that names its title,
description and parameters (as Datasette's canned queries do). Parameters are always
bound, never pasted into the SQL.

Each file runs unchanged on SQLite and PostgreSQL, with one exception: `HOURS_BETWEEN(a, b)`,
the hours from timestamp `a` to `b`, which the two databases spell differently; `sql_for`
writes it out per dialect. Every parameter is bound as text and '' means "not given", so
a report reads the same from `rnk report`, from Python and from a Datasette form. Results are
made plain (ISO 8601 text for instants and days, floats rounded to 4 places) so that both
databases print the same rows.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from store import rollups
from store.events import CAMEO
from store.migrate import current_revision, head_revision

REPORTS_DIR = Path(__file__).parent
_HEADER = re.compile(r"^--\s*(title|description|param):\s*(.*)$")
_HOURS = re.compile(r"HOURS_BETWEEN\(\s*([\w.]+)\s*,\s*([\w.]+)\s*\)")
_ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:?\d{2}|Z)?$")
PARAM_KINDS = ("date", "text", "int")
logger = logging.getLogger(__name__)


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

    def sql_for(self, dialect: str) -> str:
        """The report's SQL for one dialect ('sqlite' or 'postgresql')."""
        return _HOURS.sub(lambda m: rollups.hours_between(dialect, m.group(1), m.group(2)), self.sql)

    def bind(self, values: dict[str, Any]) -> dict[str, str]:
        """Every declared parameter as text ('' when not given); unknown names, bad dates,
        bad counts and unknown event types refused with a message that says what to write."""
        known = {p.name: p for p in self.params}
        unknown = set(values) - set(known)
        if unknown:
            takes = ", ".join(f"--{p.name.replace('_', '-')}" for p in self.params) or "no parameters"
            first = sorted(unknown)[0]
            raise ReportError(f"report {self.name!r} takes no parameter {first!r} (it takes {takes})")
        bound: dict[str, str] = {}
        for param in self.params:
            value = values.get(param.name)
            text = "" if value is None else str(value).strip()
            option = f"--{param.name.replace('_', '-')}"
            if text and param.kind == "date":
                try:
                    date.fromisoformat(text)
                except ValueError:
                    raise ReportError(f"{option} {text!r}: write a day as YYYY-MM-DD") from None
            if text and param.kind == "int" and not (text.isdigit() and int(text) > 0):
                raise ReportError(f"{option} {text!r}: write a whole number above 0")
            if text and param.name == "event_type" and text not in CAMEO:
                raise ReportError(f"{option} {text!r}: not an event type; choose one of {', '.join(CAMEO)}")
            bound[param.name] = text or param.default
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
                if kind not in PARAM_KINDS:
                    raise ReportError(f"{path.name}: parameter {name!r} has kind {kind!r}; use {PARAM_KINDS}")
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


def plain(value: Any) -> Any:
    """One value as both databases should print it: instants as 'YYYY-MM-DDTHH:MM:SSZ' (UTC),
    days as 'YYYY-MM-DD', decimals and floats as floats rounded to 4 places."""
    if isinstance(value, datetime):
        instant = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return instant.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return round(float(value), 4)
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, str) and _ISO_INSTANT.match(value):
        return plain(datetime.fromisoformat(value.replace("Z", "+00:00")))
    return value


@cache
def _head() -> str:
    return head_revision()


def run_report(
    engine: Engine, name: str, values: dict[str, Any] | None = None, refresh: bool = True
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a canned report with bound parameters; return (columns, rows). The rollups the
    reports read are refreshed first unless `refresh` is False; a database this process may
    not write to is read as it is."""
    report = get_report(name)
    params = report.bind(values or {})
    at, needed = current_revision(engine), _head()
    if at != needed:
        state = "has no rnk schema" if at is None else f"is at schema {at}"
        raise ReportError(f"the database {state}; reports need {needed}: run `rnk init` on it first")
    if refresh:
        try:
            rollups.refresh(engine)
        except Exception as exc:  # read-only access: report what the last refresh left
            logger.warning("report rollups not refreshed (%s); figures may lag the articles", exc)
    with engine.connect() as connection:
        result = connection.execute(sa.text(report.sql_for(connection.dialect.name)), params)
        return list(result.keys()), [tuple(plain(v) for v in row) for row in result]
