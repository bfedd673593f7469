"""The `rnk` command: a thin layer over the library. Library errors become clean CLI
errors: exit 2 for a usage or configuration problem, 1 for anything else, 0 when the
command did its work (sources that failed are recorded in the run log, not fatal)."""

from __future__ import annotations

import csv
import io
import json
import logging
import sys
import tempfile
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from crawler.config import SourcesFileError, load_sources, parse_interval
from crawler.extract import extract_page
from crawler.run import RunSummary, crawl_once
from crawler.settings import user_agent
from crawler.topic.relevance import score_article
from crawler.urls import canonical_url
from jobs.options import DbOption, UsageProblem, engine_for, parse_day
from store import rollups
from store.db import DatabaseUrlError, default_database_url, describe, normalize_url
from store.events import CAMEO
from store.explain import explain as explain_article
from store.migrate import current_revision, upgrade
from store.reports import ReportError, get_report, list_reports, run_report

app = typer.Typer(
    help="rnk: follow how the world's press covers Russia and North Korea.\n\n"
    "Example: rnk crawl --sources sources.toml && rnk report articles-per-day",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True)

SourcesOption = Annotated[Path, typer.Option("--sources", help="The sources file (TOML).")]
FormatOption = Annotated[str, typer.Option("--format", help="table, csv, json or markdown.")]
EXTRACT_MAX_BYTES = 10 * 1024 * 1024


def _settings(pairs: Sequence[str]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise UsageProblem(f"-s {pair!r}: write a Scrapy setting as NAME=VALUE")
        key, value = pair.split("=", 1)
        settings[key.strip()] = json.loads(value) if value[:1] in "[{" else value
    return settings


def _emit(columns: list[str], rows: list[tuple[Any, ...]], fmt: str, title: str | None = None) -> None:
    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime | date) else value

    if fmt == "json":
        out.print_json(json.dumps([dict(zip(columns, map(plain, row), strict=True)) for row in rows]))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[plain(v) for v in row] for row in rows])
        sys.stdout.write(buffer.getvalue())
    elif fmt in {"markdown", "md"}:
        sys.stdout.write(_markdown(columns, [[plain(v) for v in row] for row in rows], title))
    elif fmt == "table":
        table = Table(title=title)
        for column in columns:
            table.add_column(column, justify="right" if column.startswith("n_") else "left")
        for row in rows:
            table.add_row(*["" if v is None else str(plain(v)) for v in row])
        out.print(table)
    else:
        raise UsageProblem(f"--format {fmt!r}: use table, csv, json or markdown")


def _markdown(columns: list[str], rows: list[list[Any]], title: str | None) -> str:
    """A GitHub-flavoured Markdown table (pipes in values escaped), for notes and issues."""

    def cell(value: Any) -> str:
        return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")

    lines = [f"### {title}", ""] if title else []
    lines.append("| " + " | ".join(columns) + " |")
    lines.append("| " + " | ".join("---:" if c.startswith("n_") else "---" for c in columns) + " |")
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


