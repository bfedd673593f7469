"""Reports benchmark: do the canned reports, search and export stay fast on three years of news?

The question it answers (issue 6): on a store of 1,000,000 articles, 300,000 stories and
50,000 events over three years (bench/gen_corpus.py), on SQLite and on PostgreSQL,

* every canned report (`store.reports.list_reports()`, the .sql files in store/reports/)
  answers within 300 ms with its default parameters and within 50 ms for a one-month window
  (since 2025-06-01, until 2025-06-30; only the parameters the report declares);
* `rnk search` (`store.search.search`) answers a two-word query ("troop deployment", which
  matches ~10,000 articles) within 200 ms;
* `rnk export articles --format jsonl` (`store.export.export`) stays under 300 MB of peak
  resident memory however many rows it writes.

How it measures:

* The corpus is built once per backend and cached (bench/gen_corpus.py, ~10-20 minutes each
  at 1,000,000 articles); `--articles 2000` runs everything on a small one as a smoke test.
* Reports and search run in a fresh child process per backend, pinned to one core (as the
  other benchmarks), through the public functions: `run_report(engine, name, params)`
  (which checks the rollups are fresh first, as `rnk report` does) and `search(engine,
  query)`. Every call is made once as a warm-up (page cache, plan cache, connection pool),
  then `--rounds` times, rounds interleaving the calls; each call is timed with
  perf_counter and the median is reported.
* For a median over its target the child then runs the SQL the call executed (captured
  with a SQLAlchemy `before_cursor_execute` hook, so it is exactly what ran, parameters
  included) under `EXPLAIN QUERY PLAN` (SQLite) or `EXPLAIN (ANALYZE, BUFFERS)`
  (PostgreSQL), and the plan is printed after the table.
* Export runs in its own fresh child per backend, writing JSON lines to /dev/null, and
  reads its own peak RSS (`VmHWM` in /proc/self/status) before and after.
* Figures are reported, never asserted: exit 1 only when something broke (a build or child
  failed, a report raised, search found nothing, export wrote another count than the
  articles stored), 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing.connection
import os
import sys
import time
import traceback
from typing import Any

from bench import gen_corpus
from bench.common import (
    BACKENDS,
    child_reporting,
    ms_median,
    pick_measured_core,
    print_broken,
    run_child,
    split_csv,
)

DEFAULT_ROUNDS = 5
TARGET_DEFAULT_MS = 300.0
TARGET_MONTH_MS = 50.0
TARGET_SEARCH_MS = 200.0
TARGET_EXPORT_MB = 300.0
MONTH = {"since": "2025-06-01", "until": "2025-06-30"}
SEARCH_QUERY = "troop deployment"
VARIANTS = ("default", "month")


# --- child: reports and search ------------------------------------------------------------------


class LastStatement:
    """Remembers the last statement an engine sent to the driver, with its parameters."""

    def __init__(self, engine: Any) -> None:
        import sqlalchemy as sa

        self.statement: str | None = None
        self.parameters: Any = None
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(
        self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
    ) -> None:
        self.statement, self.parameters = statement, parameters


def explain(engine: Any, statement: str, parameters: Any) -> str:
    """The plan of one captured statement: EXPLAIN QUERY PLAN on SQLite (the tree, indented),
    EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            depth: dict[int, int] = {0: -1}
            lines = []
            for node, parent, _unused, detail in rows:
                depth[node] = depth.get(parent, -1) + 1
                lines.append("  " * depth[node] + str(detail))
            return "\n".join(lines)
        rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()
        return "\n".join(str(row[0]) for row in rows)


def _measure_child(
    conn: multiprocessing.connection.Connection, url: str, core: int | None, rounds: int, query: str,
    only: list[str],
) -> None:  # fmt: skip
    """Time every report (both variants) and the search; explain the misses; send it all back."""
    with child_reporting(conn, core):
        import sqlalchemy as sa

        from store.db import make_engine
        from store.reports import list_reports, run_report
        from store.search import search

        engine = make_engine(url)
        captured = LastStatement(engine)
        calls: dict[tuple[str, str], dict[str, Any]] = {}
        for report in list_reports():
            if only and report.name not in only:
                continue
            declared = {p.name for p in report.params}
            calls[report.name, "default"] = {"params": {}}
            month = {k: v for k, v in MONTH.items() if k in declared}
            if month:
                calls[report.name, "month"] = {"params": month}
        errors: list[str] = []

        def call(key: tuple[str, str]) -> tuple[float, int]:
            started = time.perf_counter()
            if key[0] == "search":
                rows: Any = search(engine, query)
            else:
                _columns, rows = run_report(engine, key[0], calls[key]["params"])
            return time.perf_counter() - started, len(rows)

        calls["search", "default"] = {"params": {"query": query}}
        for key, spec in list(calls.items()):  # warm-up, and the statement each runs
            try:
                _seconds, spec["rows"] = call(key)
                spec["statement"], spec["parameters"] = captured.statement, captured.parameters
                spec["times"] = []
            except Exception:
                errors.append(f"{key[0]} ({key[1]}): {traceback.format_exc()}")
                del calls[key]
        for _round in range(rounds):
            for key, spec in calls.items():
                seconds, _rows = call(key)
                spec["times"].append(seconds)
        with engine.connect() as connection:
            dialect = connection.dialect.name
            if dialect == "sqlite":
                matches = connection.execute(
                    sa.text("SELECT count(*) FROM article_fts WHERE article_fts MATCH :q"),
                    {"q": " ".join(f'"{w}"*' for w in query.split())},
                ).scalar_one()
            else:
                matches = connection.execute(
                    sa.text(
                        "SELECT count(*) FROM article WHERE "
                        "to_tsvector('simple'::regconfig, title || ' ' || text) @@ to_tsquery('simple', :q)"
                    ),
                    {"q": " & ".join(f"{w.lower()}:*" for w in query.split())},
                ).scalar_one()
            articles = connection.execute(sa.text("SELECT count(*) FROM article")).scalar_one()
        plans: dict[str, str] = {}
        for key, spec in calls.items():
            target = target_ms(*key)
            if ms_median(spec["times"]) > target and spec["statement"]:
                try:
                    plans[f"{key[0]} ({key[1]})"] = explain(engine, spec["statement"], spec["parameters"])
                except Exception as exc:
                    plans[f"{key[0]} ({key[1]})"] = f"EXPLAIN failed: {exc}"
        engine.dispose()
        conn.send(
            {
                "calls": {f"{k[0]}\t{k[1]}": {"times": v["times"], "rows": v["rows"]} for k, v in
                          calls.items()},
                "errors": errors, "plans": plans, "matches": int(matches), "articles": int(articles),
                "dialect": dialect,
            }
        )  # fmt: skip


def target_ms(name: str, variant: str) -> float:
    if name == "search":
        return TARGET_SEARCH_MS
    return TARGET_MONTH_MS if variant == "month" else TARGET_DEFAULT_MS


# --- child: export memory -----------------------------------------------------------------------


def _peak_rss_kib() -> int:
    """This process's own peak resident memory, in KiB. Linux's `ru_maxrss` survives fork and
    exec (a child of a parent that just built the 1M-article database reads the parent's 2.7 GB),
    so the high-water mark of the process's own address space (`VmHWM`) is read instead."""
    with contextlib.suppress(OSError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _export_child(conn: multiprocessing.connection.Connection, url: str, core: int | None) -> None:
    """Export every article as JSON lines to /dev/null; send the row count, time and peak RSS."""
    with child_reporting(conn, core):
        from store.db import make_engine
        from store.export import export

        engine = make_engine(url)
        before = _peak_rss_kib()
        started = time.perf_counter()
        with open(os.devnull, "w", encoding="utf-8") as out:
            count = export(engine, "articles", "jsonl", out)
        seconds = time.perf_counter() - started
        peak = _peak_rss_kib()
        engine.dispose()
        conn.send({"rows": count, "seconds": seconds, "peak_kib": peak, "before_kib": before})


# --- output -------------------------------------------------------------------------------------


def print_table(results: dict[str, dict[str, Any]], backends: list[str]) -> list[str]:
    """The medians per report x backend x window against the targets; returns the misses."""
    names: list[str] = []
    for result in results.values():
        for key in result["calls"]:
            name = key.split("\t")[0]
            if name != "search" and name not in names:
                names.append(name)
    print()
    print(
        f"median ms over the rounds (targets: default {TARGET_DEFAULT_MS:.0f} ms, one month "
        f"{TARGET_MONTH_MS:.0f} ms, search {TARGET_SEARCH_MS:.0f} ms); rows: rows returned; "
        "MISS: median over target"
    )
    header = f"{'report':<20} {'backend':<11} {'default':>14} {'rows':>6} {'one month':>14} {'rows':>6}"
    print(header)
    print("-" * len(header))
    misses: list[str] = []

    def cell(result: dict[str, Any], name: str, variant: str) -> str:
        data = result["calls"].get(f"{name}\t{variant}")
        if data is None:
            return f"{'-':>14} {'':>6}"
        ms = ms_median(data["times"])
        miss = ms > target_ms(name, variant)
        if miss:
            misses.append(f"{name} ({variant}) on {result['backend']}: {ms:.1f} ms")
        return f"{ms:>9.1f} {'MISS' if miss else '':<4} {data['rows']:>6}"

    for name in [*names, "search"]:
        for backend in backends:
            if backend in results:
                row = f"{cell(results[backend], name, 'default')} {cell(results[backend], name, 'month')}"
                print(f"{name:<20} {backend:<11} {row}")
    return misses


def _size_mb(kib: int) -> float:
    return kib / 1024.0


# --- command ------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    gen_corpus.add_arguments(parser)
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS, help=f"timed rounds ({DEFAULT_ROUNDS})")
    parser.add_argument("--query", default=SEARCH_QUERY, help=f"the search query ({SEARCH_QUERY!r})")
    parser.add_argument("--reports", default="", help="only these reports (comma-separated names)")
    parser.add_argument("--no-export", action="store_true", help="skip the export memory measurement")
    parser.add_argument(
        "--clean",
        action="store_true",
        help="remove every cached corpus database (files and databases) and exit",
    )


def run(args: argparse.Namespace) -> int:
    """Build or reuse the corpus, measure on each backend, print the figures; 1 only if broken."""
    backends = [b for b in BACKENDS if b in split_csv(args.backends)]
    unknown = set(split_csv(args.backends)) - set(BACKENDS)
    if not backends or unknown or args.rounds < 1 or args.articles < 100 or not args.query.split():
        print(
            "--backends sqlite and/or postgresql, --rounds >= 1, --articles >= 100, a --query",
            file=sys.stderr,
        )
        return 2
    if args.clean:
        gen_corpus.clean(backends, args.postgres_url)
        return 0
    only = split_csv(args.reports)
    from store.reports import list_reports

    known = [r.name for r in list_reports()]
    if set(only) - set(known):
        print(
            f"unknown report(s) {sorted(set(only) - set(known))}; known: {', '.join(known)}", file=sys.stderr
        )
        return 2
    print(
        f"reports: {args.articles:,} articles; backends {', '.join(backends)}; {len(only or known)} reports "
        f"({', '.join(only or known)}); 1 warm-up + {args.rounds} rounds; search {args.query!r}"
    )
    core = pick_measured_core()
    urls, broken = gen_corpus.ensure_all(args.articles, backends, args.postgres_url, args.rebuild)

    results: dict[str, dict[str, Any]] = {}
    exports: dict[str, dict[str, Any]] = {}
    for backend in backends:
        if backend not in urls:
            continue
        print(f"{backend}: timing reports and search ...", flush=True)
        started = time.perf_counter()
        result = run_child(_measure_child, urls[backend], core, args.rounds, args.query, only)
        if "error" in result:
            broken.append(f"{backend}: measurement failed:\n{result['error']}")
            print(f"{backend}: measurement FAILED (see the end)", flush=True)
        else:
            result["backend"] = backend
            results[backend] = result
            broken += [f"{backend}: {e}" for e in result["errors"]]
            search_rows = result["calls"].get("search\tdefault", {}).get("rows", 0)
            if search_rows == 0:
                broken.append(f"{backend}: search {args.query!r} found nothing")
            print(
                f"{backend}: done in {time.perf_counter() - started:.0f} s; {result['articles']:,} articles, "
                f"{result['matches']:,} match {args.query!r}; load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
        if args.no_export:
            continue
        print(f"{backend}: export articles as JSON lines ...", flush=True)
        exported = run_child(_export_child, urls[backend], core)
        if "error" in exported:
            broken.append(f"{backend}: export failed:\n{exported['error']}")
            continue
        exports[backend] = exported
        expected = results.get(backend, {}).get("articles")
        if expected is not None and exported["rows"] != expected:
            broken.append(f"{backend}: export wrote {exported['rows']:,} rows, {expected:,} articles stored")
        print(
            f"{backend}: exported {exported['rows']:,} rows in {exported['seconds']:.0f} s, peak RSS "
            f"{_size_mb(exported['peak_kib']):.0f} MB (after imports and connect: "
            f"{_size_mb(exported['before_kib']):.0f} MB)",
            flush=True,
        )

    if results:
        misses = print_table(results, backends)
        print()
        for backend, exported in exports.items():
            peak = _size_mb(exported["peak_kib"])
            verdict = "met" if peak < TARGET_EXPORT_MB else "MISS"
            print(
                f"export articles jsonl, {backend}: peak RSS {peak:.0f} MB "
                f"(target < {TARGET_EXPORT_MB:.0f} MB: {verdict}), {exported['rows']:,} rows "
                f"in {exported['seconds']:.0f} s"
            )
            if verdict == "MISS":
                misses.append(f"export articles jsonl on {backend}: peak RSS {peak:.0f} MB")
        print()
        print(f"misses: {len(misses)}" + "".join(f"\n  {m}" for m in misses))
        for backend, result in results.items():
            for label, plan in result["plans"].items():
                print(f"\n--- plan of {label} on {backend} ---\n{plan}")
    if broken:
        print_broken(broken)
        return 1
    return 0
