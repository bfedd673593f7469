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
from crawler.events.extract import warm_up

warm_up(skip_lemmatizers=frozenset({"kiwi"}))
