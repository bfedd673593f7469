"""Ingest benchmark: how close does rnk's whole pipeline come to trafilatura alone?

The question it answers: extraction is the irreducible cost of ingesting a page (rnk does
not write its own extractor), so what share of the machine's extraction throughput does
rnk keep once Scrapy, feed parsing, metadata, language identification, relevance scoring
and SQLite are added? Target: end to end ≥ 0.70 × extraction alone.

How it measures, and why:

* The same generated site (bench.gen_pages: ~60 KB news pages, one RSS 2.0 feed) feeds
  both sides, so the only difference is what rnk adds.
* Extraction alone runs `trafilatura.bare_extraction` (TRAFILATURA_OPTIONS: rnk's call when
  this was written) in a plain loop over pages already in memory: the best case for
  extraction. The crawl records the options rnk really passes, and the output says when
  they differ, since the ratio is then not like for like.
* End to end runs `crawl_once` on a fresh SQLite database against the site served over
  loopback, timed from its call to its return (startup, robots.txt, the feed, every page,
  every commit). Each crawl is its own process: Scrapy's reactor runs once per process.
* Both run in child processes pinned to one core, the server in another process pinned to
  a second core (when there are two), so the server's work never lands on the measured
  core and the crawl's single thread is compared with the loop's single thread.
* Runs alternate (extract, crawl, extract, crawl, ...) so drifts of the machine (thermal,
  neighbours) hit both; medians are reported.
* The figures are reported, never asserted: the process exits 1 only when something broke
  (a child crashed, the crawl's run row is not ok, the stored counts are not what the site
  holds), because then the figures mean nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import multiprocessing
import multiprocessing.connection
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import child_reporting, pick_cores, pin, run_child
from bench.gen_pages import DEFAULT_SEED, OUT, Site, article_path, ensure_site

TARGET_RATIO = 0.70
"""End-to-end articles/s over extraction-only pages/s that rnk aims for."""

CRAWL_SETTINGS: dict[str, Any] = {
    # AutoThrottle is politeness toward real servers (it waits on their latency); on
    # loopback it would only measure its own delays, not the cost of ingesting.
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "CONCURRENT_REQUESTS": 16,
    "LOG_LEVEL": "ERROR",
    "ROBOTSTXT_OBEY": True,
}

TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "favor_precision": True,
    "with_metadata": True,
    "include_tables": False,
    "deduplicate": False,
}
"""The baselines' call; `with_metadata` is set per baseline (extract+meta: True, the whole
extraction job; extract-text: False, the text alone, as rnk calls it)."""

EXTRACTION_PACKAGES = ("trafilatura", "htmldate", "courlan", "justext")
"""Left out of the profile listing: the extractor and the helpers only it calls."""

_spawn = multiprocessing.get_context("spawn")
"""Fresh interpreters: the parent never imports Scrapy or Twisted, and a child's imports and
reactor cannot leak into the next run."""


# --- cores and processes ------------------------------------------------------------------------


def _serve(root: str, core: int | None, conn: multiprocessing.connection.Connection) -> None:
    """Server process: serve the site until the parent says stop (or goes away)."""
    pin(core)
    from jobs.localserver import LocalSiteServer

    server = LocalSiteServer(Path(root)).start()
    conn.send(server.base_url)
    with contextlib.suppress(EOFError):
        conn.recv()
    server.stop()


@contextlib.contextmanager
def served(root: Path, core: int | None) -> Iterator[str]:
    """The site served from its own process; yields the base URL."""
    parent, child = _spawn.Pipe()
    process = _spawn.Process(target=_serve, args=(str(root), core, child), name="bench-server", daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(60):
            raise RuntimeError("the site server did not start within 60 s")
        try:
            base_url: str = parent.recv()
        except EOFError:
            raise RuntimeError(f"the site server died on start (exit code {process.exitcode})") from None
        yield base_url
    finally:
        with contextlib.suppress(OSError):
            parent.send("stop")
        process.join(10)
        if process.is_alive():
            process.terminate()
            process.join(5)


# --- extraction only ----------------------------------------------------------------------------


def _extract_child(
    conn: multiprocessing.connection.Connection,
    root: str,
    base: str,
    pages: int,
    core: int | None,
    options: dict[str, Any],
) -> None:
    """Baseline: trafilatura over every page, read from disk first so only extraction is timed."""
    with child_reporting(conn, core):
        import trafilatura

        inputs: list[tuple[str, str]] = []
        for index in range(1, pages + 1):
            path = article_path(index)
            text = (Path(root) / path.lstrip("/")).read_text(encoding="utf-8")
            inputs.append((base + path, text.replace("{{BASE_URL}}", base)))
        empty = 0
        gc_clock = GcClock().install()
        cpu0, t0 = time.process_time(), time.perf_counter()
        for url, page in inputs:
            document = trafilatura.bare_extraction(page, url=url, **options)
            body = document.get("text") if isinstance(document, dict) else getattr(document, "text", None)
            if not body:
                empty += 1
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        gc.callbacks.remove(gc_clock)
        conn.send(
            {"pages": len(inputs), "seconds": seconds, "cpu": cpu, "gc": gc_clock.seconds, "empty": empty}
        )


# --- end to end ---------------------------------------------------------------------------------


class GcClock:
    """Wall time inside Python's cyclic garbage collector, from `gc.callbacks`.

    Why measured: a collection walks every live container object, and a crawl process holds
    far more of them (Scrapy, Twisted, SQLAlchemy, the queued requests) than a bare
    extraction loop, so the same allocations by the extractor cost more there. One callback
    per collection, a few microseconds each: negligible next to the collections."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections: Counter[int] = Counter()
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start
            self.collections[info["generation"]] += 1

    def install(self) -> GcClock:
        gc.callbacks.append(self)
        return self


STAGES: tuple[tuple[str, str], ...] = (
    ("feed", "feed parse (feedparser)"),
    ("known_urls", "known_urls query"),
    ("events", "event extraction (lexicons loaded before the crawl)"),
    ("extract_page", "extract_page, of which:"),
    ("trafilatura", "  trafilatura.bare_extraction"),
    ("language", "  language id (py3langid)"),
    ("htmldate", "  htmldate.find_date (pages declaring no date)"),
    ("extract_rest", "  lxml parse + page metadata"),
    ("relevance", "relevance score"),
    ("store", "store_batch (articles and seen marks, a commit per batch)"),
    ("remainder", "Scrapy, Twisted, HTTP, item plumbing (remainder)"),
    ("gc", "cyclic GC, inside all of the above"),
)
"""(key, label) in print order; indented labels are parts of the line above them."""


class StageClock:
    """Wall time spent inside a few of rnk's functions during a crawl, by wrapping them in
    the child process only. Two perf_counter calls per call (well under a microsecond)
    against tens of milliseconds per page, so the measured crawl is not disturbed; the
    remainder (wall minus the stages) is Scrapy, Twisted, HTTP and item plumbing."""

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.trafilatura_options: dict[str, Any] = {}
        """The options rnk actually passed to bare_extraction (first call), so the parent can
        say when the baseline's call differs from rnk's and the ratio is not like for like."""

    def wrap(self, owner: Any, name: str, key: str, record: dict[str, Any] | None = None) -> None:
        """Time calls to `owner.name`; a name rnk no longer has is skipped (its stage reads 0),
        so a refactoring of rnk does not break the benchmark."""
        original = getattr(owner, name, None)
        if original is None:
            return
        seconds = self.seconds

        def timed(*args: Any, **kwargs: Any) -> Any:
            if record is not None and not record:
                record.update((k, v) for k, v in kwargs.items() if k in TRAFILATURA_OPTIONS)
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                seconds[key] += time.perf_counter() - start

        setattr(owner, name, timed)

    def install(self) -> None:
        """Wrap where the callers look the names up (module globals), not where they are defined."""
        import trafilatura

        import crawler.extract
        import crawler.pipelines
        import crawler.spiders.feed
        import crawler.writer

        self.wrap(crawler.spiders.feed, "parse_feed", "feed")
        self.wrap(crawler.spiders.feed, "known_urls", "known_urls")
        # Extraction runs in a worker process (its function must stay picklable), so the
        # pipeline's side of it is timed: submit, wait, result.
        self.wrap(crawler.pipelines.EventsPipeline, "_extract", "events")
        self.wrap(crawler.spiders.feed, "extract_page", "extract_page")
        self.wrap(trafilatura, "bare_extraction", "trafilatura", record=self.trafilatura_options)
        self.wrap(crawler.extract, "detect_language", "language")
        self.wrap(crawler.extract, "find_date", "htmldate")
        self.wrap(crawler.pipelines, "score_article", "relevance")
        self.wrap(crawler.writer, "store_batch", "store")

    def report(self, wall: float, gc_seconds: float) -> dict[str, float]:
        """Seconds per stage key (see STAGES), with the derived lines filled in."""
        s = self.seconds
        derived = {
            "extract_rest": s["extract_page"] - s["trafilatura"] - s["language"] - s["htmldate"],
            "remainder": wall
            - sum(
                s[k]
                for k in (
                    "feed",
                    "known_urls",
                    "events",
                    "extract_page",
                    "relevance",
                    "store",
                )
            ),
            "gc": gc_seconds,
        }
        return {key: derived.get(key, s[key]) for key, _label in STAGES}


