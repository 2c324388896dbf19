"""The published marts of the seed equal what the document prints (Foundation issue)."""

from __future__ import annotations

import json
from decimal import Decimal

from conftest import SEED_ID, rows


def test_the_cli_published_the_seed(cli_build):
    assert "1 published, 0 rejected" in cli_build.stdout
    assert cli_build.warehouse.exists()


def test_expenditure_has_every_line_and_the_printed_totals(marts):
    # 预算03表 prints 241 lines and «合 计 131,905.904856 70,692.094503 61,213.810353».
    assert rows(
        marts, "select count(*), sum(total), sum(basic), sum(project) from marts.fct_expenditure"
    ) == [(241, Decimal("131905.904856"), Decimal("70692.094503"), Decimal("61213.810353"))]


def test_expenditure_by_category_equals_the_summary_table_lines(marts):
    # 预算01表 收支总表: 五、教育支出 40,014.067349; 八、社会保障和就业支出 86,063.699335;
    # 九、卫生健康支出 3,097.308372; 十九、住房保障支出 2,730.829800.
    assert rows(
        marts,
        """
        select left(function_code, 3), sum(total) from marts.fct_expenditure
        group by 1 order by 1
    """,
    ) == [
        ("205", Decimal("40014.067349")),
        ("208", Decimal("86063.699335")),
        ("210", Decimal("3097.308372")),
        ("221", Decimal("2730.829800")),
    ]


def test_expenditure_keeps_codes_and_provenance(marts):
    # Line 54: «2050303-技校教育 50902-助学金 30308-助学金 219.980000 (项目支出 219.980000)».
    assert rows(
        marts,
        """
        select fiscal_year, department_name, document_id, function_code, gov_econ_code,
               dept_econ_code, total, basic, project
        from marts.fct_expenditure where source_line = 54
    """,
    ) == [
        (
            2026,
            "北京市人力资源和社会保障局",
            SEED_ID,
            "2050303",
            "50902",
            "30308",
            Decimal("219.980000"),
            None,
            Decimal("219.980000"),
        )
    ]
    # Beijing's 7-digit department economic items survive (3021101 差旅费, line 73).
    assert rows(
        marts, "select dept_econ_code, total from marts.fct_expenditure where source_line = 73"
    ) == [("3021101", Decimal("24.652260"))]


def test_general_budget_sums_35_codes_to_the_printed_total(marts):
    # 预算05表: 134 rows (one per code per unit), 35 distinct codes, 合计 123,259.799847.
    assert rows(
        marts,
        "select count(*), count(distinct function_code), sum(total), "
        "sum(unit_rows) from marts.fct_general_budget_expenditure",
    ) == [(35, 35, Decimal("123259.799847"), 134)]
    # 2080101 行政运行 is printed on five unit rows (lines 352, 375, 386, 401 and 438).
    printed = ["11090.937757", "4885.014935", "3277.942568", "1876.051894", "1227.400814"]
    assert rows(
        marts,
        "select total, unit_rows from marts.fct_general_budget_expenditure "
        "where function_code = '2080101'",
    ) == [(sum(Decimal(x) for x in printed), 5)]


def test_basic_expenditure_splits_into_personnel_and_public_use(marts):
    # 预算06表 «合 计 66,156.691126 56,275.168579 9,881.522547».
    assert rows(
        marts, "select sum(total), sum(personnel), sum(public_use) from marts.fct_basic_expenditure"
    ) == [(Decimal("66156.691126"), Decimal("56275.168579"), Decimal("9881.522547"))]


def test_three_public_expenses(marts):
    # 预算09表: 222.676050 = 130.819050 + 9.000000 + 82.857000; vehicles 37.380000 + 45.477000.
    assert rows(
        marts,
        """
        select total, outbound_travel, reception, vehicles_total, vehicle_purchase,
               vehicle_operation
        from marts.fct_three_public
    """,
    ) == [
        (
            Decimal("222.676050"),
            Decimal("130.819050"),
            Decimal("9.000000"),
            Decimal("82.857000"),
            Decimal("37.380000"),
            Decimal("45.477000"),
        )
    ]


