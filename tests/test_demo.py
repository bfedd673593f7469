"""`rnk demo`, as `make demo` runs it: the example corpus served on 127.0.0.1, crawled into
a fresh SQLite file, the report printed; what was kept matches the corpus's labels."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from store.db import make_engine
from tests.conftest import ROOT, rnk


def test_demo_crawls_the_examples_and_prints_the_report(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = rnk("demo", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "Articles per day" in result.stdout and "2024-06-19" in result.stdout

    expected = json.loads((ROOT / "examples" / "expected.json").read_text(encoding="utf-8"))["articles"]
    engine = make_engine(str(db))
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT url, language, published_at FROM report_articles")).all()
        runs = connection.execute(sa.text("SELECT status, n_irrelevant FROM report_runs")).all()
    stored_paths = {"/" + row.url.split("/", 3)[3]: row for row in stored}
    assert set(stored_paths) == {a["path"] for a in expected if a["relevant"]}
    for article in expected:
        if article["relevant"]:
            row = stored_paths[article["path"]]
            assert row.language == article["language"], article["path"]
            assert datetime.fromisoformat(row.published_at) == datetime.fromisoformat(article["published"])
    assert {r.status for r in runs} == {"ok"}
    assert sum(r.n_irrelevant for r in runs) == sum(1 for a in expected if not a["relevant"])
