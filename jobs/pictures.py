"""Pictures of the coverage: `rnk chart` draws one chart (PNG or SVG) and `rnk report-html`
writes one self-contained HTML page (charts as inline SVG, tables from the canned reports).

Why it is built this way:
- Drawing is presentation, so it lives in `jobs`; it reads the store only through
  `store.rollups.coverage_series` and the canned reports, and the store never sees matplotlib.
- matplotlib is imported when a picture is drawn, not when `rnk` starts: every command imports
  this module through `jobs.cli`, and importing matplotlib costs a noticeable fraction of a second.
- Figures are built with `matplotlib.figure.Figure`, never pyplot: no global figure state and no
  display, so the Agg renderer (PNG) and the SVG writer work the same under a daemon, a test or a
  cron job.
- The page must open with no network (analysts mail it, archive it, open it on a train): CSS is
  inline, charts are inline SVG with text left as text, and there is no script, font or link.
- This module does not import `jobs.cli`: the tests and users run the CLI as `python -m jobs.cli`,
  where the module is `__main__`, and importing `jobs.cli` from here would load a second copy of
  it. Usage errors therefore print the CLI's `error:` line and exit 2 themselves.
"""

from __future__ import annotations

import html
import io
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, NoReturn

import sqlalchemy as sa
import typer
from rich.console import Console
from sqlalchemy.engine import Engine

from store import rollups
from store.db import default_database_url, describe, make_engine
from store.reports import ReportError, get_report, run_report

err = Console(stderr=True)

TOP_KEYS = 8  # series drawn per chart; the rest are lumped into OTHER (a legend of 30 is unreadable)
OTHER = "other"
BLANK_LABELS = {"event_type": "no event", "language": "unknown", "source": "unknown"}
BY_NAMES = {"event_type": "event type", "source": "source", "language": "language"}
FORMATS = {".png": "png", ".svg": "svg"}
# matplotlib's tab10 without grey (kept for OTHER) and olive; colour-blind friendlier than a rainbow.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")
OTHER_COLOUR = "#9a9a9a"
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

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///FILE, postgresql://...) or a file path. "
        "Default: $RNK_DATABASE_URL, else a SQLite file in your data folder.",
        show_default=False,
    ),
]
SinceOption = Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD (UTC publication day).")]
UntilOption = Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD (inclusive).")]


# ---------------------------------------------------------------------------------------------
# Shaping the series


@dataclass(frozen=True)
class Stack:
    """Coverage ready to draw: one value per contiguous period for each series.

    Periods are contiguous (a day or week without articles is a zero, not a gap) so that the
    x axis is real time; `labels` are largest first, with OTHER last when keys were lumped."""

    by: str
    period: str
    periods: list[date] = field(default_factory=list)  # first day of each period
    labels: list[str] = field(default_factory=list)
    values: list[list[int]] = field(default_factory=list)  # values[label][period]
    lumped: int = 0  # how many keys went into OTHER

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.values)

    def totals(self) -> dict[str, int]:
        return {label: sum(row) for label, row in zip(self.labels, self.values, strict=True)}


def period_start(value: str, period: str) -> date:
    """'2024-06-19' (day) or '2024-W25' (ISO week) -> the period's first day."""
    if period == "week":
        year, week = value.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    return date.fromisoformat(value)


def _periods(first: date, last: date, period: str) -> list[date]:
    step = timedelta(days=7 if period == "week" else 1)
    if period == "week":
        first, last = first - timedelta(days=first.weekday()), last - timedelta(days=last.weekday())
    out: list[date] = []
    current = first
    while current <= last:
        out.append(current)
        current += step
    return out


