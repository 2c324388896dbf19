"""The warehouse's schema is declared once in Python; dbt's sources and staging models must
agree with it before dbt ever runs (docs/architecture.md, "Who writes what")."""

from __future__ import annotations

import re

import pytest
import yaml

from orchestration.settings import DBT_PROJECT_DIR
from orchestration.warehouse.database import (
    ACCEPTED_SCHEMA,
    CHECK_RESULT_COLUMNS,
    DOCUMENT_COLUMNS,
    RAW_SCHEMA,
)

STAGING = DBT_PROJECT_DIR / "models" / "staging"
VIEWS = {
    "check_results": CHECK_RESULT_COLUMNS,
    "document_verdicts": {
        **DOCUMENT_COLUMNS,
        "status": "varchar",
        "rejection_reasons": "varchar[]",
        "gated_at": "timestamptz",
        "gated_run_id": "varchar",
    },
}
DECLARED = {"accepted": ACCEPTED_SCHEMA, "raw": {**RAW_SCHEMA, **VIEWS}}
_SOURCE = re.compile(r"source\('(?P<schema>\w+)',\s*'(?P<table>\w+)'\)")
_SELECTED = re.compile(r"renamed as \(\s*select\s+(?P<columns>.*?)\s+from source", re.S)


def _sources() -> list[tuple[str, str]]:
    config = yaml.safe_load((STAGING / "_sources.yml").read_text(encoding="utf-8"))
    return [
        (source["schema"], table["name"])
        for source in config["sources"]
        for table in source["tables"]
        if source["schema"] in DECLARED
    ]


def test_every_dbt_source_is_a_declared_table():
    missing = [f"{s}.{t}" for s, t in _sources() if t not in DECLARED[s]]
    assert not missing, f"dbt sources with no declaration in database.py: {missing}"


@pytest.mark.parametrize("model", sorted(p.stem for p in STAGING.glob("stg_*.sql")))
def test_staging_models_select_declared_columns(model):
    sql = (STAGING / f"{model}.sql").read_text(encoding="utf-8")
    source = _SOURCE.search(sql)
    selected = _SELECTED.search(sql)
    assert source and selected, f"{model}: expected a source() and a `renamed` CTE"
    declared = DECLARED[source["schema"]][source["table"]]
    columns = [
        re.split(r"\s+as\s+|::", c.strip())[0].strip() for c in selected["columns"].split(",")
    ]
    # Expressions (a case on table_no) are dbt's own; plain column names must exist.
    unknown = [c for c in columns if re.fullmatch(r"\w+", c) and c not in declared]
    assert not unknown, f"{model} selects columns {source['schema']}.{source['table']} lacks"


def test_the_verdict_view_has_the_declared_columns(tmp_path):
    from orchestration.warehouse.database import connect, ensure_schema

    with connect(tmp_path / "work.duckdb") as con:
        ensure_schema(con)
        for view, columns in VIEWS.items():
            found = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = 'raw' and table_name = ? order by ordinal_position",
                    [view],
                ).fetchall()
            ]
            assert set(found) == set(columns), view
