"""Tests for the Russia–North Korea relevance scorer (crawler.topic).

They double as usage examples: callers only need ``score_article(title, text, language)``
and read ``.relevant`` (plus ``.sides`` / ``.matched`` to explain a decision). The snippets
are short invented news items, one per situation the rule must tell apart, in each
supported language.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from crawler.topic.lexicon import (
    SIDES,
    available_languages,
    default_lexicons,
    load_lexicon,
    load_lexicons,
    normalize,
    tokenize,
)
from crawler.topic.relevance import THRESHOLD, Matcher, Relevance, score_article

# --- Snippets: (title, body) per language and situation -------------------------------------

RELEVANT: dict[str, list[tuple[str, str]]] = {
    "en": [
        (
            "Putin and Kim Jong Un sign mutual defence treaty in Pyongyang",
            "Russian President Vladimir Putin and North Korean leader Kim Jong-un signed a "
            "comprehensive strategic partnership treaty on Wednesday. The pact obliges each side "
            "to provide military assistance if the other is attacked. Putin said the agreement "
            "lifted Russia-North Korea ties to a new level.",
        ),
        (
            "North Korean troops deployed to Kursk, officials say",
            "Thousands of soldiers from the Korean People's Army have been sent to the Kursk "
            "region. Moscow has not confirmed the deployment. Analysts say Pyongyang expects "
            "Russian technology in return.",
        ),
        (
            "Shipments of artillery shells continue",
            "Satellite images show containers moving from the port of Rajin to Vladivostok. "
            "Researchers estimate that North Korea has supplied millions of shells to Russia. "
            "The Kremlin denied any arms deal with the DPRK.",
        ),
    ],
    "fr": [
        (
            "Vladimir Poutine reçu en grande pompe à Pyongyang",
            "Le président russe a été accueilli par Kim Jong-un à l'aéroport. Les deux dirigeants "
            "ont signé un traité de partenariat stratégique. Pour Moscou, ce rapprochement avec la "
            "Corée du Nord répond aux sanctions occidentales.",
        ),
        (
            "Des soldats nord-coréens engagés dans la région de Koursk",
            "Selon le renseignement sud-coréen, plusieurs milliers de militaires de la RPDC "
            "combattent aux côtés de l'armée russe. Le Kremlin n'a pas démenti. Cette coopération "
            "russo-nord-coréenne inquiète Washington.",
        ),
    ],
    "ko": [
        (
            "북·러 정상회담… 푸틴, 평양 도착",
            "블라디미르 푸틴 러시아 대통령이 평양에 도착했다. 김정은 국무위원장은 공항에서 푸틴을 "
            "직접 맞이했다. 양국은 포괄적 전략적 동반자 관계 조약에 서명할 예정이다.",
        ),
        (
            "북한군, 러시아 쿠르스크 전선 투입",
            "국가정보원은 북한은 약 1만 명의 병력을 러시아에 파병했다고 밝혔다. 이들은 쿠르스크 "
            "지역에 배치된 것으로 알려졌다. 러시아와 북한의 군사 협력이 한층 깊어지고 있다.",
        ),
    ],
    "ru": [
        (
            "Путин прибыл с государственным визитом в Пхеньян",
            "Президент России Владимир Путин встретился в Пхеньяне с Ким Чен Ыном. Стороны "
            "подписали договор о всеобъемлющем стратегическом партнерстве. В Кремле назвали "
            "переговоры с руководством КНДР продуктивными.",
        ),
        (
            "Российско-северокорейское сотрудничество выходит на новый уровень",
            "Министр Козлов обсудил в Пхеньяне торговлю и туризм. Москва и Пхеньян договорились "
            "открыть прямое авиасообщение. Северокорейские рабочие вновь приезжают в Россию.",
        ),
    ],
}

NORTH_KOREA_ONLY: dict[str, tuple[str, str]] = {
    "en": (
        "North Korea fires ballistic missile into the sea",
        "Pyongyang launched a short-range ballistic missile from near Wonsan on Tuesday. "
        "The missile flew about 600 kilometres before landing in the East Sea. KCNA said "
        "Kim Jong Un personally supervised the test.",
    ),
    "fr": (
        "La Corée du Nord tire un missile balistique",
        "Pyongyang a procédé mardi à un nouveau tir. Selon l'agence KCNA, Kim Jong-un a supervisé "
        "l'essai. Le missile est tombé en mer après un vol de 600 kilomètres.",
    ),
    "ko": (
        "북한, 동해상으로 탄도미사일 발사",
        "북한이 화요일 오전 탄도미사일을 발사했다. 조선중앙통신은 김정은 위원장이 시험 발사를 "
        "참관했다고 보도했다. 미사일은 약 600킬로미터를 비행했다.",
    ),
    "ru": (
        "КНДР запустила баллистическую ракету",
        "Северная Корея во вторник произвела пуск ракеты малой дальности. Как сообщило ЦТАК, "
        "Ким Чен Ын лично руководил испытанием. Ракета пролетела около 600 километров.",
    ),
}

RUSSIA_ONLY: dict[str, tuple[str, str]] = {
    "en": (
        "Kremlin says talks with Ukraine are stalled",
        "Dmitry Peskov told reporters that Moscow saw no progress. Russian forces continued "
        "their advance in the east. Putin is due to chair a security council meeting.",
    ),
    "fr": (
        "Le Kremlin juge les négociations bloquées",
        "Dmitri Peskov a estimé que Moscou ne voyait aucun progrès. L'armée russe poursuit son "
        "offensive dans l'est de l'Ukraine. Vladimir Poutine doit réunir son conseil de sécurité.",
    ),
    "ko": (
        '크렘린 "우크라이나 협상 진전 없어"',
        "드미트리 페스코프 대변인은 협상에 진전이 없다고 말했다. 러시아군은 동부 전선에서 공세를 "
        "이어가고 있다. 푸틴 대통령은 안보회의를 주재할 예정이다.",
    ),
    "ru": (
        "В Кремле заявили об отсутствии прогресса на переговорах",
        "Дмитрий Песков сообщил журналистам, что Москва не видит движения. Российские войска "
        "продолжают наступление. Путин проведет заседание Совбеза.",
    ),
}

RUSSIA_SOUTH_KOREA: dict[str, tuple[str, str]] = {
    "en": (
        "Korea and Russia discuss resuming direct flights",
        "Officials from Seoul and Moscow met to discuss trade in fish and fertiliser. Korean "
        "carmakers want to return to the Russian market. South Korea's foreign ministry said "
        "the talks were technical.",
    ),
    "fr": (
        "La Corée et la Russie discutent de leurs échanges commerciaux",
        "Des responsables de Séoul et de Moscou se sont rencontrés. Les constructeurs coréens "
        "souhaitent revenir sur le marché russe. Le ministère sud-coréen parle de discussions "
        "techniques.",
    ),
    "ko": (
        "한·러 교역 재개 논의",
        "서울과 모스크바의 당국자들이 수산물 교역을 논의했다. 한국 자동차 업체들은 러시아 시장 "
        "복귀를 검토하고 있다. 외교부는 기술적인 협의였다고 밝혔다.",
    ),
    "ru": (
        "Россия и Корея обсудили возобновление авиасообщения",
        "Представители Москвы и Сеула обсудили торговлю рыбой. Корейские автопроизводители хотят "
        "вернуться на российский рынок. В МИД Республики Корея назвали консультации техническими.",
    ),
}

RUSSIA_SOUTH_KOREA_PASSING_NK: dict[str, tuple[str, str]] = {
    "en": (
        "Seoul and Moscow hold trade talks",
        "South Korean and Russian officials discussed fisheries quotas. Seoul raised concerns "
        "over North Korea only briefly. Both sides agreed to meet again in Vladivostok.",
    ),
    "fr": (
        "Séoul et Moscou relancent leurs discussions commerciales",
        "Les délégations sud-coréenne et russe ont parlé de pêche. La question de la Corée du Nord "
        "n'a été évoquée que brièvement. Une nouvelle réunion est prévue en Russie.",
    ),
    "ko": (
        "한·러 통상 협의 개최",
        "한국과 러시아 대표단이 수산물 쿼터를 논의했다. 북한 문제는 짧게 언급됐다. 양측은 "
        "서울에서 다시 만나기로 했다.",
    ),
    "ru": (
        "Москва и Сеул провели торговые консультации",
        "Делегации России и Южной Кореи обсудили квоты на вылов рыбы. Тему КНДР затронули лишь "
        "вскользь. Следующая встреча пройдет в Сеуле.",
    ),
}

LANGUAGES = ["en", "fr", "ko", "ru"]


# --- The rule, per language ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title", "body"),
    [(lang, title, body) for lang, items in RELEVANT.items() for title, body in items],
)
def test_relationship_articles_are_relevant(language: str, title: str, body: str) -> None:
    result = score_article(title, body, language)
    assert result.relevant, result
    assert result.score == min(result.sides["rus"], result.sides["prk"]) >= THRESHOLD


@pytest.mark.parametrize("language", LANGUAGES)
def test_north_korea_alone_is_not_relevant(language: str) -> None:
    result = score_article(*NORTH_KOREA_ONLY[language], language)
    assert result.sides["prk"] >= THRESHOLD, result  # plenty of North Korea …
    assert result.sides["rus"] == 0.0, result  # … but no Russia
    assert not result.relevant


@pytest.mark.parametrize("language", LANGUAGES)
def test_russia_alone_is_not_relevant(language: str) -> None:
    result = score_article(*RUSSIA_ONLY[language], language)
    assert result.sides["rus"] >= THRESHOLD, result
    assert result.sides["prk"] == 0.0, result
    assert not result.relevant


@pytest.mark.parametrize("language", LANGUAGES)
def test_russia_and_south_korea_is_not_relevant(language: str) -> None:
    """Bare "Korea"/"Корея"/"Corée" and Seoul must never stand in for North Korea."""
    result = score_article(*RUSSIA_SOUTH_KOREA[language], language)
    assert result.sides["rus"] >= THRESHOLD, result
    assert result.sides["kor"] > 0, result  # recorded …
    assert result.sides["prk"] == 0.0, result  # … but never counted as North Korea
    assert not result.relevant


@pytest.mark.parametrize("language", LANGUAGES)
def test_passing_mention_of_north_korea_is_not_enough(language: str) -> None:
    result = score_article(*RUSSIA_SOUTH_KOREA_PASSING_NK[language], language)
    assert result.sides["prk"] == 1.0, result
    assert result.score == 1.0
    assert not result.relevant


def test_title_alone_can_carry_relevance() -> None:
    result = score_article("Putin arrives in Pyongyang", "", "en")
    assert result == Relevance(
        score=3.0,
        relevant=True,
        sides={"rus": 3.0, "prk": 3.0, "kor": 0.0},
        matched=("putin*", "pyongyang*"),
    )


def test_body_occurrences_are_capped() -> None:
    body = "Russia. " * 50 + "North Korea said."
    result = score_article("Weekly digest", body, "en")
    assert result.sides == {"rus": 10.0, "prk": 1.0, "kor": 0.0}
    assert not result.relevant


# --- Matching details -----------------------------------------------------------------------


def test_russian_inflections_are_matched() -> None:
    result = score_article(
        "Визит в Пхеньян", "Лавров в Пхеньяне провел переговоры с Ким Чен Ыном о помощи России.", "ru"
    )
    assert {"пхеньян*", "ким чен ын*", "россии", "лавров"} <= set(result.matched)
    assert result.sides["prk"] == 3.0 + 2.0 and result.sides["rus"] == 2.0


def test_korean_particles_are_matched() -> None:
    result = score_article("", "북한은 러시아와 협력을 강화했다. 평양에서 김정은이 연설했다.", "ko")
    assert {"북한*", "러시아*", "평양*", "김정은*"} <= set(result.matched)
    assert result.sides == {"rus": 1.0, "prk": 3.0, "kor": 0.0}


def test_korean_bilateral_compounds_count_for_both_sides() -> None:
    for text in ("북러 조약", "북·러 조약", "북-러 조약", "조러 조약", "러북 관계"):
        result = score_article("", text, "ko")
        assert result.sides["rus"] == result.sides["prk"] == 1.0, text


def test_chosun_ilbo_is_not_north_korea() -> None:
    """조선일보 (a Seoul daily) and 조선업 (shipbuilding) start with 조선 but are South Korean."""
    result = score_article("조선일보 단독", "조선일보에 따르면 러시아가 한국 조선업에 관심을 보였다.", "ko")
    assert result.sides["prk"] == 0.0
    assert not any(term.startswith("조선") for term in result.matched)


def test_korean_exclusions_veto_broad_stems() -> None:
    result = score_article("", "러시아워에 북한강 근처 평양냉면 집이 붐볐다.", "ko")
    assert result.sides == {"rus": 0.0, "prk": 0.0, "kor": 0.0}


def test_bare_korea_never_counts() -> None:
    for language, text in [
        ("en", "Korea and the Korean peninsula"),
        ("fr", "la Corée et les Coréens"),
        ("ru", "Корея и корейский полуостров"),
    ]:
        assert score_article(text, text, language).sides["prk"] == 0.0, text


@pytest.mark.parametrize(
    "text",
    ["Kim Jong Un", "Kim Jong-un", "Kim Jong–un", "KIM JONG-UN's", "Kim Jongun", "N. Korea", "N.Korea's"],
)
def test_english_transliteration_variants(text: str) -> None:
    assert score_article("", text, "en").sides["prk"] == 1.0


def test_hyphen_en_dash_and_space_are_equivalent_and_counted_once() -> None:
    for text in ("Russia-North Korea summit", "Russia–North Korea summit", "Russia North Korea summit"):
        result = score_article("", text, "en")
        assert result.matched == ("russia-north korea*",), text
        assert result.sides == {"rus": 1.0, "prk": 1.0, "kor": 0.0}


def test_multiword_terms_do_not_cross_sentence_punctuation() -> None:
    result = score_article("", "He flew to Russia. North Korea was not discussed.", "en")
    assert result.matched == ("russia*", "north korea*")


def test_longest_match_prefers_dprk_over_republic_of_korea() -> None:
    result = score_article("", "the Democratic People's Republic of Korea", "en")
    assert result.sides == {"rus": 0.0, "prk": 1.0, "kor": 0.0}


def test_french_accents_and_elisions() -> None:
    with_accents = score_article("", "l'URSS et la Corée du Nord, d'Pyongyang", "fr")
    without = score_article("", "L’URSS et la Coree du Nord, d’Pyongyang", "fr")
    assert with_accents.sides == without.sides == {"rus": 1.0, "prk": 2.0, "kor": 0.0}
    assert score_article("", "Sergueï Choïgou et Choigou", "fr").sides["rus"] == 2.0


def test_normalisation_folds_case_width_and_accents() -> None:
    assert normalize("Corée ÉTÉ") == "coree ete"
    assert normalize("Ким Ё Чжон") == "ким е чжон"
    assert normalize("북한은") == "북한은"  # Hangul survives decomposition
    assert tokenize("Russia–North Korea, l'URSS") == ["russia", "north", "korea", ",", "l", "urss"]


# --- Languages and lexicon loading ----------------------------------------------------------


def test_available_languages() -> None:
    # German, the fifth language, was added as a data file only; its texts are tested with
    # the German outlet of the events development set (tests/test_events_language.py).
    assert available_languages() == sorted([*LANGUAGES, "de"])


def test_language_without_lexicon_falls_back_to_all() -> None:
    title, body = RELEVANT["ru"][0]
    assert score_article(title, body, None).relevant
    assert score_article(title, body, "xx").relevant
    assert score_article(title, body, "ru-RU") == score_article(title, body, "ru")
    # With an explicit language, only that lexicon plus English applies.
    assert not score_article(title, body, "fr").relevant


def test_english_lexicon_is_applied_to_other_languages() -> None:
    result = score_article("Визит Путина", "По данным KCNA, Kim Jong Un встретил гостя.", "ru")
    assert "kcna" in result.matched and "kim jong-un" in result.matched
    assert result.relevant


def test_every_lexicon_has_terms_for_every_side() -> None:
    for language, lexicon in default_lexicons().items():
        for side in SIDES:
            assert lexicon.count(side) > 0, (language, side)


def _write(directory: Path, name: str, content: str) -> Path:
    path = directory / name
    path.write_text(content, encoding="utf-8")
    return path


def test_unknown_side_raises_naming_the_file(tmp_path: Path) -> None:
    _write(tmp_path, "xx.toml", 'language = "xx"\n[terms]\nrus = ["rossiya"]\nchn = ["china"]\n')
    with pytest.raises(ValueError, match=r"xx\.toml.*unknown side 'chn'"):
        load_lexicons(tmp_path)


def test_unknown_top_level_key_raises(tmp_path: Path) -> None:
    path = _write(tmp_path, "xx.toml", 'language = "xx"\nprefix_all = true\n[terms]\nrus = ["rossiya"]\n')
    with pytest.raises(ValueError, match=r"xx\.toml.*unknown key 'prefix_all'"):
        load_lexicon(path)


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ('rus = ["рос*"]', "too short"),
        ('rus = ["north korea", "north-korea"]', "duplicates"),
        ('rus = ["russia *"]', "must directly follow"),
        ('rus = "russia"', "list of strings"),
    ],
)
def test_malformed_terms_raise(tmp_path: Path, terms: str, message: str) -> None:
    path = _write(tmp_path, "xx.toml", f'language = "xx"\n[terms]\n{terms}\n')
    with pytest.raises(ValueError, match=message):
        load_lexicon(path)


def test_language_must_match_file_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "de.toml", 'language = "en"\n[terms]\nrus = ["russland"]\n')
    with pytest.raises(ValueError, match=r"de\.toml"):
        load_lexicon(path)


def test_a_new_language_is_just_a_file(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "de.toml",
        'language = "de"\n[terms]\nrus = ["russland", "russisch*"]\nprk = ["nordkorea*"]\n'
        'both = ["russisch-nordkoreanisch*"]\nkor = ["südkorea*"]\n',
    )
    matcher = Matcher(load_lexicons(tmp_path).values())
    result = matcher.score("Russland und Nordkorea vertiefen Zusammenarbeit", "Südkorea ist besorgt.")
    assert result.relevant and result.sides["kor"] == 1.0


def test_memo_reset_keeps_results(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-token memo is bounded; resetting it must not change any verdict."""
    title, body = RELEVANT["en"][1]
    expected = score_article(title, body, "en")
    monkeypatch.setattr("crawler.topic.relevance._MEMO_LIMIT", 0)
    assert score_article(title, body, "en") == expected
    assert score_article(title, body, "en") == expected


