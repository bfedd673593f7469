"""Topic filtering: is an article about the Russia–North Korea relationship?

Callers need only :func:`score_article`; the rule and the lexicon format are documented in
:mod:`crawler.topic.relevance` and :mod:`crawler.topic.lexicon`.
"""

from crawler.topic.lexicon import available_languages
from crawler.topic.relevance import THRESHOLD, Relevance, score_article

__all__ = ["THRESHOLD", "Relevance", "available_languages", "score_article"]
