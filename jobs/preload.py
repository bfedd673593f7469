"""What the daemon's fork server loads once, so that each crawl starts in milliseconds.

The daemon starts crawls with multiprocessing's ``forkserver`` method: a clean server process,
started once, imports this module (Scrapy, trafilatura, SQLAlchemy, dateparser) and loads the
event lexicons whose analysers are pure Python (simplemma, pymorphy3); every crawl is then a fork
of it, sharing those pages copy-on-write, instead of a new interpreter paying seconds of imports
and dictionary loading per crawl. Twisted's reactor is not installed here (each crawl installs
its own after the fork), and kiwipiepy (threads, native state) is left to the crawls that meet
Korean text.
"""

from __future__ import annotations

import jobs.tasks  # noqa: F401  (Scrapy, trafilatura, SQLAlchemy, the pipelines)
from crawler.events.extract import extract_event
from crawler.events.lexicon import load_lexicons

_PRELOAD_SKIP = {"kiwi"}


def _warm() -> None:
    from datetime import UTC, datetime

    lexicons = load_lexicons()
    when = datetime(2024, 6, 19, 12, 0, tzinfo=UTC)
    for language in lexicons.languages:
        lemmatizer = _lemmatizer_of(lexicons.files[language])
        if lemmatizer in _PRELOAD_SKIP:
            continue
        extract_event("Pyongyang Moscow", "Pyongyang Moscow on Wednesday, 19 June 2024.", language, when)


def _lemmatizer_of(path: object) -> str:
    import tomllib
    from pathlib import Path

    with Path(str(path)).open("rb") as handle:
        return str(tomllib.load(handle).get("lemmatizer", "none"))


_warm()