def stack_series(
    rows: Sequence[tuple[str, str, int]],
    by: str,
    period: str,
    since: date | None = None,
    until: date | None = None,
    top: int = TOP_KEYS,
) -> Stack:
    """Turn `coverage_series` rows into a Stack: the `top` keys by total, the rest as OTHER,
    '' shown as "no event" (event type) or "unknown" (language), periods filled with zeros and
    widened to --since/--until when those are given."""
    if not rows:
        return Stack(by, period)
    blank = BLANK_LABELS.get(by, "unknown")
    counts: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for period_value, key, n in rows:
        counts[key or blank][period_start(period_value, period)] += int(n)
    days = sorted({d for per_key in counts.values() for d in per_key})
    first = min(days[0], since) if since else days[0]
    last = max(days[-1], until) if until else days[-1]
    periods = _periods(first, last, period)
    if len(periods) == 1:  # one point draws no area: give it a zero on each side
        step = timedelta(days=7 if period == "week" else 1)
        periods = [periods[0] - step, periods[0], periods[0] + step]
    ranked = sorted(counts, key=lambda k: (-sum(counts[k].values()), k))
    kept, rest = (ranked, []) if len(ranked) <= top else (ranked[:top], ranked[top:])
    labels = list(kept)
    values = [[counts[k].get(p, 0) for p in periods] for k in kept]
    if rest:
        labels.append(OTHER if OTHER not in kept else f"{OTHER} ({len(rest)} more)")
        values.append([sum(counts[k].get(p, 0) for k in rest) for p in periods])
    return Stack(by, period, periods, labels, values, len(rest))


def colours(stack: Stack) -> list[str]:
    """One colour per series; the lump is grey so it reads as "the rest"."""
    return [
        OTHER_COLOUR if stack.lumped and i == len(stack.labels) - 1 else PALETTE[i % len(PALETTE)]
        for i in range(len(stack.labels))
    ]


# ---------------------------------------------------------------------------------------------
# Drawing


def chart_title(stack: Stack) -> str:
    span = f"{stack.periods[0].isoformat()} – {stack.periods[-1].isoformat()}" if stack.periods else ""
    return f"Articles per {stack.period} by {BY_NAMES.get(stack.by, stack.by)}" + (
        f", {span}" if span else ""
    )


def draw(stack: Stack, fmt: str, title: str | None = None, salt: str = "rnk") -> bytes:
    """Draw a Stack as PNG or SVG bytes: stacked areas (a line when there is one series), with a
    note in place of the data when there is none. `salt` fixes the SVG's ids so that the same
    data gives the same file."""
    import matplotlib

    matplotlib.use("Agg")  # never a display, even if pyplot gets imported elsewhere
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(10, 4.2), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title or chart_title(stack), loc="left", fontsize=12)
    axes.set_ylabel("articles")
    axes.grid(axis="y", color="#e4e4e4", linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if not stack.total:
        axes.text(0.5, 0.5, "no articles in this range", ha="center", va="center",
                  transform=axes.transAxes, fontsize=12, color="#666666")  # fmt: skip
        axes.set_xticks([])
        axes.set_yticks([])
    else:
        # Steps, not slopes: each period's count is a plateau over exactly that period, so a
        # single busy day reads as a block of its height rather than a spike. The extra point
        # closes the last period.
        step = timedelta(days=7 if stack.period == "week" else 1)
        x = mdates.date2num([*stack.periods, stack.periods[-1] + step])  # floats on a date axis
        ys = [[*row, row[-1]] for row in stack.values]
        shades = colours(stack)
        if len(stack.labels) == 1:
            axes.fill_between(x, ys[0], step="post", color=shades[0], alpha=0.25, linewidth=0)
            axes.plot(x, ys[0], drawstyle="steps-post", color=shades[0], linewidth=1.6,
                      label=stack.labels[0])  # fmt: skip
        else:
            axes.stackplot(x, *ys, labels=stack.labels, colors=shades, step="post", linewidth=0)
        axes.xaxis_date()
        locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlim(x[0], x[-1])
        axes.set_ylim(bottom=0)
        # "outside": constrained layout makes room for the legend instead of clipping it.
        figure.legend(loc="outside right upper", frameon=False, fontsize=9, reverse=True,
                      title=BY_NAMES.get(stack.by, stack.by), title_fontsize=9)  # fmt: skip
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        if fmt == "svg":  # no date or creator: the same data gives the same file
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        else:
            figure.savefig(buffer, format=fmt, metadata={"Software": None})
    return buffer.getvalue()


def inline_svg(svg: bytes, prefix: str, label: str) -> str:
    """matplotlib's SVG file as an element for an HTML page: no XML prolog or DOCTYPE (whose
    DTD URL is a network reference), no metadata, ids prefixed so that several charts on one
    page do not share ids, and an accessible name."""
    text = svg.decode("utf-8")
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}\1)", text)
    return text.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label)}" ', 1)


# ---------------------------------------------------------------------------------------------
# Reading


def _engine(db: str | None) -> Engine:
    return make_engine(db or default_database_url())


def _refresh(engine: Engine) -> None:
    """Bring the rollups up to date; a read-only or foreign database is drawn as it is."""
    try:
        rollups.refresh(engine)
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        err.print(f"[yellow]warning:[/yellow] rollups not refreshed ({type(exc).__name__}); "
                  "drawing what they hold", highlight=False, soft_wrap=True)  # fmt: skip


def _series(
    engine: Engine, by: str, period: str, since: date | None, until: date | None
) -> list[tuple[str, str, int]]:
    try:
        return rollups.coverage_series(
            engine,
            by=by,
            since=since.isoformat() if since else None,
            until=until.isoformat() if until else None,
            period=period,
        )
    except sa.exc.SQLAlchemyError as exc:
        _fail(
            f"cannot read coverage from {describe(engine)} ({type(exc).__name__}); "
            "is it an rnk database? (rnk init, then rnk crawl)",
            1,
        )


def _fail(message: str, code: int = 2) -> NoReturn:
    """Print the CLI's error line and exit: 2 for usage, 1 for anything else."""
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"{option} {value!r}: write a day as YYYY-MM-DD")


def _out_path(out: Path, suffixes: dict[str, str] | None) -> str:
    """The output's format from its suffix (usage error when unknown) and a parent that exists."""
    fmt = ""
    if suffixes is not None:
        fmt = suffixes.get(out.suffix.lower(), "")
        if not fmt:
            _fail(f"--out {str(out)!r}: cannot tell the format from {out.suffix or 'no suffix'!r}; "
                  f"end the file name with {' or '.join(suffixes)}")  # fmt: skip
    if not out.parent.is_dir():
        _fail(f"--out {str(out)!r}: folder {str(out.parent)!r} does not exist")
    return fmt


# ---------------------------------------------------------------------------------------------
# The HTML page


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
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
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


def _report_section(engine: Engine, name: str, since: date | None, until: date | None) -> str | None:
    """One canned report as a section, or None when the report does not exist (yet)."""
    try:
        report = get_report(name)
    except ReportError:
        return None
    names = {p.name for p in report.params}
    # Bounds are always passed (the whole range when not asked): a date parameter's default
    # may be empty, and a report with a limit chooses its own most telling rows.
    wanted: dict[str, Any] = {
        "since": since.isoformat() if since else "0001-01-01",
        "until": until.isoformat() if until else "9999-12-31",
        "limit": TABLE_ROWS,
    }
    values = {k: v for k, v in wanted.items() if k in names}
    try:
        columns, rows = run_report(engine, name, values)
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
    sql = sa.text(
        "SELECT COALESCE(SUM(n_articles), 0), COALESCE(SUM(n_new_stories), 0), "
        "COALESCE(SUM(n_new_events), 0), COUNT(DISTINCT source_id), "
        "COUNT(DISTINCT CASE WHEN language <> '' THEN language END), MIN(day), MAX(day) "
        "FROM coverage_cell WHERE day >= :since AND day <= :until AND n_articles > 0"
    )
    params = {
        "since": since.isoformat() if since else "0001-01-01",
        "until": until.isoformat() if until else "9999-12-31",
    }
    with engine.connect() as connection:
        row = connection.execute(sql, params).one()
    keys = ("articles", "new stories", "new events", "sources", "languages", "first day", "last day")
    return dict(zip(keys, row, strict=True))


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
    _refresh(engine)
    totals = _totals(engine, since, until)
    if period == "auto":
        first, last = totals["first day"], totals["last day"]
        span = (date.fromisoformat(str(last)) - date.fromisoformat(str(first))).days if first else 0
        period = "day" if span <= AUTO_DAY_SPAN else "week"
    charts = []
    for index, by in enumerate(("event_type", "language", "source")):
        stack = stack_series(_series(engine, by, period, since, until), by, period, since, until)
        title = f"Coverage by {BY_NAMES[by]}"
        svg = draw(stack, "svg", title=f"Articles per {period} by {BY_NAMES[by]}", salt=f"rnk-{by}")
        charts.append(
            f'<section id="chart-{by}">\n<h2>{html.escape(title)}</h2>\n'
            f'<p class="desc">Articles per {period} (every copy counts), top {TOP_KEYS} '
            f'{html.escape(BY_NAMES[by])}s, the rest as "{OTHER}". '
            f"<small>(<code>rnk chart coverage --by {by} --period {period}</code>)</small></p>\n"
            f"<figure>{inline_svg(svg, f'c{index}-', title)}</figure>\n</section>"
        )
    sections = [s for s in (_report_section(engine, n, since, until) for n in REPORT_TABLES) if s is not None]
    if not sections:
        fallback = _report_section(engine, FALLBACK_TABLE, since, until)
        sections = [fallback] if fallback else []
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


