"""Dedup benchmark: does deciding duplicate-or-new and storing an article stay flat as the store grows?

The question it answers: every relevant article goes through `store_article` (URL check,
exact / title / LSH near-duplicate rules, inserts of the article, its 32 bands and its
seen-URL row, in one locked transaction). rnk is meant to run for years, so that cost must
not grow with the number of articles already stored. Target: the median time per article
with 1,000,000 articles stored is within 1.5x of the median with 1,000 stored, on SQLite and
on PostgreSQL.

How it measures, and why:

* Background: for each N (1,000 ... 1,000,000) and backend a database is built ONCE, after
  `upgrade(engine)` so the real schema and indexes are used, by bulk loading N articles
  directly (executemany on SQLite, COPY on PostgreSQL); storing them through `store_article`
  would take hours. Their fingerprints are synthetic but shaped like real ones: the content
  hash is a hex SHA-256 (of the article's index), the title key a few words of a 5,000-word
  vocabulary, the text 30-60 such words (real articles are longer; the text is only read
  for LSH candidates, and no background article is ever one, so its length changes nothing
  but the file size), 50 sources, days spread over three years, about two stories per three
  articles, 32 bands per article drawn uniformly from the signed 64-bit range and a MinHash
  signature of 128 uniformly random 32-bit values. That is what the bands and signatures of
  unrelated texts are: bands are blake2b values of independent MinHash rows, so between
  unrelated texts they collide with probability ~2^-64, exactly like random ones.
  Background article i is the same whatever N is (chunks seeded by position), so the small
  databases are prefixes of the large ones.
* Indexes must look like those of a store that grew article by article, because the cost
  of an insert depends on how full the index pages are. SQLite keeps every index during
  the load (random keys leave leaves ~88 % full, as in a grown store): an index rebuilt by
  CREATE INDEX is packed ~100 % full, so at 1M nearly every probe insert would split a
  leaf in each random-key index (measured at 1M: 54 instead of 36 WAL pages per article,
  and a median ratio of 1.58x instead of ~1.0x). PostgreSQL's CREATE INDEX leaves 10 % of
  each leaf free (fillfactor 90), so there the indexes no foreign key depends on are
  dropped for the load and recreated from their catalog definitions (then compared): 32
  million random B-tree inserts under COPY, with full-page writes, would take far longer.
  Then ANALYZE
  (PostgreSQL: VACUUM ANALYZE, as autovacuum would have done to a long-lived store). SQLite
  files are cached under bench/out/ and PostgreSQL databases kept as rnk_bench_dedup_<N>,
  keyed by N, GENERATOR_VERSION and the schema head.
* Probes: each measurement stores the same 20 + M generated articles through the real
  `store_article`: 300-800 words of English-like sentences (so fingerprinting and the
  near-duplicate path with LSH and shingle containment run in full), published in the two
  days after the newest background article (a live crawler stores today's news, which
  goes to the end of the time-ordered indexes). One third are new texts, one third near
  copies of a probe stored earlier in the run (trimmed, or 2 % of words edited; another
  outlet, URL and title), one third re-fetches of an earlier probe's URL.
  Each call is timed with perf_counter; the first 20 are warm-up and left out. Every
  outcome is checked (new -> "new"; copy -> "copy" by rule near/exact/title joining its
  original's story; re-fetch -> "duplicate"): a wrong one means the figures are broken.
* Isolation: every measurement works on a throwaway copy of the background (SQLite: a copy
  of the file; PostgreSQL: CREATE DATABASE ... TEMPLATE), so rounds do not accumulate, and
  runs in a fresh child process pinned to one core (as bench.ingest does).
* Rounds interleave the sizes and backends (round 1: every N on every backend, round 2 ...)
  so drifts of the machine hit all of them; the medians over rounds are reported. The
  target is judged on the median; the mean is printed beside it, since a stall every few
  dozen calls (an SQLite commit running a WAL checkpoint) costs throughput, not the median.
* The figures are reported, never asserted: exit 1 only when something broke (a build or a
  child failed, an outcome was wrong, row counts are off), 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import functools
import gc
import hashlib
import multiprocessing.connection
import os
import random
import statistics
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import (
    Backgrounds,
    add_scaling_arguments,
    child_reporting,
    copy_rows,
    insert_sql,
    migrate_with_sources,
    ms_mean,
    ms_median,
    ms_median_where,
    ms_p90,
    ms_p99,
    pg_create,
    pg_drop_indexes_for_load,
    pg_reset_sequences,
    pg_restore_indexes,
    pg_shown,
    pick_measured_core,
    print_broken,
    print_free_disk,
    pseudo_words,
    scaling_choices,
    schema_head,
    sqlite_bulk_load,
    sqlite_temporary,
    target_verdict,
)

GENERATOR_VERSION = 3
"""Bump when the background data changes, so stale caches are rebuilt."""

SIZES = (1_000, 10_000, 100_000, 1_000_000)
TARGET_RATIO = 1.5
"""Median ms/article at 1,000,000 stored over the median at 1,000: at most this."""
TARGET_SMALL, TARGET_LARGE = 1_000, 1_000_000

SEED = 20240619
SOURCES = 50
VOCABULARY_SIZE = 5_000
CHUNK = 10_000
"""Background articles generated (and committed) per batch."""
EPOCH = datetime(2022, 6, 1, tzinfo=UTC)
DAYS = 3 * 365
BANDS_PER_ARTICLE = 32
WARMUP = 20
DEFAULT_PROBES = 300
DEFAULT_ROUNDS = 3
LOADED_TABLES = ("story", "article", "article_band", "seen_url")
ARTICLE_COLUMNS = (
    "id", "url", "canonical_url", "source_id", "domain", "title", "site_name", "text", "text_source",
    "language", "published_at", "published_at_source", "published_day", "fetched_at", "content_hash",
    "relevance", "word_count", "story_id", "title_key", "dedup_rule", "dedup_match_id", "dedup_score",
    "minhash", "shingle_count",
)  # fmt: skip
"""What the background fills, in this order; a column the migrated schema lacks is left out
(so the benchmark still runs on an older schema), one it has and this lacks gets its default."""


# --- words --------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


_ONSETS = _words("b br c ch cl d dr f fl g gr h j k kr l m n p pl pr r s sh st t tr v w z")
_VOWELS = _words("a e i o u ai ea ou io ia")
_CODAS = ["", "", "n", "r", "s", "l", "m", "t", "nd", "st", "rk", "ng"]


def vocabulary(size: int = VOCABULARY_SIZE, seed: int = SEED) -> list[str]:
    """`size` distinct pronounceable pseudo-words (2-3 syllables), the same on every run:
    titles and texts of the background, and the proper names of the probes."""
    return pseudo_words(random.Random(f"{seed}:vocabulary"), size, _ONSETS, _VOWELS, _CODAS)


NOUNS = _words("""
agreement budget bridge committee contract council court decision delegation economy election
embassy factory farm festival harbour hospital industry inquiry investment law market meeting
ministry museum network office parliament pipeline plan policy port programme project railway
report river road school season settlement ship station strike summit tariff tax treaty union
university village vote warehouse water winter border company crop debt fleet grid harvest
highway license loan mine oil output permit price reactor reform rule salary sanction shortage
subsidy supply survey terminal trade tunnel visa wage airport archive audit bank cable cargo
""")
PLURALS = _words("""
workers farmers ships trucks containers flights families students engineers inspectors officials
teachers doctors fishermen traders passengers soldiers volunteers miners nurses drivers judges
""")
VERBS = _words("""
approved announced blocked cancelled challenged delayed discussed doubled drafted endorsed expanded
extended finalised funded halted inspected launched negotiated opened postponed proposed questioned
reduced rejected renewed repaired reviewed revised signed suspended upgraded welcomed
""")
ADJECTIVES = _words("""
ambitious cautious costly controversial delayed fragile historic local major modest national new
northern official regional rural second small southern sudden technical temporary unusual urgent
""")
WHEN = [
    "on Monday", "on Tuesday", "late on Wednesday", "early on Thursday", "on Friday", "over the weekend",
    "last month", "earlier this year", "after a long pause", "during the night", "at dawn",
    "before the holiday", "in the spring", "after the vote", "ahead of the deadline",
]  # fmt: skip
ATTRIBUTIONS = [
    "officials said", "a spokesperson said", "the ministry said in a statement", "local media reported",
    "according to documents seen by reporters", "people familiar with the matter said",
    "the agency confirmed", "residents said", "the mayor told reporters", "analysts said",
]  # fmt: skip


class Prose:
    """English-like news sentences: real function words and common nouns/verbs with the
    proper names drawn from the pseudo-word vocabulary, so two unrelated texts share few
    word 3-shingles (as two unrelated real articles do) while a copy shares nearly all."""

    def __init__(self, rng: random.Random, names: list[str]) -> None:
        self.rng = rng
        self.names = names

    def name(self) -> str:
        return self.rng.choice(self.names).capitalize()

    def sentence(self) -> str:
        r = self.rng
        n, n2, v, a = r.choice(NOUNS), r.choice(NOUNS), r.choice(VERBS), r.choice(ADJECTIVES)
        templates = (
            f"The {a} {n} in {self.name()} was {v} {r.choice(WHEN)}, {r.choice(ATTRIBUTIONS)}.",
            f"{self.name()} {v} {'an' if a[0] in 'aeiou' else 'a'} {a} {n} with {self.name()} "
            f"{r.choice(WHEN)}.",
            f"About {r.randint(12, 9800)} {r.choice(PLURALS)} were affected when the {n} near "
            f"{self.name()} was {v}.",
            f"{r.choice(ATTRIBUTIONS).capitalize()} that the {n} would cost {r.randint(2, 900)} million "
            f"and take {r.randint(2, 40)} months.",
            f"Critics in {self.name()} said the {a} {n} ignored the {n2} and the {r.choice(PLURALS)} "
            f"who depend on it.",
            f"The {n2} committee led by {self.name()} {self.name()} {v} the {n} {r.choice(WHEN)}.",
            f"In {self.name()}, {r.choice(PLURALS)} gathered outside the {n} to protest against the {a} "
            f"{n2}.",
            f"It was not clear whether the {n} {v} by {self.name()} would survive the {n2}, "
            f"{r.choice(ATTRIBUTIONS)}.",
        )
        return r.choice(templates)

    def text(self, low: int, high: int) -> str:
        """Paragraphs of 3-6 sentences, between `low` and about `high` words."""
        target = self.rng.randint(low, high)
        paragraphs: list[str] = []
        words = 0
        while words < target:
            sentences = [self.sentence() for _ in range(self.rng.randint(3, 6))]
            words += sum(len(s.split()) for s in sentences)
            paragraphs.append(" ".join(sentences))
        return "\n\n".join(paragraphs)

    def headline(self) -> str:
        r = self.rng
        return (
            f"{self.name()} {r.choice(VERBS)} {r.choice(ADJECTIVES)} {r.choice(NOUNS)} "
            f"{r.choice(['plan', 'deal', 'talks', 'row', 'review'])} in {self.name()}"
        )


# --- background data ----------------------------------------------------------------------------


@dataclass
class Chunk:
    """One batch of background rows, in the column order the loaders insert."""

    stories: list[tuple[Any, ...]] = field(default_factory=list)
    articles: list[tuple[Any, ...]] = field(default_factory=list)
    bands: list[tuple[int, int]] = field(default_factory=list)
    seen: list[tuple[Any, ...]] = field(default_factory=list)


def background(n: int, source_ids: list[int], seed: int = SEED) -> Iterator[Chunk]:
    """N background articles (ids 1..N) in chunks; see the module docstring for their shape.

    Chunk k draws from its own generator, seeded by (seed, k), and stories only span a
    chunk, so article i and its story are the same whatever N is."""
    from store.fingerprint import title_key

    words = vocabulary(seed=seed)
    story_id = 0
    for first in range(1, n + 1, CHUNK):
        rng = np.random.default_rng([seed, GENERATOR_VERSION, first // CHUNK])
        size = CHUNK
        count = min(CHUNK, n - first + 1)
        sources = rng.integers(0, len(source_ids), size)
        days = rng.integers(0, DAYS, size)
        seconds = rng.integers(0, 86_400, size)
        title_lengths = rng.integers(4, 9, size)
        text_lengths = rng.integers(30, 61, size)
        word_ids = rng.integers(0, len(words), (size, 60 + 8))
        joins = rng.random(size) < 1 / 3
        join_back = rng.integers(1, 200, size)
        relevance = rng.uniform(1.0, 12.0, size)
        bands = rng.integers(-(2**63), 2**63 - 1, (size, BANDS_PER_ARTICLE), dtype=np.int64, endpoint=True)
        signatures = rng.integers(0, 2**32, (size, 128), dtype=np.uint32).astype("<u4")
        chunk = Chunk()
        story_of: list[int] = []
        for j in range(count):
            article_id = first + j
            source = int(sources[j])
            published = EPOCH + timedelta(days=int(days[j]), seconds=int(seconds[j]))
            day = published.date()
            stamp = published.isoformat()  # UTCDateTime's text form on SQLite; PostgreSQL parses it
            fetched = (published + timedelta(minutes=20)).isoformat()
            ids = word_ids[j]
            title_words = [words[int(i)] for i in ids[: title_lengths[j]]]
            title = " ".join(title_words).capitalize()
            text_words = [words[int(i)] for i in ids[8 : 8 + text_lengths[j]]]
            text = " ".join(text_words).capitalize() + "."
            domain = f"news{source:02d}.example"
            url = f"https://{domain}/{day:%Y/%m/%d}/{'-'.join(title_words[:4])}-{article_id}"
            if joins[j] and j >= int(join_back[j]):
                match = article_id - int(join_back[j])
                story = story_of[j - int(join_back[j])]
                rule, match_id, score = "near", match, 0.8
            else:
                story_id += 1
                story = story_id
                chunk.stories.append((story, stamp))
                rule, match_id, score = "new", None, None
            story_of.append(story)
            content = hashlib.sha256(f"{seed}:{article_id}".encode()).hexdigest()
            chunk.articles.append(
                (
                    article_id, url, url, source_ids[source], domain, title, f"News {source:02d}", text,
                    "page", "en", stamp, "page", day.isoformat(), fetched, content,
                    round(float(relevance[j]), 3), len(text_words), story, title_key(title), rule,
                    match_id, score, signatures[j].tobytes(), len(text_words) - 2,
                )
            )  # fmt: skip
            for band in dict.fromkeys(bands[j].tolist()):
                chunk.bands.append((band, article_id))
            chunk.seen.append((url, source_ids[source], "stored", fetched))
        yield chunk


def source_specs() -> list[Any]:
    from store.sources import SourceSpec

    return [
        SourceSpec(f"bench-news-{i:02d}", "feed", f"https://news{i:02d}.example/feed.xml", "en", 1800, True)
        for i in range(SOURCES)
    ]


def article_columns(present: set[str]) -> tuple[list[str], list[int]]:
    """The ARTICLE_COLUMNS the migrated table has, and their positions in a background row."""
    kept = [(i, name) for i, name in enumerate(ARTICLE_COLUMNS) if name in present]
    return [name for _i, name in kept], [i for i, _name in kept]


def project(rows: list[tuple[Any, ...]], positions: list[int]) -> list[tuple[Any, ...]]:
    if len(positions) == len(ARTICLE_COLUMNS):
        return rows
    return [tuple(row[i] for i in positions) for row in rows]


def put_chunk(
    chunk: Chunk,
    names: list[str],
    positions: list[int],
    put: Callable[[str, Sequence[str], Iterable[Sequence[Any]]], None],
) -> None:
    """Each table's rows of `chunk` through `put(table, columns, rows)`, the backend's bulk insert;
    the article columns are `names`, at `positions` of a background row (`article_columns`)."""
    put("story", ("id", "created_at"), chunk.stories)
    put("article", names, project(chunk.articles, positions))
    put("article_band", ("band", "article_id"), chunk.bands)
    put("seen_url", ("url", "source_id", "outcome", "first_seen_at"), chunk.seen)


def store_code_digest() -> str:
    """SHA-256 over store/**/*.py: each child reports the code it measured, so a change to
    store/ in the middle of a run (another checkout, an editor) is caught, not averaged in."""
    root = Path(__file__).resolve().parents[1] / "store"
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


# --- SQLite -------------------------------------------------------------------------------------


def build_sqlite(n: int, path: Path) -> None:
    """Create the file at `path`: migrations, sources, then the bulk load (see module doc).

    Built under a temporary name and renamed when complete, so an interrupted build never
    leaves a cache behind. The load runs with every index in place (see the module doc on
    page fill), without journal or fsync (a crash only loses the temporary file) and with
    a 2 GB page cache so the random index inserts are made in memory."""
    from store.db import make_engine

    temporary = sqlite_temporary(path)
    engine = make_engine(f"sqlite:///{temporary}")
    source_ids = migrate_with_sources(engine, source_specs())
    engine.dispose()

    with sqlite_bulk_load(temporary) as connection:
        present = {row[1] for row in connection.execute("PRAGMA table_info(article)")}
        names, positions = article_columns(present)

        def insert(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
            connection.executemany(insert_sql(table, columns), rows)

        for chunk in background(n, source_ids):
            connection.execute("BEGIN")
            put_chunk(chunk, names, positions, insert)
            connection.execute("COMMIT")
        connection.execute("ANALYZE")
    temporary.rename(path)


# --- PostgreSQL ---------------------------------------------------------------------------------


def build_postgres(n: int, base: str, name: str) -> None:
    """Create database `name` from scratch: migrations, sources, COPY (see module doc).

    Indexes that no foreign key depends on are dropped for the load and recreated from
    their catalog definitions (constraints as constraints), then compared; foreign-key
    triggers are skipped during the load (session_replication_role, as pg_restore does)
    since the rows are consistent by construction."""
    from store.db import make_engine

    engine = make_engine(pg_create(base, name))
    try:
        source_ids = migrate_with_sources(engine, source_specs())
        raw = engine.raw_connection()
        try:
            psycopg_connection: Any = raw.driver_connection
            with psycopg_connection.cursor() as cursor:
                before, dropped = pg_drop_indexes_for_load(cursor, LOADED_TABLES)
                psycopg_connection.commit()
                cursor.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND table_name = 'article'"
                )
                names, positions = article_columns({row[0] for row in cursor.fetchall()})
                for chunk in background(n, source_ids):
                    put_chunk(chunk, names, positions, functools.partial(copy_rows, cursor))
                    psycopg_connection.commit()
                pg_restore_indexes(cursor, LOADED_TABLES, before, dropped)
                pg_reset_sequences(cursor, ("article", "story"))
                psycopg_connection.commit()
                psycopg_connection.autocommit = True
                cursor.execute("VACUUM (ANALYZE)")
                psycopg_connection.autocommit = False
        finally:
            raw.close()
    finally:
        engine.dispose()


BACKGROUNDS = Backgrounds("dedup", GENERATOR_VERSION, build_sqlite, build_postgres)
"""bench/out/dedup-<N>-g<GENERATOR_VERSION>-s<schema head>.db and rnk_bench_dedup_<N>."""


# --- probes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """One call to store_article and what it must answer."""

    kind: str  # "new", "copy" (near copy of probe `of`) or "dup" (probe `of`'s URL again)
    of: int | None
    url: str
    source: int
    title: str
    text: str
    published_at: datetime


def _trim(rng: random.Random, text: str) -> str:
    """Keep 85-95 % of the words: a lead or a tail cut, as republishers do."""
    words = text.split(" ")
    keep = int(len(words) * rng.uniform(0.85, 0.95))
    start = rng.randint(0, len(words) - keep)
    return " ".join(words[start : start + keep])


def _edit(rng: random.Random, text: str) -> str:
    """Replace 2 % of the words: house style, corrections, a changed figure."""
    words = text.split(" ")
    for position in rng.sample(range(len(words)), max(1, len(words) // 50)):
        words[position] = rng.choice(NOUNS)
    return " ".join(words)


def probe_plan(total: int, seed: int = SEED) -> list[Probe]:
    """`total` probes in order, the same for every N, round and backend: kinds cycle new,
    copy, dup, each copy or dup pointing at a probe earlier in the plan."""
    rng = random.Random(f"{seed}:probes")
    prose = Prose(rng, vocabulary(seed=seed))
    probes: list[Probe] = []
    news: list[int] = []
    stored: list[int] = []
    for index in range(total):
        kind = ("new", "copy", "dup")[index % 3]
        source = rng.randrange(SOURCES)
        if kind == "new":
            when = EPOCH + timedelta(days=DAYS, seconds=rng.randrange(2 * 86_400))
            probe = Probe(
                "new", None, f"https://probe{source:02d}.example/story/{index}", source, prose.headline(),
                prose.text(300, 800), when,
            )  # fmt: skip
            news.append(index)
        elif kind == "copy":
            of = rng.choice(news)
            original = probes[of]
            changed = _trim(rng, original.text) if index % 2 else _edit(rng, original.text)
            probe = Probe(
                "copy", of, f"https://probe{source:02d}.example/syndicated/{index}",
                source, prose.headline(), changed,
                original.published_at + timedelta(hours=rng.randint(1, 30)),
            )  # fmt: skip
        else:
            of = rng.choice(stored)
            original = probes[of]
            probe = Probe("dup", of, original.url, original.source, original.title, original.text,
                          original.published_at)  # fmt: skip
        probes.append(probe)
        if kind != "dup":
            stored.append(index)
    return probes


# --- measurement (child process) ----------------------------------------------------------------


def _measure_child(
    conn: multiprocessing.connection.Connection, url: str, core: int | None, probes: int, expected: int
) -> None:
    """Store WARMUP + `probes` probes into the database at `url` through store_article,
    timing each call; send the timings and any wrong outcome back."""
    with child_reporting(conn, core):
        code = store_code_digest()
        import sqlalchemy as sa

        from store.articles import NewArticle, store_article
        from store.db import make_engine

        engine = make_engine(url)
        with engine.connect() as connection:
            before = connection.execute(sa.text("SELECT count(*) FROM article")).scalar_one()
            rows = connection.execute(sa.text("SELECT id, name FROM source ORDER BY name")).all()
        source_ids = {int(name.rsplit("-", 1)[1]): source_id for source_id, name in rows}
        plan = probe_plan(WARMUP + probes)
        wrong: list[str] = []
        if before != expected:
            wrong.append(f"{before} articles stored before the probes, expected {expected}")
        times: list[float] = []
        kinds: list[str] = []
        stories: dict[int, int | None] = {}
        gc.collect()
        for index, probe in enumerate(plan):
            new = NewArticle(
                url=probe.url,
                canonical_url=probe.url,
                source_id=source_ids[probe.source],
                title=probe.title,
                text=probe.text,
                text_source="page",
                published_at=probe.published_at,
                published_at_source="page",
                fetched_at=probe.published_at + timedelta(minutes=20),
                relevance=6.0,
                language="en",
                site_name=f"Probe {probe.source:02d}",
            )
            started = time.perf_counter()
            result = store_article(engine, new)
            elapsed = time.perf_counter() - started
            if index >= WARMUP:
                times.append(elapsed)
                kinds.append(probe.kind)
            stories[index] = result.story_id
            want = {"new": "new", "copy": "copy", "dup": "duplicate"}[probe.kind]
            problem = None
            if result.outcome != want:
                problem = f"outcome {result.outcome!r} (rule {result.rule}), expected {want!r}"
            elif probe.kind == "copy" and result.rule not in {"near", "exact", "title"}:
                problem = f"copy matched by rule {result.rule!r}"
            elif probe.of is not None and result.story_id != stories[probe.of]:
                problem = f"story {result.story_id}, expected probe {probe.of}'s story {stories[probe.of]}"
            if problem:
                wrong.append(f"probe {index} ({probe.kind}): {problem}")
        stored_rows = sum(1 for p in plan if p.kind != "dup")
        with engine.connect() as connection:
            after = connection.execute(sa.text("SELECT count(*) FROM article")).scalar_one()
        if after != before + stored_rows:
            wrong.append(f"{after - before} articles added, expected {stored_rows}")
        engine.dispose()
        conn.send({"times": times, "kinds": kinds, "wrong": wrong, "code": code})


# --- results ------------------------------------------------------------------------------------


@dataclass
class Measurement:
    """One round of one backend at one N: every measured call's seconds."""

    backend: str
    n: int
    round: int
    times: list[float]
    kinds: list[str]

    @property
    def median_ms(self) -> float:
        return ms_median(self.times)

    @property
    def p90_ms(self) -> float:
        return ms_p90(self.times)

    @property
    def p99_ms(self) -> float:
        return ms_p99(self.times)

    @property
    def mean_ms(self) -> float:
        """What throughput sees: the rare long calls (an SQLite commit that runs a WAL
        checkpoint, say) count in full here and not at all in the median."""
        return ms_mean(self.times)

    def kind_median_ms(self, kind: str) -> float:
        return ms_median_where(self.times, self.kinds, kind)


