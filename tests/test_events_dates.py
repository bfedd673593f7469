"""The date search shortcut: a sentence that `may_hold_date` skips never held a date that
event extraction would have taken. Checked sentence by sentence against dateparser itself,
on the example corpus and on the external page corpus, in every event language."""

from __future__ import annotations

import warnings
from datetime import datetime
from pathlib import Path

from dateparser.search import search_dates

from crawler.events.dates import _accept, may_hold_date
from crawler.events.extract import sentences_of
from crawler.events.lexicon import load_lexicons
from crawler.extract import extract_page
from tests.conftest import external_corpus

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "site"
BASE = datetime(2025, 6, 19, 12, 0)
SENTENCES_PER_PAGE = 40


def _accepted_without_shortcut(sentence: str, language: str) -> list[str]:
    settings = {"RELATIVE_BASE": BASE, "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = search_dates(sentence, languages=[language], settings=settings)  # type: ignore[arg-type]
        except Exception:
            return []
    return [phrase for phrase, when in found or [] if _accept(phrase, when, language, BASE)]


def _check_pages(pages: list[Path]) -> dict[str, tuple[int, int]]:
    """language -> (sentences, skipped); fails on a skipped sentence that held a date."""
    languages = set(load_lexicons().by_language)
    counts: dict[str, tuple[int, int]] = {}
    for page in pages:
        extraction = extract_page(page.read_bytes(), "http://127.0.0.1/article")
        language = extraction.language or ""
        if language not in languages or not extraction.text:
            continue
        seen, skipped = counts.get(language, (0, 0))
        for sentence in sentences_of(extraction.title + "\n" + extraction.text, SENTENCES_PER_PAGE):
            seen += 1
            if may_hold_date(sentence, language):
                continue
            skipped += 1
            assert not _accepted_without_shortcut(sentence, language), (page, sentence)
        counts[language] = (seen, skipped)
    return counts


def test_sentences_without_digits_or_date_words_are_skipped() -> None:
    assert not may_hold_date("Officials met to discuss the rail link", "en")
    assert may_hold_date("Officials met on Tuesday to discuss the rail link", "en")
    assert may_hold_date("Officials met to discuss the rail link on 19 June", "en")
    assert may_hold_date("Путин прибыл в Пхеньян вчера", "ru")
    assert may_hold_date("푸틴 대통령이 어제 평양에 도착했다", "ko")
    assert may_hold_date("Any sentence at all", "xx")  # no dateparser locale: always searched


def test_the_shortcut_changes_no_date_on_the_example_corpus() -> None:
    counts = _check_pages(sorted(EXAMPLES.rglob("*.html")))
    assert counts and all(seen for seen, _ in counts.values())


def test_the_shortcut_changes_no_date_on_the_external_corpus() -> None:
    counts = _check_pages(sorted((external_corpus() / "pages").rglob("*.html")))
    print("sentences searched / skipped by the date-word shortcut, per language:")
    for language, (seen, skipped) in sorted(counts.items()):
        print(f"  {language}: {seen} sentences, {skipped} skipped ({skipped / seen:.0%})")
    assert {"en", "fr", "ru", "ko"} <= set(counts)