def test_procurement_and_purchased_services_totals(marts):
    # 预算10表 合计 22,544.397113 (A 1,183.999945, B 811.963150, C 20,548.434018);
    # 预算11表 合 计 12,070.254824 over 78 lines.
    assert rows(
        marts, "select category_code, amount from marts.fct_procurement order by category_code"
    ) == [
        ("A", Decimal("1183.999945")),
        ("B", Decimal("811.963150")),
        ("C", Decimal("20548.434018")),
    ]
    assert rows(marts, "select count(*), sum(amount) from marts.fct_purchased_services") == [
        (78, Decimal("12070.254824"))
    ]


def test_revenue_from_both_tables(marts):
    # 01: 一般公共预算拨款收入 112,859.652716; 本年收入合计 118,370.071798;
    # 上年结转结余 15,763.256473; 收入总计 134,133.328271. 02 prints the same figures.
    for table_no in ("01", "02"):
        assert rows(
            marts,
            """
            select fund_group, revenue_source, amount from marts.fct_revenue
            where table_no = ? and amount is not null
              and revenue_source in ('general_public_budget', 'subtotal', 'total')
              and fund_group in ('current_year', 'total')
            order by fund_group, revenue_source
        """,
            [table_no],
        ) == [
            ("current_year", "general_public_budget", Decimal("112859.652716")),
            ("current_year", "subtotal", Decimal("118370.071798")),
            ("total", "total", Decimal("134133.328271")),
        ]
    # 02's carry-over: 一般公共预算资金 10,400.147131 and 单位资金 5,363.109342.
    assert rows(
        marts,
        """
        select revenue_source, amount from marts.fct_revenue
        where table_no = '02' and fund_group = 'carryover' and amount is not null
        order by revenue_source
    """,
    ) == [
        ("general_public_budget", Decimal("10400.147131")),
        ("subtotal", Decimal("15763.256473")),
        ("unit_funds", Decimal("5363.109342")),
    ]


def test_amounts_are_decimal_never_float(marts):
    kinds = rows(
        marts,
        """
        select distinct data_type from information_schema.columns
        where table_schema = 'marts'
          and column_name in ('total', 'basic', 'project', 'personnel', 'public_use', 'amount',
                              'outbound_travel', 'reception', 'vehicle_purchase')
    """,
    )
    assert kinds and all(kind.startswith("DECIMAL") for (kind,) in kinds), kinds


def test_dim_document_describes_the_published_seed(marts):
    assert rows(
        marts,
        """
        select document_id, fiscal_year, department_name, source_file, amount_unit, status,
               length(source_sha256)
        from marts.dim_document
    """,
    ) == [(SEED_ID, 2026, "北京市人力资源和社会保障局", SEED_ID, "万元", "published", 64)]


def test_marts_carry_their_documentation_as_comments(marts):
    # BI tools that show comments explain each column; dbt's YAML docs are the source.
    comment = rows(
        marts,
        "select comment from duckdb_columns() where schema_name = 'marts' "
        "and table_name = 'fct_three_public' and column_name = 'reception'",
    )
    assert comment == [("公务接待费, 万元.",)]


def test_docs_command_writes_the_marts_documentation(cli_build):
    import subprocess

    from conftest import CLI

    completed = subprocess.run(
        [str(CLI), "docs", "--warehouse", str(cli_build.warehouse)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    page = cli_build.warehouse.parent / "build" / "dbt_docs" / "static_index.html"
    assert f"Documentation of the marts: {page}" in completed.stdout
    text = page.read_text(encoding="utf-8")
    # The page embeds the manifest as JSON with non-ASCII characters escaped.
    assert '"yoy_function"' in text and json.dumps("预算03表 支出总表")[1:-1] in text
