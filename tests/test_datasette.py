"""Datasette over an rnk database: the committed datasette.yml is what the reports generate now,
and a real `datasette serve` answers every canned query with the rows `rnk report` gives (a
blank field meaning the report's default), and refuses to write."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Engine

from store.db import make_engine
from store.reports import Report, ReportParam, list_reports, plain, run_report
from store.reports.datasette import COMMAND, datasette_config, datasette_sql, generate
from store.rollups import refresh
from tests.conftest import ROOT
from tests.test_views_parity import _write

START_TIMEOUT = 60.0


def test_committed_datasette_yml_is_what_the_reports_generate() -> None:
    committed = (ROOT / "datasette.yml").read_text(encoding="utf-8")
    assert committed == generate(), (
        f"datasette.yml is stale (a report was added or changed): run `{COMMAND} > datasette.yml` "
        "at the repository root and commit it"
    )


def test_the_yaml_reads_back_as_the_config_for_every_report() -> None:
    reports = list_reports()
    config = yaml.safe_load(generate("archive"))
    assert config == datasette_config(reports, "archive")
    queries = config["databases"]["archive"]["queries"]
    assert set(queries) == {r.name for r in reports} and "articles-per-day" in queries
    for report in reports:
        query = queries[report.name]
        assert query["title"] == report.title and "write" not in query and "hide_sql" not in query
        assert query.get("params", []) == [p.name for p in report.params]


def test_a_blank_field_reads_as_the_default_whatever_the_sql_says() -> None:
    params = (ReportParam("since", "date", "first day", "2024-01-01"), ReportParam("source", "text", "", ""))
    report = Report(
        "t",
        "T",
        "",
        "SELECT ':since' AS s, x::date -- :since\nFROM t WHERE d >= :since AND (:source = '' OR 1)",
        params,
    )
    assert datasette_sql(report) == (
        "SELECT ':since' AS s, x::date -- :since\n"
        "FROM t WHERE d >= COALESCE(NULLIF(:since, ''), '2024-01-01') AND (:source = '' OR 1)"
    )
    handled = Report("t", "T", "", "SELECT 1 WHERE d >= COALESCE(NULLIF(:since, ''), '2024-01-01')", params)
    assert datasette_sql(handled) == handled.sql  # not wrapped twice


@dataclass
class Served:
    base: str
    engine: Engine


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A real `datasette serve` on 127.0.0.1 over rnk.db (named `rnk` after the file's stem)."""
    folder = tmp_path_factory.mktemp("datasette")
    db = folder / "rnk.db"
    engine = make_engine(f"sqlite:///{db}")
    _write(engine)
    refresh(engine)
    config = folder / "datasette.yml"
    config.write_text(generate(), encoding="utf-8")
    port = _free_port()
    log = (folder / "datasette.log").open("w+", encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(db), "-c", str(config),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, cwd=folder,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if server.poll() is not None:
                log.seek(0)
                pytest.fail(f"datasette exited with {server.returncode}:\n{log.read()}")
            try:
                if _get(f"{base}/-/versions.json")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"datasette did not answer on {base} within {START_TIMEOUT:.0f} s")
            time.sleep(0.2)
        yield Served(base, engine)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        engine.dispose()


def _canned(served: Served, name: str, values: dict[str, str]) -> list[dict[str, Any]]:
    """The canned query's rows as JSON, every declared parameter sent (blank unless given), as
    Datasette's form sends them; values made plain as `rnk report` prints them (Datasette gives
    SQLite's own: ISO text with +00:00, unrounded floats)."""
    report = next(r for r in list_reports() if r.name == name)
    query = {p.name: values.get(p.name, "") for p in report.params} | {"_shape": "array"}
    status, body = _get(f"{served.base}/rnk/{name}.json?{urllib.parse.urlencode(query)}")
    assert status == 200, f"{name}: HTTP {status}: {body}"
    assert isinstance(body, list)
    return [{column: plain(value) for column, value in row.items()} for row in body]


def _report(served: Served, name: str, values: dict[str, str]) -> list[dict[str, Any]]:
    columns, rows = run_report(served.engine, name, values)
    return [dict(zip(columns, row, strict=True)) for row in rows]


def test_articles_per_day_over_http_equals_rnk_report(served: Served) -> None:
    expected = _report(served, "articles-per-day", {})
    assert len(expected) >= 3  # the writes span three days
    assert _canned(served, "articles-per-day", {}) == expected
    filtered = {"source": "wire", "since": "2024-06-20"}
    assert _canned(served, "articles-per-day", filtered) == _report(served, "articles-per-day", filtered)


@pytest.mark.parametrize("name", [r.name for r in list_reports()])
def test_every_report_with_blank_fields_equals_its_defaults(served: Served, name: str) -> None:
    assert _canned(served, name, {}) == _report(served, name, {})


def _post_json(url: str, body: dict[str, Any]) -> tuple[int, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def test_datasette_does_not_write(served: Served) -> None:
    with served.engine.connect() as connection:
        before = connection.execute(sa.text("SELECT COUNT(*) FROM article")).scalar_one()
    for sql in ("DELETE FROM article", "UPDATE source SET name = 'x'"):
        status, body = _get(f"{served.base}/rnk/-/query.json?{urllib.parse.urlencode({'sql': sql})}")
        assert status == 400 and "must be a SELECT" in str(body), (sql, status, body)
    # Datasette's write APIs need permissions nobody has by default (no `--root`, no plugin).
    for path, body in [
        ("/rnk/-/execute-write", {"sql": "DELETE FROM article"}),
        ("/rnk/article/-/insert", {"row": {"title": "x"}}),
        ("/rnk/-/queries/store", {"name": "wipe", "sql": "DELETE FROM article"}),
        ("/rnk/articles-per-day/-/update", {"sql": "DELETE FROM article"}),
    ]:
        status, answer = _post_json(served.base + path, body)
        assert status in (401, 403), (path, status, answer)
    # A canned query is not `write: true`: a POST runs it as the read it is.
    status, answer = _post_json(f"{served.base}/rnk/articles-per-day.json", {"since": "", "until": ""})
    assert status == 200 and answer["ok"] and answer["rows"]
    with served.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT COUNT(*) FROM article")).scalar_one() == before
