"""Shared fixtures: the seed document, the dbt manifest, and one real CLI build per session."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import PROJECT_ROOT, SETTING_VARIABLES

SEED = PROJECT_ROOT / "data" / "raw" / "2026" / "北京市人力资源和社会保障局.txt"
SEED_ID = "2026/北京市人力资源和社会保障局.txt"
CLI = Path(sys.executable).with_name("budget-warehouse")


@pytest.fixture(scope="session")
def seed_bytes() -> bytes:
    return SEED.read_bytes()


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest() -> Path:
    """dagster-dbt needs the manifest before the definitions load; parse the project once."""
    from orchestration.dbt import dbt_project

    return dbt_project().manifest_path


ISOLATED_VARIABLES = (*SETTING_VARIABLES, "DAGSTER_HOME")


@pytest.fixture(scope="session", autouse=True)
def _isolated_settings() -> Iterator[None]:
    """No test reads the developer's data/ folder, or another test's files, through the
    environment."""
    saved = {name: os.environ.pop(name) for name in ISOLATED_VARIABLES if name in os.environ}
    yield
    os.environ.update(saved)


@pytest.fixture(autouse=True)
def _no_leaked_settings() -> Iterator[None]:
    yield
    leaked = [name for name in ISOLATED_VARIABLES if name in os.environ]
    assert not leaked, f"a test left {leaked} in the environment"


def make_raw_dir(root: Path, documents: dict[str, bytes]) -> Path:
    """A raw folder holding the given documents at their relative paths."""
    raw = root / "raw"
    for relative, data in documents.items():
        path = raw / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return raw


@dataclass(frozen=True)
class CliRun:
    returncode: int
    stdout: str
    stderr: str
    raw_dir: Path
    warehouse: Path


def run_cli(raw_dir: Path, warehouse: Path, *options: str) -> CliRun:
    """`budget-warehouse build` exactly as a user runs it, in its own process; `options` are
    further command-line options (`--department-renames FILE`)."""
    env = {k: v for k, v in os.environ.items() if k not in ISOLATED_VARIABLES}
    completed = subprocess.run(
        [str(CLI), "build", "--raw-dir", str(raw_dir), "--warehouse", str(warehouse), *options],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=600,
        check=False,
    )
    return CliRun(completed.returncode, completed.stdout, completed.stderr, raw_dir, warehouse)


@pytest.fixture(scope="session")
def cli_build(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    """The seed, built once by the real CLI into a temporary folder."""
    root = tmp_path_factory.mktemp("cli_build")
    raw = make_raw_dir(root, {SEED_ID: SEED.read_bytes()})
    run = run_cli(raw, root / "warehouse.duckdb")
    assert run.returncode == 0, run.stdout + run.stderr
    return run


@pytest.fixture
def marts(cli_build: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    """A separate, read-only DuckDB connection to the published warehouse."""
    con = duckdb.connect(str(cli_build.warehouse), read_only=True)
    yield con
    con.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str, parameters: list[object] | None = None):
    """All rows of a query (DuckDB 2.0 wants results read to the end)."""
    return con.execute(sql, parameters or []).fetchall()


def gate_texts(root: Path, year: int, documents: dict[str, str]) -> tuple[dict[str, str], list]:
    """Read and gate text documents `<year>/<name>.txt` in a working database of their own,
    without dbt or publishing: each document's status, and every rejecting failure as
    (document, identity, line, message) in document order."""
    from orchestration.quality.gate import gate_documents
    from orchestration.warehouse.database import connect, ensure_schema
    from orchestration.warehouse.discovery import DocumentFile
    from orchestration.warehouse.load import read_file, store_documents

    files = [
        (DocumentFile(f"{year}/{name}.txt", root / f"{name}.txt", year), text.encode())
        for name, text in documents.items()
    ]
    with connect(root / "work.duckdb") as con:
        ensure_schema(con)
        store_documents(con, [read_file(file, data) for file, data in files], run_id="t")
        gate_documents(con, [file.document_id for file, _ in files], run_id="t", data_docs_dir=None)
        verdicts = dict(rows(con, "select document_id, status from raw.document_verdicts"))
        failed = rows(
            con,
            "select document_id, identity, source_line, message "
            "from raw.check_results where not success and rejects order by document_id",
        )
    return verdicts, failed
