"""What users take away: the Chinese views, the export to Excel, CSV and parquet, and `sql`.

Figures are the seed's (data/raw/2026/北京市人力资源和社会保障局.txt); the round trips compare
every cell with the published mart.
"""

from __future__ import annotations

import csv
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import polars as pl
from conftest import CLI, ISOLATED_VARIABLES, CliRun, rows

from orchestration.settings import PROJECT_ROOT

# 预算09表 “三公”经费, line 592 of the seed:
# "222.676050	130.819050	9.000000	82.857000	37.380000	45.477000"
THREE_PUBLIC = {
    "“三公”经费合计": Decimal("222.676050"),
    "因公出国（境）费用": Decimal("130.819050"),
    "公务接待费": Decimal("9.000000"),
    "公务用车购置及运行维护费": Decimal("82.857000"),
    "公务用车购置费": Decimal("37.380000"),
    "公务用车运行维护费": Decimal("45.477000"),
}
# 预算03表 支出总表, 合计 (line 302):
# "合 计⇥⇥⇥131,905.904856⇥70,692.094503⇥61,213.810353" (⇥ a tab).
SPENDING_TOTAL = Decimal("131905.904856")
ZH_COLUMNS = [
    "年度",
    "部门",
    "资金范围",
    "级次",
    "科目编码",
    "科目名称",
    "金额（万元）",
    "上年度",
    "上年金额（万元）",
    "增减额（万元）",
    "增减率（%）",
    "状态",
    "调整自",
]


def cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ISOLATED_VARIABLES}
    return subprocess.run(
        [str(CLI), *arguments],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=300,
        check=False,
    )


