"""Collection: spiders, extraction, relevance and the item pipelines (jobs -> crawler -> store)."""

__version__ = "0.1.0"
