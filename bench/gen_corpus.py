"""Report corpus: three years of Russia-North Korea news, a million articles, for `bench reports`.

`python -m bench.gen_corpus` builds (or finds cached) a database of 1,000,000 articles, 300,000
stories and 50,000 events published 2023-01-01 .. 2025-12-31, on SQLite and on PostgreSQL,
with the real schema (`store.migrate.upgrade`), the full-text index filled and the report
rollups built (`store.rollups.rebuild`). `--articles N` scales everything down (stories
0.3 N, events 0.05 N): `--articles 2000` is the smoke mode.

The shape (all drawn from one seeded numpy generator, so every build is identical):

* 50 sources (`sync_sources`), each with one main language: 20 en, 10 ru, 8 ko, 6 fr, 6 de,
  of lognormal size (three wire services four times larger); ten non-English sources also
  run an English edition. Each polls every 6 hours (4 runs a day, ~219,000 `ingest_run`
  rows): a source-specific failure rate of 1-8 % plus a few outages of 2-12 runs; a poll
  with nothing new is `not_modified` on the sources that support conditional GET, `ok`
  with zero counts on the others. Counters add up: n_fetched = new + duplicates +
  irrelevant + errors, and n_new is exactly the articles the run stored (`article.run_id`).
* Events: 50,000, dated by a day weight (a slow trend: quiet 2023, the Vostochny summit of
  September 2023, the June 2024 treaty, troops from October 2024; a weekly rhythm with
  quiet weekends; daily noise). Types from the taxonomy (`store.events.CAMEO`), statements
  and meetings most common, troops rare before October 2024 and frequent after. Actors
  `PRK,RUS` (80 %) or with a third country, `event_actor` party rows, a claimant for one
  event in ten; places, people and numbers as in bench/events.py.
* Stories: 300,000 of 1-30 copies (a lognormal, sigma 1.1, rounded up and capped at 30, its
  mu set for 10/3 copies on average: 34 % single, 25 % two copies, 1.2 % twenty or more,
  0.4 % thirty; a story bigger than its language's outlets is an English wire story,
  so English is ~51 % of the articles, ru 20 %, ko 16 %, fr and de 7 % each). 60 % report
  an event: every event gets one story, the rest go to events by a heavy-tailed popularity
  (rank^-0.8), so a big summit draws thousands of stories over the days after it (bursts).
  The other 40 % are spread over the days by the day weight, raised where events cluster.
  Every story has an `event_mention` row (rule opened / joined / none), as after a crawl.
  A story is in one language; its copies come from distinct sources of that language
  (English editions included), heavier sources more often; copies follow the original by
  a lognormal delay (median ~2 h). Publication hours follow each language's daytime.
* Articles: fetched by their source's first successful poll after publication; ids follow
  fetch order, as in a live store, and story ids follow their first article. Titles and
  texts (80-150 words, in sentences) are generated words of the story's language: real
  function words at the top of a Zipf distribution over a 6,000-word pseudo-vocabulary,
  plus topical words with realistic frequencies: each side of the relationship in most
  articles (Pyongyang ~60 %, Moscow ~55 %, ...), the words of the story's event type in a
  third to two thirds of its articles (en: troops, deployment, soldiers, Kursk; munitions,
  shells, ...), every topical word in ~1 % of the others. So "troop deployment" matches
  ~10,000 articles, not hundreds of thousands. Copies carry the story's text, whole
  (exact copies, same content hash) or trimmed by up to 12 % (near copies).
* Not filled: LSH bands, MinHash (reports never read them); `seen_url` has the stored URLs
  only.

Loading: SQLite by executemany in batches of 10,000 with journal and fsync off and every
index in place except the FTS insert trigger (dropped, recreated, then
`INSERT INTO article_fts(article_fts) VALUES ('rebuild')`); PostgreSQL by COPY with the
indexes no foreign key needs (the GIN search index among them) dropped and recreated after,
foreign-key triggers skipped (session_replication_role = replica). Then ANALYZE, the rollups
(`store.rollups.rebuild`, timed), then ANALYZE (PostgreSQL: VACUUM (ANALYZE)). Cached as
bench/out/reports-<N>-g<generator>-s<schema head>.db and database `rnk_bench_reports`
(`rnk_bench_reports_<N>` for other sizes), marked complete by a comment naming N, the
generator version and the schema head.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import json
import math
import random
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import (
    BACKENDS,
    add_postgres_url_argument,
    copy_rows,
    ensure_sqlite_file,
    insert_sql,
    migrate_with_sources,
    pg_create,
    pg_database_state,
    pg_drop_indexes_for_load,
    pg_mark_complete,
    pg_reachable,
    pg_reset_sequences,
    pg_restore_indexes,
    pg_size,
    pg_url,
    print_free_disk,
    pseudo_words,
    remove_caches,
    schema_head,
    size_text,
    split_csv,
    sqlite_bulk_load,
    sqlite_finishing,
    sqlite_temporary,
)
from bench.events import NUMBERS, PEOPLE, PLACES, THIRD_COUNTRIES
from bench.gen_pages import OUT

GENERATOR_VERSION = 1
"""Bump when the generated data changes, so stale caches are rebuilt."""

SEED = 20250619
ARTICLES = 1_000_000
STORIES_PER_ARTICLE = 0.3
EVENTS_PER_ARTICLE = 0.05
EVENT_STORY_SHARE = 0.6
MAX_COPIES = 30
COPIES_SIGMA = 1.1
EPOCH = np.datetime64("2023-01-01T00:00:00", "s")
DAYS = 1096  # 2023-01-01 .. 2025-12-31
END_SECONDS = DAYS * 86_400
RUNS_PER_DAY = 4
CHUNK = 10_000
PG_NAME = "rnk_bench_reports"
EXTRACTOR = "bench-reports"

LANGUAGES = ("en", "ru", "ko", "fr", "de")
SOURCES_PER_LANGUAGE = {"en": 20, "ru": 10, "ko": 8, "fr": 6, "de": 6}
ENGLISH_EDITIONS = {"ru": 3, "ko": 3, "fr": 2, "de": 2}
"""Non-English sources (the first ones of each language) that also publish in English."""
STORY_LANGUAGE_WEIGHTS = {"en": 0.3, "ru": 0.26, "ko": 0.22, "fr": 0.11, "de": 0.11}
TZ_OFFSET = {"en": -3, "ru": 3, "ko": 9, "fr": 1, "de": 1}
"""Hours from UTC of each language's newsrooms (en: a mix of London and New York)."""
LOCAL_HOURS = np.array(
    [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 3, 3.5, 3.5, 3.3, 3, 3, 3, 3, 2.8, 2.5, 2.2, 2, 1.8, 1.6, 1.4, 1.2]
)
WEEKDAY = np.array([1.1, 1.15, 1.15, 1.1, 1.0, 0.6, 0.5])  # Monday first; 2023-01-01 is a Sunday
TREND = ((0, 0.6), (240, 0.7), (250, 1.0), (520, 1.1), (530, 1.6), (638, 1.5), (648, 2.0), (850, 1.8),
         (1095, 1.3))  # fmt: skip