def _e2e_child(
    conn: multiprocessing.connection.Connection,
    base: str,
    core: int | None,
    profile_path: str | None,
) -> None:
    """One crawl of the whole site into a fresh SQLite database, timed around crawl_once."""
    with child_reporting(conn, core):
        # As the CLI does: Scrapy resets the root logger to NOTSET and (with rnk's
        # LOG_INSTALL_ROOT_HANDLER=False) ignores LOG_LEVEL, so the level goes on the handler;
        # otherwise every page's DEBUG records (whole items included) would be formatted.
        logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
        for handler in logging.root.handlers:
            handler.setLevel(logging.ERROR)
        import sqlalchemy as sa

        from crawler.run import crawl_once
        from store.db import make_engine
        from store.migrate import upgrade
        from store.sources import SourceSpec

        with tempfile.TemporaryDirectory(prefix="rnk-bench-") as tmp:
            engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
            upgrade(engine)
            spec = SourceSpec("bench", "feed", f"{base}/feed.xml", "en", 1800, True)
            clock = StageClock()
            profiler = None
            if profile_path:
                import cProfile

                profiler = cProfile.Profile()
            else:
                clock.install()
            gc_clock = GcClock().install()
            cpu0, t0 = time.process_time(), time.perf_counter()
            if profiler is not None:
                profiler.enable()
            summaries = crawl_once(engine, [spec], dict(CRAWL_SETTINGS))
            if profiler is not None:
                profiler.disable()
            seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
            gc.callbacks.remove(gc_clock)
            if profiler is not None and profile_path:
                profiler.dump_stats(profile_path)
            with engine.connect() as connection:
                stored = connection.execute(sa.text("SELECT count(*) FROM article")).scalar_one()
                row = (
                    connection.execute(
                        sa.text(
                            "SELECT status, n_fetched, n_new, n_duplicates, n_irrelevant, n_errors, error "
                            "FROM ingest_run ORDER BY id DESC LIMIT 1"
                        )
                    )
                    .mappings()
                    .one()
                )
            engine.dispose()
        summary = summaries[0]
        conn.send(
            {
                "seconds": seconds,
                "cpu": cpu,
                "gc": gc_clock.seconds,
                "stored": stored,
                "run": dict(row),
                "summary_status": summary.status,
                "stages": clock.report(seconds, gc_clock.seconds) if not profile_path else {},
                "rnk_options": clock.trafilatura_options,
            }
        )


# --- results ------------------------------------------------------------------------------------


@dataclass
class Measurement:
    """One timed run of one side."""

    kind: str  # "extract+meta", "extract-text" or "end-to-end"
    round: int
    pages: int
    seconds: float
    cpu: float
    gc: float
    stored: int | None = None
    irrelevant: int | None = None
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0