@contextmanager
def _counting(label: str, unit: str, **options: Any) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr, fed by a library call's `progress(done, total)` callback."""
    with Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err, **options
    ) as bar:
        task = bar.add_task(unit, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


@app.command()
def init(
    db: DbOption = None,
    rebuild_rollups: Annotated[
        bool, typer.Option("--rebuild-rollups", help="Recompute every day of the report rollups.")
    ] = False,
) -> None:
    """Create the database or upgrade it in place to the newest schema, then bring the report
    rollups up to date (after an upgrade that adds them, every stored day: a progress bar shows
    it). --rebuild-rollups recomputes them all, e.g. after a bulk load behind rnk's back.

    Example: rnk init --db postgresql://postgres@127.0.0.1/rnk
    """
    engine = engine_for(db)
    before = current_revision(engine)
    upgrade(engine)
    after = current_revision(engine)
    verb = (
        "created" if before is None else ("already at" if before == after else f"upgraded from {before} to")
    )
    err.print(f"database {describe(engine)}: {verb} schema {after}")
    with _counting("report rollups", "days", transient=True, disable=not err.is_terminal) as advance:
        days = (rollups.rebuild if rebuild_rollups else rollups.refresh)(engine, advance)
    if days:
        err.print(f"report rollups: {days} day(s) recomputed")


@app.command()
def crawl(
    db: DbOption = None,
    sources: SourcesOption = Path("sources.toml"),
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only this source (repeatable).")
    ] = None,
    setting: Annotated[
        list[str] | None, typer.Option("-s", "--setting", help="Scrapy setting NAME=VALUE (repeatable).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """One pass over the sources now: fetch feeds, extract articles, keep the relevant ones.

    Example: rnk crawl --sources sources.toml --source yonhap-en-nk
    """
    specs = load_sources(sources)
    if source:
        unknown = sorted(set(source) - {s.name for s in specs})
        if unknown:
            raise UsageProblem(
                f"--source {unknown[0]!r} is not in {sources}; names: {', '.join(s.name for s in specs)}"
            )
        specs = [s for s in specs if s.name in set(source)]
    engine = engine_for(db)
    upgrade(engine)
    summaries = _crawl_with_progress(engine, specs, _settings(setting or []), quiet)
    _print_summary(summaries)


def _crawl_with_progress(
    engine: Any, specs: list[Any], settings: dict[str, Any], quiet: bool
) -> list[RunSummary]:
    feeds_total = sum(1 for s in specs if s.enabled and s.kind == "feed")
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=quiet or not err.is_terminal,
        transient=True,
    ) as progress:
        feeds = progress.add_task("feeds", total=feeds_total)
        articles = progress.add_task("articles", total=0)

        def hook(_source: str, event: str, n: int) -> None:
            if event == "entries":
                progress.update(feeds, advance=1)
                progress.update(articles, total=(progress.tasks[articles].total or 0) + n)
            elif event in {"not_modified", "feed_refused"} or (
                event.startswith("feed_") and event != "feed_salvaged"
            ):
                progress.update(feeds, advance=1)
            elif event in {"n_new", "n_irrelevant", "n_duplicates", "store_error"}:
                progress.update(articles, advance=n)

        return crawl_once(engine, specs, settings, progress=hook)


def _print_summary(summaries: list[RunSummary]) -> None:
    table = Table(title="crawl summary")
    for column in (
        "source",
        "status",
        "fetched",
        "new",
        "irrelevant",
        "duplicates",
        "not modified",
        "errors",
        "error",
    ):
        table.add_column(column, justify="left" if column in {"source", "status", "error"} else "right")
    for s in summaries:
        table.add_row(
            s.source,
            s.status,
            str(s.fetched),
            str(s.new),
            str(s.irrelevant),
            str(s.duplicates),
            str(s.not_modified),
            str(s.errors),
            (s.error or "")[:80],
        )
    out.print(table)


@app.command()
def report(
    name: Annotated[str | None, typer.Argument(help="Report name; see --list.")] = None,
    db: DbOption = None,
    list_: Annotated[bool, typer.Option("--list", help="List the canned reports, with parameters.")] = False,
    since: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD.")] = None,
    event_type: Annotated[str | None, typer.Option(help="Only this event type (meeting, troops...).")] = None,
    source: Annotated[str | None, typer.Option(help="Only this source (its name).")] = None,
    language: Annotated[str | None, typer.Option(help="Only this language (en, fr, ko, ru...).")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many rows (a default per report).")] = None,
    fmt: FormatOption = "table",
) -> None:
    """Run a canned report: SQL files in store/reports/, parameters bound, never pasted into SQL.

    An option a report does not take is refused. The report rollups are brought up to date
    first (a moment after a big crawl).

    Example: rnk report coverage-weekly --since 2024-06-01 --event-type troops --format csv
    """
    if list_ or name is None:
        _emit(
            ["name", "title", "parameters", "description"],
            [
                (r.name, r.title, ", ".join(f"--{p.name.replace('_', '-')}" for p in r.params), r.description)
                for r in list_reports()
            ],
            fmt,
            "canned reports",
        )
        return
    given = {
        "since": since,
        "until": until,
        "event_type": event_type,
        "source": source,
        "language": language,
        "limit": limit,
    }
    values = {k: v for k, v in given.items() if v is not None}
    known = get_report(name)
    columns, rows = run_report(engine_for(db), name, values)
    _emit(columns, rows, fmt, known.title)


@app.command()
def events(
    db: DbOption = None,
    since: Annotated[str | None, typer.Option(help="Events on or after this day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Events on or before this day, YYYY-MM-DD.")] = None,
    type_: Annotated[
        str | None, typer.Option("--type", help="Only this event type (meeting, troops...).")
    ] = None,
    actor: Annotated[
        str | None, typer.Option(help="Only events with this actor (ISO alpha-3: RUS, KOR...).")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many events, newest first.")] = 50,
    fmt: FormatOption = "table",
) -> None:
    """List events with their coverage: articles, stories, sources and languages.

    Example: rnk events --since 2024-06-01 --type agreement --actor PRK
    """
    if type_ is not None and type_ not in CAMEO:
        raise UsageProblem(f"--type {type_!r}: use one of {', '.join(CAMEO)}")
    clauses, params = [], {}
    for value, clause, key in (
        (parse_day(since, "--since"), "event_date >= :since", "since"),
        (parse_day(until, "--until"), "event_date <= :until", "until"),
        (type_, "event_type = :type", "type"),
        (f"%,{actor.upper()},%" if actor else None, "(',' || actors || ',') LIKE :actor", "actor"),
    ):
        if value is not None:
            clauses.append(clause)
            params[key] = value
    sql = (
        "SELECT event_id, event_date, event_type, actors, location, n_articles, n_stories, n_sources, "
        "n_languages, title FROM report_events"
        + (" WHERE " + " AND ".join(clauses) if clauses else "")
        + " ORDER BY event_date DESC, event_id DESC LIMIT :limit"
    )
    with engine_for(db).connect() as connection:
        result = connection.execute(sa.text(sql), {**params, "limit": limit})
        columns = list(result.keys())
        rows = [tuple(row) for row in result]
    _emit(columns, rows, fmt, "events")


@app.command()
def reprocess(
    db: DbOption = None,
    since: Annotated[
        str | None, typer.Option(help="Stories first published on or after this day, YYYY-MM-DD.")
    ] = None,
) -> None:
    """Recompute events from stored articles (after a lexicon or rule change); nothing is refetched.

    Example: rnk reprocess --since 2025-01-01
    """
    from crawler.events.reprocess import reprocess as run_reprocess

    start = parse_day(since, "--since")
    engine = engine_for(db)
    with _counting("reprocessing", "stories") as advance:
        summary = run_reprocess(
            engine, datetime(start.year, start.month, start.day, tzinfo=UTC) if start else None, advance
        )
    rules = ", ".join(f"{k} {v}" for k, v in sorted(summary.rules.items())) or "nothing to do"
    out.print(f"{summary.stories} stories reprocessed: {rules}")


def _seconds(value: str, option: str) -> float:
    try:
        return float(parse_interval(value))
    except ValueError as exc:
        raise UsageProblem(f"{option} {value!r}: write a duration such as 90s, 10m, 2h, 1d") from exc


@app.command()
def daemon(
    db: DbOption = None,
    sources: SourcesOption = Path("sources.toml"),
    min_interval: Annotated[str, typer.Option(help="Shortest poll interval of a source.")] = "10m",
    max_interval: Annotated[str, typer.Option(help="Longest poll interval of a quiet source.")] = "24h",
    failing_after: Annotated[int, typer.Option(help="Consecutive failures that mark a source failing.")] = 5,
    max_backoff: Annotated[
        str | None, typer.Option(help="Longest wait after failures (default: --max-interval).")
    ] = None,
    concurrency: Annotated[int, typer.Option(help="Crawls running at once (one process each).")] = 2,
    stop_deadline: Annotated[str, typer.Option(help="On SIGTERM, how long running crawls get.")] = "30s",
    heartbeat: Annotated[str, typer.Option(help="How often the daemon says it is alive.")] = "10s",
    misfire_grace: Annotated[str, typer.Option(help="How late a missed poll may still run.")] = "5m",
    setting: Annotated[
        list[str] | None, typer.Option("-s", "--setting", help="Scrapy setting NAME=VALUE (repeatable).")
    ] = None,
    log_format: Annotated[str, typer.Option(help="human or json (JSON lines on stderr).")] = "human",
    log_level: Annotated[str, typer.Option(help="DEBUG, INFO, WARNING, ERROR.")] = "INFO",
) -> None:
    """Poll every source on its own adaptive schedule until SIGTERM; SIGHUP reloads the sources file.

    Example: rnk daemon --sources sources.toml --log-format json
    """
    from jobs.daemon import Daemon, DaemonConfig, DaemonError
    from jobs.logs import setup_logging
    from store.schedule import PollPolicy

    try:
        setup_logging(log_format, log_level)
    except ValueError as exc:
        raise UsageProblem(str(exc)) from exc
    policy = PollPolicy(
        min_interval=_seconds(min_interval, "--min-interval"),
        max_interval=_seconds(max_interval, "--max-interval"),
        failing_after=failing_after,
        max_backoff=_seconds(max_backoff, "--max-backoff") if max_backoff else None,
    )
    if policy.min_interval > policy.max_interval:
        raise UsageProblem("--min-interval is longer than --max-interval")
    config = DaemonConfig(
        db_url=normalize_url(db or default_database_url()),
        sources_file=sources,
        policy=policy,
        concurrency=concurrency,
        stop_deadline=_seconds(stop_deadline, "--stop-deadline"),
        heartbeat_seconds=_seconds(heartbeat, "--heartbeat"),
        misfire_grace_seconds=_seconds(misfire_grace, "--misfire-grace"),
        settings=_settings(setting or []),
        log_format=log_format,
        log_level=log_level,
    )
    try:
        Daemon(config).run_forever()
    except DaemonError as exc:
        raise UsageProblem(str(exc)) from exc


@app.command()
def status(db: DbOption = None, fmt: FormatOption = "table") -> None:
    """Per source: last run and result, next poll, interval, failures, articles in the last 24 hours;
    and whether a daemon is alive.

    Example: rnk status --format json
    """
    from jobs.status import read_status

    engine = engine_for(db)
    upgrade(engine)
    report = read_status(engine)
    if fmt == "json":
        sys.stdout.write(json.dumps(report, ensure_ascii=False, default=str) + "\n")
        return
    alive = [d for d in report["daemons"] if d["alive"]]
    if alive:
        for d in alive:
            out.print(f"daemon {d['id']} alive: pid {d['pid']} on {d['host']}, heartbeat {d['heartbeat_at']}")
    else:
        out.print("[bold]no daemon alive[/bold]")
    rows = report["sources"]
    columns = list(rows[0]) if rows else ["source"]
    _emit(columns, [tuple(r.values()) for r in rows], fmt, "sources")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find (all must match; each matches as a prefix).")],
    db: DbOption = None,
    since: Annotated[str | None, typer.Option(help="Published on or after this day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before this day, YYYY-MM-DD.")] = None,
    language: Annotated[str | None, typer.Option(help="Only this language (en, fr, ko, ru...).")] = None,
    source: Annotated[str | None, typer.Option(help="Only this source.")] = None,
    event_type: Annotated[str | None, typer.Option(help="Only articles of events of this type.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many articles.")] = 20,
    fmt: FormatOption = "table",
) -> None:
    """Search stored titles and texts, best match first, with the matching words highlighted.

    Example: rnk search "Shoigu Pyongyang" --since 2025-01-01 --language en
    """
    from rich.text import Text

    from store.search import HIGHLIGHT, SearchError
    from store.search import search as run_search

    try:
        hits = run_search(
            engine_for(db), query, since=parse_day(since, "--since"), until=parse_day(until, "--until"),
            language=language, source=source, event_type=event_type, limit=limit,
        )  # fmt: skip
    except SearchError as exc:
        raise UsageProblem(str(exc)) from exc
    columns = ["article_id", "published_at", "source", "language", "event_id", "title", "snippet", "url"]
    if fmt != "table":  # _emit writes the other formats and refuses an unknown one
        rows = [
            (h.article_id, h.published_at, h.source, h.language, h.event_id, h.title,
             h.snippet.replace(HIGHLIGHT[0], "**").replace(HIGHLIGHT[1], "**"), h.url)
            for h in hits
        ]  # fmt: skip
        _emit(columns, rows, fmt)
        return
    table = Table(title=f"{len(hits)} article(s) for {query!r}")
    for column in ("published", "source", "lang", "title / snippet"):
        table.add_column(column)
    for hit in hits:
        snippet = Text(hit.title + "\n", style="bold")
        for n, part in enumerate(hit.snippet.replace(HIGHLIGHT[1], HIGHLIGHT[0]).split(HIGHLIGHT[0])):
            snippet.append(part, style="reverse" if n % 2 else "")
        table.add_row(hit.published_at.date().isoformat(), hit.source, hit.language or "", snippet)
    out.print(table)


@app.command()
def export(
    what: Annotated[str, typer.Argument(help="articles, events, mentions, stories or runs.")],
    out_path: Annotated[Path, typer.Option("--out", help="The file to write ('-' for stdout).")],
    db: DbOption = None,
    fmt: Annotated[
        str, typer.Option("--format", help="csv, jsonl or parquet (typed columns, UTC timestamps).")
    ] = "jsonl",
) -> None:
    """Export a contract view, streamed (memory stays flat whatever the size).

    Example: rnk export events --format csv --out events.csv
    """
    from store.export import ExportError, check
    from store.export import export as run_export

    engine = engine_for(db)
    try:
        check(what, fmt)
        if str(out_path) == "-":
            count = run_export(engine, what, fmt, sys.stdout)
        else:
            with out_path.open("w", encoding="utf-8", newline="") as handle:
                count = run_export(engine, what, fmt, handle)
    except ExportError as exc:
        raise UsageProblem(str(exc)) from exc
    if str(out_path) != "-":
        err.print(f"{count} {what} written to {out_path}")


@app.command()
def explain(
    url: Annotated[str, typer.Argument(help="An article URL (any variant: tracking parameters, AMP...).")],
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Say why an article is in its story: which rule, which other article, the similarity.

    Example: rnk explain https://example.org/news/kim-putin-summit?utm_source=rss
    """
    result = explain_article(engine_for(db), list(dict.fromkeys([url, canonical_url(url)])))
    if fmt == "json":
        sys.stdout.write(json.dumps(result.__dict__, ensure_ascii=False, default=str) + "\n")
        return
    if fmt != "text":
        raise UsageProblem(f"--format {fmt!r}: use text or json")
    if not result.found or result.outcome != "stored":
        out.print(f"{result.url}: {result.reason}")
        if not result.found:
            raise typer.Exit(1)
        return
    article = result.article
    out.print(f"[bold]{article['title']}[/bold]  ({article['source']}, {article['published_at']})")
    out.print(f"article {article['id']} in story {article['story_id']}: {result.reason}")
    table = Table(title=f"story {article['story_id']}: {len(result.story)} article(s)")
    for column in ("id", "source", "published_at", "language", "rule", "title"):
        table.add_column(column)
    for member in result.story:
        cells = [member[key] for key in ("id", "source", "published_at", "language", "dedup_rule")]
        table.add_row(*("" if c is None else str(c) for c in cells), member["title"][:80])
    out.print(table)
    _print_event(result.event)


def _print_event(event: dict[str, Any] | None) -> None:
    if event is None:
        return
    if "rule" not in event:
        out.print(f"event: {event['reason']}")
        return
    summary = event.get("summary") or {}
    head = f"event {event['event_id']}" if event["event_id"] is not None else "event: none"
    if summary:
        head += (
            f" — {summary['event_type']} on {summary['event_date']}, actors {summary['actors']}"
            f", place {summary['location'] or '-'}: {summary['n_articles']} article(s), "
            f"{summary['n_stories']} story(ies), {summary['n_sources']} source(s), "
            f"{summary['n_languages']} language(s)"
        )
    out.print(f"[bold]{head}[/bold]")
    out.print(f"  {event['reason']}")
    out.print(
        f"  extracted: type {event['event_type'] or '-'}, actors {event['actors'] or '-'}, "
        f"place {event['location'] or '-'}, date {event['event_date'] or '-'} ({event['date_source']}), "
        f"claimant {event['claimant'] or '-'}"
    )
    for item in event.get("evidence") or []:
        out.print(f"  {item['field']}: {item['value']}\n      “{item['sentence'][:200]}”")


def _read_page(target: str) -> tuple[bytes, str]:
    if target.startswith(("http://", "https://")):
        request = urllib.request.Request(target, headers={"User-Agent": user_agent()})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read(EXTRACT_MAX_BYTES + 1)
            if len(body) > EXTRACT_MAX_BYTES:
                raise UsageProblem(f"{target}: page over {EXTRACT_MAX_BYTES} bytes")
            return body, response.geturl()
    path = Path(target)
    if not path.is_file():
        raise UsageProblem(f"{target}: no such file (give a path or an http(s) URL)")
    return path.read_bytes(), path.resolve().as_uri()


@app.command()
def extract(
    targets: Annotated[list[str], typer.Argument(help="Files or http(s) URLs of article pages.")],
    url: Annotated[
        str | None, typer.Option(help="The URL a saved FILE came from (for canonical links).")
    ] = None,
    language: Annotated[str | None, typer.Option(help="The source's language hint.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json (one object per line) or table.")] = "json",
) -> None:
    """Show what rnk extracts from pages, to check a new source before adding it.

    Example: rnk extract https://example.org/news/1.html --format json
    """
    for target in targets:
        body, page_url = _read_page(target)
        result = extract_page(body, url or page_url, language_hint=language)
        relevance = score_article(result.title, result.text, result.language)
        record = {
            "url": url or page_url,
            "title": result.title,
            "authors": result.authors,
            "published_at": result.published_at.isoformat() if result.published_at else None,
            "published_at_source": ("page" if result.published_kind == "datetime" else "page_date_only")
            if result.published_at
            else None,
            "language": result.language,
            "language_source": result.language_source,
            "page_lang": result.page_lang,
            "canonical_url": result.canonical_url,
            "site_name": result.site_name,
            "relevance": relevance.score,
            "relevant": relevance.relevant,
            "matched_terms": list(relevance.matched),
            "words": len(result.text.split()),
            "text": result.text,
        }
        if fmt == "json":
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif fmt == "table":
            table = Table(title=target, show_header=False)
            for key, value in record.items():
                table.add_row(key, str(value)[:300])
            out.print(table)
        else:
            raise UsageProblem(f"--format {fmt!r}: use json or table")


EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"


@app.command()
def demo(
    db: Annotated[
        Path | None, typer.Option("--db", help="SQLite file to create (default: a fresh temporary one).")
    ] = None,
    examples: Annotated[Path, typer.Option(help="The example corpus folder.")] = EXAMPLES_DIR,
) -> None:
    """Serve the bundled example corpus on 127.0.0.1, crawl it into a fresh SQLite file,
    and print the articles-per-day report.

    Example: rnk demo --db /tmp/rnk-demo.db
    """
    from jobs.localserver import LocalSiteServer

    site, sources_file = examples / "site", examples / "sources.toml"
    if not site.is_dir() or not sources_file.is_file():
        raise UsageProblem(f"{examples}: no site/ folder or sources.toml; pass --examples DIR")
    target = db or Path(tempfile.mkdtemp(prefix="rnk-demo-")) / "rnk-demo.db"
    if target.exists():
        target.unlink()
    engine = engine_for(str(target))
    upgrade(engine)
    with LocalSiteServer(site) as server:
        err.print(f"serving {site} on {server.base_url}; database {target}")
        specs = load_sources(sources_file, base_url=server.base_url)
        summaries = _crawl_with_progress(engine, specs, {"AUTOTHROTTLE_START_DELAY": 0.1}, quiet=False)
    _print_summary(summaries)
    columns, rows = run_report(engine, "articles-per-day")
    _emit(columns, rows, "table", get_report("articles-per-day").title)
    err.print(f"database kept at {target}; try: rnk report articles-per-day --db {target}")


from jobs.pictures import register as register_pictures  # noqa: E402  (commands of their own module)

register_pictures(app)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `rnk` console script; maps errors to exit statuses."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.root.handlers:
        handler.setLevel(logging.WARNING)  # Scrapy lowers the root logger's level
    try:
        returned = app(args=list(argv) if argv is not None else None, standalone_mode=False)
        if isinstance(returned, int):  # click hands back typer.Exit's code here
            return returned
    except (UsageProblem, SourcesFileError, ReportError, DatabaseUrlError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        err.print("aborted")
        return 130
    except Exception as exc:
        # Usage errors of the (vendored) click under typer: a bad option, a missing argument.
        # Recognised by their interface, since where click lives depends on typer's version.
        if callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()  # type: ignore[attr-defined]
            return 2
        err.print(f"[red]error:[/red] {type(exc).__name__}: {exc}", highlight=False)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
