"""Events benchmark: does extracting a story's event and assigning it stay flat as events pile up?

The question it answers: every new story goes through `extract_event` (crawler/events: the
headline and lead lemmatized, matched against the language's lexicon, dated with dateparser)
and then `record_story_event` (store/events.py: candidates of the same type within
`WINDOW_DAYS` through the `(event_type, event_date)` index, scored in Python, then an event
opened or joined and the mention stored) inside the story's locked transaction. rnk is meant to
run for years, so that cost must not grow with the number of events already stored. Target
(the project's acceptance line): the median time per story with 100,000 events stored is
within 1.5x of the median with 1,000 stored, on SQLite and on PostgreSQL.

How it measures, and why:

* Background: for each N (1,000 and 100,000) and backend a database is built ONCE, after
  `upgrade(engine)` so the real schema and indexes are used, by bulk inserting N stories, N
  events (event id = story id, as `_open_event` makes them), their `party` actor rows (and a
  `claimant` row for one event in ten) and one `event_mention` per story pointing to its
  event, through SQLAlchemy Core executemany in batches of 10,000 with every index in place
  (so index pages fill as in a store that grew row by row). Story ids grow with time, as in a
  live store: story i is published on day (i-1) * DAYS / N of 2023-01-01 .. 2025-12-31, so
  event dates are spread uniformly over the three years (at 100,000: ~91 events a day, ~11 of
  each type). Types are drawn uniformly from the 8 types; actors are mostly "PRK,RUS",
  sometimes with a third country; the place is one of nine gazetteer ids or NULL; the date
  source text (a day or two before publication), relative or published; people like
  "kim_jong_un,putin"; numbers "" or a few; extractor_version "bench". Then ANALYZE
  (PostgreSQL: VACUUM (ANALYZE)). SQLite files are cached under bench/out/ and PostgreSQL
  databases kept as rnk_bench_events_<N>, keyed by N, GENERATOR_VERSION and the schema head.
* Probes: each measurement assigns the same WARMUP + M generated stories (default 20 + 200)
  in English, French, Russian and Korean, in turn, so the warm-up loads every lexicon, the
  three lemmatizers (kiwi's Korean model among them) and dateparser's four languages; the
  warm-up is left out. Each is a headline and a three-sentence lead about a Russia-North Korea
  happening of one of the 8 types (summit, treaty signed, troops sent, shells shipped,
  satellite help, bridge/train/flight, sanctions veto, warning), written from templates, with
  the day in the text ("on June 19", "le 19 juin", "19 июня", "6월 19일") inside the
  background's date range and published a day later, followed by two background paragraphs
  (a real story is longer than what the extractor reads). Happenings alternate between one
  story and two stories in different languages, so about a third of the probes find their
  happening already opened by an earlier probe: joins happen at 1,000 too, not only where the
  background is dense. At 100,000 nearly every dated probe joins a background event: ~80
  events of its type lie within the window, and any of them a day away with the same actors
  and no conflicting place scores above JOIN_SCORE. The open and join figures are printed
  apart so the mix can be read. What the extractor found (type, date) is compared with what
  the template wrote and printed: a lexicon change that stops recognising a template shows.
* Each probe times `extract_event(title, text, language, published_at)` (the extract part),
  then, inside one `store.db.locked_transaction` (the real write path: BEGIN IMMEDIATE on
  SQLite, the advisory lock on PostgreSQL), the insert of its story row and
  `record_story_event` including the COMMIT (the assign part). Every decision must be opened,
  joined or none, and the event and mention counts must add up; too few events extracted
  (more than half "none") or no join at all means the candidate path is not measured, and the
  run is BROKEN. After the timed loop (so it disturbs no cache) the number of background
  candidates each probe had (same type, within the window) is counted and its median printed.
* Isolation: every measurement works on a throwaway copy of the background (SQLite: a copy
  of the file; PostgreSQL: CREATE DATABASE ... TEMPLATE), so rounds do not accumulate, and
  runs in a fresh child process pinned to one core (as bench.ingest and bench.dedup do).
* Rounds interleave the sizes and backends; the medians over rounds are reported, the mean
  beside the median, and the extract and assign parts separately.
* The figures are reported, never asserted: exit 1 only when something broke (a build or a
  child failed, a decision was wrong, row counts are off), 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import multiprocessing.connection
import os
import random
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import (
    Backgrounds,
    add_scaling_arguments,
    child_reporting,
    ms_mean,
    ms_median,
    ms_median_where,
    ms_p90,
    pg_create,
    pg_reachable,
    pg_reset_sequences,
    pg_shown,
    pick_measured_core,
    print_broken,
    scaling_choices,
    schema_head,
    sqlite_finishing,
    sqlite_temporary,
    target_verdict,
)

GENERATOR_VERSION = 1
"""Bump when the background data changes, so stale caches are rebuilt."""

SIZES = (1_000, 100_000)
TARGET_RATIO = 1.5
"""Median ms/story at 100,000 events stored over the median at 1,000: at most this."""
TARGET_SMALL, TARGET_LARGE = 1_000, 100_000

SEED = 20240619
START, END = date(2023, 1, 1), date(2025, 12, 31)
DAYS = (END - START).days + 1
CHUNK = 10_000
WARMUP = 20
DEFAULT_PROBES = 200
DEFAULT_ROUNDS = 3
DECISIONS = ("opened", "joined", "none")

TYPES = (
    "meeting", "agreement", "troops", "arms_transfer", "technology_transfer", "economic", "sanctions",
    "statement",
)  # fmt: skip
THIRD_COUNTRIES = ("CHN", "JPN", "KOR", "UKR", "USA")
PLACES = ("pyongyang", "moscow", "vladivostok", "vostochny", "kursk", "rason", "khasan", "tumen", "new_york")
PEOPLE = (
    "kim_jong_un,putin", "kim_jong_un,putin", "", "", "choe_son_hui,lavrov", "lavrov", "shoigu",
    "kim_jong_un,shoigu", "peskov", "kim_jong_un", "belousov,no_kwang_chol", "nebenzia", "zelensky",
)  # fmt: skip
NUMBERS = ("12000", "1000000", "11000,12000", "300", "2500", "10000")


# --- background data ----------------------------------------------------------------------------


@dataclass
class Chunk:
    """One batch of background rows, as dicts for SQLAlchemy Core executemany."""

    stories: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    actors: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)


def background(n: int, seed: int = SEED) -> Iterator[Chunk]:
    """N background stories, each with the event it opened (ids 1..N), in chunks; see the
    module docstring for their shape."""
    from store.events import CAMEO

    for first in range(1, n + 1, CHUNK):
        rng = random.Random(f"{seed}:{GENERATOR_VERSION}:{n}:{first}")
        chunk = Chunk()
        for i in range(first, min(first + CHUNK, n + 1)):
            day = START + timedelta(days=(i - 1) * DAYS // n)
            published = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
                seconds=rng.randrange(86_400)
            )
            kind = rng.choices(("text", "relative", "published"), (6, 2, 2))[0]
            event_day = (
                day if kind == "published" else max(START, day - timedelta(days=rng.choice((0, 1, 1, 2))))
            )
            event_type = rng.choice(TYPES)
            actors = {"PRK", "RUS"}
            if rng.random() < 0.2:
                actors.add(rng.choice(THIRD_COUNTRIES))
            actor_text = ",".join(sorted(actors))
            location = rng.choice(PLACES) if rng.random() < 0.6 else None
            people = rng.choice(PEOPLE)
            numbers = rng.choice(NUMBERS) if rng.random() < 0.2 else ""
            claimant = rng.choice(("RUS", "PRK", "KOR", "UKR", "USA")) if rng.random() < 0.1 else None
            extracted = published + timedelta(minutes=20)
            chunk.stories.append({"id": i, "created_at": published})
            chunk.events.append(
                {
                    "id": i, "event_type": event_type, "cameo_code": CAMEO[event_type], "actors": actor_text,
                    "location": location, "event_date": event_day, "date_source": kind, "people": people,
                    "numbers": numbers, "extractor_version": "bench", "created_at": extracted,
                }
            )  # fmt: skip
            chunk.actors += [{"event_id": i, "actor": a, "role": "party"} for a in sorted(actors)]
            if claimant:
                chunk.actors.append({"event_id": i, "actor": claimant, "role": "claimant"})
            evidence = [{"field": "type", "value": f"{event_type} (bench)", "sentence": f"Bench story {i}."}]
            chunk.mentions.append(
                {
                    "story_id": i, "event_id": i, "extractor_version": "bench", "event_type": event_type,
                    "actors": actor_text, "location": location, "event_date": event_day, "date_source": kind,
                    "claimant": claimant, "people": people, "numbers": numbers, "evidence": evidence,
                    "reason": None, "rule": "opened", "score": None, "details": None,
                    "extracted_at": extracted,
                }
            )  # fmt: skip
        yield chunk


def load_background(engine: Any, n: int) -> None:
    """Migrate the empty database behind `engine` and insert the background through Core
    executemany (typed columns on both backends); the row counts are checked."""
    from store.dedup import STORY
    from store.events import EVENT, EVENT_ACTOR, MENTION
    from store.migrate import upgrade

    upgrade(engine)
    for chunk in background(n):
        with engine.begin() as connection:
            connection.execute(STORY.insert(), chunk.stories)
            connection.execute(EVENT.insert(), chunk.events)
            connection.execute(EVENT_ACTOR.insert(), chunk.actors)
            connection.execute(MENTION.insert(), chunk.mentions)
    if (counts := count_rows(engine)) != {"story": n, "event": n, "event_mention": n}:
        raise RuntimeError(f"background rows {counts}, expected {n} of each")


def count_rows(engine: Any) -> dict[str, int]:
    import sqlalchemy as sa

    with engine.connect() as connection:
        return {
            table: int(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in ("story", "event", "event_mention")
        }


# --- SQLite -------------------------------------------------------------------------------------


def build_sqlite(n: int, path: Path) -> None:
    """Create the file at `path` (under a temporary name, renamed when complete)."""
    from store.db import make_engine

    temporary = sqlite_temporary(path)
    engine = make_engine(f"sqlite:///{temporary}")
    try:
        load_background(engine, n)
    finally:
        engine.dispose()
    with sqlite_finishing(temporary, path) as connection:
        connection.execute("ANALYZE")


# --- PostgreSQL ---------------------------------------------------------------------------------


def build_postgres(n: int, base: str, name: str) -> None:
    """Create database `name` from scratch: migrations, the background, VACUUM (ANALYZE)."""
    import sqlalchemy as sa

    from store.db import make_engine

    engine = make_engine(pg_create(base, name))
    try:
        load_background(engine, n)
        with engine.begin() as connection, contextlib.closing(connection.connection.cursor()) as cursor:
            pg_reset_sequences(cursor, ("story",))  # ids were given: move the sequence past them
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM (ANALYZE)"))
    finally:
        engine.dispose()


BACKGROUNDS = Backgrounds("events", GENERATOR_VERSION, build_sqlite, build_postgres)
"""bench/out/events-<N>-g<GENERATOR_VERSION>-s<schema head>.db and rnk_bench_events_<N>."""


# --- probes -------------------------------------------------------------------------------------

LANGUAGES = ("en", "fr", "ru", "ko")
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre")  # fmt: skip
MONTHS_RU = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
             "ноября", "декабря")  # fmt: skip


def date_phrase(day: date, language: str) -> str:
    """The day as a news lead writes it, without the year (the publication gives it)."""
    if language == "en":
        return f"on {day:%B} {day.day}"
    if language == "fr":
        return f"le {day.day} {MONTHS_FR[day.month - 1]}"
    if language == "ru":
        return f"{day.day} {MONTHS_RU[day.month - 1]}"
    return f"{day.month}월 {day.day}일"


PLACE_FORMS: dict[str, dict[str, str]] = {
    # how "in <place>" is written; Korean takes the noun (the template adds 에서 / 서)
    "pyongyang": {"en": "in Pyongyang", "fr": "à Pyongyang", "ru": "в Пхеньяне", "ko": "평양"},
    "moscow": {"en": "in Moscow", "fr": "à Moscou", "ru": "в Москве", "ko": "모스크바"},
    "vladivostok": {
        "en": "in Vladivostok", "fr": "à Vladivostok", "ru": "во Владивостоке", "ko": "블라디보스토크",
    },
    "vostochny": {
        "en": "at the Vostochny cosmodrome", "fr": "au cosmodrome de Vostotchny",
        "ru": "на космодроме Восточный", "ko": "보스토치니 우주기지",
    },
}  # fmt: skip
TYPE_PLACES: dict[str, tuple[str | None, ...]] = {
    "meeting": ("pyongyang", "moscow", "vladivostok", "vostochny"),
    "agreement": ("pyongyang", "moscow"),
    "statement": ("moscow", "pyongyang"),
}
"""Types whose templates name a chosen place; the others name a fixed one (Kursk, Rason...)."""

# (headline, lead): {date} is the day as written, {place} the place in the language's form.
TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "meeting": {
        "en": (
            "Putin and Kim Jong Un hold summit talks {place}",
            "Russian President Vladimir Putin and North Korean leader Kim Jong Un held talks {place} "
            "{date}, the Kremlin said. The two leaders spent several hours together, part of it without "
            "aides. Neither side gave details of what was agreed.",
        ),
        "fr": (
            "Vladimir Poutine et Kim Jong-un se rencontrent {place}",
            "Le président russe Vladimir Poutine et le dirigeant nord-coréen Kim Jong-un se sont "
            "rencontrés {place} {date}, a indiqué le Kremlin. Les deux dirigeants ont passé plusieurs "
            "heures ensemble. Aucun détail n'a été donné sur le contenu des échanges.",
        ),
        "ru": (
            "Путин и Ким Чен Ын провели переговоры {place}",
            "Президент России Владимир Путин и лидер КНДР Ким Чен Ын провели переговоры {place} {date}, "
            "сообщили в Кремле. Лидеры провели вместе несколько часов. Подробности договорённостей не "
            "раскрываются.",
        ),
        "ko": (
            "푸틴·김정은, {place}서 정상회담",
            "블라디미르 푸틴 러시아 대통령과 김정은 북한 국무위원장이 {date} {place}에서 정상회담을 "
            "열었다고 크렘린궁이 밝혔다. 두 정상은 몇 시간 동안 함께 시간을 보냈다. 구체적인 합의 내용은 "
            "공개되지 않았다.",
        ),
    },
    "agreement": {
        "en": (
            "Russia and North Korea sign strategic partnership treaty {place}",
            "Russia and North Korea signed a treaty on comprehensive strategic partnership {place} "
            "{date}, including a pledge of mutual assistance. Officials from both sides attended the "
            "signing ceremony. The text still has to be ratified.",
        ),
        "fr": (
            "La Russie et la Corée du Nord signent un traité de partenariat stratégique",
            "La Russie et la Corée du Nord ont signé {date} {place} un traité de partenariat stratégique "
            "global prévoyant une assistance mutuelle. La cérémonie s'est tenue en présence des deux "
            "délégations. Le texte doit encore être ratifié.",
        ),
        "ru": (
            "Россия и КНДР подписали договор о всеобъемлющем стратегическом партнёрстве",
            "Россия и КНДР {date} подписали {place} договор о всеобъемлющем стратегическом партнёрстве, "
            "предусматривающий взаимную помощь. На церемонии присутствовали делегации двух стран. "
            "Документ ещё предстоит ратифицировать.",
        ),
        "ko": (
            "북러, 포괄적 전략적 동반자 관계 조약 서명",
            "북한과 러시아가 {date} {place}에서 포괄적 전략적 동반자 관계에 관한 조약에 서명했다. "
            "조약에는 상호 지원 조항이 포함됐다. 조약은 양국의 비준 절차를 거쳐야 한다.",
        ),
    },
    "troops": {
        "en": (
            "North Korea deploys thousands of troops to Russia's Kursk region",
            "North Korea deployed about 12,000 soldiers to Russia's Kursk region {date}, Ukrainian "
            "military intelligence said. The troops were moved by train from the Far East. Their units "
            "have not been identified.",
        ),
        "fr": (
            "La Corée du Nord déploie des milliers de soldats dans la région de Koursk",
            "La Corée du Nord a déployé {date} environ 12 000 soldats dans la région russe de Koursk, "
            "selon le renseignement militaire ukrainien. Les troupes ont été acheminées par train. Leurs "
            "unités n'ont pas été identifiées.",
        ),
        "ru": (
            "КНДР направила войска в Курскую область",
            "КНДР {date} направила около 12 000 военнослужащих в Курскую область России, сообщила "
            "украинская военная разведка. Военных перебросили по железной дороге. Их подразделения не "
            "названы.",
        ),
        "ko": (
            "북한, 러시아 쿠르스크 지역에 병력 파병",
            "북한이 {date} 러시아 쿠르스크 지역에 병력 약 12,000명을 파병했다고 우크라이나 군 정보당국이 "
            "밝혔다. 병력은 열차로 이동했다. 소속 부대는 확인되지 않았다.",
        ),
    },
    "arms_transfer": {
        "en": (
            "North Korea ships artillery shells to Russia through Rason",
            "North Korea shipped thousands of containers of artillery shells to Russia through the port "
            "of Rason {date}, satellite imagery showed. The cargo ship sailed to a port near Vladivostok. "
            "The shipment was the largest seen so far.",
        ),
        "fr": (
            "Pyongyang livre des obus d'artillerie à la Russie par le port de Rason",
            "La Corée du Nord a livré {date} des milliers de conteneurs d'obus d'artillerie à la Russie "
            "par le port de Rason, selon des images satellite. Le cargo a rejoint un port russe. Il "
            "s'agit de la plus grosse livraison observée.",
        ),
        "ru": (
            "КНДР отправила в Россию артиллерийские снаряды через порт Расон",
            "КНДР {date} отправила в Россию тысячи контейнеров с артиллерийскими снарядами через порт "
            "Расон, следует из спутниковых снимков. Грузовое судно ушло в российский порт. Это крупнейшая "
            "замеченная поставка.",
        ),
        "ko": (
            "북한, 나선항 통해 러시아로 포탄 수송",
            "북한이 {date} 나선항을 통해 포탄이 든 컨테이너 수천 개를 러시아로 보낸 것으로 위성사진에서 "
            "확인됐다. 화물선은 러시아 항구로 향했다. 지금까지 확인된 것 가운데 최대 규모다.",
        ),
    },
    "technology_transfer": {
        "en": (
            "Russia hands North Korea satellite technology at Vostochny",
            "Russia gave North Korea technical help with its reconnaissance satellite programme at the "
            "Vostochny cosmodrome {date}, South Korean officials said. Russian engineers were said to "
            "have reviewed the launch vehicle. Moscow did not comment.",
        ),
        "fr": (
            "La Russie transmet des technologies satellitaires à la Corée du Nord",
            "La Russie a apporté {date} une aide technique au programme de satellite de reconnaissance "
            "nord-coréen au cosmodrome de Vostotchny, selon des responsables sud-coréens. Des ingénieurs "
            "russes auraient examiné le lanceur. Moscou n'a pas commenté.",
        ),
        "ru": (
            "Россия передала КНДР спутниковые технологии",
            "Россия {date} оказала КНДР техническую помощь в программе разведывательного спутника на "
            "космодроме Восточный, утверждают южнокорейские официальные лица. Российские инженеры изучили "
            "ракету-носитель. В Москве это не прокомментировали.",
        ),
        "ko": (
            "러시아, 북한에 정찰위성 기술 이전",
            "러시아가 {date} 보스토치니 우주기지에서 북한의 정찰위성 발사에 기술 지원을 제공했다고 한국 "
            "정부 당국자들이 밝혔다. 러시아 기술자들이 발사체를 점검한 것으로 알려졌다. 러시아 측은 "
            "언급하지 않았다.",
        ),
    },
    "economic": {
        "en": (
            "Russia and North Korea start building road bridge across the Tumen River",
            "Russia and North Korea began construction of a road bridge across the Tumen River near "
            "Khasan {date}, the Russian government said. The bridge is due to open within two years. It "
            "will be the first road link between the two countries.",
        ),
        "fr": (
            "La Russie et la Corée du Nord lancent un pont routier sur le fleuve Tumen",
            "La Russie et la Corée du Nord ont lancé {date} la construction d'un pont routier sur le "
            "fleuve Tumen près de Khassan, a annoncé le gouvernement russe. Le pont doit ouvrir d'ici "
            "deux ans. Ce sera le premier lien routier entre les deux pays.",
        ),
        "ru": (
            "Россия и КНДР начали строить автомобильный мост через реку Туманная",
            "Россия и КНДР {date} начали строительство автомобильного моста через реку Туманная у Хасана, "
            "сообщило правительство России. Мост планируют открыть через два года. Это будет первое "
            "автомобильное сообщение между странами.",
        ),
        "ko": (
            "북러, 두만강 자동차 다리 착공",
            "북한과 러시아가 {date} 하산 인근 두만강에서 자동차 다리 건설을 시작했다고 러시아 정부가 "
            "밝혔다. 다리는 2년 안에 개통될 예정이다. 두 나라를 잇는 첫 자동차 도로가 된다.",
        ),
    },
    "sanctions": {
        "en": (
            "Russia vetoes renewal of UN panel monitoring North Korea sanctions",
            "Russia vetoed a UN Security Council resolution {date} that would have renewed the mandate of "
            "the panel of experts monitoring sanctions on North Korea. China abstained. The panel will "
            "stop working at the end of next month.",
        ),
        "fr": (
            "La Russie bloque le renouvellement du panel d'experts sur les sanctions contre Pyongyang",
            "La Russie a opposé {date} son veto à une résolution du Conseil de sécurité de l'ONU "
            "renouvelant le mandat du panel d'experts chargé des sanctions contre la Corée du Nord. La "
            "Chine s'est abstenue. Le panel cessera ses travaux le mois prochain.",
        ),
        "ru": (
            "Россия заблокировала продление мандата экспертов по санкциям против КНДР",
            "Россия {date} наложила вето на резолюцию Совета Безопасности ООН о продлении мандата группы "
            "экспертов по санкциям против КНДР. Китай воздержался. Группа прекратит работу в следующем "
            "месяце.",
        ),
        "ko": (
            "러시아, 대북제재 전문가 패널 연장 결의안에 거부권",
            "러시아가 {date} 유엔 안전보장이사회에서 대북제재 전문가 패널의 임기를 연장하는 결의안에 "
            "거부권을 행사했다. 중국은 기권했다. 패널은 다음 달 말 활동을 종료한다.",
        ),
    },
    "statement": {
        "en": (
            "North Korea warns the West, vows to stand with Russia",
            "North Korean Foreign Minister Choe Son Hui warned Western countries {place} {date} against "
            "escalating the war, saying Pyongyang would always stand with Russia. Her Russian counterpart "
            "Sergei Lavrov thanked her. No new agreement was announced.",
        ),
        "fr": (
            "Pyongyang met en garde l'Occident et promet de rester aux côtés de Moscou",
            "La ministre nord-coréenne des Affaires étrangères Choe Son-hui a mis en garde {place} {date} "
            "les pays occidentaux contre une escalade, affirmant que Pyongyang resterait aux côtés de la "
            "Russie. Sergueï Lavrov l'a remerciée. Aucun nouvel accord n'a été annoncé.",
        ),
        "ru": (
            "Чо Сон Хи предупредила Запад и заявила, что КНДР всегда будет на стороне России",
            "Министр иностранных дел КНДР Чо Сон Хи {date} {place} предупредила Запад об опасности "
            "эскалации, заявив, что Пхеньян всегда будет на стороне России. Сергей Лавров поблагодарил "
            "её. О новых договорённостях не сообщалось.",
        ),
        "ko": (
            '최선희 "북한은 언제나 러시아 편"…서방에 경고',
            "최선희 북한 외무상이 {date} {place}에서 서방에 긴장을 고조시키지 말라고 경고하며 북한은 "
            "언제나 러시아 편에 설 것이라고 말했다. 세르게이 라브로프 러시아 외무장관은 사의를 표했다. "
            "새로운 합의는 발표되지 않았다.",
        ),
    },
}

BACKGROUND: dict[str, str] = {
    "en": "Ties between Moscow and Pyongyang have grown closer since 2022, to the concern of Seoul, Tokyo "
    "and Washington. Both governments describe the relationship as a long-term choice rather than a "
    "wartime arrangement.\n\nAnalysts in Seoul noted that state media in both capitals gave the news "
    "prominent coverage, with photographs on the front pages of the main newspapers and long reports "
    "on the evening bulletins. Independent confirmation was not immediately available.",
    "fr": "Les liens entre Moscou et Pyongyang se sont resserrés depuis 2022, au grand dam de Séoul, Tokyo "
    "et Washington. Les deux gouvernements présentent cette relation comme un choix de long terme.\n\n"
    "À Séoul, des analystes ont relevé que les médias d'État des deux capitales avaient largement "
    "couvert l'événement, photos à la une et longs reportages dans les journaux du soir. Aucune "
    "confirmation indépendante n'était disponible dans l'immédiat.",
    "ru": "Отношения Москвы и Пхеньяна заметно укрепились с 2022 года, что вызывает беспокойство в Сеуле, "
    "Токио и Вашингтоне. Оба правительства называют их долгосрочным выбором.\n\nАналитики в Сеуле "
    "обратили внимание, что государственные СМИ обеих столиц подробно освещали событие: фотографии на "
    "первых полосах и длинные сюжеты в вечерних выпусках. Независимого подтверждения пока нет.",
    "ko": "모스크바와 평양의 관계는 2022년 이후 가까워졌고 서울과 도쿄, 워싱턴은 이를 우려하고 있다. 두 "
    "정부는 이 관계를 장기적인 선택이라고 설명한다.\n\n서울의 분석가들은 양국 관영 매체가 이 소식을 "
    "신문 1면 사진과 저녁 뉴스의 긴 보도로 비중 있게 다뤘다고 지적했다. 독립적인 확인은 아직 이뤄지지 "
    "않았다.",
}


@dataclass(frozen=True)
class Probe:
    """One story to extract and assign, and what its template wrote."""

    happening: int
    language: str
    title: str
    text: str
    published_at: datetime
    event_type: str
    event_date: date


def probe_plan(total: int, seed: int = SEED) -> list[Probe]:
    """`total` probes in order, the same for every N, round and backend. Happenings cycle through
    the 8 types; they alternate between one story and two (the second in the next language, a few
    hours later), so about a third of the probes find their happening already opened by a probe."""
    rng = random.Random(f"{seed}:events-probes")
    probes: list[Probe] = []
    happening = 0
    while len(probes) < total:
        event_type = TYPES[happening % len(TYPES)]
        day = START + timedelta(days=rng.randrange(7, DAYS - 7))
        if day.day == 1:  # "le 1er juin": keep to the plain forms
            day += timedelta(days=1)
        place = rng.choice(TYPE_PLACES.get(event_type, (None,)))
        published = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
            days=1, hours=6, minutes=rng.randrange(240)
        )
        for copy in range(1 + happening % 2):
            if len(probes) == total:
                break
            # languages turn with the probes, shifted every cycle of types so each type gets all four
            language = LANGUAGES[(len(probes) + happening // len(TYPES)) % len(LANGUAGES)]
            title, lead = TEMPLATES[event_type][language]
            values = {
                "date": date_phrase(day, language),
                "place": PLACE_FORMS[place][language] if place else "",
            }
            text = lead.format(**values) + "\n\n" + BACKGROUND[language]
            when = published + timedelta(hours=3 * copy)
            probes.append(Probe(happening, language, title.format(**values), text, when, event_type, day))
        happening += 1
    return probes


# --- measurement (child process) ----------------------------------------------------------------


def _measure_child(
    conn: multiprocessing.connection.Connection, url: str, core: int | None, probes: int, n: int
) -> None:
    """Extract and assign WARMUP + `probes` probes on the database at `url`, timing each part;
    send the timings, decisions and any problem back."""
    with child_reporting(conn, core):
        import sqlalchemy as sa

        from crawler.events.extract import extract_event
        from store.db import locked_transaction, make_engine
        from store.dedup import STORY
        from store.events import EVENT, WINDOW_DAYS, record_story_event
        from store.types import utcnow

        engine = make_engine(url)
        wrong: list[str] = []
        before = count_rows(engine)
        if before != {"story": n, "event": n, "event_mention": n}:
            wrong.append(f"rows before the probes {before}, expected {n} of each")
        plan = probe_plan(WARMUP + probes)
        extract_s: list[float] = []
        assign_s: list[float] = []
        decisions: list[str] = []
        reasons: Counter[str] = Counter()
        type_ok = date_ok = 0
        facts_of = []
        gc.collect()
        for index, probe in enumerate(plan):
            started = time.perf_counter()
            facts = extract_event(probe.title, probe.text, probe.language, probe.published_at)
            extracted = time.perf_counter()
            with locked_transaction(engine) as connection:
                inserted = connection.execute(STORY.insert().values(created_at=utcnow()))
                story_id = int(inserted.inserted_primary_key[0])  # type: ignore[index]
                decision = record_story_event(connection, story_id, facts)
            assigned = time.perf_counter()
            if decision.rule not in DECISIONS:
                wrong.append(f"probe {index}: decision {decision.rule!r}")
            if index < WARMUP:
                continue
            extract_s.append(extracted - started)
            assign_s.append(assigned - extracted)
            decisions.append(decision.rule)
            facts_of.append(facts)
            if decision.rule == "none":
                reasons[facts.reason or "no type or date"] += 1
            type_ok += facts.event_type == probe.event_type
            date_ok += facts.event_date == probe.event_date
        after = count_rows(engine)
        total = len(plan)
        with engine.connect() as connection:
            opened = int(connection.execute(sa.select(sa.func.count()).where(EVENT.c.id > n)).scalar_one())
            window = timedelta(days=WINDOW_DAYS)
            candidates = []
            for facts in facts_of:  # after the timed loop: background events each probe could match
                if facts.event_type is None or facts.event_date is None:
                    continue
                low, high = facts.event_date - window, facts.event_date + window
                query = sa.select(sa.func.count()).where(
                    EVENT.c.id <= n,
                    EVENT.c.event_type == facts.event_type,
                    EVENT.c.event_date.between(low, high),
                )
                candidates.append(int(connection.execute(query).scalar_one()))
        if after["story"] != n + total or after["event_mention"] != n + total:
            wrong.append(f"rows after the probes {after}, expected {n + total} stories and mentions")
        if after["event"] != n + opened:
            wrong.append(f"{after['event']} events after the probes, expected {n + opened}")
        engine.dispose()
        conn.send(
            {
                "extract": extract_s, "assign": assign_s, "decisions": decisions, "wrong": wrong,
                "reasons": dict(reasons), "type_ok": type_ok, "date_ok": date_ok,
                "candidates": statistics.median(candidates) if candidates else 0.0,
            }
        )  # fmt: skip


# --- results ------------------------------------------------------------------------------------


@dataclass
class Measurement:
    """One round of one backend at one N: every measured probe's seconds, by part."""

    backend: str
    n: int
    round: int
    extract: list[float]
    assign: list[float]
    decisions: list[str]
    candidates: float

    @property
    def totals(self) -> list[float]:
        return [e + a for e, a in zip(self.extract, self.assign, strict=True)]

    @property
    def median_ms(self) -> float:
        return ms_median(self.totals)

    @property
    def mean_ms(self) -> float:
        return ms_mean(self.totals)

    @property
    def p90_ms(self) -> float:
        return ms_p90(self.totals)

    @property
    def extract_ms(self) -> float:
        return ms_median(self.extract)

    @property
    def assign_ms(self) -> float:
        return ms_median(self.assign)

    def assign_by_ms(self, rule: str) -> float:
        return ms_median_where(self.assign, self.decisions, rule)