def check_e2e(result: dict[str, Any], site: Site) -> list[str]:
    """What is wrong with a crawl's outcome; empty when its figure can be trusted."""
    run = result["run"]
    problems = []
    if run["status"] != "ok":
        problems.append(f"run status {run['status']!r} (error: {run['error']})")
    if run["n_errors"]:
        problems.append(f"{run['n_errors']} errors recorded on the run")
    if run["n_fetched"] != site.pages + 1:
        problems.append(f"n_fetched {run['n_fetched']}, expected {site.pages + 1} (the pages and the feed)")
    if result["stored"] != site.relevant or run["n_new"] != site.relevant:
        problems.append(
            f"{result['stored']} articles stored (n_new {run['n_new']}), expected {site.relevant}"
        )
    if run["n_irrelevant"] != site.irrelevant:
        problems.append(f"n_irrelevant {run['n_irrelevant']}, expected {site.irrelevant}")
    return problems


def _fmt_rate(value: float) -> str:
    return f"{value:8.1f}"


def print_table(rows: list[Measurement]) -> None:
    print()
    header = ("round", "kind", "pages", "seconds", "cpu %", "GC %", "per s", "stored", "irrel.")
    print("{:>5}  {:<13} {:>6} {:>8} {:>6} {:>6} {:>8} {:>7} {:>7}".format(*header))
    for m in rows:
        stored = "" if m.stored is None else str(m.stored)
        irrelevant = "" if m.irrelevant is None else str(m.irrelevant)
        cpu_share = 100.0 * m.cpu / m.seconds if m.seconds else 0.0
        gc_share = 100.0 * m.gc / m.seconds if m.seconds else 0.0
        print(
            f"{m.round:>5}  {m.kind:<13} {m.pages:>6} {m.seconds:>8.2f} {cpu_share:>6.0f} {gc_share:>6.1f} "
            f"{_fmt_rate(m.rate)} {stored:>7} {irrelevant:>7}"
        )


def print_stages(rows: list[Measurement]) -> None:
    """Median milliseconds per page of each stage over the end-to-end runs."""
    runs = [m for m in rows if m.kind == "end-to-end" and m.stages]
    if not runs:
        return
    median_wall = statistics.median(m.seconds for m in runs)
    print()
    print("end-to-end stages (median over runs; ms per page, share of the crawl's wall time)")
    for key, label in STAGES:
        seconds = statistics.median(m.stages.get(key, 0.0) for m in runs)
        per_page = 1000.0 * seconds / runs[0].pages
        print(f"  {label:<52} {per_page:8.2f} ms {100.0 * seconds / median_wall:6.1f} %")
    extract = [m for m in rows if m.kind == "extract+meta"]
    if extract:
        gc_ms = 1000.0 * statistics.median(m.gc for m in extract) / extract[0].pages
        print(f"  {'(extraction only, for comparison: cyclic GC)':<52} {gc_ms:8.2f} ms")


# --- profile ------------------------------------------------------------------------------------


def _is_extraction(filename: str) -> bool:
    parts = Path(filename).parts
    return any(package in parts for package in EXTRACTION_PACKAGES)


def print_profile(path: Path, top: int) -> None:
    """The top functions by own time and by cumulative time, leaving out the extractor's
    internals so rnk's own overhead and Scrapy's show."""
    import pstats

    stats = pstats.Stats(str(path))
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    # Internal: defined in an extraction package, or (to a fixed point) called only by
    # internal functions, so copy.copy or lxml's element lookup run on the extractor's
    # behalf are left out too, while what rnk's own code calls stays in.
    internal = {func for func in raw if _is_extraction(func[0])}
    changed = True
    while changed:
        changed = False
        for func, (_cc, _nc, _tt, _ct, callers) in raw.items():
            if func not in internal and callers and all(caller in internal for caller in callers):
                internal.add(func)
                changed = True
    kept = [
        (func, nc, cc, tt, ct) for func, (cc, nc, tt, ct, _callers) in raw.items() if func not in internal
    ]
    total = max((ct for _f, _n, _c, _t, ct in kept), default=0.0)

    def where(func: tuple[str, int, str]) -> str:
        filename, line, name = func
        if filename == "~":
            return name
        short = filename
        for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
            if marker in filename:
                short = filename.split(marker, 1)[1]
                break
        return f"{short}:{line}({name})"

    print_packages(raw, internal)
    for title, key in (("own time (tottime)", 3), ("cumulative time", 4)):
        print()
        print(f"profile, top {top} by {title}, excluding {', '.join(EXTRACTION_PACKAGES)} internals")
        print(f"  {'calls':>9} {'tottime':>8} {'cumtime':>8} {'cum %':>6}  function")
        for func, nc, cc, tt, ct in sorted(kept, key=lambda row: row[key], reverse=True)[:top]:
            calls = str(nc) if nc == cc else f"{nc}/{cc}"
            share = 100.0 * ct / total if total else 0.0
            print(f"  {calls:>9} {tt:8.3f} {ct:8.3f} {share:6.1f}  {where(func)}")


