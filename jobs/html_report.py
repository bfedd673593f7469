"""The coverage report as one self-contained HTML page (`rnk report-html`): a header with totals
from the rollups, the coverage charts by event type, language and source (inline SVG, from
jobs.charts), and the canned reports as tables.

Why it is built this way:
- The page must open with no network (analysts mail it, archive it, open it on a train): CSS is
  inline, charts are inline SVG with text left as text, and there is no script, font or link.
- It reads the store only through the rollups and the canned reports (`store.reports`), so the
  page shows the same figures as `rnk report`, and stays fast on any size of database.
- An empty database or range still gives a page that says so: a scheduled export never leaves a
  stale page behind.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from jobs.charts import (
    BY_NAMES,
    OTHER,
    TOP_KEYS,
    draw,
    inline_svg,
    read_series,
    refresh_rollups,
    stack_series,
)
from store.db import describe
from store.reports import Report, ReportError, list_reports, run_report
from store.rollups import coverage_totals

# Canned reports shown as tables in the HTML page, in this order; missing ones are skipped, so the
# page picks up reports as they are added. `articles-per-day` stands in when none of them exists.
REPORT_TABLES = (
    "coverage-weekly",
    "event-timeline",
    "first-reporters",
    "syndication",
    "source-activity",
    "language-share",
    "ingest-health",
)
FALLBACK_TABLE = "articles-per-day"
TABLE_ROWS = 20
AUTO_DAY_SPAN = 62  # `--period auto`: daily points up to two months, weekly beyond (readable widths)


CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #eef1f5; color: #1d2430;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 20px 40px; }
header { background: #1d3557; color: #fff; border-radius: 10px; padding: 20px 24px; margin-bottom: 18px; }
header h1 { margin: 0 0 4px; font-size: 26px; }
header p { margin: 0 0 12px; color: #d7e1ee; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0 0 14px; }
dl.meta dt { color: #b9c8dc; } dl.meta dd { margin: 0; word-break: break-all; }
.totals { display: flex; flex-wrap: wrap; gap: 10px; }
.total { background: #fff; color: #1d3557; border-radius: 8px; padding: 8px 16px; min-width: 120px; }
.total b { display: block; font-size: 24px; } .total span { font-size: 13px; color: #4a5a70; }
section { background: #fff; border-radius: 10px; padding: 16px 20px; margin-bottom: 18px;
  box-shadow: 0 1px 3px rgba(20, 30, 50, .12); }
section h2 { margin: 0 0 6px; font-size: 19px; color: #1d3557; }
section p.desc { margin: 0 0 10px; color: #4a5a70; }
figure { margin: 0; } figure svg { width: 100%; height: auto; display: block; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th, td { padding: 5px 8px; border-bottom: 1px solid #e3e7ee; text-align: left; vertical-align: top; }
th { background: #f3f5f9; color: #33415a; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr:nth-child(even) td { background: #fafbfd; }
p.note { margin: 8px 0 0; font-size: 13px; color: #6a7689; }
footer { color: #6a7689; font-size: 13px; text-align: center; }
"""


