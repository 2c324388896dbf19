"""Several years and departments: dimensions, the crosswalk and the year-over-year marts.

Department A (the seed's department) publishes 2024 (the seed ×2, with codes and names written
as an older year would), 2025 (×4) and 2026 (the seed). Department B is renamed between its
2025 (×1, 北京市甲局) and 2026 (×3, 北京市乙局) documents. Every expected figure is computed here
from the seed's printed text, never from the warehouse.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import make_raw_dir, rows
from documents import (
    SEED_DEPARTMENT,
    edit_cell,
    move_to_year,
    printed_cells,
    rename_department,
    scale_document,
    seed_text,
)

from orchestration.runner import execute_build
from orchestration.settings import Settings
from orchestration.warehouse.database import connect
from orchestration.warehouse.reference_files import ReferenceFileError, load_crosswalk

A = SEED_DEPARTMENT
B_OLD, B_NEW = "北京市甲局", "北京市乙局"
SEED = seed_text()


def as_2024(text: str) -> str:
    """The seed as an older year prints it: 3021101 差旅费 only as its parent 30211, two items
    under other codes, category 210 under its former name, and 2080101 under another name."""
    for old, new in (
        ("3021101-差旅费", "30211-差旅费"),
        ("2080115-博士后日常经费", "2080116-博士后日常经费"),
        ("2080115\t博士后日常经费", "2080116\t博士后日常经费"),
        ("2080112-劳动人事争议调解仲裁", "2080113-劳动人事争议调解仲裁"),
        ("2080112\t劳动人事争议调解仲裁", "2080113\t劳动人事争议调解仲裁"),
        ("九、卫生健康支出", "九、医疗卫生与计划生育支出"),
        ("2080101-行政运行", "2080101-行政运行支出"),
        ("2080101\t行政运行", "2080101\t行政运行支出"),
    ):
        assert old in text, old
        text = text.replace(old, new)
    return move_to_year(text, 2024)


CROSSWALK = """classification,from_year,from_code,to_code,method,share,note
function,2024,2080116,2080115,moved,,博士后日常经费 moved from 2080116
function,2024,2080199,2080199,split,0.5,half stays
function,2024,2080199,2080150,split,0.5,half moved to 事业运行
"""
RENAMES = f"""old_name,new_name,effective_year,note
{B_OLD},{B_NEW},2026,机构改革
"""


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("multi_year")
    raw = make_raw_dir(
        root,
        {
            f"2024/{A}.txt": scale_document(as_2024(SEED), 2).encode(),
            # 2025 also changes one target of project 110000267000003742841 (验收合格率 = 100 → 99).
            f"2025/{A}.txt": move_to_year(
                edit_cell(scale_document(SEED, 4), 697, 9, "99"), 2025
            ).encode(),
            f"2026/{A}.txt": SEED.encode(),
            f"2025/{B_OLD}.txt": move_to_year(rename_department(SEED, B_OLD), 2025).encode(),
            f"2026/{B_NEW}.txt": rename_department(scale_document(SEED, 3), B_NEW).encode(),
        },
    )
    (root / "crosswalk.csv").write_text(CROSSWALK, encoding="utf-8")
    (root / "renames.csv").write_text(RENAMES, encoding="utf-8")
    settings = Settings.from_env(
        raw_dir=raw,
        warehouse=root / "warehouse.duckdb",
        crosswalk=root / "crosswalk.csv",
        department_renames=root / "renames.csv",
    )
    documents = sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*.txt"))
    result = execute_build(settings, documents)
    assert result.success
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    yield settings, con
    con.close()


def one(con: duckdb.DuckDBPyConnection, sql: str, parameters: list[object]) -> tuple:
    (row,) = rows(con, sql, parameters)
    return row


def function_row(con, year, department, scope, code):
    return one(
        con,
        """
        select amount, prior_amount, change, change_pct, status, remapped_from
        from marts.yoy_function
        where fiscal_year = ? and department_name = ? and fund_scope = ? and function_code = ?
    """,
        [year, department, scope, code],
    )


def test_all_five_documents_publish(warehouse):
    _, con = warehouse
    assert set(
        rows(
            con,
            "select fiscal_year, department_name from marts.dim_document "
            "where status = 'published'",
        )
    ) == {(2024, A), (2025, A), (2026, A), (2025, B_OLD), (2026, B_NEW)}


def test_a_departments_first_year_is_new_with_no_prior(warehouse):
    _, con = warehouse
    assert rows(
        con,
        """
        select distinct status, prior_amount, change, change_pct, prior_fiscal_year
        from marts.yoy_function where fiscal_year = 2024 and department_name = ?
    """,
        [A],
    ) == [("new", None, None, None, None)]


def test_category_change_at_every_level_of_scale(warehouse):
    _, con = warehouse
    # 01 收支总表 prints 教育支出 (205) 40,014.067349 in the seed.
    education = Decimal("40014.067349")
    assert function_row(con, 2025, A, "all_funds", "205") == (
        4 * education,
        2 * education,
        2 * education,
        Decimal("100.00"),
        "continuing",
        None,
    )
    assert function_row(con, 2026, A, "all_funds", "205") == (
        education,
        4 * education,
        -3 * education,
        Decimal("-75.00"),
        "continuing",
        None,
    )
    # 04 财政拨款收支总表 prints 社会保障和就业支出 (208) 82,772.115832: the 05 scope.
    social = Decimal("82772.115832")
    assert function_row(con, 2025, A, "general_public_budget", "208") == (
        4 * social,
        2 * social,
        2 * social,
        Decimal("100.00"),
        "continuing",
        None,
    )


def test_subcategory_totals_continue_across_moves_inside_it(warehouse):
    _, con = warehouse
    subcategory = sum(printed_cells(SEED, "03", 3, "20801"))
    assert function_row(con, 2025, A, "all_funds", "20801") == (
        4 * subcategory,
        2 * subcategory,
        2 * subcategory,
        Decimal("100.00"),
        "continuing",
        None,
    )


def test_an_unmapped_move_shows_as_a_new_and_a_discontinued_code(warehouse):
    _, con = warehouse
    # 2080112 劳动人事争议调解仲裁 prints 12.152000; in 2024 it was printed as 2080113.
    printed = Decimal("12.152000")
    assert function_row(con, 2025, A, "all_funds", "2080112") == (
        4 * printed,
        0,
        4 * printed,
        None,
        "new",
        None,
    )
    assert function_row(con, 2025, A, "all_funds", "2080113") == (
        0,
        2 * printed,
        -2 * printed,
        Decimal("-100.00"),
        "discontinued",
        None,
    )


def test_the_crosswalk_turns_the_pair_into_one_remapped_row(warehouse):
    _, con = warehouse
    # 2080115 博士后日常经费: 41.400000 + 3,628.000000 in 03; printed as 2080116 in 2024.
    postdoc = sum(printed_cells(SEED, "03", 3, "2080115"))
    assert postdoc == Decimal("3669.400000")
    assert function_row(con, 2025, A, "all_funds", "2080115") == (
        4 * postdoc,
        2 * postdoc,
        2 * postdoc,
        Decimal("100.00"),
        "remapped",
        "2080116",
    )
    assert rows(
        con,
        "select count(*) from marts.yoy_function where fiscal_year = 2025 "
        "and function_code = '2080116'",
        [],
    ) == [(0,)]


def test_a_split_shares_last_years_amount_exactly(warehouse):
    _, con = warehouse
    other = sum(printed_cells(SEED, "03", 3, "2080199"))
    operations = sum(printed_cells(SEED, "03", 3, "2080150"))
    # 2024 prints both ×2; half of 2080199 counts under 2080150 from 2025 on.
    kept = function_row(con, 2025, A, "all_funds", "2080199")
    moved = function_row(con, 2025, A, "all_funds", "2080150")
    assert kept[1] == other and kept[4] == "continuing"
    assert moved[1] == 2 * operations + other and moved[4] == "remapped"
    assert moved[5] == "2080199"


def test_a_refined_economic_code_is_new_as_an_item_and_continues_as_a_subcategory(warehouse):
    _, con = warehouse
    travel = sum(printed_cells(SEED, "03", 3, "3021101", code_column=2))
    economic = """
        select amount, prior_amount, change_pct, status from marts.yoy_economic
        where fiscal_year = 2025 and department_name = ? and econ_kind = 'department'
          and level = ? and econ_code = ?
    """
    assert one(con, economic, [A, "item", "3021101"]) == (4 * travel, 0, None, "new")
    assert one(con, economic, [A, "subcategory", "30211"]) == (
        4 * travel,
        2 * travel,
        Decimal("100.00"),
        "continuing",
    )


def test_the_latest_years_name_wins(warehouse):
    _, con = warehouse
    assert rows(
        con,
        """
        select function_code, name, name_source, name_year, other_names, years
        from marts.dim_function where function_code in ('210', '2080101', '20801')
        order by function_code
    """,
    ) == [
        ("20801", "人力资源和社会保障管理事务", "reference", None, None, "2024,2025,2026"),
        ("2080101", "行政运行", "document", 2026, "行政运行支出", "2024,2025,2026"),
        ("210", "卫生健康支出", "document", 2026, "医疗卫生与计划生育支出", "2024,2025,2026"),
    ]
    assert rows(
        con,
        "select function_name from marts.yoy_function where fiscal_year = 2024 "
        "and function_code = '210' limit 1",
    ) == [("卫生健康支出",)]


def test_a_renamed_department_keeps_its_history(warehouse):
    _, con = warehouse
    education = Decimal("40014.067349")
    assert function_row(con, 2026, B_NEW, "all_funds", "205") == (
        3 * education,
        education,
        2 * education,
        Decimal("200.00"),
        "continuing",
        None,
    )
    assert rows(
        con,
        "select distinct status from marts.yoy_function "
        "where fiscal_year = 2025 and department_name = ?",
        [B_NEW],
    ) == [("new",)]
    assert rows(
        con, "select count(*) from marts.yoy_function where department_name = ?", [B_OLD]
    ) == [(0,)]


def test_three_public_and_revenue_year_over_year(warehouse):
    _, con = warehouse
    assert one(
        con,
        """
        select amount, prior_amount, change, change_pct, status from marts.yoy_three_public
        where fiscal_year = 2026 and department_name = ? and item = 'total'
    """,
        [A],
    ) == (
        Decimal("222.676050"),
        Decimal("890.704200"),
        Decimal("-668.028150"),
        Decimal("-75.00"),
        "continuing",
    )
    budget = Decimal("112859.652716")
    assert one(
        con,
        """
        select amount, prior_amount, change_pct, status from marts.yoy_revenue
        where fiscal_year = 2025 and department_name = ? and fund_group = 'current_year'
          and revenue_source = 'general_public_budget'
    """,
        [A],
    ) == (4 * budget, 2 * budget, Decimal("100.00"), "continuing")


def test_no_code_is_left_unnamed(warehouse):
    _, con = warehouse
    assert rows(con, "select * from marts.unnamed_codes") == []


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (
            "function,2025,2089998,2089999,moved,,",
            "function code 2089998 does not appear in any published 2025 document",
        ),
        (
            "function,2024,2080116,2080115,moved,,\nfunction,2024,2080116,2080110,moved,,",
            "maps to 2 codes; give each a share",
        ),
        ("function,2024,2080116,2080115,retired,,", "method 'retired' is not one of"),
        ("budget,2024,2080116,2080115,moved,,", "classification 'budget' is not one of"),
    ],
)
def test_a_bad_crosswalk_row_is_an_error_naming_its_line(warehouse, tmp_path: Path, line, problem):
    settings, _ = warehouse
    file = tmp_path / "bad.csv"
    file.write_text(
        "classification,from_year,from_code,to_code,method,share,note\n" + line, encoding="utf-8"
    )
    with connect(settings.build_db) as con, pytest.raises(ReferenceFileError) as raised:
        load_crosswalk(con, file)
    assert any(p.startswith(f"{file}:2: ") and problem in p for p in raised.value.problems), (
        raised.value.problems
    )


def test_projects_year_over_year_count_changed_targets(warehouse):
    _, con = warehouse
    # Table 12 is not scaled: the project's money is the same each year; one target changed.
    assert one(
        con,
        """
        select amount, prior_amount, change, change_pct, status, indicators, prior_indicators,
               targets_changed, amount_flags
        from marts.yoy_project
        where fiscal_year = 2025 and department_name = ? and project_code = ?
    """,
        [A, "110000267000003742841"],
    ) == (
        Decimal("33.545259"),
        Decimal("33.545259"),
        0,
        Decimal("0.00"),
        "continuing",
        1,
        1,
        1,
        "decimal_point_misread",
    )
    assert rows(
        con,
        """
        select sum(targets_changed) from marts.yoy_project
        where fiscal_year = 2026 and department_name = ?
    """,
        [A],
    ) == [(1,)]  # and back again in 2026
