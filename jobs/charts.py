"""Charts of the coverage: reading the series from the rollups, shaping them for a chart (contiguous
periods, the top 8 and "other") and drawing them with matplotlib as PNG or SVG, or as SVG to
inline in an HTML page. `rnk chart` (jobs.pictures) writes one; `rnk report-html`
(jobs.html_report) puts three in its page.

Why it is built this way:
- Drawing is presentation, so it lives in `jobs`; it reads the store only through
  `store.rollups.coverage_series`, and the store never sees matplotlib.
- matplotlib is imported when a picture is drawn, not when `rnk` starts: every command imports
  this module through `jobs.cli`, and importing matplotlib costs a noticeable fraction of a second.
- Figures are built with `matplotlib.figure.Figure`, never pyplot: no global figure state and no
  display, so the Agg renderer (PNG) and the SVG writer work the same under a daemon, a test or a
  cron job.
- Nothing here knows the command line: a database that cannot give the series is a
  `CoverageUnreadable`, which the commands turn into their error line and exit 1.
"""

from __future__ import annotations

import html
import io
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from rich.console import Console
from sqlalchemy.engine import Engine

from store import rollups
from store.db import describe

err = Console(stderr=True)

TOP_KEYS = 8  # series drawn per chart; the rest are lumped into OTHER (a legend of 30 is unreadable)
OTHER = "other"
BLANK_LABELS = {"event_type": "no event", "language": "unknown", "source": "unknown"}
BY_NAMES = {"event_type": "event type", "source": "source", "language": "language"}
FORMATS = {".png": "png", ".svg": "svg"}
# matplotlib's tab10 without grey (kept for OTHER) and olive; colour-blind friendlier than a rainbow.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")
OTHER_COLOUR = "#9a9a9a"


# ---------------------------------------------------------------------------------------------
# Reading


class CoverageUnreadable(Exception):
    """The database could not give the coverage series (not an rnk database, say): exit 1."""


def refresh_rollups(engine: Engine) -> None:
    """Bring the rollups up to date; a read-only or foreign database is drawn as it is."""
    try:
        rollups.refresh(engine)
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        err.print(f"[yellow]warning:[/yellow] rollups not refreshed ({type(exc).__name__}); "
                  "drawing what they hold", highlight=False, soft_wrap=True)  # fmt: skip


def read_series(
    engine: Engine, by: str, period: str, since: date | None, until: date | None
) -> list[tuple[str, str, int]]:
    """`coverage_series` rows (period, key, articles) from the rollups, as they are."""
    try:
        return rollups.coverage_series(
            engine,
            by=by,
            since=since.isoformat() if since else None,
            until=until.isoformat() if until else None,
            period=period,
        )
    except sa.exc.SQLAlchemyError as exc:
        raise CoverageUnreadable(
            f"cannot read coverage from {describe(engine)} ({type(exc).__name__}); "
            "is it an rnk database? (rnk init, then rnk crawl)"
        ) from exc


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


def _step(period: str) -> timedelta:
    """The length of one period: a day or an ISO week."""
    return timedelta(days=7 if period == "week" else 1)


def _periods(first: date, last: date, period: str) -> list[date]:
    step = _step(period)
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
        step = _step(period)
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
        # closes the last period. x: floats on a date axis.
        x = mdates.date2num([*stack.periods, stack.periods[-1] + _step(stack.period)])
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
