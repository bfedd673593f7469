"""The code's own rules, checked with the tests: ruff is clean, and imports point one way
(jobs -> crawler -> store: store knows nothing of Scrapy or the scheduler)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BELOW = {"store": {"crawler", "jobs"}, "crawler": {"jobs"}}


def test_ruff_is_clean() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_imports_point_one_way() -> None:
    problems = []
    for package, banned in BELOW.items():
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module or ""]
                else:
                    continue
                problems += [f"{path.relative_to(ROOT)}:{node.lineno} imports {n}" for n in names
                             if n.split(".")[0] in banned]  # fmt: skip
    assert not problems, problems


def test_store_does_not_import_scrapy() -> None:
    for path in (ROOT / "store").rglob("*.py"):
        assert "scrapy" not in path.read_text(encoding="utf-8"), path