def _cell(value: Any) -> str:
    """A value as `run_report` gives it (instants and days already ISO 8601 text)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def html_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], limit: int = TABLE_ROWS) -> str:
    """A table of at most `limit` rows, every text escaped; numeric columns right-aligned."""
    shown = list(rows[:limit])
    numeric = [
        all(isinstance(r[i], int | float) and not isinstance(r[i], bool) for r in shown if r[i] is not None)
        and any(r[i] is not None for r in shown)
        for i in range(len(columns))
    ]
    head = "".join(
        f'<th{" class=num" if numeric[i] else ""}>{html.escape(str(c))}</th>' for i, c in enumerate(columns)
    )
    body = "\n".join(
        "<tr>"
        + "".join(
            f'<td{" class=num" if numeric[i] else ""}>{html.escape(_cell(v))}</td>' for i, v in enumerate(row)
        )
        + "</tr>"
        for row in shown
    )
    note = f'<p class="note">showing {len(shown)} of {len(rows)} rows</p>' if len(rows) > len(shown) else ""
    if not rows:
        note = '<p class="note">no rows in this range</p>'
    table = f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"
    return f'<div class="scroll">{table}</div>{note}'


def _bounds(since: date | None, until: date | None) -> dict[str, str]:
    """--since and --until as the days to bind, the whole range when not given."""
    return {
        "since": since.isoformat() if since else "0001-01-01",
        "until": until.isoformat() if until else "9999-12-31",
    }


def _report_section(engine: Engine, report: Report, since: date | None, until: date | None) -> str:
    """One canned report as a section. The caller has refreshed the rollups."""
    name = report.name
    names = {p.name for p in report.params}
    # Bounds are always passed (the whole range when not asked): a date parameter's default
    # may be empty, and a report with a limit chooses its own most telling rows.
    wanted: dict[str, Any] = {**_bounds(since, until), "limit": TABLE_ROWS}
    values = {k: v for k, v in wanted.items() if k in names}
    try:
        columns, rows = run_report(engine, name, values, refresh=False)
        body = html_table(columns, rows)
        if "limit" in names and len(rows) >= TABLE_ROWS:
            body += (f'<p class="note">the report\'s first {TABLE_ROWS} rows; '
                     f"<code>rnk report {html.escape(name)}</code> gives them all</p>")  # fmt: skip
    except (ReportError, sa.exc.SQLAlchemyError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        body = f'<p class="note">could not run this report: {html.escape(first_line[:300])}</p>'
    return (
        f'<section id="report-{html.escape(name)}">\n<h2>{html.escape(report.title)}</h2>\n'
        f'<p class="desc">{html.escape(report.description)} '
        f"<small>(<code>rnk report {html.escape(name)}</code>)</small></p>\n{body}\n</section>"
    )


def _totals(engine: Engine, since: date | None, until: date | None) -> dict[str, Any]:
    """Totals for the header, from the rollups (fast on any size of database)."""
    return coverage_totals(engine, **_bounds(since, until))


def build_report_html(
    engine: Engine,
    since: date | None = None,
    until: date | None = None,
    period: str = "auto",
    now: datetime | None = None,
) -> str:
    """The whole page as a string. An empty database (or range) still gives a page: totals of
    zero, charts that say so, and the report tables that exist, so a scheduled export never
    leaves a stale page behind."""
    refresh_rollups(engine)
    totals = _totals(engine, since, until)
    if period == "auto":
        first, last = totals["first day"], totals["last day"]
        span = (date.fromisoformat(str(last)) - date.fromisoformat(str(first))).days if first else 0
        period = "day" if span <= AUTO_DAY_SPAN else "week"
    charts = []
    for index, by in enumerate(("event_type", "language", "source")):
        stack = stack_series(read_series(engine, by, period, since, until), by, period, since, until)
        title = f"Coverage by {BY_NAMES[by]}"
        svg = draw(stack, "svg", title=f"Articles per {period} by {BY_NAMES[by]}", salt=f"rnk-{by}")
        charts.append(
            f'<section id="chart-{by}">\n<h2>{html.escape(title)}</h2>\n'
            f'<p class="desc">Articles per {period} (every copy counts), top {TOP_KEYS} '
            f'{html.escape(BY_NAMES[by])}s, the rest as "{OTHER}". '
            f"<small>(<code>rnk chart coverage --by {by} --period {period}</code>)</small></p>\n"
            f"<figure>{inline_svg(svg, f'c{index}-', title)}</figure>\n</section>"
        )
    reports = {r.name: r for r in list_reports()}
    shown = [n for n in REPORT_TABLES if n in reports]
    if not shown and FALLBACK_TABLE in reports:
        shown = [FALLBACK_TABLE]
    sections = [_report_section(engine, reports[n], since, until) for n in shown]
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat()
    asked = f"{since.isoformat() if since else 'the beginning'} to {until.isoformat() if until else 'today'}"
    found = "no articles in this range"
    if totals["first day"]:
        found = f"{totals['first day']} to {totals['last day']}"
    meta = {
        "database": describe(engine),
        "generated": stamp,
        "range asked": asked,
        "articles published": found,
        "charts": f"per {period}",
    }
    meta_html = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in meta.items())
    cards = "".join(
        f'<div class="total"><b>{int(totals[k]):,}</b><span>{html.escape(k)}</span></div>'
        for k in ("articles", "new stories", "new events", "sources", "languages")
    )
    empty = (
        "" if totals["articles"] else '<p class="note">No articles in this range: run rnk crawl, or widen '
        "--since/--until.</p>"
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>rnk coverage report, {html.escape(found)}</title>",
            f"<style>{CSS}</style>",
            "</head>",
            "<body>",
            "<main>",
            "<header>",
            "<h1>Russia–North Korea: press coverage</h1>",
            "<p>What rnk collected: articles about the relationship, their events, sources and "
            "languages.</p>",
            f'<dl class="meta">{meta_html}</dl>',
            f'<div class="totals">{cards}</div>',
            empty,
            "</header>",
            *charts,
            *sections,
            f"<footer>rnk report-html · {html.escape(stamp)} · figures from the rollups and the "
            "canned reports (<code>rnk report --list</code>)</footer>",
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )
