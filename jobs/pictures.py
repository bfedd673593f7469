"""The commands that make pictures of the coverage: `rnk chart` draws one chart (PNG or SVG) and
`rnk report-html` writes one self-contained HTML page. This module is only their command-line
glue: options, checks and messages; `register(app)` adds them to the `rnk` app.

Where the rest lives:
- jobs.charts: reading the coverage series, shaping them (top 8 and "other"), drawing them.
- jobs.html_report: the page (totals, chart sections, report tables).
- jobs.options: the --db option, the engine and the day parsing shared with jobs.cli.

This module does not import `jobs.cli` (which is `__main__` under `python -m jobs.cli`: importing
it would load a second copy); what it shares with it comes from jobs.options. Its own errors print
the CLI's `error:` line on one line and exit themselves: 2 for usage, 1 when there is nothing to
draw or the database cannot be read.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from jobs.charts import (
    BY_NAMES,
    FORMATS,
    OTHER,
    CoverageUnreadable,
    draw,
    read_series,
    refresh_rollups,
    stack_series,
)
from jobs.html_report import build_report_html
from jobs.options import DbOption, UsageProblem, engine_for, parse_day
from store.db import describe

err = Console(stderr=True)

SinceOption = Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD (UTC publication day).")]
UntilOption = Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD (inclusive).")]


def _fail(message: str, code: int = 2) -> NoReturn:
    """Print the CLI's error line and exit: 2 for usage, 1 for anything else."""
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _days(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    """--since and --until as days; a bad one is this module's error line (unwrapped) and exit 2."""
    try:
        return parse_day(since, "--since"), parse_day(until, "--until")
    except UsageProblem as exc:
        _fail(str(exc))


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
    first, last = _days(since, until)
    fmt = _out_path(out, FORMATS)
    engine = engine_for(db)
    refresh_rollups(engine)
    try:
        rows = read_series(engine, by, period, first, last)
    except CoverageUnreadable as exc:
        _fail(str(exc), 1)
    stack = stack_series(rows, by, period, first, last)
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
    first, last = _days(since, until)
    _out_path(out, None)
    try:
        page = build_report_html(engine_for(db), first, last, period)
    except CoverageUnreadable as exc:
        _fail(str(exc), 1)
    out.write_text(page, encoding="utf-8")
    err.print(f"wrote {out} ({len(page.encode('utf-8')) // 1024} KB)", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add `chart` and `report-html` to the `rnk` app (called once, from jobs.cli)."""
    app.command("chart")(chart)
    app.command("report-html")(report_html)
