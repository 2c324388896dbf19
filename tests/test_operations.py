"""Operations: BI readers and builds side by side, crashes, the sensor, the UI, the report."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import CLI, ISOLATED_VARIABLES, SEED, SEED_ID, make_raw_dir, rows
from documents import move_to_year, scale_document, seed_text

from orchestration.partitions import DOCUMENT_IDS_TAG, DOCUMENTS_TAG, TRIGGER_TAG
from orchestration.resources import WarehouseResource
from orchestration.runner import execute_build
from orchestration.sensors import raw_folder_changes
from orchestration.settings import (
    BUILD_DB_ENV,
    PROJECT_ROOT,
    RAW_DIR_ENV,
    WAREHOUSE_ENV,
    Settings,
)

SEED_TOTAL = Decimal("131905.904856")
READER = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    query = "select sum(total) from marts.fct_expenditure"
    print(con.execute(query).fetchall()[0][0], flush=True)
    sys.stdin.readline()                      # the test builds meanwhile
    print(con.execute(query).fetchall()[0][0], flush=True)
""")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ISOLATED_VARIABLES}
    return {**env, **extra}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory):
    """The seed, built and published once; each test changes its own copy of the folder."""
    root = tmp_path_factory.mktemp("operations")
    raw = make_raw_dir(root, {SEED_ID: SEED.read_bytes()})
    settings = Settings.from_env(raw_dir=raw, warehouse=root / "warehouse.duckdb")
    assert execute_build(settings, [SEED_ID]).success
    return settings


def test_a_bi_reader_holding_the_file_open_never_blocks_a_build(published):
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published.warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert Decimal(reader.stdout.readline()) == SEED_TOTAL
        # The department re-publishes: every amount doubled (still reconciled).
        (published.raw_dir / SEED_ID).write_text(scale_document(seed_text(), 2), encoding="utf-8")
        assert execute_build(published, [SEED_ID]).success
        reader.stdin.write("\n")
        reader.stdin.flush()
        # The open connection keeps its consistent view of the old build...
        assert Decimal(reader.stdout.readline()) == SEED_TOTAL
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    # ...and a new connection sees the new one.
    fresh = subprocess.run(
        [sys.executable, "-c", READER, str(published.warehouse)],
        input="\n",
        capture_output=True,
        text=True,
        check=True,
    )
    assert [Decimal(v) for v in fresh.stdout.split()] == [2 * SEED_TOTAL, 2 * SEED_TOTAL]


def test_duckdb_1_5_opens_the_published_file(published, tmp_path):
    venv = tmp_path / "duckdb-1.5"
    subprocess.run(["uv", "venv", "--quiet", str(venv)], check=True)
    subprocess.run(
        [
            "uv",
            "pip",
            "install",
            "--quiet",
            "--python",
            str(venv / "bin" / "python"),
            "duckdb>=1.5,<1.6",
        ],
        check=True,
    )
    probe = textwrap.dedent("""
        import sys, duckdb
        print(duckdb.__version__)
        for path in sys.argv[1:]:
            try:
                con = duckdb.connect(path, read_only=True)
                print(con.execute("select count(*) from marts.fct_expenditure").fetchall()[0][0])
            except duckdb.Error as error:
                print("refused:", type(error).__name__)
    """)
    out = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            probe,
            str(published.warehouse),
            str(published.build_db),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    assert out[0].startswith("1.5.")
    assert out[1] == "241"  # the published file, written in storage version v1.2.0
    # The working database is written by DuckDB 2.0 in its own format, which 1.5 refuses:
    # what the storage version on publishing is for.
    assert out[2].startswith("refused")


def test_a_build_killed_midway_leaves_the_published_file_intact(published):
    warehouse = published.warehouse
    build = [str(CLI), "build", "--raw-dir", str(published.raw_dir), "--warehouse", str(warehouse)]
    before = warehouse.read_bytes()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        ((before_total,),) = rows(con, "select sum(total) from marts.fct_expenditure")

    (published.raw_dir / SEED_ID).write_text(scale_document(seed_text(), 3), encoding="utf-8")
    process = subprocess.Popen(
        build,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=clean_env(),
        start_new_session=True,
    )
    for line in process.stderr:
        if "▸ budget_dbt_models" in line:  # the new figures are in; dbt is rebuilding
            break
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)

    assert warehouse.read_bytes() == before
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert rows(con, "select sum(total) from marts.fct_expenditure") == [(before_total,)]
    # The next build recovers and publishes the new figures.
    completed = subprocess.run(build, capture_output=True, text=True, env=clean_env(), timeout=600)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert rows(con, "select sum(total) from marts.fct_expenditure") == [(3 * SEED_TOTAL,)]
    assert not list(warehouse.parent.glob(f".{warehouse.name}.*.tmp"))