def print_results(rows: list[Measurement], backends: list[str], sizes: list[int]) -> None:
    """Median over rounds of each round's figures, the ratios to the smallest N, and the verdict
    on the target per backend (on the median of the whole: extract + assign)."""
    print()
    print("ms per story (extract_event + story insert + record_story_event + commit), each the median")
    print("over rounds of the round's figure; extract, assign: median of each part; open, join: median")
    print("assign of the probes that opened, joined an event; cand: median background candidates per")
    print("probe; x median: ratio to the smallest N's median")
    header = ("backend", "N", "median", "mean", "p90", "extract", "assign", "open", "join", "cand",
              "opened/joined/none", "x median")  # fmt: skip
    print("{:<11} {:>8} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>5} {:>19} {:>8}".format(*header))
    verdicts: list[str] = []
    for backend in backends:
        medians: dict[int, float] = {}
        assigns: dict[int, float] = {}
        for n in sizes:
            runs = [m for m in rows if m.backend == backend and m.n == n]
            if not runs:
                continue
            medians[n] = statistics.median(m.median_ms for m in runs)
            assigns[n] = statistics.median(m.assign_ms for m in runs)
            figures = [
                statistics.median(m.mean_ms for m in runs),
                statistics.median(m.p90_ms for m in runs),
                statistics.median(m.extract_ms for m in runs),
                assigns[n],
                statistics.median(m.assign_by_ms("opened") for m in runs),
                statistics.median(m.assign_by_ms("joined") for m in runs),
            ]
            counts = Counter(d for m in runs for d in m.decisions)
            mix = "/".join(str(round(counts[d] / len(runs))) for d in DECISIONS)
            cand = statistics.median(m.candidates for m in runs)
            cells = " ".join(f"{v:>7.2f}" if v == v else f"{'-':>7}" for v in figures)  # nan: no such probe
            print(
                f"{backend:<11} {n:>8,} {medians[n]:>7.2f} {cells}"
                + f" {cand:>5.0f} {mix:>19} {medians[n] / medians[min(medians)]:>8.2f}"
            )
        if len(medians) < 2:
            continue
        small, large = min(medians), max(medians)
        ratio, assign_ratio = medians[large] / medians[small], assigns[large] / assigns[small]
        judged = target_verdict(small, large, ratio, (TARGET_SMALL, TARGET_LARGE, TARGET_RATIO))
        verdicts.append(
            f"{backend}: median {large:,} / {small:,} events stored = {ratio:.2f}x ({judged}); "
            f"assign part alone {assign_ratio:.2f}x"
        )
    print()
    for line in verdicts:
        print(line)