"""(day, level) knots of the coverage trend: 2023-09 Vostochny, 2024-06 treaty, 2024-10 troops."""
TYPE_WEIGHTS = {
    "meeting": 0.18, "agreement": 0.09, "troops": 0.05, "arms_transfer": 0.11, "technology_transfer": 0.07,
    "economic": 0.13, "sanctions": 0.09, "statement": 0.22,
}  # fmt: skip
TROOPS_FROM_DAY, TROOPS_LATER = 639, 0.22  # 2024-10-01: troops become a main topic
TYPES = tuple(TYPE_WEIGHTS)

COMMON = ("pyongyang", "moscow", "russia", "north_korea", "kim", "putin", "lavrov", "kremlin", "military",
          "cooperation")  # fmt: skip
COMMON_P = (0.6, 0.55, 0.8, 0.85, 0.4, 0.45, 0.08, 0.15, 0.4, 0.35)
TYPE_WORDS = {
    "meeting": ("summit", "talks", "visit", "delegation"),
    "agreement": ("treaty", "signed", "partnership", "ratification"),
    "troops": ("troops", "deployment", "soldiers", "kursk"),
    "arms_transfer": ("munitions", "shells", "artillery", "missiles"),
    "technology_transfer": ("satellite", "launch", "technology", "rocket"),
    "economic": ("trade", "railway", "tourism", "bridge"),
    "sanctions": ("sanctions", "security_council", "veto", "panel"),
    "statement": ("warned", "statement", "condemned", "spokesperson"),
}
TYPE_WORD_P = (0.65, 0.45, 0.5, 0.35)
"""Probability that an article of a story of that type carries each of the type's words."""
TOPIC_WORD_P = (0.3, 0.2, 0.2, 0.15)
"""The same for a story with no event that still has a topic (half of them)."""
BACKGROUND_WORD_P = 0.01
"""Any topical word in any other article."""
TOPICAL = COMMON + tuple(word for words in TYPE_WORDS.values() for word in words)


def _items(text: str, separator: str = " ") -> tuple[str, ...]:
    return tuple(part for part in text.split(separator) if part)


TRANSLATIONS: dict[str, tuple[str, ...]] = {
    "en": _items(
        "Pyongyang|Moscow|Russia|North Korea|Kim Jong Un|Putin|Lavrov|Kremlin|military|cooperation|"
        "summit|talks|visit|delegation|treaty|signed|partnership|ratification|troops|deployment|"
        "soldiers|Kursk|munitions|shells|artillery|missiles|satellite|launch|technology|rocket|trade|"
        "railway|tourism|bridge|sanctions|Security Council|veto|panel|warned|statement|condemned|"
        "spokesperson",
        "|",
    ),
    "fr": _items(
        "Pyongyang|Moscou|Russie|Corée du Nord|Kim Jong-un|Poutine|Lavrov|Kremlin|militaire|"
        "coopération|sommet|pourparlers|visite|délégation|traité|signé|partenariat|ratification|"
        "troupes|déploiement|soldats|Koursk|munitions|obus|artillerie|missiles|satellite|lancement|"
        "technologie|fusée|commerce|ferroviaire|tourisme|pont|sanctions|Conseil de sécurité|veto|"
        "experts|averti|déclaration|condamné|porte-parole",
        "|",
    ),
    "de": _items(
        "Pjöngjang|Moskau|Russland|Nordkorea|Kim Jong Un|Putin|Lawrow|Kreml|militärische|"
        "Zusammenarbeit|Gipfel|Gespräche|Besuch|Delegation|Vertrag|unterzeichnet|Partnerschaft|"
        "Ratifizierung|Truppen|Entsendung|Soldaten|Kursk|Munition|Granaten|Artillerie|Raketen|"
        "Satellit|Start|Technologie|Trägerrakete|Handel|Eisenbahn|Tourismus|Brücke|Sanktionen|"
        "Sicherheitsrat|Veto|Expertengremium|warnte|Erklärung|verurteilte|Sprecher",
        "|",
    ),
    "ru": _items(
        "Пхеньян|Москва|Россия|КНДР|Ким Чен Ын|Путин|Лавров|Кремль|военное|сотрудничество|саммит|"
        "переговоры|визит|делегация|договор|подписали|партнерство|ратификация|войска|развертывание|"
        "военнослужащие|Курск|боеприпасы|снаряды|артиллерия|ракеты|спутник|запуск|технологии|"
        "ракетный|торговля|железнодорожный|туризм|мост|санкции|Совет Безопасности|вето|"
        "группа экспертов|предупредил|заявление|осудил|официальный представитель",
        "|",
    ),
    "ko": _items(
        "평양|모스크바|러시아|북한|김정은|푸틴|라브로프|크렘린|군사|협력|정상회담|"
        "회담|방문|대표단|조약|서명|동반자|비준|병력|파병|군인|쿠르스크|탄약|"
        "포탄|포병|미사일|위성|발사|기술|로켓|무역|철도|관광|다리|제재|안보리|"
        "거부권|전문가패널|경고|성명|규탄|대변인",
        "|",
    ),
}
"""The TOPICAL words in each language, in TOPICAL order."""
FUNCTION_WORDS = {
    "en": "the of and to in a said on that for with by was is as at from has it its after would be have an "
    "were will their which not also",
    "fr": "le la les de des et à en un une du que qui a pour dans sur par est au avec ont été ne pas plus "
    "selon",
    "de": "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an wurde "
    "nach",
    "ru": "и в на с что по не к о из за от для это как его также было после был до уже бы со при",
    "ko": "이 그 있다 하다 것 수 등 및 대한 위해 통해 따르면 이번 지난 관계자는 밝혔다 "
    "했다 있는 또한 것으로 한편 이날 가운데 함께 대해",
}
SYLLABLES = {
    "en": ("b br c ch cl d dr f fl g gr h j k kr l m n p pl pr r s sh st t tr v w z", "a e i o u ai ea ou io",
           ", , n r s l m t nd st rk ng"),
    "fr": ("b c d f g j l m n p r s t v ch qu gr tr pl br", "a e i o u é è ou ai eau au",
           ", , s t nt r l x"),
    "de": ("b d f g h k l m n p r s t w z sch st sp kr", "a e i o u ä ö ü ei au ie",
           ", n r t ng ch st rt lt en"),
    "ru": ("б в г д ж з к л м н п р с т ф х ц ч ш щ", "а е и о у ы я ю", ", , й н в м ст ть ск ов ий"),
}  # fmt: skip
VOCABULARY = 6_000
"""Pseudo-words per language, below the function words, ranked by a Zipf distribution."""
ZIPF_SHIFT, ZIPF_EXPONENT = 2.7, 1.07


# --- the plan (everything but the texts) --------------------------------------------------------


@dataclass(frozen=True)
class SourceInfo:
    index: int
    name: str
    language: str
    weight: float
    english_edition: bool
    conditional: bool
    failure_rate: float

    @property
    def domain(self) -> str:
        return f"{self.name.removeprefix('bench-')}.example"


def sources(rng: np.random.Generator) -> list[SourceInfo]:
    out: list[SourceInfo] = []
    for language in LANGUAGES:
        for i in range(SOURCES_PER_LANGUAGE[language]):
            weight = float(rng.lognormal(0.0, 0.8)) * (
                4.0 if i == 0 and language in {"en", "ru", "ko"} else 1.0
            )
            out.append(
                SourceInfo(
                    len(out),
                    f"bench-{language}-{i + 1:02d}",
                    language,
                    weight,
                    i < ENGLISH_EDITIONS.get(language, 0),
                    bool(rng.random() < 0.7),
                    float(rng.uniform(0.01, 0.08)),
                )
            )
    return out