def _evaluate(settings: Settings, instance: dg.DagsterInstance, cursor: str | None):
    context = dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={"warehouse": WarehouseResource.from_settings(settings)},
    )
    return raw_folder_changes(context)


def test_the_sensor_requests_runs_for_added_and_changed_documents_only(tmp_path):
    text = seed_text()
    raw = make_raw_dir(
        tmp_path,
        {
            "2024/a.txt": move_to_year(text, 2024).encode(),
            "2025/b.txt": move_to_year(text, 2025).encode(),
            "2026/c.txt": text.encode(),
        },
    )
    settings = Settings.from_env(raw_dir=raw, warehouse=tmp_path / "warehouse.duckdb")
    instance = dg.DagsterInstance.ephemeral()

    first = _evaluate(settings, instance, None)
    (request,) = first.run_requests
    assert request.tags[DOCUMENTS_TAG] == "3" and request.tags[TRIGGER_TAG] == "sensor"
    (partitions,) = first.dynamic_partitions_requests
    assert list(partitions.partition_keys) == ["2024/a.txt", "2025/b.txt", "2026/c.txt"]
    instance.add_dynamic_partitions("documents", list(partitions.partition_keys))

    unchanged = _evaluate(settings, instance, first.cursor)
    assert unchanged.run_requests == [] and unchanged.skip_reason is not None

    # b changes, d is added, a is only touched, c is removed.
    (raw / "2025" / "b.txt").write_text(
        scale_document(move_to_year(text, 2025), 2), encoding="utf-8"
    )
    (raw / "2027").mkdir()
    (raw / "2027" / "d.txt").write_text(move_to_year(text, 2027), encoding="utf-8")
    os.utime(raw / "2024" / "a.txt")
    (raw / "2026" / "c.txt").unlink()

    second = _evaluate(settings, instance, first.cursor)
    (request,) = second.run_requests
    assert request.tags[DOCUMENTS_TAG] == "2"
    assert request.tags[DOCUMENT_IDS_TAG] == "2025/b.txt, 2027/d.txt"
    assert [list(r.partition_keys) for r in second.dynamic_partitions_requests] == [["2027/d.txt"]]
    (removed,) = second.asset_events
    assert removed.partition == "2026/c.txt"
    assert removed.metadata["file"].value == "removed from the raw folder"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)["data"]


def _reset_signals() -> None:
    # Started in the background, the server would otherwise ignore SIGINT and SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.mark.slow
def test_the_webserver_lists_assets_checks_schedule_and_sensor(published, tmp_path):
    port = _free_port()
    home = tmp_path / "dagster_home"
    home.mkdir()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("dagster-webserver")),
            "-m",
            "orchestration.definitions",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_reset_signals,
        env=clean_env(
            DAGSTER_HOME=str(home),
            **{
                RAW_DIR_ENV: str(published.raw_dir),
                WAREHOUSE_ENV: str(published.warehouse),
                BUILD_DB_ENV: str(published.build_db),
            },
        ),
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "the webserver did not start"
                time.sleep(1)
        assets = _graphql(
            port,
            "{ assetNodes { assetKey { path } groupName "
            "assetChecksOrError { ... on AssetChecks { checks { name } } } } }",
        )
        repository = _graphql(
            port,
            """{ repositoriesOrError { ... on RepositoryConnection {
            nodes { schedules { name executionTimezone } sensors { name } } } } }""",
        )
    finally:
        server.terminate()
        server.wait(timeout=60)
    groups = {tuple(n["assetKey"]["path"]): n["groupName"] for n in assets["assetNodes"]}
    assert groups[("raw_documents",)] == "ingest"
    assert groups[("accepted", "expenditure")] == "quality"
    assert groups[("marts", "yoy_function")] == "transform"
    assert groups[("published_warehouse",)] == "publish"
    checks = {
        c["name"]
        for n in assets["assetNodes"]
        for c in (n["assetChecksOrError"] or {}).get("checks", [])
    }
    assert {"documents_are_readable", "tables_are_well_formed", "identities_hold"} <= checks
    (node,) = repository["repositoriesOrError"]["nodes"]
    assert node["schedules"] == [{"name": "daily_rebuild", "executionTimezone": "Asia/Shanghai"}]
    assert node["sensors"] == [{"name": "raw_folder_changes"}]


def test_the_run_report_is_a_site_with_a_page_per_department(published):
    # The site itself is tested in test_site.py; here, that every build writes it.
    from orchestration.site import department_file

    site = published.build_dir / "site"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert department_file("北京市人力资源和社会保障局") in index
    page = (site / department_file("北京市人力资源和社会保障局")).read_text(encoding="utf-8")
    for section in (
        "totals",
        "spending-by-category",
        "three-public",
        "revenue",
        "largest-changes",
        "projects",
    ):
        assert f'<section id="{section}">' in page, section
    assert (site / "checks.html").exists() and (site / "plotly.min.js").exists()
