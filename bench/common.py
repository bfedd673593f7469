"""What the database benchmarks (dedup, events, reports and its corpus) share.

They all build a cached database per size and backend (a file under bench/out/ on SQLite, a
database marked complete by its comment on PostgreSQL), measure in fresh child processes
pinned to one core, and report medians. The pieces that are the same logic in each live
here, so a fix (a race on CREATE DATABASE ... TEMPLATE, a pragma, the child protocol) lands
once. What a benchmark builds and what it measures stay in its own module, and so does the
cache key of reports' corpus; dedup and events, whose keys differ only in their name and
generator version, share theirs (`Backgrounds`). bench.ingest takes `pick_cores`, `pin`,
`child_reporting` and `run_child` from here too.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import multiprocessing.connection
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.gen_pages import OUT

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")
CHILD_TIMEOUT_S = 3600.0
"""How long a child may take to send its result: generous, a round on 1,000,000 articles takes minutes."""

_spawn = multiprocessing.get_context("spawn")
"""Fresh interpreters: each measurement starts cold, with nothing the parent or an earlier child
imported, cached or left pinned."""


# --- arguments and output -----------------------------------------------------------------------


def split_csv(text: str) -> list[str]:
    """The non-empty, stripped parts of a comma-separated option."""
    return [part.strip() for part in text.split(",") if part.strip()]


def size_text(size: int) -> str:
    return f"{size / 1e9:.2f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


def default_postgres_url() -> str:
    return (
        os.environ.get("RNK_BENCH_POSTGRES_URL")
        or os.environ.get("RNK_TEST_POSTGRES_URL")
        or DEFAULT_POSTGRES_URL
    )


def add_postgres_url_argument(parser: argparse.ArgumentParser, databases: str) -> None:
    """--postgres-url, `databases` naming what the benchmark creates there (for the help)."""
    parser.add_argument(
        "--postgres-url",
        default=default_postgres_url(),
        help=f"server and maintenance database for {databases} (env RNK_BENCH_POSTGRES_URL, "
        f"RNK_TEST_POSTGRES_URL, else {DEFAULT_POSTGRES_URL})",
    )


def print_free_disk() -> None:
    """Say how much room bench/out/ has: a build at 1,000,000 articles takes GBs (and a
    measurement a throwaway copy), and running out half-way wastes the build."""
    free = shutil.disk_usage(OUT.parent).free
    print(f"disk: {size_text(free)} free under {OUT.parent}", flush=True)


def print_broken(problems: list[str], most: int = 40) -> None:
    """The problems that make the figures meaningless, on stderr after them."""
    print("\nBROKEN: the figures above cannot be trusted:", file=sys.stderr)
    for problem in problems[:most]:
        print(f"  {problem}", file=sys.stderr)
    if len(problems) > most:
        print(f"  ... and {len(problems) - most} more", file=sys.stderr)


# --- figures ------------------------------------------------------------------------------------


def ms_median(seconds: Iterable[float]) -> float:
    return 1000.0 * statistics.median(seconds)


def ms_mean(seconds: Iterable[float]) -> float:
    return 1000.0 * statistics.fmean(seconds)


def ms_p90(seconds: Iterable[float]) -> float:
    return 1000.0 * statistics.quantiles(seconds, n=10)[8]


def ms_p99(seconds: Iterable[float]) -> float:
    return 1000.0 * statistics.quantiles(seconds, n=100)[98]


def ms_median_where(seconds: Sequence[float], labels: Sequence[str], label: str) -> float:
    """Median ms of the calls labelled `label`; nan when there were none (the tables print it)."""
    picked = [s for s, each in zip(seconds, labels, strict=True) if each == label]
    return ms_median(picked) if picked else float("nan")


def target_verdict(small: int, large: int, ratio: float, target: tuple[int, int, float]) -> str:
    """Whether `ratio` (median at `large` over median at `small`) meets target (small, large,
    most): judged only when the sizes are the target's, since the ratio grows with the gap."""
    target_small, target_large, most = target
    if (small, large) == (target_small, target_large):
        return f"target <= {most:.1f}x: {'met' if ratio <= most else 'NOT met'}"
    return f"the target compares {target_large:,} with {target_small:,}: not judged"