# --- command ------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_scaling_arguments(
        parser,
        sizes=SIZES,
        sizes_help="events already stored",
        probes=DEFAULT_PROBES,
        probes_help=f"measured stories per measurement, after {WARMUP} warm-up stories",
        rounds=DEFAULT_ROUNDS,
        databases=f"{BACKGROUNDS.pg_prefix}*",
    )


def run(args: argparse.Namespace) -> int:
    """Build (or reuse) the backgrounds, run the rounds, print the figures; 1 only if broken."""
    chosen = scaling_choices(args, "1000,100000")
    if chosen is None:
        return 2
    sizes, backends = chosen
    base = args.postgres_url
    if "postgresql" in backends:
        shown = pg_shown(base)
        why = pg_reachable(base)
        if why is not None:
            print(f"postgresql: {shown} unreachable ({why}): skipped")
            backends.remove("postgresql")
            if not backends:
                return 0
        else:
            print(f"postgresql: {shown}")
    if args.clean:
        return BACKGROUNDS.clean(backends, base)

    print(
        f"events: sizes {', '.join(f'{n:,}' for n in sizes)}; backends {', '.join(backends)}; "
        f"{args.rounds} rounds of {WARMUP} warm-up + {args.probes} probes"
    )
    core = pick_measured_core()
    print(f"schema head {schema_head()}", flush=True)

    broken: list[str] = []
    rows: list[Measurement] = []
    for round_, backend, n, label, result in BACKGROUNDS.rounds(
        args, sizes, backends, _measure_child, core, broken
    ):
        broken += [f"{label}: {problem}" for problem in result["wrong"]]
        if len(result["extract"]) != args.probes:
            broken.append(f"{label}: {len(result['extract'])} timings, expected {args.probes}")
            continue
        counts = Counter(result["decisions"])
        if counts["none"] > args.probes // 2:
            broken.append(
                f"{label}: {counts['none']} of {args.probes} probes got no event "
                f"({result['reasons']}): the lexicons do not read the templates"
            )
        if counts["joined"] == 0:
            broken.append(f"{label}: no probe joined an event: the candidate path was not measured")
        m = Measurement(
            backend, n, round_, result["extract"], result["assign"], result["decisions"],
            result["candidates"],
        )  # fmt: skip
        rows.append(m)
        print(
            f"{label}: median {m.median_ms:6.2f} ms (extract {m.extract_ms:5.2f}, assign "
            f"{m.assign_ms:5.2f}), mean {m.mean_ms:6.2f} ms; opened {counts['opened']}, joined "
            f"{counts['joined']}, none {counts['none']}; type as written {result['type_ok']}, "
            f"date {result['date_ok']} of {args.probes}; load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    if rows:
        print_results(rows, backends, sizes)
    if broken:
        print_broken(broken)
        return 1
    return 0
