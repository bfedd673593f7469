"""Event extraction from text, language by language: lemmatized aliases, event dates read
from the text and resolved against publication, claimants, recaps, and clear errors for a
broken lexicon."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from crawler.events.extract import extract_event
from crawler.events.lexicon import ENTITIES_FILE, LexiconError, load_entities, load_lexicon, load_lexicons

WEDNESDAY = datetime(2024, 6, 19, 9, 0, tzinfo=UTC)


def test_inflected_russian_names_match_one_alias() -> None:
    russian = load_lexicons().by_language["ru"]
    for phrase in ("в Пхеньяне", "над Пхеньяном", "Пхеньян"):
        assert [m.key for m in russian.places.find(russian.analyse(phrase))] == ["pyongyang"]
    actors = [m.key for m in russian.actors.find(russian.analyse("Путин встретился с Ким Чен Ыном"))]
    assert actors == ["putin", "kim_jong_un"]


def test_korean_particles_fall_away() -> None:
    korean = load_lexicons().by_language["ko"]
    assert [m.key for m in korean.places.find(korean.analyse("푸틴 대통령이 평양에서 회담했다"))] == ["pyongyang"]


def test_english_summit_with_a_weekday_on_the_day_itself() -> None:
    facts = extract_event(
        "Putin and Kim hold summit in Pyongyang",
        "Russian President Vladimir Putin held talks with North Korean leader Kim Jong Un in Pyongyang "
        "on Wednesday, the Kremlin said.",
        "en",
        WEDNESDAY,
    )
    assert facts.event_type == "meeting" and facts.actors == ("PRK", "RUS")
    assert facts.location == "pyongyang"
    assert (facts.event_date, facts.date_source) == (date(2024, 6, 19), "relative")
    fields = {item.field for item in facts.evidence}
    assert {"type", "place", "date"} <= fields  # every field says which sentence it came from


@pytest.mark.parametrize(
    ("language", "title", "text", "expected"),
    [
        ("fr", "Poutine et Kim signent un traité", "Le traité a été signé le 19 juin à Pyongyang par la Russie et la Corée du Nord.", date(2024, 6, 19)),
        ("ru", "Россия и КНДР подписали договор", "Вчера в Пхеньяне Путин и Ким Чен Ын подписали договор.", date(2024, 6, 20)),
        ("ko", "북러, 포괄적 전략동반자 조약 체결", "김정은 국무위원장과 푸틴 대통령은 지난 19일 평양에서 조약에 서명했다.", date(2024, 6, 19)),
        ("en", "Russia and North Korea sign treaty", "In March, Moscow and Pyongyang began talks on a treaty, signed today.", date(2024, 6, 21)),
    ],
)  # fmt: skip
def test_event_dates_in_four_languages(language: str, title: str, text: str, expected: date) -> None:
    facts = extract_event(title, text, language, datetime(2024, 6, 21, 3, 0, tzinfo=UTC))
    assert facts.event_type == "agreement"
    assert facts.event_date == expected  # a month alone ("In March") is not a day


def test_a_claim_records_who_made_it() -> None:
    facts = extract_event(
        "South Korea says North Korea sent troops to Russia",
        "South Korea's spy agency said on Friday that North Korea had sent 1,500 special forces to Russia.",
        "en",
        datetime(2024, 10, 18, 10, 0, tzinfo=UTC),
    )
    assert facts.event_type == "troops" and facts.claimant == "KOR"
    assert facts.actors == ("PRK", "RUS") and 1500 in facts.numbers


def test_a_recap_has_no_single_event() -> None:
    facts = extract_event(
        "Analysis: a year of the Russia–North Korea treaty",
        "Since Putin and Kim Jong Un signed their treaty in Pyongyang, troops and shells have moved.",
        "en",
        WEDNESDAY,
    )
    assert facts.event_type is None and facts.reason == "recap"


def test_a_language_without_a_lexicon_says_so() -> None:
    facts = extract_event("Путин в Пхеньяне", "Текст.", "xx", WEDNESDAY)
    assert facts.event_type is None and "no event lexicon" in facts.reason


def test_a_broken_lexicon_names_its_file_and_the_problem(tmp_path: Path) -> None:
    entities = load_entities()
    bad = tmp_path / "it.toml"
    bad.write_text('language = "it"\nlemmatizer = "simplemma"\n[actors]\nnobody_known = ["Nessuno"]\n', "utf-8")
    with pytest.raises(LexiconError, match=r"it\.toml.*nobody_known"):
        load_lexicon(bad, entities)
    bad.write_text('language = "it"\n[types]\nparty = ["festa"]\n', "utf-8")
    with pytest.raises(LexiconError, match=r"unknown key 'party'"):
        load_lexicon(bad, entities)
    bad.write_text('language = "it"\nlemmatizer = "magic"\n', "utf-8")
    with pytest.raises(LexiconError, match="unknown lemmatizer"):
        load_lexicon(bad, entities)
    assert ENTITIES_FILE.exists()