# --- child processes ----------------------------------------------------------------------------


def pick_cores() -> tuple[int | None, int | None]:
    """(measured core, server core): the first two cores this process may use, or no pinning
    at all on a one-core machine (pinning both to the same core would be worse than none)."""
    if not hasattr(os, "sched_getaffinity"):
        return None, None
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2:
        return None, None
    return available[0], available[1]


def pick_measured_core() -> int | None:
    """The core the measuring children are pinned to (None: not pinned), said on stdout."""
    core, _ = pick_cores()
    print(
        "cores: fewer than 2 available, nothing pinned"
        if core is None
        else f"cores: measured processes on core {core} (the PostgreSQL server is not pinned)"
    )
    return core


def pin(core: int | None) -> None:
    if core is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core})


@contextlib.contextmanager
def child_reporting(conn: multiprocessing.connection.Connection, core: int | None) -> Iterator[None]:
    """The body of a child started by `run_child`, pinned to `core`: whatever it raises is sent
    back as {"error": traceback} (so the parent reports it instead of waiting), and the pipe is
    closed at the end either way."""
    try:
        pin(core)
        yield
    except BaseException:
        conn.send({"error": traceback.format_exc()})
    finally:
        conn.close()


def run_child(target: Callable[..., None], *args: Any) -> dict[str, Any]:
    """Run `target(conn, *args)` in a fresh process and return the dict it sends back."""
    parent, child = _spawn.Pipe(duplex=False)
    process = _spawn.Process(target=target, args=(child, *args), name=f"bench-{target.__name__}")
    process.start()
    child.close()
    try:
        if not parent.poll(CHILD_TIMEOUT_S):
            raise RuntimeError(f"{target.__name__} sent nothing within {CHILD_TIMEOUT_S:.0f} s")
        result: dict[str, Any] = parent.recv()
    except EOFError:
        result = {"error": f"{target.__name__} died without a result (exit code {process.exitcode})"}
    finally:
        process.join(60)
        if process.is_alive():
            process.terminate()
            process.join(5)
    if "error" not in result and process.exitcode not in (0, None):
        result["error"] = f"{target.__name__} exited with code {process.exitcode}"
    return result


# --- schema and generated data ------------------------------------------------------------------


def schema_head() -> str:
    """The newest migration: part of every cache key, so a new migration rebuilds."""
    from store.migrate import head_revision

    return head_revision()


def migrate_with_sources(engine: Any, specs: list[Any]) -> list[int]:
    """Bring the empty database behind `engine` to the schema head (`store.migrate.upgrade`) and
    add the sources `specs` (`store.sources.sync_sources`); returns their ids in `specs` order."""
    from store.migrate import upgrade
    from store.sources import sync_sources

    upgrade(engine)
    ids = sync_sources(engine, specs)
    return [ids[spec.name] for spec in specs]


def pseudo_words(
    rng: random.Random, count: int, onsets: Sequence[str], vowels: Sequence[str], codas: Sequence[str]
) -> list[str]:
    """`count` distinct pronounceable pseudo-words, in the order drawn from `rng`: 2-3 syllables
    of an onset and a vowel, then a coda."""
    words: dict[str, None] = {}
    while len(words) < count:
        syllables = rng.choice((2, 2, 3))
        word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(syllables))
        words[word + rng.choice(codas)] = None
    return list(words)


# --- SQLite -------------------------------------------------------------------------------------


def sqlite_temporary(path: Path) -> Path:
    """The name a cache file is built under (renamed to `path` when complete, so an interrupted
    build never leaves a cache behind), cleared of what an earlier interrupted build left."""
    temporary = path.with_name(path.name + ".tmp")
    for stale in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm")):
        stale.unlink(missing_ok=True)
    return temporary