def _group(func: tuple[str, int, str], internal: set[Any]) -> str:
    """Who a function's own time belongs to: the extractor, rnk, a library, the stdlib."""
    filename = func[0]
    if func in internal:
        return "trafilatura & helpers (internals)"
    if filename == "~":
        return "~"
    parts = Path(filename).parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].removesuffix(".py")
    root = Path(__file__).resolve().parents[1]
    if Path(filename).is_relative_to(root):
        return f"rnk: {Path(filename).relative_to(root).parts[0]}"
    for index, part in enumerate(parts):
        if part.startswith("python3") and index + 1 < len(parts):
            return f"stdlib: {parts[index + 1].removesuffix('.py')}"
    return "other"


def print_packages(raw: dict[Any, Any], internal: set[Any]) -> None:
    """Own time summed per package. C functions (lxml's, sqlite3's, re's) have no package
    of their own; their time goes to the packages of their callers, in proportion to the
    time each caller spent in them, so "sqlalchemy" includes the SQLite calls it makes."""
    own: Counter[str] = Counter()
    for func, (_cc, _nc, tt, _ct, callers) in raw.items():
        group = _group(func, internal)
        if group != "~":
            own[group] += tt
            continue
        edge_total = sum(edge[2] for edge in callers.values())
        if not callers or edge_total <= 0:
            own["C functions (no caller)"] += tt
            continue
        for caller, edge in callers.items():
            caller_group = _group(caller, internal)
            own["C functions called from C" if caller_group == "~" else caller_group] += (
                tt * edge[2] / edge_total
            )
    total = sum(own.values())
    print()
    print("profile, own time by package (C functions charged to their callers)")
    for group, seconds in own.most_common(16):
        print(f"  {seconds:8.3f} s {100.0 * seconds / total:6.1f} %  {group}")


# --- command ------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pages", type=int, default=2000, help="article pages to generate and ingest (2000)")
    parser.add_argument("--runs", type=int, default=3, help="rounds of extraction-only + end-to-end (3)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after the rounds, run one more crawl under cProfile and list the top functions",
    )
    parser.add_argument(
        "--profile-only", action="store_true", help="skip the timed rounds; profile one crawl"
    )
    parser.add_argument("--top", type=int, default=25, help="functions listed per profile table (25)")


