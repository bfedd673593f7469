"""Third-party material (RNK_EXTERNAL_CORPUS, never copied into the repo) through the
project's own paths: every feed through `crawler.feeds.parse_feed`, every page through
`crawler.extract.extract_page`, with the figures printed and kept above floors."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from crawler.extract import extract_page, parse_date
from crawler.feeds import parse_feed
from tests.conftest import external_corpus

SKIP_NAMES = {"LICENSE", "SOURCE.txt", "manifest.jsonl", "README.md"}
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".feed", ".txt", ""}

# Floors, set from the first measurement (2026-11-30, 129 pages) minus a small margin; a
# change that lowers a figure below its floor fails. Measured: title 0.806, date 0.977,
# language 0.969, body token F1 0.946 overall.
OVERALL_FLOORS = {"title": 0.78, "date": 0.95, "language": 0.95, "body_f1": 0.93}
LANGUAGE_F1_FLOOR = 0.80  # any language with 3+ pages


def _feed_files(root: Path) -> list[Path]:
    files = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name in SKIP_NAMES or "expected" in path.name:
            continue
        if path.suffix.lower() in {".json", ".js", ".ts", ".rb", ".py", ".md", ".jsonl"}:
            continue
        files.append(path)
    return files


def test_every_external_feed_parses_or_is_refused_with_a_reason() -> None:
    root = external_corpus() / "feeds"
    headers: dict[str, str] = {}
    manifest = root / "feedparser" / "manifest.jsonl"
    if manifest.exists():
        for line in manifest.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            content_type = {k.lower(): v for k, v in (entry.get("http_headers") or {}).items()}.get(
                "content-type"
            )
            if content_type:
                headers[str(root / "feedparser" / entry["path"])] = content_type
    verdicts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    entries = 0
    for path in _feed_files(root):
        parsed = parse_feed(path.read_bytes(), f"http://127.0.0.1/{path.name}", headers.get(str(path), ""))
        verdicts[parsed.verdict] += 1
        entries += len(parsed.entries)
        if parsed.verdict == "refused":
            assert parsed.reason
            reasons[re.sub(r"<unknown>:\d+:\d+: ", "", parsed.reason)[:70]] += 1
        else:
            assert all(e.url.startswith(("http://", "https://")) for e in parsed.entries)
    total = sum(verdicts.values())
    print(f"\nexternal feeds: {total} files, {verdicts['parsed']} parsed, {verdicts['salvaged']} salvaged, "
          f"{verdicts['refused']} refused; {entries} entries with links")  # fmt: skip
    for reason, n in reasons.most_common(8):
        print(f"  refused x{n}: {reason}")
    assert total > 2000
    assert verdicts["refused"] / total < 0.05


def _tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def _f1(found: str, expected: str) -> float:
    a, b = _tokens(found), _tokens(expected)
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(a.values()), overlap / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def test_every_external_page_extracts_above_the_floors() -> None:
    root = external_corpus() / "pages"
    rows = [json.loads(line) for line in (root / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        html_path = root / row["html_file"]
        expected = json.loads(
            html_path.with_name(html_path.stem + ".expected.json").read_text(encoding="utf-8")
        )
        lang = (row.get("html_lang_attr") or row["group_default_language"]).split("-")[0].lower()
        result = extract_page(html_path.read_bytes(), row["url"])
        wanted_date = parse_date(expected.get("publishing_date"))
        figures = {
            "title": float(" ".join(result.title.split()) == " ".join(expected["title"].split())),
            "date": float(
                bool(wanted_date and result.published_at)
                and abs((result.published_at - wanted_date[0]).total_seconds()) <= 86400  # type: ignore[operator]
            ),
            "language": float(result.language == lang),
            "body_f1": _f1(result.text, expected.get("body_text", "")),
        }
        for group in (lang, "all"):
            for name, value in figures.items():
                scores[group][name].append(value)

    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    print(f"\n{'language':>8} {'pages':>5} {'title':>6} {'date':>6} {'lang':>6} {'bodyF1':>6}")
    for group in sorted(scores, key=lambda g: (g == "all", g)):
        s = scores[group]
        print(f"{group:>8} {len(s['title']):>5} {mean(s['title']):6.3f} {mean(s['date']):6.3f} "
              f"{mean(s['language']):6.3f} {mean(s['body_f1']):6.3f}")  # fmt: skip
    for name, floor in OVERALL_FLOORS.items():
        assert mean(scores["all"][name]) >= floor, (name, mean(scores["all"][name]), floor)
    for group, s in scores.items():
        if group != "all" and len(s["body_f1"]) >= 3:
            assert mean(s["body_f1"]) >= LANGUAGE_F1_FLOOR, (group, mean(s["body_f1"]))