@contextlib.contextmanager
def sqlite_bulk_load(path: Path) -> Iterator[sqlite3.Connection]:
    """An autocommit connection for bulk loading the file at `path` that nobody else uses:
    without journal or fsync (a crash only loses the temporary file), with a 2 GB page cache
    so random index inserts are made in memory, and foreign keys unchecked (the rows are
    consistent by construction). Afterwards the file is back in WAL mode, as rnk's engine
    sets it."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-2000000")
        connection.execute("PRAGMA foreign_keys=OFF")  # consistent by construction
        yield connection
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()


@contextlib.contextmanager
def sqlite_finishing(temporary: Path, path: Path) -> Iterator[sqlite3.Connection]:
    """The last connection to a file built at `temporary` (for a final ANALYZE): then the WAL
    is folded in and removed, and the file renamed to `path`, the cache."""
    connection = sqlite3.connect(temporary, isolation_level=None)
    try:
        yield connection
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()  # the last connection: the WAL is folded in and removed
    for extra in (Path(f"{temporary}-wal"), Path(f"{temporary}-shm")):
        extra.unlink(missing_ok=True)
    temporary.rename(path)


def insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def ensure_sqlite_file(
    n: int, path: Path, stale: str, rebuild: bool, build: Callable[[Path], float | None]
) -> Path:
    """The cache file at `path`, built by `build(path)` unless it exists (or `rebuild`).

    Before a build, the files matching `stale` in its folder go (other versions, their
    -wal/-shm, a .tmp). `build` may return how long it took by its own clock; else the call
    is timed here."""
    if rebuild:
        path.unlink(missing_ok=True)
    if path.exists():
        print(f"sqlite     N={n:>9,}: cached {path.name} ({size_text(path.stat().st_size)})", flush=True)
        return path
    for old in path.parent.glob(stale):
        old.unlink()
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    took = build(path)
    seconds = time.perf_counter() - started if took is None else took
    print(
        f"sqlite     N={n:>9,}: built in {seconds:7.1f} s ({size_text(path.stat().st_size)}) -> {path}",
        flush=True,
    )
    return path


@contextlib.contextmanager
def sqlite_copy(path: Path, prefix: str) -> Iterator[str]:
    """A throwaway copy of the cached file next to it (same disk, not a RAM /tmp); yields its URL."""
    with tempfile.TemporaryDirectory(prefix=prefix, dir=path.parent) as tmp:
        target = Path(tmp) / "probe.db"
        shutil.copyfile(path, target)
        yield f"sqlite:///{target}"


# --- PostgreSQL: databases ----------------------------------------------------------------------


def pg_url(base: str, database: str) -> str:
    """`base` (server, user, password) with its database replaced by `database`."""
    from sqlalchemy.engine import make_url

    from store.db import normalize_url

    return make_url(normalize_url(base)).set(database=database).render_as_string(hide_password=False)


def pg_shown(base: str) -> str:
    """The server URL as it may be printed (no password)."""
    from store.db import make_engine

    return make_engine(base).url.render_as_string(hide_password=True)


@contextlib.contextmanager
def pg_admin(base: str) -> Iterator[Any]:
    """An autocommit connection to the maintenance database (CREATE/DROP DATABASE)."""
    from store.db import make_engine

    engine = make_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def pg_reachable(base: str) -> str | None:
    """None when the server answers, else why not (one line)."""
    import sqlalchemy as sa

    try:
        with pg_admin(base) as admin:
            admin.execute(sa.text("SELECT 1"))
    except Exception as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


def pg_database_state(base: str, name: str) -> str | None:
    """The comment of database `name`, '' when it has none, None when it does not exist."""
    import sqlalchemy as sa

    with pg_admin(base) as admin:
        row = admin.execute(
            sa.text("SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database "
                    "WHERE datname = :n"),
            {"n": name},
        ).first()  # fmt: skip
    return None if row is None else str(row[0])


def pg_size(base: str, name: str) -> int:
    import sqlalchemy as sa

    with pg_admin(base) as admin:
        return int(admin.execute(sa.text("SELECT pg_database_size(:n)"), {"n": name}).scalar_one())


def pg_drop(base: str, name: str) -> None:
    import sqlalchemy as sa

    with pg_admin(base) as admin:
        admin.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def pg_create(base: str, name: str) -> str:
    """An empty database `name` (any earlier one dropped); returns its URL."""
    import sqlalchemy as sa

    pg_drop(base, name)
    with pg_admin(base) as admin:
        admin.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return pg_url(base, name)


def pg_mark_complete(base: str, name: str, marker: str) -> None:
    """Set `marker` as the database's comment, last in a build: a database whose comment is not
    the marker its benchmark expects (an interrupted or older build) is rebuilt."""
    import sqlalchemy as sa

    with pg_admin(base) as admin:
        admin.execute(sa.text(f"COMMENT ON DATABASE \"{name}\" IS '{marker}'"))


def ensure_pg_database(
    n: int, base: str, name: str, marker: str, rebuild: bool, build: Callable[[], Any]
) -> str:
    """Database `name`, built by `build()` unless its comment is `marker` already (or `rebuild`);
    the marker is set once the build returned."""
    if not rebuild and pg_database_state(base, name) == marker:
        how, seconds = "cached", None
    else:
        started = time.perf_counter()
        build()
        pg_mark_complete(base, name, marker)
        how, seconds = "built", time.perf_counter() - started
    size = pg_size(base, name)
    timing = f"in {seconds:7.1f} s " if seconds is not None else ""
    print(f"postgresql N={n:>9,}: {how} {timing}({size_text(size)}) -> database {name}", flush=True)
    return name


@contextlib.contextmanager
def pg_copy(base: str, template: str) -> Iterator[str]:
    """A throwaway database copied from `template` (file copy: fast for big ones); yields its URL.

    CREATE DATABASE fails while anything (autovacuum, say) is connected to the template, so
    it is retried for a while."""
    import sqlalchemy as sa

    name = f"{template}_probe"
    pg_drop(base, name)
    with pg_admin(base) as admin:
        version = int(admin.execute(sa.text("SHOW server_version_num")).scalar_one())
        strategy = " STRATEGY FILE_COPY" if version >= 150000 else ""
        for attempt in range(30):
            try:
                admin.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"{strategy}'))
                break
            except sa.exc.DBAPIError:  # "source database ... is being accessed by other users"
                if attempt == 29:
                    raise
                time.sleep(2)
    try:
        yield pg_url(base, name)
    finally:
        pg_drop(base, name)


def remove_caches(
    backends: list[str], base: str, sqlite_glob: str, pg_prefix: str, pg_exact: str | None = None
) -> None:
    """Remove the cache files matching `sqlite_glob` under bench/out/ and drop the databases
    named `pg_prefix`... (and `pg_exact`), each said on stdout."""
    import sqlalchemy as sa

    if "sqlite" in backends:
        for path in sorted(OUT.glob(sqlite_glob)):
            path.unlink()
            print(f"removed {path}")
    if "postgresql" in backends:
        where, params = "datname LIKE :p", {"p": pg_prefix.replace("_", r"\_") + "%"}
        if pg_exact is not None:
            where, params["a"] = "datname = :a OR " + where, pg_exact
        with pg_admin(base) as admin:
            names = admin.execute(
                sa.text(f"SELECT datname FROM pg_database WHERE {where} ORDER BY 1"), params
            ).scalars().all()  # fmt: skip
        for name in names:
            pg_drop(base, name)
            print(f"dropped database {name}")


# --- PostgreSQL: bulk loads ---------------------------------------------------------------------


def pg_index_state(cursor: Any, tables: Sequence[str]) -> list[tuple[Any, ...]]:
    """Every index of `tables`: (table, index, its definition, the primary-key or unique
    constraint it backs and that constraint's definition, whether a foreign key needs it)."""
    cursor.execute(
        "SELECT c.relname, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), "
        "       con.conname, pg_get_constraintdef(con.oid), "
        "       EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = i.indexrelid) "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.contype IN ('p', 'u') "
        "WHERE c.relname = ANY(%s) AND c.relnamespace = 'public'::regnamespace ORDER BY 2",
        (list(tables),),
    )
    return [tuple(row) for row in cursor.fetchall()]


def pg_drop_indexes_for_load(
    cursor: Any, tables: Sequence[str]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Ready `tables` for COPY: returns (their index state, the indexes dropped); commit after.

    CREATE INDEX after the load leaves leaves as full as a grown store's (fillfactor 90), and
    is far faster than millions of random B-tree inserts under full-page writes, so the
    indexes no foreign key depends on are dropped (constraints as constraints). Foreign-key
    triggers are skipped for the session (session_replication_role, as pg_restore does),
    since the rows are consistent by construction."""
    before = pg_index_state(cursor, tables)
    cursor.execute("SET maintenance_work_mem = '1GB'")
    cursor.execute("SAVEPOINT replica")
    try:  # superuser only; without it the load just checks every foreign key
        cursor.execute("SET session_replication_role = replica")
    except Exception:
        cursor.execute("ROLLBACK TO SAVEPOINT replica")
    cursor.execute("RELEASE SAVEPOINT replica")
    dropped = [row for row in before if not row[5]]
    for table, index, _definition, constraint, _con_def, _fk in dropped:
        if constraint:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}"')
        else:
            cursor.execute(f"DROP INDEX {index}")
    return before, dropped


def pg_restore_indexes(
    cursor: Any,
    tables: Sequence[str],
    before: list[tuple[Any, ...]],
    dropped: list[tuple[Any, ...]],
    after_each: Callable[[str, float], None] | None = None,
) -> None:
    """Recreate what `pg_drop_indexes_for_load` dropped from the catalog definitions, check
    foreign keys again, and make sure the indexes are the migration's. `after_each(index,
    started)` runs after each one (`started`: perf_counter when it began)."""
    for table, index, definition, constraint, constraint_def, _fk in dropped:
        started = time.perf_counter()
        if constraint:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{constraint}" {constraint_def}')
        else:
            cursor.execute(definition)
        if after_each is not None:
            after_each(index, started)
    cursor.execute("SET session_replication_role = DEFAULT")
    if pg_index_state(cursor, tables) != before:
        raise RuntimeError("the recreated indexes differ from the migration's")


def pg_reset_sequences(cursor: Any, tables: Sequence[str]) -> None:
    """Move each table's id sequence past the ids the load gave, as inserts would have."""
    for table in tables:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
        )


def copy_rows(cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY `rows` (values in `columns` order) into `table` through psycopg."""
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as stream:
        for row in rows:
            stream.write_row(row)


# --- size-scaling benchmarks (dedup, events) ----------------------------------------------------


def add_scaling_arguments(
    parser: argparse.ArgumentParser,
    *,
    sizes: Sequence[int],
    sizes_help: str,
    probes: int,
    probes_help: str,
    rounds: int,
    databases: str,
) -> None:
    """The options of a benchmark that measures one call at several sizes of the store."""
    default_sizes = ",".join(str(n) for n in sizes)
    parser.add_argument("--sizes", default=default_sizes, help=f"{sizes_help} ({default_sizes})")
    parser.add_argument("--backends", default=",".join(BACKENDS), help="sqlite,postgresql (both)")
    parser.add_argument("--rounds", type=int, default=rounds, help=f"interleaved rounds ({rounds})")
    parser.add_argument("--probes", type=int, default=probes, help=f"{probes_help} ({probes})")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the background databases first")
    parser.add_argument(
        "--clean", action="store_true", help="remove the cached background databases (all sizes) and exit"
    )
    add_postgres_url_argument(parser, databases)


def scaling_choices(args: argparse.Namespace, example: str) -> tuple[list[int], list[str]] | None:
    """(sizes, backends) as asked by `add_scaling_arguments`' options; None when they are off
    (said on stderr, `example` being sizes to suggest)."""
    try:
        sizes = sorted({int(part.replace("_", "")) for part in split_csv(args.sizes)})
    except ValueError:
        sizes = []
    backends = [b for b in BACKENDS if b in split_csv(args.backends)]
    unknown = set(split_csv(args.backends)) - set(BACKENDS)
    if not sizes or min(sizes) < 1 or not backends or unknown or args.rounds < 1 or args.probes < 10:
        print(
            f"--sizes takes positive integers ({example}), --backends sqlite and/or postgresql, "
            "--rounds >= 1, --probes >= 10",
            file=sys.stderr,
        )
        return None
    return sizes, backends


@dataclass(frozen=True)
class Backgrounds:
    """The cached backgrounds of a size-scaling benchmark `name`, one per N and backend: the file
    bench/out/<name>-<N>-g<generator>-s<schema head>.db, made by `build_sqlite(n, path)`, and
    the PostgreSQL database rnk_bench_<name>_<N>, made by `build_postgres(n, base, database)`
    and marked complete by its comment (N, generator and schema head)."""

    name: str
    generator: int
    build_sqlite: Callable[[int, Path], None]
    build_postgres: Callable[[int, str, str], None]

    def sqlite_path(self, n: int) -> Path:
        return OUT / f"{self.name}-{n}-g{self.generator}-s{schema_head()}.db"

    @property
    def pg_prefix(self) -> str:
        return f"rnk_bench_{self.name}_"

    def pg_name(self, n: int) -> str:
        return f"{self.pg_prefix}{n}"

    def pg_marker(self, n: int) -> str:
        """The comment of a complete database; anything else means rebuild."""
        return f"rnk bench {self.name}: n={n} generator={self.generator} schema={schema_head()} complete"

    def ensure(self, backend: str, n: int, base: str, rebuild: bool) -> Path | str:
        """The cache file (SQLite) or database name (PostgreSQL) of size `n`, built unless cached."""
        if backend == "sqlite":
            stale = f"{self.name}-{n}-*.db*"  # other versions, their -wal/-shm, .tmp
            build = self.build_sqlite
            return ensure_sqlite_file(n, self.sqlite_path(n), stale, rebuild, lambda path: build(n, path))
        name = self.pg_name(n)
        return ensure_pg_database(
            n, base, name, self.pg_marker(n), rebuild, lambda: self.build_postgres(n, base, name)
        )

    def clean(self, backends: list[str], base: str) -> int:
        """Remove every cached background (all sizes, all generator versions), each said on stdout;
        the exit status: 1 when that failed (said on stderr)."""
        try:
            remove_caches(backends, base, f"{self.name}-*.db*", self.pg_prefix)
        except Exception as exc:
            print(f"BROKEN: clean failed: {exc}", file=sys.stderr)
            return 1
        return 0

    def rounds(
        self,
        args: argparse.Namespace,
        sizes: list[int],
        backends: list[str],
        child: Callable[..., None],
        core: int | None,
        broken: list[str],
    ) -> Iterator[tuple[int, str, int, str, dict[str, Any]]]:
        """Build (or reuse) every N on every backend (a build that fails goes to `broken`, the
        others go on), then measure each in each of `args.rounds` rounds, so drifts of the machine
        hit all of them: `child(conn, url, core, args.probes, n)` in a fresh process (`run_child`)
        on a throwaway copy of the background. Yields (round, backend, n, label, result) of the
        measurements that did not fail (a failure goes to `broken`, said on stdout)."""
        targets: dict[tuple[str, int], Any] = {}
        for backend in backends:
            for n in sizes:
                try:
                    targets[backend, n] = self.ensure(backend, n, args.postgres_url, args.rebuild)
                except Exception:
                    broken.append(f"{backend} N={n:,}: build failed:\n{traceback.format_exc()}")
                    print(f"{backend:<10} N={n:>9,}: build FAILED (see the end)", flush=True)
        for round_ in range(1, args.rounds + 1):
            for n in sizes:
                for backend in backends:
                    if (backend, n) not in targets:
                        continue
                    try:
                        copy = (
                            sqlite_copy(targets[backend, n], f"{self.name}-probe-")
                            if backend == "sqlite"
                            else pg_copy(args.postgres_url, targets[backend, n])
                        )
                        with copy as url:
                            result = run_child(child, url, core, args.probes, n)
                    except Exception:
                        result = {"error": traceback.format_exc()}
                    label = f"round {round_} {backend:<10} N={n:>9,}"
                    if "error" in result:
                        broken.append(f"{label}: {result['error']}")
                        print(f"{label}: FAILED (see the end)", flush=True)
                        continue
                    yield round_, backend, n, label, result
