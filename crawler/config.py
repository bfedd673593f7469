"""The sources file (TOML): parsed and validated before any fetch.

Every problem is reported with the file, the line and what to change, because the
file is edited by hand and a daemon that starts with a typo polls nothing useful.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from store.sources import SourceSpec

KINDS = ("feed", "sitemap", "site")
KEYS = {"name", "kind", "url", "language", "interval", "enabled"}
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
INTERVAL_RE = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
DEFAULT_INTERVAL = "30m"


@dataclass
class SourcesFileError(ValueError):
    """A sources file that cannot be used, located to the line."""

    path: Path
    line: int | None
    problem: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.problem}"


def parse_interval(text: str) -> int:
    """'90s', '30m', '2h', '1d', '1h30m' -> seconds (at least one). How fast a source is really
    polled is bounded by the daemon's --min-interval (10 minutes by default)."""
    match = INTERVAL_RE.match(text.strip().lower()) if text.strip() else None
    if match is None or not any(match.groups()):
        raise ValueError(f"bad interval {text!r}: write it like '90s', '30m', '2h', '1d' or '1h30m'")
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds
    if total < 1:
        raise ValueError(f"interval {text!r} is zero: give a duration of at least one second")
    return total


def _block_lines(text: str) -> list[int]:
    """Line numbers (1-based) of each `[[source]]` header, in order."""
    return [n for n, line in enumerate(text.splitlines(), 1) if re.match(r"^\s*\[\[\s*source\s*\]\]", line)]


def _key_line(text: str, block_start: int, key: str) -> int:
    lines = text.splitlines()
    for n in range(block_start, len(lines)):
        line = lines[n]
        if n > block_start - 1 and re.match(r"^\s*\[", line):
            break
        if re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return n + 1
    return block_start


def _check_url(url: Any) -> str | None:
    if not isinstance(url, str):
        return "url must be a string like 'https://example.org/feed.xml'"
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return f"url {url!r} is not an http(s) URL: write it like 'https://example.org/feed.xml'"
    return None


def parse_sources(text: str, path: Path) -> list[SourceSpec]:
    """Validate the text of a sources file; raise SourcesFileError on the first problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise SourcesFileError(
            path, int(found.group(1)) if found else None, f"not valid TOML: {exc}"
        ) from exc
    unknown_top = set(data) - {"source"}
    if unknown_top:
        raise SourcesFileError(
            path, None, f"unknown top-level key(s) {sorted(unknown_top)}: only [[source]] tables"
        )
    blocks = data.get("source", [])
    if not isinstance(blocks, list) or not blocks:
        raise SourcesFileError(path, None, "no [[source]] tables: add at least one source")
    starts = _block_lines(text)
    specs: list[SourceSpec] = []
    seen: dict[str, int] = {}
    for index, block in enumerate(blocks):
        start = starts[index] if index < len(starts) else 1

        def fail(key: str | None, problem: str, start: int = start) -> SourcesFileError:
            line = _key_line(text, start, key) if key else start
            return SourcesFileError(path, line, problem)

        unknown = set(block) - KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise fail(key, f"unknown key {key!r} in [[source]]; allowed keys: {', '.join(sorted(KEYS))}")
        for required in ("name", "url"):
            if required not in block:
                raise fail(None, f'[[source]] has no {required!r}: add `{required} = "..."`')
        name = block["name"]
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise fail("name", f"name {name!r} must be lower-case letters, digits, '.', '_' or '-'")
        if name in seen:
            raise fail(
                "name", f"duplicate source name {name!r} (first at line {seen[name]}): names must be unique"
            )
        seen[name] = start
        kind = block.get("kind", "feed")
        if kind not in KINDS:
            raise fail("kind", f"kind {kind!r} is not one of {', '.join(KINDS)}")
        url_problem = _check_url(block["url"])
        if url_problem:
            raise fail("url", url_problem)
        language = block.get("language")
        if language is not None and (not isinstance(language, str) or not LANGUAGE_RE.match(language)):
            raise fail(
                "language", f"language {language!r} must be an ISO 639-1 code such as 'en', 'fr', 'ko', 'ru'"
            )
        try:
            interval = parse_interval(str(block.get("interval", DEFAULT_INTERVAL)))
        except ValueError as exc:
            raise fail("interval", str(exc)) from exc
        enabled = block.get("enabled", True)
        if not isinstance(enabled, bool):
            raise fail("enabled", "enabled must be true or false")
        specs.append(SourceSpec(name, kind, block["url"], language, interval, enabled))
    return specs


def load_sources(path: Path, base_url: str | None = None) -> list[SourceSpec]:
    """Read and validate a sources file. `base_url` fills `{{BASE_URL}}` (the demo's server)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise SourcesFileError(path, None, "file not found: pass --sources FILE") from exc
    except UnicodeDecodeError as exc:
        raise SourcesFileError(path, None, f"not UTF-8 text: {exc}") from exc
    if base_url is not None:
        text = text.replace("{{BASE_URL}}", base_url.rstrip("/"))
    return parse_sources(text, path)