def export(build: CliRun, out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    completed = cli("export", "--warehouse", str(build.warehouse), "--out", str(out), *options)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed


def test_marts_zh_names_the_columns_and_statuses_as_the_documents_do(marts):
    columns = [
        name
        for (name,) in rows(
            marts,
            """
        select column_name from duckdb_columns()
        where schema_name = 'marts_zh' and table_name = '功能分类同比' order by column_index""",
        )
    ]
    assert columns == ZH_COLUMNS
    three_public = dict(rows(marts, 'select 项目, "金额（万元）" from marts_zh.三公经费同比'))
    assert three_public == THREE_PUBLIC
    # The seed is its department's first year: every figure is new.
    assert rows(marts, "select distinct 状态 from marts_zh.三公经费同比") == [("新增",)]
    ((total,),) = rows(
        marts,
        """select sum("金额（万元）") from marts_zh.功能分类同比
                                where 资金范围 = '全部资金（支出总表）' and 级次 = '类'""",
    )
    assert total == SPENDING_TOTAL
    # Comments travel with the views, for BI tools that show them.
    ((comment,),) = rows(
        marts,
        "select comment from duckdb_views() "
        "where schema_name = 'marts_zh' and view_name = '三公经费同比'",
    )
    assert "预算09表" in comment


def test_the_workbook_has_a_sheet_per_view_and_gives_back_the_marts_figures(
    cli_build, marts, tmp_path
):
    path = tmp_path / "预算.xlsx"
    export(cli_build, path)
    workbook = openpyxl.load_workbook(path)
    views = [
        name
        for (name,) in rows(
            marts, "select view_name from duckdb_views() where schema_name = 'marts_zh' order by 1"
        )
    ]
    assert sorted(workbook.sheetnames) == views
    sheet = workbook["功能分类同比"]
    header = [cell.value for cell in sheet[1]]
    assert header == ZH_COLUMNS
    amount = header.index("金额（万元）")
    for row in sheet.iter_rows(min_row=2):
        # Numbers as numbers, shown with all six decimals.
        assert row[amount].data_type == "n" and row[amount].number_format == "#,##0.000000"
    read_back = [
        tuple(_from_excel(cell.value) for cell in row) for row in sheet.iter_rows(min_row=2)
    ]
    assert read_back == rows(marts, "select * from marts_zh.功能分类同比")
    three_public = {
        row[2].value: _from_excel(row[3].value)
        for row in workbook["三公经费同比"].iter_rows(min_row=2)
    }
    assert three_public == THREE_PUBLIC


def _from_excel(value: object) -> object:
    # A float read back from the workbook is the number Excel shows; repr gives its digits.
    return Decimal(repr(value)) if isinstance(value, float) else value


def test_the_csv_opens_in_excel_on_chinese_windows_and_keeps_every_figure(
    cli_build, marts, tmp_path
):
    out = tmp_path / "csv"
    export(cli_build, out, "--format", "csv")
    path = out / "功能分类同比.csv"
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs to read UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, *lines = list(csv.reader(handle))
    assert header == ZH_COLUMNS
    expected = rows(marts, "select * from marts_zh.功能分类同比")
    assert len(lines) == len(expected)
    for line, row in zip(lines, expected, strict=True):
        for text, value in zip(line, row, strict=True):
            if value is None:
                assert text == ""
            elif isinstance(value, Decimal):
                assert Decimal(text) == value and text == format(value, "f")
            else:
                assert text == str(value)

    gb = tmp_path / "gb.csv"
    export(cli_build, gb, "--table", "三公经费同比", "--encoding", "gb18030")
    text = gb.read_bytes().decode("gb18030")
    assert "公务接待费,9.000000" in text
    assert not gb.read_bytes().startswith(b"\xef\xbb\xbf")


def test_filters_by_department_year_code_and_level(cli_build, marts, tmp_path):
    path = tmp_path / "items.parquet"
    export(
        cli_build,
        path,
        "--table",
        "yoy_function",
        "--department",
        "人力资源",
        "--year",
        "2026",
        "--code",
        "208",
        "--level",
        "item",
    )
    frame = pl.read_parquet(path)
    assert isinstance(frame.schema["amount"], pl.Decimal)  # parquet keeps DECIMAL
    assert frame.height > 0
    assert set(frame["level"]) == {"item"} and set(frame["fiscal_year"]) == {2026}
    assert all(code.startswith("208") for code in frame["function_code"])
    ((expected,),) = rows(
        marts,
        """select sum(amount) from marts.yoy_function
        where level = 'item' and function_code like '208%' and fund_scope = 'all_funds'""",
    )
    assert frame.filter(pl.col("fund_scope") == "all_funds")["amount"].sum() == expected


def test_an_impossible_export_says_why(cli_build, tmp_path):
    unknown = cli(
        "export",
        "--warehouse",
        str(cli_build.warehouse),
        "--out",
        str(tmp_path / "x.xlsx"),
        "--table",
        "no_such_mart",
    )
    assert unknown.returncode == 2 and "no table 'no_such_mart'" in unknown.stderr
    level = cli(
        "export",
        "--warehouse",
        str(cli_build.warehouse),
        "--out",
        str(tmp_path / "x.xlsx"),
        "--table",
        "功能分类同比",
        "--level",
        "item",
    )
    assert level.returncode == 2 and "its levels are 款, 类, 项" in level.stderr
    column = cli(
        "export",
        "--warehouse",
        str(cli_build.warehouse),
        "--out",
        str(tmp_path / "x.xlsx"),
        "--table",
        "dim_function",
        "--department",
        "人力",
    )
    assert column.returncode == 2 and "no column for --department" in column.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_sql_prints_the_published_figures_and_writes_nothing(cli_build):
    before = cli_build.warehouse.read_bytes()
    shown = cli(
        "sql",
        "--warehouse",
        str(cli_build.warehouse),
        'select 项目, "金额（万元）" from marts_zh.三公经费同比',
    )
    assert shown.returncode == 0, shown.stderr
    assert "公务接待费" in shown.stdout and "222.676050" in shown.stdout
    assert "6 rows" in shown.stdout

    as_csv = cli(
        "sql",
        "--warehouse",
        str(cli_build.warehouse),
        "--csv",
        "select item_name, amount from marts.yoy_three_public order by amount desc",
    )
    assert as_csv.stdout.splitlines()[1] == "“三公”经费合计,222.676050"

    for statement in (
        "delete from marts.yoy_three_public",
        f"copy (select 1) to '{cli_build.warehouse.parent / 'leak.csv'}'",
    ):
        refused = cli("sql", "--warehouse", str(cli_build.warehouse), statement)
        assert refused.returncode == 2, statement
        assert refused.stderr.startswith("error:")
    assert not (cli_build.warehouse.parent / "leak.csv").exists()
    assert cli_build.warehouse.read_bytes() == before


def test_sql_counts_the_rows_it_does_not_print(cli_build, marts):
    ((count,),) = rows(marts, "select count(*) from marts.yoy_function")
    shown = cli(
        "sql",
        "--warehouse",
        str(cli_build.warehouse),
        "--max-rows",
        "3",
        "select * from marts.yoy_function",
    )
    assert f"{count:,} rows; {count - 3:,} more not shown" in shown.stdout