def day_weights(rng: np.random.Generator) -> np.ndarray:
    days = np.arange(DAYS)
    knots = np.array(TREND, dtype=float)
    trend = np.interp(days, knots[:, 0], knots[:, 1])
    weekday = WEEKDAY[(days + 6) % 7]  # day 0 (2023-01-01) is a Sunday
    weights = trend * weekday * rng.lognormal(0.0, 0.15, DAYS)
    return weights / weights.sum()


def copies_distribution(mean: float, sigma: float = COPIES_SIGMA) -> np.ndarray:
    """P(k) for k = 1..MAX_COPIES: a lognormal rounded up and capped, its mu chosen so the mean is `mean`."""
    k = np.arange(1, MAX_COPIES + 1, dtype=float)

    def p_of(mu: float) -> np.ndarray:
        cdf = np.array([0.5 * (1 + math.erf((math.log(x) - mu) / (sigma * math.sqrt(2)))) for x in k])
        p = np.diff(np.concatenate(([0.0], cdf)))
        p[-1] += 1 - cdf[-1]
        return p

    low, high = -5.0, 5.0
    for _ in range(80):
        mu = (low + high) / 2
        if (k * p_of(mu)).sum() > mean:
            high = mu
        else:
            low = mu
    p = p_of((low + high) / 2)
    return p / p.sum()


@dataclass
class Plan:
    """Every row of the corpus but the words: numpy arrays indexed by id - 1."""

    n: int
    sources: list[SourceInfo]
    # stories
    story_language: np.ndarray  # index into LANGUAGES
    story_event: np.ndarray  # event index (id - 1), -1 for none
    story_topic: np.ndarray  # index into TYPES, -1 for none
    story_created: np.ndarray  # seconds from EPOCH
    story_first_article: np.ndarray  # article id of the first copy stored
    # events
    event_type: np.ndarray
    event_day: np.ndarray
    event_date_source: np.ndarray  # 0 text, 1 relative, 2 published
    event_third: np.ndarray  # index into THIRD_COUNTRIES, -1 for none
    event_place: np.ndarray  # index into PLACES, -1 for none
    event_people: np.ndarray
    event_numbers: np.ndarray  # -1 for none
    event_claimant: np.ndarray  # -1 for none
    event_story: np.ndarray  # opening story id
    # articles
    article_story: np.ndarray
    article_source: np.ndarray
    article_published: np.ndarray
    article_fetched: np.ndarray
    article_run: np.ndarray
    article_keep: np.ndarray  # fraction of the story's words kept (1.0: exact copy)
    article_relevance: np.ndarray
    article_variant: np.ndarray  # 0..99: title variant, text/published sources
    # runs
    run_source: np.ndarray
    run_started: np.ndarray
    run_seconds: np.ndarray
    run_status: np.ndarray  # 0 ok, 1 not_modified, 2 failed
    run_new: np.ndarray
    run_duplicates: np.ndarray
    run_irrelevant: np.ndarray
    run_errors: np.ndarray
    run_error_kind: np.ndarray


RUN_STATUSES = ("ok", "not_modified", "failed")
RUN_ERRORS = (
    (503, "HTTP 503 Service Unavailable"), (None, "timeout after 30 s"), (None, "connection refused"),
    (200, "the feed could not be parsed"), (403, "HTTP 403 Forbidden"),
)  # fmt: skip
DATE_SOURCES = ("text", "relative", "published")
PUBLISHED_SOURCES = ("page",) * 45 + ("feed",) * 4 + ("fetched",)
"""article.published_at_source by article_variant % 50: 90 % from the page, 8 % the feed, 2 % fetch time."""


def poll_interval(n: int) -> float:
    """Seconds between two polls of a source: RUNS_PER_DAY a day at ARTICLES, proportionally
    fewer on a smaller corpus, and at least one a week."""
    return 86_400 / max(RUNS_PER_DAY * min(1.0, n / ARTICLES), 1 / 7)


