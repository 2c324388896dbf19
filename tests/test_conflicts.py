"""The same folder gives the same marts, whether built from scratch or a file at a time, also
when two files claim one fiscal year and department (docs/architecture.md, "Verdicts")."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest
from conftest import SEED, SEED_ID, make_raw_dir, rows

from orchestration.runner import execute_build
from orchestration.settings import Settings

COPY_ID = "2026/北京市人力资源和社会保障局（转载）.txt"
# Columns that say when, not what: they differ between any two builds.
_WHEN = ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE")


def snapshot(warehouse) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [
            t
            for (t,) in rows(
                con, "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
            )
        ]
        out = {}
        for table in tables:
            columns = [
                c
                for c, kind in rows(
                    con,
                    "select column_name, data_type from duckdb_columns() "
                    "where schema_name = 'marts' and table_name = ? order by column_index",
                    [table],
                )
                if kind not in _WHEN
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            out[table] = rows(con, f'select {listed} from marts."{table}" order by all')
        return out


@pytest.mark.slow
def test_a_conflict_gives_the_same_marts_from_scratch_and_a_file_at_a_time(tmp_path):
    seed = SEED.read_bytes()
    scratch = tmp_path / "scratch"
    raw = make_raw_dir(scratch, {SEED_ID: seed, COPY_ID: seed})
    at_once = Settings.from_env(raw_dir=raw, warehouse=scratch / "warehouse.duckdb")
    assert execute_build(at_once, [SEED_ID, COPY_ID]).success

    stepwise = tmp_path / "stepwise"
    raw = make_raw_dir(stepwise, {SEED_ID: seed})
    one_by_one = Settings.from_env(raw_dir=raw, warehouse=stepwise / "warehouse.duckdb")
    assert execute_build(one_by_one, [SEED_ID]).success
    with duckdb.connect(str(one_by_one.warehouse), read_only=True) as con:
        # The seed alone publishes: 03 合计 131,905.904856 (seed line 302).
        assert rows(con, "select sum(total) from marts.fct_expenditure") == [
            (Decimal("131905.904856"),)
        ]
    (raw / COPY_ID).write_bytes(seed)
    assert execute_build(one_by_one, [SEED_ID, COPY_ID]).success

    built_at_once, built_stepwise = snapshot(at_once.warehouse), snapshot(one_by_one.warehouse)
    assert built_stepwise == built_at_once
    # Neither file publishes while both claim 2026 北京市人力资源和社会保障局.
    assert built_at_once["fct_expenditure"] == []
    with duckdb.connect(str(at_once.warehouse), read_only=True) as con:
        assert rows(con, "select document_id, status from marts.dim_document order by 1") == [
            (SEED_ID, "rejected"),
            (COPY_ID, "rejected"),
        ]