# --- Speed ----------------------------------------------------------------------------------


def _article_of(language: str, size: int = 5000) -> str:
    """A ``size``-character text made of all snippets of ``language``, repeated.

    Far denser in matching terms than a real article (a term every ~40 characters), so the
    timing is a pessimistic one.
    """
    bodies = [body for _, body in RELEVANT[language]]
    bodies += [snippets[language][1] for snippets in (NORTH_KOREA_ONLY, RUSSIA_ONLY, RUSSIA_SOUTH_KOREA)]
    source = " ".join(bodies)
    return (source * (size // len(source) + 1))[:size]


def test_scoring_speed(capsys: pytest.CaptureFixture[str]) -> None:
    """Measure (not assert) the cost of scoring a 5,000-character article; the target is < 1 ms."""
    start = time.perf_counter()
    Matcher(default_lexicons().values())
    compile_ms = (time.perf_counter() - start) * 1000
    lines = [
        f"relevance: compiling all {len(LANGUAGES)} lexicons takes {compile_ms:.1f} ms (once per process)"
    ]
    cases: list[tuple[str | None, str]] = [(language, _article_of(language)) for language in LANGUAGES]
    cases.append((None, _article_of("ru")))  # None: the union of all lexicons
    for language, text in cases:
        score_article("", text, language)  # warm up: compile, classify this text's tokens
        runs = 200
        start = time.perf_counter()
        for _ in range(runs):
            result = score_article("Title", text, language)
        per_article = (time.perf_counter() - start) / runs * 1000
        lines.append(
            f"relevance: language={language!s:<4} {len(text)} chars, {len(result.matched)} distinct "
            f"terms matched: {per_article:.3f} ms/article"
        )
    with capsys.disabled():
        print("\n" + "\n".join(lines))
