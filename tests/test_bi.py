"""The published file as BI tools open it: the oldest DuckDB the README names, and SQLAlchemy
reflection through duckdb-engine as Superset does it (Superset pins SQLAlchemy 1.4).

Each probe runs in its own throwaway environment (`uv run --isolated`), never the project's.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from decimal import Decimal

import pytest

# The oldest DuckDB the README says opens the file (1.1 cannot: storage version v1.2.0).
OLDEST_DUCKDB = "1.2.2"
# 预算09表 “三公”经费合计 of the seed, line 592: "222.676050	130.819050	9.000000 ...".
THREE_PUBLIC_TOTAL = Decimal("222.676050")

PROBE = textwrap.dedent("""
    import json, sys
    import duckdb, sqlalchemy as sa
    path = sys.argv[1]
    out = {"duckdb": duckdb.__version__, "sqlalchemy": sa.__version__}
    con = duckdb.connect(path, read_only=True)
    out["three_public"] = str(con.execute(
        'select "金额（万元）" from marts_zh.三公经费同比 where 项目 = ?', ["“三公”经费合计"]
    ).fetchall()[0][0])
    out["loaded_at"] = str(con.execute("select loaded_at from marts.dim_document").fetchall()[0][0])
    out["key_columns"] = con.execute(
        "select table_name, column_name from information_schema.key_column_usage "
        "where table_schema = 'marts' order by table_name, ordinal_position").fetchall()
    con.close()
    engine = sa.create_engine(f"duckdb:///{path}", connect_args={"read_only": True})
    inspector = sa.inspect(engine)
    out["schemas"] = inspector.get_schema_names()
    out["views_zh"] = inspector.get_view_names(schema="marts_zh")
    columns_zh = inspector.get_columns("三公经费同比", schema="marts_zh")
    out["columns_zh"] = [c["name"] for c in columns_zh]
    out["keys"] = {table: inspector.get_pk_constraint(table, schema="marts")
                   for table in ("dim_function", "dim_economic")}
    print(json.dumps(out, ensure_ascii=False))
""")


def isolated_python(packages: list[str], *arguments: str) -> subprocess.CompletedProcess[str]:
    command = ["uv", "run", "--isolated", "--no-project", "--quiet"]
    for package in packages:
        command += ["--with", package]
    return subprocess.run(
        [*command, "python", *arguments], capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.slow
def test_superset_s_driver_on_the_oldest_duckdb_reads_figures_names_and_keys(cli_build):
    completed = isolated_python(
        [f"duckdb=={OLDEST_DUCKDB}", "duckdb-engine==0.17.0", "sqlalchemy>=1.4,<2", "pytz"],
        "-c",
        PROBE,
        str(cli_build.warehouse),
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    out = json.loads(completed.stdout)
    assert out["duckdb"] == OLDEST_DUCKDB and out["sqlalchemy"].startswith("1.4.")
    assert Decimal(out["three_public"]) == THREE_PUBLIC_TOTAL
    assert out["loaded_at"].endswith("+00:00")  # TIMESTAMPTZ, read through pytz
    assert "warehouse.marts_zh" in out["schemas"]
    assert {"三公经费同比", "功能分类同比", "标签"} <= set(out["views_zh"])
    assert out["columns_zh"][:4] == ["年度", "部门", "项目", "金额（万元）"]
    # The primary keys the dbt contracts declare are in the file, where information_schema
    # (what JDBC tools read) lists their columns...
    assert out["key_columns"] == [
        ["dim_economic", "econ_kind"],
        ["dim_economic", "econ_code"],
        ["dim_function", "function_code"],
    ]
    # ...and SQLAlchemy reflects each key by name, but without its columns: DuckDB numbers
    # pg_constraint.conkey from 0 and pg_attribute.attnum from 1 (duckdb_engine issue 594).
    assert out["keys"]["dim_economic"]["name"] == "PRIMARY KEY(econ_kind, econ_code)"
    assert out["keys"]["dim_function"]["constrained_columns"] == []


@pytest.mark.slow
def test_python_clients_need_pytz_for_the_timestamptz_columns(cli_build):
    # What the README's BI section warns about: without pytz, DuckDB's Python client cannot
    # return dim_document.loaded_at (the figures themselves need nothing more).
    probe = textwrap.dedent("""
        import sys, duckdb
        con = duckdb.connect(sys.argv[1], read_only=True)
        print(con.execute("select sum(total) from marts.fct_three_public").fetchall()[0][0])
        con.execute("select loaded_at from marts.dim_document").fetchall()
    """)
    completed = isolated_python([f"duckdb=={OLDEST_DUCKDB}"], "-c", probe, str(cli_build.warehouse))
    assert Decimal(completed.stdout.strip()) == THREE_PUBLIC_TOTAL
    assert completed.returncode != 0 and "pytz" in completed.stderr
