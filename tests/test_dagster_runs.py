"""Runs as the Dagster UI, the sensor and the schedule start them: one process, tagged, quiet."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import ISOLATED_VARIABLES, SEED, SEED_ID, make_raw_dir, rows
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

from orchestration.partitions import (
    DOCUMENT_IDS_TAG,
    DOCUMENTS_TAG,
    PARTITIONS_NAME,
    TRIGGER_TAG,
)
from orchestration.resources import WarehouseResource
from orchestration.runner import INSTANCE_CONFIG, configure_dagster_home
from orchestration.sensors import raw_folder_changes
from orchestration.settings import (
    BUILD_DB_ENV,
    DBT_PROJECT_DIR,
    PROJECT_ROOT,
    RAW_DIR_ENV,
    WAREHOUSE_ENV,
    Settings,
)

DAGSTER = Path(sys.executable).with_name("dagster")
# 预算03表 支出总表 of the seed, its 合计 line
# (data/raw/2026/北京市人力资源和社会保障局.txt line 302):
# "合 计⇥⇥⇥131,905.904856⇥70,692.094503⇥61,213.810353" (⇥ a tab).
SEED_SPENDING = Decimal("131905.904856")


@pytest.mark.slow
def test_a_run_launched_like_the_ui_runs_in_one_process_and_gets_the_budget_tags(tmp_path):
    """The UI's run launcher starts a process that executes the job with the executor of the
    definitions, as `dagster job execute` does: every step's events must come from that one
    process (the multiprocess executor would start a process per step)."""
    raw = make_raw_dir(tmp_path, {SEED_ID: SEED.read_bytes()})
    settings = Settings.from_env(raw_dir=raw, warehouse=tmp_path / "warehouse.duckdb")
    home = tmp_path / "dagster_home"
    configure_dagster_home(home)
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        # What the sensor (or a build) does first: register the document as a partition.
        instance.add_dynamic_partitions(PARTITIONS_NAME, [SEED_ID])
    env = {k: v for k, v in os.environ.items() if k not in ISOLATED_VARIABLES}
    env |= {
        "DAGSTER_HOME": str(home),
        RAW_DIR_ENV: str(settings.raw_dir),
        WAREHOUSE_ENV: str(settings.warehouse),
        BUILD_DB_ENV: str(settings.build_db),
    }
    # The tags the UI puts on a run that materialises one partition: Dagster's own only.
    ui_tags = {ASSET_PARTITION_RANGE_START_TAG: SEED_ID, ASSET_PARTITION_RANGE_END_TAG: SEED_ID}
    process = subprocess.Popen(
        [
            str(DAGSTER),
            "job",
            "execute",
            "-m",
            "orchestration.definitions",
            "-j",
            "build_warehouse",
            "--tags",
            json.dumps(ui_tags),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output[-4000:]

    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        (run,) = instance.get_runs()
        assert run.status == dg.DagsterRunStatus.SUCCESS
        events = [
            entry.dagster_event
            for entry in instance.all_logs(run.run_id)
            if entry.dagster_event is not None
        ]
        steps = {event.step_key for event in events if event.step_key}
        assert {"raw_documents", "budget_dbt_models", "published_warehouse"} <= steps
        # Some events (run-level, planned checks) carry no process; the others name the one that
        # wrote them, and every step started in the launched process itself.
        assert {event.pid for event in events if event.pid is not None} == {process.pid}
        starts = [event for event in events if event.event_type_value == "STEP_START"]
        assert len(starts) >= 3 and {event.pid for event in starts} == {process.pid}
        assert not [e for e in events if e.event_type_value == "STEP_WORKER_STARTED"]
        tags = instance.get_run_by_id(run.run_id).tags
    assert tags[TRIGGER_TAG] == "manual"
    assert tags[DOCUMENTS_TAG] == "1"
    assert tags[DOCUMENT_IDS_TAG] == SEED_ID
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        assert rows(con, "select sum(total) from marts.fct_expenditure") == [(SEED_SPENDING,)]


def test_the_definitions_run_every_job_in_process():
    from orchestration.definitions import build_definitions

    definitions = build_definitions()
    assert definitions.resolve_job_def("build_warehouse").executor_def is dg.in_process_executor
    # Materialising assets in the UI without naming a job uses the implicit asset job.
    assert definitions.resolve_implicit_global_asset_job_def().executor_def is (
        dg.in_process_executor
    )


def test_the_sensor_cursor_keeps_chinese_names_readable(tmp_path):
    raw = make_raw_dir(tmp_path, {SEED_ID: SEED.read_bytes()})
    settings = Settings.from_env(raw_dir=raw, warehouse=tmp_path / "warehouse.duckdb")
    context = dg.build_sensor_context(
        instance=dg.DagsterInstance.ephemeral(),
        cursor=None,
        resources={"warehouse": WarehouseResource.from_settings(settings)},
    )
    result = raw_folder_changes(context)
    assert "北京市人力资源和社会保障局" in result.cursor
    assert "\\u" not in result.cursor


def test_no_instance_the_project_creates_sends_telemetry(tmp_path):
    # The README's DAGSTER_HOME (what `dagster dev` reads) and a home a build configures.
    for home in (INSTANCE_CONFIG.parent, tmp_path / "new_home"):
        configure_dagster_home(home)
        ref = InstanceRef.from_dir(str(tmp_path / "storage"), config_dir=str(home))
        with dg.DagsterInstance.from_ref(ref) as instance:
            assert instance.telemetry_enabled is False, home


def test_dbt_sends_no_usage_events(cli_build):
    # The manifest the build's dbt run wrote records the flag dbt ran with.
    manifest = cli_build.warehouse.parent / "build" / "dbt" / "manifest.json"
    metadata = json.loads(manifest.read_text(encoding="utf-8"))["metadata"]
    assert metadata["send_anonymous_usage_stats"] is False
    assert not (DBT_PROJECT_DIR / ".user.yml").exists()