def print_results(rows: list[Measurement], backends: list[str], sizes: list[int]) -> None:
    """Median over rounds of each round's figures, the ratios to the smallest N, and the
    verdict on the target per backend. The target is on the median (the typical call); the
    mean's ratio is printed beside it because a stall every few dozen calls leaves the
    median and p90 alone yet costs throughput."""
    print()
    print("ms per article (store_article, fingerprint included), each the median over rounds of the")
    print("round's figure; new/copy/dup: median per kind of probe; x median, x mean: ratio to the")
    print("smallest N's median, mean")
    header = ("backend", "N", "median", "p90", "p99", "mean", "new", "copy", "dup", "x median", "x mean")
    print("{:<11} {:>10} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>9} {:>7}".format(*header))
    verdicts: list[str] = []
    for backend in backends:
        medians: dict[int, float] = {}
        means: dict[int, float] = {}
        for n in sizes:
            runs = [m for m in rows if m.backend == backend and m.n == n]
            if not runs:
                continue
            medians[n] = statistics.median(m.median_ms for m in runs)
            means[n] = statistics.median(m.mean_ms for m in runs)
            p90 = statistics.median(m.p90_ms for m in runs)
            p99 = statistics.median(m.p99_ms for m in runs)
            by_kind = [statistics.median(m.kind_median_ms(k) for m in runs) for k in ("new", "copy", "dup")]
            smallest = min(medians)
            print(
                f"{backend:<11} {n:>10,} {medians[n]:>7.2f} {p90:>7.2f} {p99:>7.2f} {means[n]:>7.2f} "
                + " ".join(f"{value:>7.2f}" for value in by_kind)
                + f" {medians[n] / medians[smallest]:>9.2f} {means[n] / means[smallest]:>7.2f}"
            )
        if len(medians) < 2:
            continue
        small, large = min(medians), max(medians)
        ratio, mean_ratio = medians[large] / medians[small], means[large] / means[small]
        judged = target_verdict(small, large, ratio, (TARGET_SMALL, TARGET_LARGE, TARGET_RATIO))
        line = f"{backend}: median {large:,} / {small:,} stored = {ratio:.2f}x ({judged}); "
        line += f"mean {mean_ratio:.2f}x"
        if mean_ratio > TARGET_RATIO:
            line += " -- WARNING: throughput degrades more than the median (rare long calls; see p99)"
        verdicts.append(line)
    print()
    for line in verdicts:
        print(line)


