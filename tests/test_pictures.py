"""`rnk chart` and `rnk report-html` as a user meets them: charts drawn from a crawl of the
bundled demo corpus (served on 127.0.0.1 by `rnk demo`), files that are what their suffix says,
a page that needs no network and that a real browser (headless Chromium) renders as charts."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from click.testing import Result
from PIL import Image
from typer.testing import CliRunner

from jobs.charts import OTHER, stack_series
from jobs.cli import app, main
from jobs.html_report import REPORT_TABLES, html_table
from store.db import make_engine
from store.migrate import upgrade
from store.reports import list_reports
from tests.conftest import rnk, skip_or_fail

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The only URLs a page may hold: XML namespace names of the inline SVG, which are never fetched.
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
REMOTE_REFERENCE = re.compile(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo corpus crawled once into SQLite (all traffic to 127.0.0.1: `rnk demo`)."""
    path = tmp_path_factory.mktemp("pictures") / "demo.db"
    result = rnk("demo", "--db", str(path))
    assert result.returncode == 0, result.stderr
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def report_page(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("page") / "report.html"
    result = invoke("report-html", "--db", demo_db, "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_chart_png_and_svg(demo_db: str, tmp_path: Path) -> None:
    png, svg = tmp_path / "x.png", tmp_path / "x.svg"
    for out in (png, svg):
        result = invoke("chart", "coverage", "--by", "event_type", "--db", demo_db, "--out", str(out))
        assert result.exit_code == 0, result.output
        assert f"wrote {out}" in " ".join(result.output.split())

    data = png.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 10_000
    with Image.open(png) as image:
        assert image.format == "PNG" and image.size == (1000, 420)
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 24) or []) > 20

    root = ET.parse(svg).getroot()
    assert root.tag == f"{SVG}svg"
    assert len(list(root.iter(f"{SVG}path"))) > 10
    texts = {"".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")}
    assert {"agreement", "meeting", "troops", "no event"} <= texts  # the legend, '' as "no event"


def test_the_same_data_gives_the_same_svg(demo_db: str, tmp_path: Path) -> None:
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    for out in (first, second):
        assert invoke("chart", "coverage", "--by", "source", "--db", demo_db, "--out", str(out)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_chart_by_language_per_week_within_bounds(demo_db: str, tmp_path: Path) -> None:
    out = tmp_path / "languages.svg"
    result = invoke("chart", "coverage", "--by", "language", "--period", "week", "--since", "2024-06-01",
                    "--until", "2024-06-30", "--db", demo_db, "--out", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "9 articles in 5 weeks" in " ".join(result.output.split())  # June 2024 of the demo corpus, weeks 22 to 26
    texts = {"".join(t.itertext()).strip() for t in ET.parse(out).getroot().iter(f"{SVG}text")}
    assert {"en", "fr", "ko", "ru"} <= texts


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["coverage", "--out", "{tmp}/x.gif"], "cannot tell the format from '.gif'"),
        (["coverage", "--out", "{tmp}/x"], "end the file name with .png or .svg"),
        (["coverage", "--by", "country", "--out", "{tmp}/x.png"], "--by 'country'"),
        (["coverage", "--period", "month", "--out", "{tmp}/x.png"], "--period 'month'"),
        (["coverage", "--since", "June", "--out", "{tmp}/x.png"], "YYYY-MM-DD"),
        (["coverage", "--out", "{tmp}/no/such/folder/x.png"], "does not exist"),
        (["pie", "--out", "{tmp}/x.png"], "cannot draw 'pie'"),
    ],
)
def test_chart_usage_errors_exit_2(
    args: list[str], words: str, demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["chart", *(a.replace("{tmp}", str(tmp_path)) for a in args), "--db", demo_db]
    assert main(argv) == 2
    assert words in " ".join(capsys.readouterr().err.split())
    assert list(tmp_path.iterdir()) == []


def test_empty_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """chart: a message and exit 1, no file; report-html: a page that says there is nothing."""
    db = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade(make_engine(db))
    assert main(["chart", "coverage", "--db", db, "--out", str(tmp_path / "x.png")]) == 1
    assert "no articles in" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()

    page = tmp_path / "empty.html"
    assert main(["report-html", "--db", db, "--out", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert "No articles in this range" in text and text.count("<svg") == 3
    assert "no articles in this range" in text  # the charts' note


def test_stack_series_keeps_the_top_8_and_lumps_the_rest() -> None:
    rows = [("2024-06-01", f"k{i:02d}", 20 - i) for i in range(11)] + [
        ("2024-06-03", "", 30),
        ("2024-06-03", "k10", 1),
    ]
    stack = stack_series(rows, "event_type", "day")
    assert stack.labels == ["no event", "k00", "k01", "k02", "k03", "k04", "k05", "k06", OTHER]
    assert stack.lumped == 4 and stack.total == sum(n for _, _, n in rows)
    assert stack.totals()[OTHER] == 13 + 12 + 11 + (10 + 1)
    assert [p.isoformat() for p in stack.periods] == ["2024-06-01", "2024-06-02", "2024-06-03"]
    assert stack.values[0] == [0, 0, 30]  # a day without articles is a zero, not a gap

    weekly = stack_series([("2024-W25", "", 2), ("2024-W27", "en", 1)], "language", "week")
    assert weekly.labels == ["unknown", "en"]
    assert [p.isoformat() for p in weekly.periods] == ["2024-06-17", "2024-06-24", "2024-07-01"]
    assert stack_series([], "source", "day").total == 0


def test_html_tables_escape_everything() -> None:
    table = html_table(["a<b"], [("<script>alert(1)</script> & co",)] * 25)
    assert "<script>" not in table and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in table
    assert "a&lt;b" in table and table.count("<tr>") == 21 and "showing 20 of 25 rows" in table


def test_report_html_is_one_self_contained_page(report_page: Path, demo_db: str) -> None:
    text = report_page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert not REMOTE_REFERENCE.search(text)
    assert set(re.findall(r"https?://[^\s\"'<>)]+", text)) <= NAMESPACES
    for tag in ("<script", "<link", "<img", "<iframe", "@import", "@font-face"):
        assert tag not in text.lower(), tag
    assert text.count("<svg") == 3
    for chart in ("event_type", "language", "source"):
        assert f'id="chart-{chart}"' in text
    assert demo_db.split("///")[1] in text and "<b>16</b><span>articles</span>" in text
    present = {r.name for r in list_reports()} & set(REPORT_TABLES)
    for name in present:  # the canned reports that exist today, each as a section
        assert f'id="report-{name}"' in text
    if not present:
        assert 'id="report-articles-per-day"' in text
    assert "<table>" in text


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_report_html_renders_in_headless_chromium(report_page: Path, tmp_path: Path) -> None:
    """A real browser draws the page: not blank, charts in colour. Chromium loads only the
    local file: no proxy, every host name unresolvable, no background services."""
    binary = _chromium()
    if binary is None:
        skip_or_fail("chromium is not installed (apt-get install chromium)")
        return
    shot = tmp_path / "shot.png"
    done = subprocess.run(
        [
            binary,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-proxy-server",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1280,2400",
            report_page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    with Image.open(shot) as image:
        rgb = image.convert("RGB")
    assert rgb.size == (1280, 2400)
    pixels = np.asarray(rgb, dtype=np.int16).reshape(-1, 3)
    colours = len(np.unique(pixels, axis=0))
    assert colours > 500, colours  # text, charts, cards: far from a blank page
    non_white = float((pixels.min(axis=1) < 235).mean())
    assert non_white > 0.10, non_white
    # The charts were drawn: their first colour (matplotlib's tab:blue) fills a visible area.
    blue = int((np.abs(pixels - np.array([31, 119, 180])).max(axis=1) < 12).sum())
    assert blue > 2_000, blue
    print(f"screenshot: {colours} colours, {non_white:.0%} non-white, {blue} chart-blue pixels")
