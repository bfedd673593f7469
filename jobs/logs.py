"""Logging for long-running commands: human lines or JSON lines on stderr, with levels."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

FORMATS = ("human", "json")


class JsonLines(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, and the exception."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def setup_logging(fmt: str = "human", level: str = "INFO") -> None:
    """Configure the root logger once for this process; Scrapy's own loggers stay at WARNING."""
    if fmt not in FORMATS:
        raise ValueError(f"log format {fmt!r}: use human or json")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonLines()
        if fmt == "json"
        else logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("scrapy", "apscheduler", "twisted", "filelock", "trafilatura", "htmldate"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