# --- command ------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_scaling_arguments(
        parser,
        sizes=SIZES,
        sizes_help="articles already stored",
        probes=DEFAULT_PROBES,
        probes_help=f"measured store_article calls per measurement, after {WARMUP} warm-up calls",
        rounds=DEFAULT_ROUNDS,
        databases=f"{BACKGROUNDS.pg_prefix}*",
    )


def run(args: argparse.Namespace) -> int:
    """Build (or reuse) the backgrounds, run the rounds, print the figures; 1 only if broken."""
    chosen = scaling_choices(args, "1000,10000")
    if chosen is None:
        return 2
    sizes, backends = chosen
    base = args.postgres_url
    if args.clean:
        return BACKGROUNDS.clean(backends, base)

    print(
        f"dedup: sizes {', '.join(f'{n:,}' for n in sizes)}; backends {', '.join(backends)}; "
        f"{args.rounds} rounds of {WARMUP} warm-up + {args.probes} probes"
    )
    core = pick_measured_core()
    if "postgresql" in backends:
        print(f"postgresql: {pg_shown(base)}")
    code = store_code_digest()
    print(f"store code: {code} (SHA-256 of store/**/*.py); schema head {schema_head()}")
    print_free_disk()

    broken: list[str] = []
    rows: list[Measurement] = []
    measured_code = ""
    for round_, backend, n, label, result in BACKGROUNDS.rounds(
        args, sizes, backends, _measure_child, core, broken
    ):
        if result["wrong"]:
            broken += [f"{label}: {problem}" for problem in result["wrong"]]
        measured_code = measured_code or result["code"]
        if result["code"] != measured_code:
            broken.append(
                f"{label}: store/ changed between measurements ({measured_code} -> {result['code']})"
            )
        if len(result["times"]) != args.probes:
            broken.append(f"{label}: {len(result['times'])} timings, expected {args.probes}")
            continue
        m = Measurement(backend, n, round_, result["times"], result["kinds"])
        rows.append(m)
        flag = f"  {len(result['wrong'])} WRONG OUTCOMES" if result["wrong"] else ""
        print(
            f"{label}: median {m.median_ms:6.2f} ms, p90 {m.p90_ms:6.2f} ms, "
            f"p99 {m.p99_ms:6.2f} ms, mean {m.mean_ms:6.2f} ms "
            f"(new {m.kind_median_ms('new'):.2f}, copy {m.kind_median_ms('copy'):.2f}, "
            f"dup {m.kind_median_ms('dup'):.2f}); load {os.getloadavg()[0]:.1f}{flag}",
            flush=True,
        )
    if rows:
        print_results(rows, backends, sizes)
        print(f"store code measured: {measured_code}")
        if measured_code != code:
            print(
                f"note: store/ changed after the start ({code}); the backgrounds depend only on the "
                "migrations (schema head in their cache key): --rebuild if a migration was edited in place"
            )
    if broken:
        print_broken(broken)
        return 1
    return 0
