"""Upgrading: a working database written by an earlier release keeps what only it holds.

`accepted` is the only copy of a last good version whose newer file was rejected. The earlier
release is the real code at PREVIOUS_RELEASE, taken from the repository's history and run in
this environment, so the database is exactly what a user of that release has on disk.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
from decimal import Decimal

import duckdb
import pytest
from conftest import ISOLATED_VARIABLES, SEED, SEED_ID, make_raw_dir, rows, run_cli
from documents import add_one_fen, seed_text

from orchestration.settings import PROJECT_ROOT

# The last release before the working database's layout was migrated in place (it dropped and
# recreated raw, accepted and config whenever a column changed).
PREVIOUS_RELEASE = "e0112fa"


def _previous_release(root):
    archive = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "archive", PREVIOUS_RELEASE],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        pytest.skip(
            f"release {PREVIOUS_RELEASE} is not in this clone's history "
            f"({archive.stderr.decode(errors='replace').strip()})"
        )
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(root, filter="data")
    return root


def _old_build(code, raw, warehouse):
    env = {k: v for k, v in os.environ.items() if k not in ISOLATED_VARIABLES}
    env["PYTHONPATH"] = str(code)
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from orchestration.cli import main; sys.exit(main(sys.argv[1:]))",
            "build",
            "--raw-dir",
            str(raw),
            "--warehouse",
            str(warehouse),
        ],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return completed


@pytest.mark.slow
def test_upgrading_keeps_the_last_good_version_of_a_rejected_re_release(tmp_path):
    code = _previous_release(tmp_path / "previous")
    raw = make_raw_dir(tmp_path, {SEED_ID: SEED.read_bytes()})
    warehouse = tmp_path / "warehouse.duckdb"
    first = _old_build(code, raw, warehouse)
    assert first.returncode == 0, first.stdout + first.stderr
    # The department re-publishes with 基本工资 of line 55 off by one fen: rejected, and the
    # previous release keeps the good version in accepted.
    (raw / SEED_ID).write_text(add_one_fen(seed_text(), 55, 4), encoding="utf-8")
    second = _old_build(code, raw, warehouse)
    assert second.returncode == 1, second.stdout + second.stderr

    upgraded = run_cli(raw, warehouse)
    assert upgraded.returncode == 1, upgraded.stdout + upgraded.stderr
    assert "03.row_total" in upgraded.stdout  # still rejected, for the same reason
    with duckdb.connect(str(warehouse), read_only=True) as con:
        # 支出总表 合计 of the seed as printed (line 302: 131,905.904856).
        assert rows(con, "select count(*), sum(total) from marts.fct_expenditure") == [
            (241, Decimal("131905.904856"))
        ]
        assert rows(con, "select status from marts.dim_document order by status") == [
            ("published",),
            ("rejected",),
        ]