def run(args: argparse.Namespace) -> int:
    """Generate (or reuse) the site, run the rounds, print the figures; 1 only if broken."""
    if args.pages < 10 or args.runs < 1:
        print("--pages must be at least 10 and --runs at least 1", file=sys.stderr)
        return 2
    started = time.perf_counter()
    site = ensure_site(args.pages, args.seed)
    print(
        f"site: {site.pages} pages ({site.relevant} relevant, {site.irrelevant} irrelevant), "
        f"{site.bytes_total / site.pages / 1000:.1f} KB per page on average "
        f"({site.bytes_min / 1000:.1f}-{site.bytes_max / 1000:.1f} KB), "
        f"{site.words_mean:.0f} words per article; "
        f"{site.root} (ready in {time.perf_counter() - started:.1f} s)"
    )
    measured_core, server_core = pick_cores()
    if measured_core is None:
        print("cores: fewer than 2 available, nothing pinned (server and measured process share the CPU)")
    else:
        print(f"cores: measured processes on core {measured_core}, site server on core {server_core}")

    baselines = {
        "extract+meta": {**TRAFILATURA_OPTIONS, "with_metadata": True},
        "extract-text": {**TRAFILATURA_OPTIONS, "with_metadata": False},
    }
    for kind, kind_options in baselines.items():
        print(
            f"baseline {kind}: trafilatura.bare_extraction(html, url=url, "
            + ", ".join(f"{key}={value}" for key, value in kind_options.items())
            + ")"
        )
    rows: list[Measurement] = []
    broken: list[str] = []
    rnk_options: dict[str, Any] = {}
    with served(site.root, server_core) as base:
        print(f"server: {base}")
        for round_ in range(1, (0 if args.profile_only else args.runs) + 1):
            for kind, kind_options in baselines.items():
                result = run_child(
                    _extract_child, str(site.root), base, site.pages, measured_core, kind_options
                )
                if "error" in result:
                    broken.append(f"round {round_} {kind}: {result['error']}")
                    break
                if result["empty"]:
                    broken.append(f"round {round_} {kind}: {result['empty']} pages gave no text")
                rows.append(
                    Measurement(kind, round_, result["pages"], result["seconds"], result["cpu"], result["gc"])
                )
                print(f"round {round_}: {kind} {rows[-1].rate:.1f} pages/s", flush=True)
            if broken:
                break

            result = run_child(_e2e_child, base, measured_core, None)
            if "error" in result:
                broken.append(f"round {round_} end-to-end: {result['error']}")
                break
            broken += [f"round {round_} end-to-end: {p}" for p in check_e2e(result, site)]
            rnk_options = result["rnk_options"] or rnk_options
            run_row = result["run"]
            processed = run_row["n_new"] + run_row["n_irrelevant"] + run_row["n_duplicates"]
            rows.append(
                Measurement(
                    "end-to-end",
                    round_,
                    processed,
                    result["seconds"],
                    result["cpu"],
                    result["gc"],
                    stored=result["stored"],
                    irrelevant=run_row["n_irrelevant"],
                    stages=result["stages"],
                )
            )
            print(f"round {round_}: end-to-end {rows[-1].rate:.1f} articles/s", flush=True)

        if (args.profile or args.profile_only) and not broken:
            profile_path = OUT / f"profile-e2e-{site.pages}p.pstats"
            print(
                "\nprofiling one end-to-end crawl (cProfile slows it; its time is not a figure) "
                f"-> {profile_path}"
            )
            result = run_child(_e2e_child, base, measured_core, str(profile_path))
            if "error" in result:
                broken.append(f"profiled end-to-end: {result['error']}")
            else:
                broken += [f"profiled end-to-end: {p}" for p in check_e2e(result, site)]
                print(f"profiled crawl: {result['seconds']:.1f} s wall under the profiler")
                print_profile(profile_path, args.top)

    if rows:
        print_table(rows)
        e2e = [m.rate for m in rows if m.kind == "end-to-end"]
        print()
        if e2e:
            print(f"median end to end:        {statistics.median(e2e):8.1f} articles/s (crawl_once, SQLite)")
        for kind, meaning in (
            (
                "extract+meta",
                "trafilatura doing rnk's whole extraction job: text and metadata (the issue's baseline)",
            ),
            ("extract-text", "trafilatura's text alone, no metadata: a floor no crawler reaches"),
        ):
            extract = [m.rate for m in rows if m.kind == kind]
            if not extract or not e2e:
                continue
            ratio = statistics.median(e2e) / statistics.median(extract)
            verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
            print(
                f"median {kind}: {statistics.median(extract):8.1f} pages/s   ratio end-to-end / {kind}: "
                f"{ratio:.2f} (target >= {TARGET_RATIO:.2f}: {verdict}) -- {meaning}"
            )
        if rnk_options:
            shown = ", ".join(f"{k}={v}" for k, v in rnk_options.items())
            print(f"rnk's own call: bare_extraction(..., {shown}); metadata read by crawler.extract itself")
        print_stages(rows)
    if broken:
        print("\nBROKEN: the figures above cannot be trusted:", file=sys.stderr)
        for problem in broken:
            print(f"  {problem}", file=sys.stderr)
        return 1
    return 0
