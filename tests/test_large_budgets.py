"""Every amount the storage type holds works in every step: parse, gate, dbt and publish.

Amounts are DECIMAL(18,6) 万元: up to 12 integer digits in 万元 and 16 in 元. A province's 财政厅
prints hundreds of 亿元 (10^6 万元 is 100 亿元). The documents here are the seed with every amount
of tables 01-11 and 13 multiplied by an integer, so every identity stays exact; their
departments are named as generated ones, since the figures are made up.
"""

from __future__ import annotations

import os
import subprocess
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import CLI, ISOLATED_VARIABLES, SEED_ID, make_raw_dir, rows
from documents import move_to_year, rename_department, scale_document, seed_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from variations import FINANCIAL, in_yuan

from orchestration.quality.gates import compute_identities, format_frame
from orchestration.quality.suites import FEN_PER_WAN, load_checks, load_identities
from orchestration.settings import PROJECT_ROOT
from orchestration.warehouse.database import connect, ensure_schema
from orchestration.warehouse.discovery import DocumentFile
from orchestration.warehouse.load import read_file, store_documents

# Seed line 38: 收入总计 134,133.328271 | 支出总计 134,133.328271, the largest amount it prints.
SEED_LARGEST = Decimal("134133.328271")
# Seed line 36: 本年支出合计 131,905.904856 (01); line 302: 03's 合计 row, the same total.
SEED_EXPENDITURE = Decimal("131905.904856")
STORAGE_MAX = Decimal("999999999999.999999")  # DECIMAL(18,6)
# The largest factor that keeps every amount of the seed within the storage type.
MAX_FACTOR = int(STORAGE_MAX / SEED_LARGEST)
LARGE = "北京市模拟部门901"  # 2025: the seed ×8; 2026: the seed ×MAX_FACTOR
LARGE_IN_YUAN = "北京市模拟部门902"  # the seed ×MAX_FACTOR, printed in 元
HUNDREDS_OF_YI_IN_YUAN = "北京市模拟部门903"  # the seed ×40 in 元: 527 亿元 of spending
TOO_LARGE = "北京市模拟部门904"  # the seed ×(MAX_FACTOR + 1): past the storage type


def in_yuan_everywhere(text: str) -> str:
    """Tables 01-11 and 13 in 元; 13 states its unit in its funding header."""
    return in_yuan(text, FINANCIAL | {"13"}).replace("总体资金情况(万元)", "总体资金情况(元)")


def test_the_factors_bracket_the_storage_type():
    assert SEED_LARGEST * MAX_FACTOR <= STORAGE_MAX < SEED_LARGEST * (MAX_FACTOR + 1)
    assert SEED_EXPENDITURE * 40 > 5_000_000  # 万元: more than 500 亿元