def make_plan(n: int, seed: int = SEED, say: Callable[[str], None] = print) -> Plan:
    """Draw every row but the texts (deterministic for a given n and seed)."""
    rng = np.random.default_rng([seed, GENERATOR_VERSION, n])
    info = sources(rng)
    n_stories = max(1, round(n * STORIES_PER_ARTICLE))
    n_events = max(1, round(n * EVENTS_PER_ARTICLE))
    n_event_stories = max(n_events, round(n_stories * EVENT_STORY_SHARE))
    weights = day_weights(rng)

    # story sizes: a capped lognormal, then nudged to exactly n articles
    sizes = rng.choice(np.arange(1, MAX_COPIES + 1), size=n_stories, p=copies_distribution(n / n_stories))
    while (diff := n - int(sizes.sum())) != 0:
        pick = rng.integers(0, n_stories, abs(diff))
        if diff > 0:
            pick = pick[sizes[pick] < MAX_COPIES]
            np.add.at(sizes, np.unique(pick), 1)
        else:
            pick = pick[sizes[pick] > 1]
            np.subtract.at(sizes, np.unique(pick), 1)

    # languages: a story too big for its language's outlets is an English wire story
    pools = {
        language: np.array(
            [s.index for s in info if s.language == language or (language == "en" and s.english_edition)]
        )
        for language in LANGUAGES
    }
    language_p = np.array([STORY_LANGUAGE_WEIGHTS[lang] for lang in LANGUAGES])
    story_language = rng.choice(len(LANGUAGES), size=n_stories, p=language_p / language_p.sum())
    pool_size = np.array([len(pools[lang]) for lang in LANGUAGES])
    story_language[sizes > pool_size[story_language]] = LANGUAGES.index("en")

    # events: days by the day weight, types by period, heavy-tailed popularity
    event_day = rng.choice(DAYS, size=n_events, p=weights)
    type_p = np.array([TYPE_WEIGHTS[t] for t in TYPES])
    late_p = type_p.copy()
    late_p[TYPES.index("troops")] = TROOPS_LATER
    event_type = np.where(
        event_day >= TROOPS_FROM_DAY,
        rng.choice(len(TYPES), size=n_events, p=late_p / late_p.sum()),
        rng.choice(len(TYPES), size=n_events, p=type_p / type_p.sum()),
    )
    event_second = rng.choice(24, size=n_events, p=LOCAL_HOURS / LOCAL_HOURS.sum()) * 3600 + rng.integers(
        0, 3600, n_events
    )
    popularity = rng.permutation(np.arange(1, n_events + 1, dtype=float) ** -0.8)
    popularity /= popularity.sum()

    # which stories report which event
    story_event = np.full(n_stories, -1)
    event_stories = rng.permutation(n_stories)[:n_event_stories]
    story_event[event_stories[:n_events]] = rng.permutation(n_events)
    story_event[event_stories[n_events:]] = rng.choice(
        n_events, size=n_event_stories - n_events, p=popularity
    )
    story_topic = np.where(story_event >= 0, event_type[np.maximum(story_event, 0)], -1)
    no_event = story_event < 0
    topical = no_event & (rng.random(n_stories) < 0.5)
    story_topic[topical] = rng.choice(len(TYPES), size=int(topical.sum()), p=type_p / type_p.sum())

    # story times: event stories in the days after their event, the others by day weight
    # raised where event stories cluster (bursts)
    story_time = np.zeros(n_stories, dtype=np.int64)
    has = ~no_event
    delay_days = rng.choice(8, size=int(has.sum()), p=[0.45, 0.25, 0.1, 0.06, 0.05, 0.04, 0.03, 0.02])
    events_of = story_event[has]
    story_time[has] = (
        event_day[events_of] * 86_400
        + event_second[events_of]
        + delay_days * 86_400
        + rng.exponential(4 * 3600, int(has.sum())).astype(np.int64)
    )
    burst = np.bincount(np.minimum(story_time[has] // 86_400, DAYS - 1), minlength=DAYS).astype(float)
    quiet = weights * (1 + 0.6 * burst / max(burst.mean(), 1e-9))
    quiet /= quiet.sum()
    quiet_days = rng.choice(DAYS, size=int(no_event.sum()), p=quiet)
    hours = np.zeros(n_stories, dtype=np.int64)
    for li, language in enumerate(LANGUAGES):
        chosen = story_language == li
        local = LOCAL_HOURS[(np.arange(24) + TZ_OFFSET[language]) % 24]  # UTC hour h is local h + offset
        hours[chosen] = rng.choice(24, size=int(chosen.sum()), p=local / local.sum())
    story_time[no_event] = (
        quiet_days * 86_400 + hours[no_event] * 3600 + rng.integers(0, 3600, int(no_event.sum()))
    )
    story_time = np.minimum(story_time, END_SECONDS - 4 * 3600)

    # copies: distinct sources of the story's language (Gumbel top-k by source weight)
    source_weight = np.array([s.weight for s in info])
    source_language = np.array([LANGUAGES.index(s.language) for s in info])
    rows: list[np.ndarray] = []
    sources_of: list[np.ndarray] = []
    ranks: list[np.ndarray] = []
    for li, language in enumerate(LANGUAGES):
        stories = np.nonzero(story_language == li)[0]
        pool = pools[language]
        w = source_weight[pool] * np.where(source_language[pool] == li, 1.0, 0.3)
        keys = np.log(w)[None, :] + rng.gumbel(size=(len(stories), len(pool)))
        order = np.argsort(-keys, axis=1)
        taken = np.arange(len(pool))[None, :] < sizes[stories][:, None]
        r, c = np.nonzero(taken)
        rows.append(stories[r])
        sources_of.append(pool[order[r, c]])
        ranks.append(c)
    article_story = np.concatenate(rows)
    article_source = np.concatenate(sources_of)
    copy_rank = np.concatenate(ranks)
    delays = np.where(copy_rank == 0, 0, np.minimum(rng.lognormal(np.log(7200), 1.2, n), 4 * 86_400))
    published = np.minimum(story_time[article_story] + delays.astype(np.int64), END_SECONDS - 180)
    say(
        f"  plan: {n:,} articles in {n_stories:,} stories ({int((sizes == 1).sum()):,} single, "
        f"largest {int(sizes.max())} copies), {n_events:,} events, {n_event_stories:,} event stories"
    )

    # runs: every 6 h per source; an article is fetched by its source's next successful poll
    interval = poll_interval(n)
    run_source_l, run_started_l, run_failed_l = [], [], []
    fetched = np.zeros(n, dtype=np.int64)
    article_run_local = np.zeros(n, dtype=np.int64)
    offset = 0
    for s in info:
        count = int(END_SECONDS // interval)
        started = (s.index * interval / len(info) + np.arange(count) * interval).astype(np.int64)
        started += rng.integers(0, 300, count)
        started = np.append(started[started < END_SECONDS - 120], END_SECONDS - 120 + s.index)
        failed = rng.random(len(started)) < s.failure_rate
        for _ in range(int(rng.poisson(3))):
            first = int(rng.integers(0, len(started)))
            failed[first : first + int(rng.integers(2, 13))] = True
        failed[-1] = False
        ok_index = np.nonzero(~failed)[0]
        mine = np.nonzero(article_source == s.index)[0]
        position = np.minimum(np.searchsorted(started[ok_index], published[mine] + 120), len(ok_index) - 1)
        run_local = ok_index[position]
        fetched[mine] = started[run_local] + rng.integers(3, 90, len(mine))
        article_run_local[mine] = offset + run_local
        run_source_l.append(np.full(len(started), s.index))
        run_started_l.append(started)
        run_failed_l.append(failed)
        offset += len(started)
    run_source = np.concatenate(run_source_l)
    run_started = np.concatenate(run_started_l)
    run_failed = np.concatenate(run_failed_l)
    run_order = np.lexsort((run_source, run_started))  # run ids follow start times
    run_id_of = np.empty(len(run_order), dtype=np.int64)
    run_id_of[run_order] = np.arange(1, len(run_order) + 1)
    run_source, run_started, run_failed = run_source[run_order], run_started[run_order], run_failed[run_order]
    article_run = run_id_of[article_run_local]

    # article ids follow fetch order; story ids follow their first article
    order = np.lexsort((article_source, published, fetched))
    article_story, article_source = article_story[order], article_source[order]
    published, fetched, article_run = published[order], fetched[order], article_run[order]
    first_article = np.full(n_stories, n, dtype=np.int64)  # position of each story's first article
    np.minimum.at(first_article, article_story, np.arange(n))
    story_order = np.argsort(first_article, kind="stable")
    story_id_of = np.empty(n_stories, dtype=np.int64)
    story_id_of[story_order] = np.arange(1, n_stories + 1)
    is_first = first_article[article_story] == np.arange(n)
    article_story = story_id_of[article_story]
    keep = np.where(is_first | (rng.random(n) < 0.4), 1.0, rng.uniform(0.88, 0.995, n))

    story_event = story_event[story_order]
    story_topic = story_topic[story_order]
    story_language = story_language[story_order]
    story_first_article = first_article[story_order] + 1
    story_created = fetched[story_first_article - 1]
    event_story = np.full(n_events, n_stories + 1, dtype=np.int64)
    with_event = np.nonzero(story_event >= 0)[0]
    np.minimum.at(event_story, story_event[with_event], with_event + 1)

    # run outcomes and counters
    n_runs = len(run_source)
    run_new = np.bincount(article_run - 1, minlength=n_runs)
    conditional = np.array([s.conditional for s in info])[run_source]
    status = np.where(run_failed, 2, np.where((run_new == 0) & conditional, 1, 0))
    polled = status == 0
    duplicates = np.where(polled, rng.poisson(0.2 * run_new), 0)
    irrelevant = np.where(polled, rng.poisson(1.5 * run_new + 1), 0)
    errors = np.where(polled, rng.poisson(0.03, n_runs), 0)
    seconds = np.where(
        polled, 2 + 0.8 * (run_new + duplicates + irrelevant + errors), rng.uniform(0.2, 31, n_runs)
    )

    return Plan(
        n=n,
        sources=info,
        story_language=story_language,
        story_event=story_event,
        story_topic=story_topic,
        story_created=story_created,
        story_first_article=story_first_article,
        event_type=event_type,
        event_day=event_day,
        event_date_source=rng.choice(3, size=n_events, p=[0.6, 0.2, 0.2]),
        event_third=np.where(rng.random(n_events) < 0.2, rng.integers(0, len(THIRD_COUNTRIES), n_events), -1),
        event_place=np.where(rng.random(n_events) < 0.6, rng.integers(0, len(PLACES), n_events), -1),
        event_people=rng.integers(0, len(PEOPLE), n_events),
        event_numbers=np.where(rng.random(n_events) < 0.2, rng.integers(0, len(NUMBERS), n_events), -1),
        event_claimant=np.where(rng.random(n_events) < 0.1, rng.integers(0, 5, n_events), -1),
        event_story=event_story,
        article_story=article_story,
        article_source=article_source,
        article_published=published,
        article_fetched=fetched,
        article_run=article_run,
        article_keep=keep,
        article_relevance=np.round(rng.lognormal(np.log(5), 0.5, n) + 2, 3),
        article_variant=rng.integers(0, 100, n),
        run_source=run_source,
        run_started=run_started,
        run_seconds=seconds.astype(np.int64),
        run_status=status,
        run_new=run_new,
        run_duplicates=duplicates,
        run_irrelevant=irrelevant,
        run_errors=errors,
        run_error_kind=rng.integers(0, len(RUN_ERRORS), n_runs),
    )


# --- words --------------------------------------------------------------------------------------


def _pseudo_words(language: str, count: int, seed: int) -> list[str]:
    rng = random.Random(f"{seed}:{language}:words")
    if language != "ko":
        onsets, vowels, codas = SYLLABLES[language]  # "," stands for an empty coda
        return pseudo_words(
            rng, count, onsets.split(" "), vowels.split(" "), [c.strip(",") for c in codas.split(" ")]
        )
    initials, medials = [0, 2, 3, 5, 6, 7, 9, 11, 12, 14, 15, 16, 17, 18], [0, 1, 4, 8, 13, 18, 20, 6, 12]
    finals = [0, 0, 0, 4, 8, 16, 21, 1]
    words: dict[str, None] = {}
    while len(words) < count:
        syllables = [
            chr(0xAC00 + (rng.choice(initials) * 21 + rng.choice(medials)) * 28 + rng.choice(finals))
            for _ in range(rng.choice((2, 2, 3, 3, 4)))
        ]
        words["".join(syllables)] = None
    return list(words)


def vocabularies(seed: int = SEED) -> dict[str, np.ndarray]:
    """Per language: VOCABULARY words by Zipf rank (function words first), then the TOPICAL
    words at VOCABULARY + j, as an object array indexed by the word matrix."""
    out: dict[str, np.ndarray] = {}
    for language in LANGUAGES:
        function = FUNCTION_WORDS[language].split()
        pseudo = [w for w in _pseudo_words(language, VOCABULARY + 500, seed) if w not in function]
        ranked = (function + pseudo)[:VOCABULARY]
        out[language] = np.array(ranked + list(TRANSLATIONS[language]), dtype=object)
    return out


def zipf_p(start: int = 0) -> np.ndarray:
    p = (np.arange(start, VOCABULARY) + ZIPF_SHIFT) ** -ZIPF_EXPONENT
    return p / p.sum()


@dataclass
class Texts:
    """Each story's words (indexes into its language's vocabulary), length, sentence length
    and title; articles take their story's words whole or trimmed."""

    words: np.ndarray  # (stories, 150) uint16
    length: np.ndarray
    sentence: np.ndarray
    titles: list[str]
    vocabularies: dict[str, np.ndarray]


def make_texts(plan: Plan, seed: int = SEED) -> Texts:
    rng = np.random.default_rng([seed, GENERATOR_VERSION, plan.n, 1])
    n_stories = len(plan.story_language)
    width = 150
    words = rng.choice(VOCABULARY, size=(n_stories, width), p=zipf_p()).astype(np.uint16)
    length = rng.integers(80, width + 1, n_stories)

    def put(mask: np.ndarray, slot: int) -> None:
        rows = np.nonzero(mask)[0]
        positions = (rng.random(len(rows)) * length[rows]).astype(np.int64)
        words[rows, positions] = VOCABULARY + slot

    for j, share in enumerate(COMMON_P):
        put(rng.random(n_stories) < share, j)
        put(rng.random(n_stories) < share * 0.3, j)  # named twice in some
    has_event = plan.story_event >= 0
    for t, type_words in enumerate(TYPE_WORDS.values()):
        for k, word in enumerate(type_words):
            p = np.where(
                plan.story_topic == t, np.where(has_event, TYPE_WORD_P[k], TOPIC_WORD_P[k]), BACKGROUND_WORD_P
            )
            put(rng.random(n_stories) < p, TOPICAL.index(word))

    vocab = vocabularies(seed)
    filler = rng.choice(np.arange(40, VOCABULARY), size=(n_stories, 8), p=zipf_p(40))
    title_length = rng.integers(6, 11, n_stories)
    lead_word = rng.random(n_stories) < 0.7
    side = rng.choice(
        [COMMON.index(w) for w in ("north_korea", "russia", "pyongyang", "moscow", "kim", "putin")],
        size=n_stories,
    )
    side_in = rng.random(n_stories) < 0.8
    type_word = rng.integers(0, 2, n_stories)
    titles: list[str] = []
    for i in range(n_stories):
        v = vocab[LANGUAGES[int(plan.story_language[i])]]
        parts: list[str] = []
        topic = int(plan.story_topic[i])
        if topic >= 0 and lead_word[i]:
            parts.append(v[VOCABULARY + TOPICAL.index(TYPE_WORDS[TYPES[topic]][int(type_word[i])])])
        if side_in[i]:
            parts.append(v[VOCABULARY + int(side[i])])
        parts += v[filler[i, : max(2, int(title_length[i]) - len(parts))]].tolist()
        order = [parts[0], *parts[2:], parts[1]] if len(parts) > 2 and i % 2 else parts
        title = " ".join(order)
        titles.append(title[0].upper() + title[1:])
    return Texts(words, length, rng.integers(12, 20, n_stories), titles, vocab)


def article_text(texts: Texts, story: int, keep: float, language: str) -> str:
    """The story's text (story = id - 1), its first `keep` share of words, in sentences."""
    length = int(texts.length[story])
    count = length if keep >= 1.0 else max(40, int(length * keep))
    words = texts.vocabularies[language][texts.words[story, :count]].tolist()
    step = int(texts.sentence[story])
    sentences = []
    for start in range(0, count, step):
        sentence = " ".join(words[start : start + step])
        sentences.append(sentence[0].upper() + sentence[1:] + ".")
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    return "\n\n".join(paragraphs)


# --- rows ---------------------------------------------------------------------------------------

STORY_COLUMNS = ("id", "created_at")
EVENT_COLUMNS = _items(
    "id event_type cameo_code actors location event_date date_source people numbers  "
    "extractor_version created_at"
)
ACTOR_COLUMNS = ("event_id", "actor", "role")
MENTION_COLUMNS = _items(
    "story_id event_id extractor_version event_type actors location event_date date_source claimant  "
    "people numbers evidence reason rule score details extracted_at"
)
RUN_COLUMNS = _items(
    "id source_id started_at finished_at status http_status n_fetched n_new n_duplicates  "
    "n_irrelevant n_errors error counters"
)
ARTICLE_COLUMNS = _items(
    "id url canonical_url source_id run_id domain title authors site_name text text_source language  "
    "published_at published_at_source published_day fetched_at content_hash relevance word_count  "
    "story_id title_key dedup_rule dedup_match_id dedup_score minhash shingle_count"
)
SEEN_COLUMNS = ("url", "source_id", "outcome", "first_seen_at")
CLAIMANTS = ("RUS", "PRK", "KOR", "UKR", "USA")


def iso(seconds: np.ndarray) -> list[str]:
    """Seconds from EPOCH as the store's instant text (`2024-06-19T08:30:00+00:00`)."""
    stamps = np.datetime_as_string(
        EPOCH + np.asarray(seconds, dtype=np.int64).astype("timedelta64[s]"), unit="s"
    )
    return [f"{s}+00:00" for s in stamps.tolist()]


def days(day_numbers: np.ndarray) -> list[str]:
    dates = EPOCH.astype("datetime64[D]") + np.asarray(day_numbers, dtype=np.int64).astype("timedelta64[D]")
    return [str(d) for d in dates.tolist()]


def _batches(rows: list[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def story_rows(plan: Plan) -> list[tuple[Any, ...]]:
    return list(zip(range(1, len(plan.story_created) + 1), iso(plan.story_created), strict=True))


def _event_facts(plan: Plan) -> tuple[list[str], list[str], list[str | None]]:
    """Per event: actors text, event date text, location."""
    opener_first = plan.story_first_article[plan.event_story - 1] - 1
    published_day = plan.article_published[opener_first] // 86_400
    day = np.where(plan.event_date_source == 2, published_day, np.minimum(plan.event_day, published_day))
    actors = [
        "PRK,RUS" if third < 0 else ",".join(sorted({"PRK", "RUS", THIRD_COUNTRIES[third]}))
        for third in plan.event_third.tolist()
    ]
    places = [None if p < 0 else PLACES[p] for p in plan.event_place.tolist()]
    return actors, days(day), places


def _row(columns: tuple[str, ...], **values: Any) -> tuple[Any, ...]:
    """The values in column order; a missing or unknown column is a bug, so KeyError/ValueError."""
    if len(values) != len(columns):
        raise ValueError(f"columns {sorted(set(columns) ^ set(values))} missing or unknown")
    return tuple(values[name] for name in columns)


def event_rows(plan: Plan) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Event rows (by id) and their event_actor rows."""
    from store.events import CAMEO

    actors, dates, places = _event_facts(plan)
    created = iso(plan.story_created[plan.event_story - 1])
    events: list[tuple[Any, ...]] = []
    actor_rows: list[tuple[Any, ...]] = []
    for e in np.argsort(plan.event_story).tolist():
        event_id = int(plan.event_story[e])
        kind = TYPES[int(plan.event_type[e])]
        number = int(plan.event_numbers[e])
        events.append(
            _row(
                EVENT_COLUMNS, id=event_id, event_type=kind, cameo_code=CAMEO[kind], actors=actors[e],
                location=places[e], event_date=dates[e],
                date_source=DATE_SOURCES[int(plan.event_date_source[e])],
                people=PEOPLE[int(plan.event_people[e])], numbers=NUMBERS[number] if number >= 0 else "",
                extractor_version=EXTRACTOR, created_at=created[e],
            )
        )  # fmt: skip
        actor_rows += [(event_id, actor, "party") for actor in actors[e].split(",")]
        claimant = int(plan.event_claimant[e])
        if claimant >= 0:
            actor_rows.append((event_id, CLAIMANTS[claimant], "claimant"))
    return events, actor_rows


def mention_rows(plan: Plan, texts: Texts) -> list[tuple[Any, ...]]:
    """One event_mention per story: opened / joined its event, or none."""
    actors, dates, places = _event_facts(plan)
    extracted = iso(plan.story_created + 1)
    rng = np.random.default_rng([SEED, GENERATOR_VERSION, plan.n, 2])
    scores = np.round(rng.uniform(0.5, 1.3, len(plan.story_event)), 4)
    apart = rng.choice(3, size=len(plan.story_event), p=[0.6, 0.3, 0.1])
    rows: list[tuple[Any, ...]] = []
    for i, e in enumerate(plan.story_event.tolist()):
        if e < 0:
            reason = (
                "recap: several happenings" if plan.story_topic[i] >= 0 else "no event trigger in the lead"
            )
            rows.append(
                _row(
                    MENTION_COLUMNS, story_id=i + 1, event_id=None, extractor_version=EXTRACTOR,
                    event_type=None, actors="PRK,RUS", location=None, event_date=None,
                    date_source="published", claimant=None, people="", numbers="", evidence="[]",
                    reason=reason, rule="none", score=None, details=None, extracted_at=extracted[i],
                )
            )  # fmt: skip
            continue
        kind = TYPES[int(plan.event_type[e])]
        opened = int(plan.event_story[e]) == i + 1
        claimant = int(plan.event_claimant[e])
        number = int(plan.event_numbers[e])
        evidence = [{"field": "type", "value": kind, "sentence": texts.titles[i]}]
        rows.append(
            _row(
                MENTION_COLUMNS, story_id=i + 1, event_id=int(plan.event_story[e]),
                extractor_version=EXTRACTOR, event_type=kind, actors=actors[e], location=places[e],
                event_date=dates[e],
                date_source=DATE_SOURCES[int(plan.event_date_source[e])],
                claimant=CLAIMANTS[claimant] if claimant >= 0 and opened else None,
                people=PEOPLE[int(plan.event_people[e])], numbers=NUMBERS[number] if number >= 0 else "",
                evidence=json.dumps(evidence, ensure_ascii=False), reason=None,
                rule="opened" if opened else "joined", score=None if opened else float(scores[i]),
                details=None if opened else json.dumps({"days": float(apart[i]), "actors": 1.0}),
                extracted_at=extracted[i],
            )
        )  # fmt: skip
    return rows


def run_rows(plan: Plan, source_ids: list[int]) -> list[tuple[Any, ...]]:
    started = iso(plan.run_started)
    finished = iso(plan.run_started + plan.run_seconds)
    rows: list[tuple[Any, ...]] = []
    for i in range(len(plan.run_source)):
        status = int(plan.run_status[i])
        new, dup = int(plan.run_new[i]), int(plan.run_duplicates[i])
        irrelevant, errors = int(plan.run_irrelevant[i]), int(plan.run_errors[i])
        http: int | None = 200
        error = None
        counters: dict[str, int] = {}
        if status == 2:
            http, error = RUN_ERRORS[int(plan.run_error_kind[i])]
        elif status == 1:
            http = 304
        else:
            counters["entries"] = 20 + new + dup + irrelevant
            if errors:
                counters["page_404"] = errors
        rows.append(
            _row(
                RUN_COLUMNS, id=i + 1, source_id=source_ids[int(plan.run_source[i])], started_at=started[i],
                finished_at=finished[i], status=RUN_STATUSES[status], http_status=http,
                n_fetched=new + dup + irrelevant + errors, n_new=new, n_duplicates=dup,
                n_irrelevant=irrelevant, n_errors=errors, error=error, counters=json.dumps(counters),
            )
        )  # fmt: skip
    return rows


def article_chunks(
    plan: Plan, texts: Texts, source_ids: list[int]
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """(article rows, seen_url rows), CHUNK articles at a time, in id order."""
    from store.fingerprint import title_key
    from store.hashing import content_hash

    for first in range(0, plan.n, CHUNK):
        last = min(plan.n, first + CHUNK)
        published = iso(plan.article_published[first:last])
        fetched = iso(plan.article_fetched[first:last])
        articles: list[tuple[Any, ...]] = []
        seen: list[tuple[Any, ...]] = []
        for j, position in enumerate(range(first, last)):
            article_id = position + 1
            story = int(plan.article_story[position]) - 1
            source = plan.sources[int(plan.article_source[position])]
            language = LANGUAGES[int(plan.story_language[story])]
            keep = float(plan.article_keep[position])
            variant = int(plan.article_variant[position])
            text = article_text(texts, story, keep, language)
            title = texts.titles[story]
            site = f"Bench {source.language.upper()} {source.name[-2:]}"
            if variant < 25:
                title = f"{title} - {site}"
            day = published[j][:10]
            url = f"https://{source.domain}/{day.replace('-', '/')}/story-{article_id}"
            match = int(plan.story_first_article[story])
            first_copy = match == article_id
            words = len(text.split())
            articles.append(
                _row(
                    ARTICLE_COLUMNS, id=article_id, url=url, canonical_url=url,
                    source_id=source_ids[source.index], run_id=int(plan.article_run[position]),
                    domain=source.domain, title=title, authors="Bench desk" if variant % 5 == 0 else None,
                    site_name=site, text=text, text_source="page" if variant < 95 else "feed",
                    language=language, published_at=published[j],
                    published_at_source=PUBLISHED_SOURCES[variant % 50],
                    published_day=day, fetched_at=fetched[j], content_hash=content_hash(text),
                    relevance=float(plan.article_relevance[position]), word_count=words, story_id=story + 1,
                    title_key=title_key(title),
                    dedup_rule="new" if first_copy else ("exact" if keep >= 1.0 else "near"),
                    dedup_match_id=None if first_copy else match,
                    dedup_score=None if first_copy else (1.0 if keep >= 1.0 else round(keep, 3)),
                    minhash=None, shingle_count=max(0, words - 2),
                )
            )  # fmt: skip
            seen.append((url, source_ids[source.index], "stored", fetched[j]))
        yield articles, seen


def source_specs(plan: Plan) -> list[Any]:
    from store.sources import SourceSpec

    interval = int(poll_interval(plan.n))
    return [
        SourceSpec(s.name, "feed", f"https://{s.domain}/feed.xml", s.language, interval, True)
        for s in plan.sources
    ]


def feed_states(plan: Plan, source_ids: list[int]) -> list[tuple[Any, ...]]:
    """(last_poll_at, next_poll_at, last_new_at, last_status, interval_seconds, source_id) per source."""
    interval = poll_interval(plan.n)
    rows = []
    for s in plan.sources:
        runs = np.nonzero(plan.run_source == s.index)[0]
        last = int(runs[-1])
        mine = np.nonzero(plan.article_source == s.index)[0]
        last_new = iso(plan.article_fetched[mine[-1:]])[0] if len(mine) else None
        end = int(plan.run_started[last] + plan.run_seconds[last])
        rows.append(
            (
                iso(np.array([end]))[0],
                iso(np.array([end + int(interval)]))[0],
                last_new,
                RUN_STATUSES[int(plan.run_status[last])],
                float(interval),
                source_ids[s.index],
            )
        )
    return rows


FEED_STATE_UPDATE = (
    "UPDATE feed_state SET last_poll_at = {p}, next_poll_at = {p}, last_new_at = {p}, last_status = {p}, "
    "interval_seconds = {p} WHERE source_id = {p}"
)


def load_plan_rows(
    plan: Plan,
    texts: Texts,
    source_ids: list[int],
    put: Callable[[str, tuple[str, ...], list[tuple[Any, ...]]], None],
) -> None:
    """Stories, events, their actors, mentions and runs, each table through `put(table, columns,
    rows)`: the backend's bulk insert."""
    put("story", STORY_COLUMNS, story_rows(plan))
    events, actors = event_rows(plan)
    put("event", EVENT_COLUMNS, events)
    put("event_actor", ACTOR_COLUMNS, actors)
    put("event_mention", MENTION_COLUMNS, mention_rows(plan, texts))
    put("ingest_run", RUN_COLUMNS, run_rows(plan, source_ids))


# --- building -----------------------------------------------------------------------------------


class Clock:
    """Prints a step's duration and keeps it for the summary."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.steps: dict[str, float] = {}
        self.started = time.perf_counter()

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        print(f"  {self.label}: {name} ...", flush=True)
        yield
        self.steps[name] = time.perf_counter() - started
        print(f"  {self.label}: {name} done in {self.steps[name]:.1f} s", flush=True)

    def total(self) -> float:
        return time.perf_counter() - self.started


def progress_printer(label: str, what: str, every: int) -> Callable[[int, int], None]:
    started = time.perf_counter()

    def report(done: int, total: int) -> None:
        if done % every == 0 or done == total:
            elapsed = time.perf_counter() - started
            print(f"  {label}: {what} {done:,}/{total:,} ({elapsed:.0f} s)", flush=True)

    return report


_PLANS: dict[int, tuple[Plan, Texts]] = {}


def plan_and_texts(n: int) -> tuple[Plan, Texts]:
    """The plan and texts of size n, made once per process (both backends share them)."""
    if n not in _PLANS:
        started = time.perf_counter()
        plan = make_plan(n)
        texts = make_texts(plan)
        print(f"  plan and story texts drawn in {time.perf_counter() - started:.1f} s", flush=True)
        _PLANS[n] = (plan, texts)
    return _PLANS[n]


def schema_digest() -> str:
    """SHA-256 (8 hex digits) of the migrations and store/rollups.py: a migration edited in place
    or a changed rollup query changes what a build holds without changing the schema head."""
    root = Path(__file__).resolve().parents[1] / "store"
    digest = hashlib.sha256()
    for path in [*sorted((root / "migrations" / "versions").glob("*.py")), root / "rollups.py"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:8]


def cache_key(n: int) -> str:
    return f"n={n} generator={GENERATOR_VERSION} schema={schema_head()} store={schema_digest()}"


def sqlite_path(n: int) -> Path:
    return OUT / f"reports-{n}-g{GENERATOR_VERSION}-s{schema_head()}-{schema_digest()}.db"


def build_sqlite(n: int, path: Path) -> dict[str, float]:
    """Create the file at `path` (see the module doc); built under a temporary name, renamed when complete."""
    from store.db import make_engine
    from store.rollups import rebuild

    clock = Clock("sqlite")
    plan, texts = plan_and_texts(n)
    temporary = sqlite_temporary(path)
    url = f"sqlite:///{temporary}"
    engine = make_engine(url)
    source_ids = migrate_with_sources(engine, source_specs(plan))
    engine.dispose()

    with sqlite_bulk_load(temporary) as connection:
        (trigger,) = connection.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'article_fts_insert'"
        ).fetchone()
        connection.execute("DROP TRIGGER article_fts_insert")

        def insert(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
            sql = insert_sql(table, columns)
            for batch in _batches(rows):
                connection.execute("BEGIN")
                connection.executemany(sql, batch)
                connection.execute("COMMIT")

        with clock.step("stories, events, mentions, runs"):
            load_plan_rows(plan, texts, source_ids, insert)
            connection.execute("BEGIN")
            connection.executemany(FEED_STATE_UPDATE.format(p="?"), feed_states(plan, source_ids))
            connection.execute("COMMIT")
        with clock.step("articles"):
            article_sql = insert_sql("article", ARTICLE_COLUMNS)
            seen_sql = insert_sql("seen_url", SEEN_COLUMNS)
            report = progress_printer("sqlite", "articles", 100_000)
            for articles, seen in article_chunks(plan, texts, source_ids):
                connection.execute("BEGIN")
                connection.executemany(article_sql, articles)
                connection.executemany(seen_sql, seen)
                connection.execute("COMMIT")
                report(articles[-1][0], plan.n)
        with clock.step("full-text index (FTS5 rebuild)"):
            connection.execute(trigger)
            connection.execute("INSERT INTO article_fts(article_fts) VALUES ('rebuild')")
        with clock.step("ANALYZE"):
            connection.execute("ANALYZE")
    engine = make_engine(url)
    try:
        with clock.step("rollups (store.rollups.rebuild)"):
            days_done = rebuild(engine, progress=progress_printer("sqlite", "rollup days", 200))
        print(f"  sqlite: {days_done} days refreshed", flush=True)
    finally:
        engine.dispose()
    with sqlite_finishing(temporary, path) as connection, clock.step("ANALYZE again"):
        connection.execute("ANALYZE")
    clock.steps["total"] = clock.total()
    return clock.steps


def ensure_sqlite(n: int, rebuild: bool = False) -> Path:
    return ensure_sqlite_file(
        n, sqlite_path(n), f"reports-{n}-*.db*", rebuild, lambda path: build_sqlite(n, path)["total"]
    )


LOADED_TABLES = ("story", "article", "event", "event_actor", "event_mention", "ingest_run", "seen_url")


def pg_name(n: int) -> str:
    return PG_NAME if n == ARTICLES else f"{PG_NAME}_{n}"


def pg_marker(n: int) -> str:
    return f"rnk bench reports: {cache_key(n)} complete"


def build_postgres(n: int, base: str, name: str) -> dict[str, float]:
    """Create database `name` from scratch (see the module doc); the comment set last marks it complete."""
    from store.db import make_engine
    from store.rollups import rebuild

    clock = Clock("postgresql")
    plan, texts = plan_and_texts(n)
    engine = make_engine(pg_create(base, name))
    try:
        source_ids = migrate_with_sources(engine, source_specs(plan))
        raw = engine.raw_connection()
        try:
            pg: Any = raw.driver_connection
            with pg.cursor() as cursor:
                before, dropped = pg_drop_indexes_for_load(cursor, LOADED_TABLES)
                pg.commit()

                copy = functools.partial(copy_rows, cursor)

                def index_done(index: str, started: float) -> None:
                    pg.commit()
                    print(f"    {index}: {time.perf_counter() - started:.1f} s", flush=True)

                with clock.step("stories, events, mentions, runs"):
                    load_plan_rows(plan, texts, source_ids, copy)
                    cursor.executemany(FEED_STATE_UPDATE.format(p="%s"), feed_states(plan, source_ids))
                    pg.commit()
                with clock.step("articles"):
                    report = progress_printer("postgresql", "articles", 100_000)
                    for articles, seen in article_chunks(plan, texts, source_ids):
                        copy("article", ARTICLE_COLUMNS, articles)
                        copy("seen_url", SEEN_COLUMNS, seen)
                        pg.commit()
                        report(articles[-1][0], plan.n)
                with clock.step("indexes (GIN search index among them)"):
                    pg_restore_indexes(cursor, LOADED_TABLES, before, dropped, after_each=index_done)
                    pg_reset_sequences(cursor, ("article", "story", "ingest_run"))
                    pg.commit()
                with clock.step("ANALYZE"):
                    pg.autocommit = True
                    cursor.execute("ANALYZE")
                    pg.autocommit = False
        finally:
            raw.close()
        with clock.step("rollups (store.rollups.rebuild)"):
            days_done = rebuild(engine, progress=progress_printer("postgresql", "rollup days", 200))
        print(f"  postgresql: {days_done} days refreshed", flush=True)
        raw = engine.raw_connection()
        try:
            pg = raw.driver_connection
            pg.autocommit = True
            with clock.step("VACUUM (ANALYZE)"), pg.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
        finally:
            raw.close()
    finally:
        engine.dispose()
    pg_mark_complete(base, name, pg_marker(n))
    clock.steps["total"] = clock.total()
    return clock.steps


def ensure_postgres(n: int, base: str, rebuild: bool = False) -> str:
    """The database name of the corpus of size n, built unless cached."""
    name = pg_name(n)
    if not rebuild and pg_database_state(base, name) == pg_marker(n):
        print(f"postgresql N={n:>9,}: cached database {name} ({size_text(pg_size(base, name))})", flush=True)
        return name
    steps = build_postgres(n, base, name)
    print(
        f"postgresql N={n:>9,}: built in {steps['total']:7.1f} s ({size_text(pg_size(base, name))}) "
        f"-> database {name}",
        flush=True,
    )
    return name


def clean(backends: list[str], base: str) -> None:
    """Remove every cached corpus: files of all sizes and versions, `PG_NAME` and `PG_NAME`_<N>."""
    remove_caches(backends, base, "reports-*.db*", f"{PG_NAME}_", pg_exact=PG_NAME)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--articles", type=int, default=ARTICLES, help=f"corpus size ({ARTICLES:,}; 2000 is a smoke test)"
    )
    parser.add_argument("--backends", default=",".join(BACKENDS), help="sqlite,postgresql (both)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the corpus databases first")
    add_postgres_url_argument(parser, "rnk_bench_reports*")


def ensure_all(n: int, backends: list[str], base: str, rebuild: bool) -> tuple[dict[str, str], list[str]]:
    """(backend -> database URL, problems): build or reuse the corpus on each backend."""
    print_free_disk()
    urls: dict[str, str] = {}
    problems: list[str] = []
    for backend in backends:
        try:
            if backend == "sqlite":
                urls[backend] = f"sqlite:///{ensure_sqlite(n, rebuild)}"
            else:
                why = pg_reachable(base)
                if why is not None:
                    print(f"postgresql: unreachable ({why}); skipped", flush=True)
                    continue
                urls[backend] = pg_url(base, ensure_postgres(n, base, rebuild))
        except Exception:
            problems.append(f"{backend} N={n:,}: build failed:\n{traceback.format_exc()}")
            print(f"{backend:<10} N={n:>9,}: build FAILED (see the end)", flush=True)
    return urls, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.gen_corpus", description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--clean", action="store_true", help="remove every cached corpus database and exit")
    args = parser.parse_args(argv)
    backends = [b for b in BACKENDS if b in split_csv(args.backends)]
    if not backends or args.articles < 100:
        print("--backends sqlite and/or postgresql; --articles >= 100", file=sys.stderr)
        return 2
    if args.clean:
        clean(backends, args.postgres_url)
        return 0
    _urls, problems = ensure_all(args.articles, backends, args.postgres_url, args.rebuild)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