# ---------------------------------------------------------------------------------------------
# Commands


def chart(
    what: Annotated[str, typer.Argument(help="What to draw: coverage (articles per period).")],
    out: Annotated[Path, typer.Option("--out", help="The picture to write: FILE.png or FILE.svg.")],
    by: Annotated[str, typer.Option(help="One series per event_type, source or language.")] = "event_type",
    period: Annotated[str, typer.Option(help="day or week (ISO weeks).")] = "day",
    since: SinceOption = None,
    until: UntilOption = None,
    db: DbOption = None,
) -> None:
    """Draw coverage over time: articles per day or week, one stacked area per event type,
    source or language (the top 8; the rest as "other"). The format comes from --out's suffix.
    An empty database or range draws nothing and exits 1.

    Example: rnk chart coverage --by language --period week --since 2024-06-01 --out coverage.svg
    """
    if what != "coverage":
        _fail(f"cannot draw {what!r}: the charts are: coverage")
    if by not in BY_NAMES:
        _fail(f"--by {by!r}: use one of {', '.join(BY_NAMES)}")
    if period not in {"day", "week"}:
        _fail(f"--period {period!r}: use day or week")
    first, last = _day(since, "--since"), _day(until, "--until")
    fmt = _out_path(out, FORMATS)
    engine = _engine(db)
    _refresh(engine)
    stack = stack_series(_series(engine, by, period, first, last), by, period, first, last)
    if not stack.total:
        _fail(
            f"no articles in {describe(engine)} between {first or 'the beginning'} and {last or 'today'}; "
            "nothing drawn (run rnk crawl, or widen --since/--until)",
            1,
        )
    out.write_bytes(draw(stack, fmt, salt=f"rnk-{by}"))
    lumped = f", {stack.lumped} more in {OTHER!r}" if stack.lumped else ""
    err.print(f"wrote {out}: {stack.total} articles in {len(stack.periods)} {period}s, "
              f"{len(stack.labels)} series{lumped}", highlight=False, soft_wrap=True)  # fmt: skip


def report_html(
    out: Annotated[Path, typer.Option("--out", help="The page to write, e.g. report.html.")],
    since: SinceOption = None,
    until: UntilOption = None,
    period: Annotated[
        str, typer.Option(help="Chart points: day, week, or auto (days up to two months).")
    ] = "auto",
    db: DbOption = None,
) -> None:
    """Write one self-contained HTML page: totals, coverage charts by event type, language and
    source (inline SVG), and the canned reports as tables. It opens with no network. An empty
    database still gives a page that says so.

    Example: rnk report-html --since 2024-06-01 --out report.html
    """
    if period not in {"auto", "day", "week"}:
        _fail(f"--period {period!r}: use auto, day or week")
    first, last = _day(since, "--since"), _day(until, "--until")
    _out_path(out, None)
    page = build_report_html(_engine(db), first, last, period)
    out.write_text(page, encoding="utf-8")
    err.print(f"wrote {out} ({len(page.encode('utf-8')) // 1024} KB)", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add `chart` and `report-html` to the `rnk` app (called once, from jobs.cli)."""
    app.command("chart")(chart)
    app.command("report-html")(report_html)