@pytest.fixture(scope="module")
def large_build(tmp_path_factory: pytest.TempPathFactory):
    seed = seed_text()
    documents = {
        SEED_ID: seed,
        f"2025/{LARGE}.txt": move_to_year(rename_department(scale_document(seed, 8), LARGE), 2025),
        f"2026/{LARGE}.txt": rename_department(scale_document(seed, MAX_FACTOR), LARGE),
        f"2026/{LARGE_IN_YUAN}.txt": in_yuan_everywhere(
            rename_department(scale_document(seed, MAX_FACTOR), LARGE_IN_YUAN)
        ),
        f"2026/{HUNDREDS_OF_YI_IN_YUAN}.txt": in_yuan_everywhere(
            rename_department(scale_document(seed, 40), HUNDREDS_OF_YI_IN_YUAN)
        ),
        f"2026/{TOO_LARGE}.txt": rename_department(scale_document(seed, MAX_FACTOR + 1), TOO_LARGE),
    }
    root = tmp_path_factory.mktemp("large")
    raw = make_raw_dir(root, {name: text.encode() for name, text in documents.items()})
    # Half of 2025's 2050305 高等职业教育 moves to 2050303: the split multiplies amounts too.
    crosswalk = root / "crosswalk.csv"
    crosswalk.write_text(
        "classification,from_year,from_code,to_code,method,share,note\n"
        "function,2025,2050305,2050305,split,0.5,half stays\n"
        "function,2025,2050305,2050303,split,0.5,half moves\n",
        encoding="utf-8",
    )
    warehouse = root / "warehouse.duckdb"
    env = {k: v for k, v in os.environ.items() if k not in ISOLATED_VARIABLES}
    env["BUDGET_BUILD_DB"] = str(root / "build" / "work.duckdb")
    run = subprocess.run(
        [
            str(CLI),
            "build",
            "--raw-dir",
            str(raw),
            "--warehouse",
            str(warehouse),
            "--crosswalk",
            str(crosswalk),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=600,
        check=False,
    )
    con = duckdb.connect(str(warehouse), read_only=True)
    yield run, con
    con.close()


def test_one_document_past_the_storage_type_is_rejected_and_the_rest_publish(large_build):
    run, con = large_build
    assert run.returncode == 1, run.stdout + run.stderr
    statuses = dict(
        rows(con, "select department_name, status from marts.dim_document where fiscal_year = 2026")
    )
    assert statuses == {
        "北京市人力资源和社会保障局": "published",
        LARGE: "published",
        LARGE_IN_YUAN: "published",
        HUNDREDS_OF_YI_IN_YUAN: "published",
        TOO_LARGE: "rejected",
    }
    # Line 38 prints 134,133.328271 ×(MAX_FACTOR + 1): 13 integer digits, more than 万元 holds.
    assert f"2026/{TOO_LARGE}.txt, table 01, line 38" in run.stdout
    assert "at most 12 integer digits" in run.stdout


@pytest.mark.parametrize(
    "department, factor",
    [
        (LARGE, MAX_FACTOR),
        (LARGE_IN_YUAN, MAX_FACTOR),
        (HUNDREDS_OF_YI_IN_YUAN, 40),
        ("北京市人力资源和社会保障局", 1),
    ],
)
def test_the_marts_hold_the_printed_totals_exactly(large_build, department, factor):
    _, con = large_build
    # 03's 合计 row (line 302) prints 131,905.904856; its rows add up to it.
    (total,) = rows(
        con,
        "select sum(total) from marts.fct_expenditure "
        "where fiscal_year = 2026 and department_name = ?",
        [department],
    )[0]
    assert total == SEED_EXPENDITURE * factor


def test_year_over_year_compares_the_largest_budgets_exactly(large_build):
    _, con = large_build
    found = dict(
        rows(
            con,
            """
        select function_code, change_pct from marts.yoy_function
        where department_name = ? and fiscal_year = 2026 and fund_scope = 'all_funds'
          and function_code in ('2050305', '2080101')
    """,
            [LARGE],
        )
    )
    # 2080101 is continuing: ×MAX_FACTOR against ×8, (7,455,268 − 8) / 8 = 931,907.5 times.
    assert (MAX_FACTOR - 8) * 100 / Decimal(8) == Decimal(93190750)
    assert found["2080101"] == Decimal("93190750.00")
    # Half of 2025's 2050305 stays (the crosswalk): ×MAX_FACTOR against ×4.
    assert found["2050305"] == Decimal((MAX_FACTOR - 4) * 100 / 4).quantize(Decimal("0.01"))


# --- the property: parse and the gate's identity computation at any scale -----------------


@pytest.fixture(scope="module")
def gate_database(tmp_path_factory: pytest.TempPathFactory):
    with connect(tmp_path_factory.mktemp("scaled") / "work.duckdb") as con:
        ensure_schema(con)
        yield con


def _budget_summary_suite():
    return next(
        suite
        for check in load_checks()
        for suite in check.suites
        if suite.table == "budget_summary"
    )


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    factor=st.one_of(st.integers(1, 1000), st.integers(1000, MAX_FACTOR), st.just(MAX_FACTOR)),
    yuan=st.booleans(),
)
def test_any_scale_the_type_holds_parses_and_every_identity_holds(gate_database, factor, yuan):
    con = gate_database
    text = scale_document(seed_text(), factor)
    if yuan:
        text = in_yuan_everywhere(text)
    file = DocumentFile("2026/scaled.txt", Path("scaled.txt"), 2026)
    parsed = read_file(file, text.encode())
    assert not parsed.rejected, [str(issue) for issue in parsed.issues if issue.rejects]
    store_documents(con, [parsed], run_id="property")
    con.execute("create or replace temp table checked as select '2026/scaled.txt' as document_id")
    try:
        compared = compute_identities(con, load_identities())
        summary = format_frame(con, _budget_summary_suite())
    finally:
        con.execute("drop table if exists checked")
    assert compared.height > 0
    assert set(compared["difference_fen"].to_list()) == {0}
    # 01's 支出总计 (line 38) as whole fen, as the format gate sees it.
    fen = summary.filter(summary["source_line"] == 38)["amount"].to_list()
    assert int(SEED_LARGEST * factor * FEN_PER_WAN) in fen
