"""Final accounts (决算): the second kind of document, and budget execution.

One real CLI build per session reads the seed budget, a 决算 of the same department and year
generated from it (tests/final_accounts_documents.py, rendered to a ruled PDF), a generated 决算
whose arithmetic fails, and the two real 2024 决算 of Shanghai Putuo where
../shared/real-documents is present.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pytest
from conftest import SEED, SEED_ID, CliRun, make_raw_dir, rows, run_cli
from documents import SEED_DEPARTMENT
from final_accounts_documents import (
    ThreePublic,
    budget_items,
    executed_items,
    final_accounts_text,
)
from rendering import render_pdf, seed_pages

from orchestration.parsing.final_accounts import read_final_accounts
from orchestration.settings import PROJECT_ROOT

REAL = PROJECT_ROOT.parent / "shared" / "real-documents" / "shanghai-putuo" / "final-accounts"
FINANCE_BUREAU = "2024/2024-上海市普陀区财政局.pdf"
SOCIAL_WORK = "2024/2024-中共上海市普陀区委社会工作部.pdf"
GENERATED = "2026/北京市人力资源和社会保障局-决算.pdf"
BROKEN = "2026/北京市测试局-决算.pdf"
# Two files with the 决算 of one department and year: a conflict, as for budgets.
TWICE = ("2026/北京市重复局-决算.pdf", "2026/北京市重复局-决算-更正.pdf")
# The line of the generated 决算's 支出决算表 that the broken one prints with 1.00 more.
BROKEN_LINE = ("2050303\t技校教育\t186.98\t\t186.98", "2050303\t技校教育\t187.98\t\t186.98")


def _pdf(text: str) -> bytes:
    return render_pdf(seed_pages(text))


@pytest.fixture(scope="session")
def final_build(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    seed = SEED.read_text("utf-8")
    documents = {
        SEED_ID: SEED.read_bytes(),
        GENERATED: _pdf(final_accounts_text(seed, SEED_DEPARTMENT, 2026)),
        BROKEN: _pdf(final_accounts_text(seed, "北京市测试局", 2026, edit=BROKEN_LINE)),
        **dict.fromkeys(TWICE, _pdf(final_accounts_text(seed, "北京市重复局", 2026))),
    }
    if REAL.is_dir():
        for path in REAL.glob("2024-*.pdf"):
            documents[f"2024/{path.name}"] = path.read_bytes()
    root = tmp_path_factory.mktemp("final_accounts")
    run = run_cli(make_raw_dir(root, documents), root / "warehouse.duckdb")
    # The broken 决算 is rejected (exit 1); everything else publishes.
    assert run.returncode == 1, run.stdout + run.stderr
    return run


@pytest.fixture
def warehouse(final_build: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(final_build.warehouse), read_only=True)
    yield con
    con.close()


def _real_documents() -> None:
    if not REAL.is_dir():
        pytest.skip(f"{REAL} is absent: the real 决算 are not part of the repository")


def test_a_budget_and_its_final_accounts_both_publish(warehouse):
    found = {
        row[0]: row[1:]
        for row in rows(
            warehouse,
            "select document_id, document_kind, status, fiscal_year, department_name "
            "from marts.dim_document",
        )
    }
    assert found[SEED_ID] == ("budget", "published", 2026, SEED_DEPARTMENT)
    assert found[GENERATED] == ("final_accounts", "published", 2026, SEED_DEPARTMENT)


def test_a_final_accounts_whose_identities_fail_is_rejected_naming_page_and_figures(
    warehouse, final_build
):
    status, reasons = rows(
        warehouse,
        "select status, rejection_reasons from marts.dim_document where document_id = ?",
        [BROKEN],
    )[0]
    assert status == "rejected"
    # 支出决算表 is the PDF's third page (after 收入支出决算总表 and 收入决算表); its row prints
    # 187.98 = 186.98 + nothing.
    assert "table F03" in reasons and "F03.row_total" in reasons
    assert "2050303, page 3" in reasons
    # Two figures printed (合计 and 基本支出), each rounded to 0.01: an allowance of 0.01.
    assert (
        "187.980000 ≠ 186.980000, difference 1.000000 万元, beyond the allowance "
        "0.010000 万元 (2 rounded figures compared)"
    ) in reasons
    assert BROKEN in final_build.stdout
    assert not rows(
        warehouse, "select 1 from marts.fct_final_expenditure where document_id = ?", [BROKEN]
    )


def test_two_final_accounts_of_one_department_and_year_conflict(warehouse):
    found = rows(
        warehouse,
        "select document_id, status, rejection_reasons "
        "from marts.dim_document where department_name = '北京市重复局'",
    )
    assert sorted(document for document, _, _ in found) == sorted(TWICE)
    for document, status, reasons in found:
        other = next(name for name in TWICE if name != document)
        assert status == "rejected"
        assert (
            f"2 files of the raw folder are for 2026 北京市重复局 (final accounts, 决算) "
            f"(also {other})"
        ) in reasons


def test_budget_marts_do_not_change(warehouse, marts):
    """The seed's budget marts are the same, figure for figure, with its 决算 beside it."""
    for mart in (
        "fct_expenditure",
        "fct_general_budget_expenditure",
        "fct_three_public",
        "fct_revenue",
        "fct_basic_expenditure",
        "yoy_function",
        "yoy_three_public",
        "dim_function",
    ):
        query = f"select * from marts.{mart} order by all"
        assert rows(warehouse, query) == rows(marts, query), mart


def _levels(amounts: dict[str, Decimal]) -> dict[str, Decimal]:
    """Item amounts summed up to subcategory (5 digits) and category (3)."""
    out: dict[str, Decimal] = {}
    for code, amount in amounts.items():
        for digits in (3, 5, 7):
            out[code[:digits]] = out.get(code[:digits], Decimal(0)) + amount
    return out


def test_budget_execution_equals_the_generated_figures_at_every_level(warehouse):
    seed = SEED.read_text("utf-8")
    expected = {}
    for scope, table in (("all_funds", "03"), ("general_public_budget", "05")):
        approved = _levels(
            {code: total for code, (_, total, _) in budget_items(seed, table).items()}
        )
        executed = _levels({item.code: item.executed for item in executed_items(seed, table)})
        assert approved.keys() == executed.keys()
        for code, budget in approved.items():
            rate = (executed[code] * 100 / budget).quantize(Decimal("0.01"), ROUND_HALF_UP)
            expected[(scope, code)] = (
                budget,
                executed[code],
                executed[code] - budget,
                rate,
                "executed",
            )
    found = {
        (scope, code): (approved, executed, difference, rate, status)
        for scope, code, approved, executed, difference, rate, status in rows(
            warehouse,
            "select fund_scope, function_code, approved, executed, difference, execution_rate, "
            "status from marts.budget_execution where fiscal_year = 2026 and department_name = ?",
            [SEED_DEPARTMENT],
        )
    }
    assert found == expected
    assert {(scope, len(code)) for scope, code in expected} == {
        (scope, digits) for scope in ("all_funds", "general_public_budget") for digits in (3, 5, 7)
    }


def test_three_public_execution_of_the_generated_final_accounts(warehouse):
    figures = rows(
        warehouse,
        "select item, approved, executed, execution_rate, budget_document_amount "
        "from marts.three_public_execution where final_document_id = ? order by item_order",
        [GENERATED],
    )
    generated = ThreePublic()
    assert [(a, e) for _, a, e, _, _ in figures] == list(
        zip(generated.approved, generated.executed, strict=True)
    )
    assert figures[0][3] == Decimal("85.00")  # 8.50 of 10.00
    # The budget's own 09 table prints «222.676050» as the 三公 total (seed, table 09).
    assert figures[0][4] == Decimal("222.676050")


def test_the_real_final_accounts_publish_with_the_figures_they_print(warehouse):
    _real_documents()
    published = rows(
        warehouse,
        "select document_id, document_kind, fiscal_year, department_name "
        "from marts.dim_document where status = 'published' "
        "and fiscal_year = 2024",
    )
    assert sorted(published) == sorted(
        [
            (SOCIAL_WORK, "final_accounts", 2024, "中共上海市普陀区委社会工作部"),
            (FINANCE_BUREAU, "final_accounts", 2024, "上海市普陀区财政局"),
        ]
    )

    def total(document: str, scope: str) -> tuple:
        return rows(
            warehouse,
            "select total, basic, project, source_page "
            "from marts.fct_final_expenditure where document_id = ? "
            "and fund_scope = ? and level = 'total'",
            [document, scope],
        )[0]

    # 财政局, 支出决算表 page 10: «合计 2,940.05 2,336.91 603.14»
    assert total(FINANCE_BUREAU, "all_funds") == (
        Decimal("2940.05"),
        Decimal("2336.91"),
        Decimal("603.14"),
        10,
    )
    # 一般公共预算财政拨款支出决算表 page 15: «合计 2,940.05 2,336.91 603.14»
    assert total(FINANCE_BUREAU, "general_public_budget") == (
        Decimal("2940.05"),
        Decimal("2336.91"),
        Decimal("603.14"),
        15,
    )
    # 社会工作部, 支出决算表 page 8: «合计 307.82 105.58 202.24»
    assert total(SOCIAL_WORK, "all_funds") == (
        Decimal("307.82"),
        Decimal("105.58"),
        Decimal("202.24"),
        8,
    )
    # 一般公共预算财政拨款支出决算表 page 12: «合计 307.82 105.58 202.24»
    assert total(SOCIAL_WORK, "general_public_budget") == (
        Decimal("307.82"),
        Decimal("105.58"),
        Decimal("202.24"),
        12,
    )
    # 财政局 page 10: «201 06 01 行政运行 1,511.89 1,503.52 8.37», 类/款/项 in three columns.
    assert rows(
        warehouse,
        "select function_name, total, basic, project, source_page "
        "from marts.fct_final_expenditure where document_id = ? "
        "and fund_scope = 'all_funds' and function_code = '2010601'",
        [FINANCE_BUREAU],
    ) == [("行政运行", Decimal("1511.89"), Decimal("1503.52"), Decimal("8.37"), 10)]


def test_the_real_revenue_tables(warehouse):
    _real_documents()

    def revenue(document: str, code: str) -> tuple:
        return rows(
            warehouse,
            "select total, fiscal_appropriation, other, source_page from marts.fct_final_revenue "
            "where document_id = ? and function_code = ?",
            [document, code],
        )[0]

    # 财政局, 收入决算表 page 8: «类 款 项 合计 2,946.25 2,940.05 6.20» (其他收入 6.20), and
    # «201 06 01 行政运行 1,511.90 1,511.89 0.01»; 收入支出决算总表 page 6 prints the same
    # 本年收入合计 2,946.25 (F02 against F01: revenue_vs_summary).
    assert revenue(FINANCE_BUREAU, "合计") == (
        Decimal("2946.25"),
        Decimal("2940.05"),
        Decimal("6.20"),
        8,
    )
    assert revenue(FINANCE_BUREAU, "2010601") == (
        Decimal("1511.90"),
        Decimal("1511.89"),
        Decimal("0.01"),
        8,
    )
    # 社会工作部, 收入决算表 page 6: «合计 307.82 307.82» and «2013901 行政运行 51.32 51.32».
    assert revenue(SOCIAL_WORK, "合计") == (Decimal("307.82"), Decimal("307.82"), 0, 6)
    assert revenue(SOCIAL_WORK, "2013901") == (Decimal("51.32"), Decimal("51.32"), 0, 6)
    # The F02 identities were evaluated on both real 决算, and held (within the rounding
    # allowance, which reports a difference as a warning, never a rejection).
    checked = rows(
        warehouse,
        "select document_id, count(distinct split_part(identity, '.', 2)), "
        "bool_and(outcome <> 'rejected') "
        "from marts.data_quality where split_part(identity, '.', 2) in "
        "('revenue_row_total', 'revenue_levels', 'revenue_vs_summary') "
        "and document_id like '2024/%' group by document_id order by document_id",
    )
    assert checked == sorted([(FINANCE_BUREAU, 3, True), (SOCIAL_WORK, 3, True)])


def test_the_real_fiscal_summary_tables(warehouse, final_build):
    _real_documents()
    # No mart holds 财政拨款收入支出决算总表 (F04): its lines are in the working database the
    # marts are built from, checked against 一般公共预算财政拨款支出决算表 (F05).
    work = duckdb.connect(
        str(final_build.warehouse.parent / "build" / "warehouse.work.duckdb"), read_only=True
    )
    try:

        def line(document: str, side: str, line_type: str, code: str | None = None) -> tuple:
            return rows(
                work,
                "select total, general_public_budget, source_page "
                "from accepted.final_fiscal_summary where document_id = ? and side = ? "
                "and line_type = ? and function_code is not distinct from ?",
                [document, side, line_type, code],
            )[0]

        # 财政局 page 13: «本年收入合计 2,940.05 本年支出合计 2,940.05 2,940.05», «年初财政拨款
        # 结转和结余 21.63 年末财政拨款结转和结余 21.63 21.63», «总计 2,961.68 总计 2,961.68
        # 2,961.68»; page 12 «八、社会保障和就业支出 326.71 326.71».
        assert line(FINANCE_BUREAU, "revenue", "subtotal") == (Decimal("2940.05"), None, 13)
        assert line(FINANCE_BUREAU, "expenditure", "subtotal") == (
            Decimal("2940.05"),
            Decimal("2940.05"),
            13,
        )
        assert line(FINANCE_BUREAU, "revenue", "carryover") == (Decimal("21.63"), None, 13)
        assert line(FINANCE_BUREAU, "expenditure", "total") == (
            Decimal("2961.68"),
            Decimal("2961.68"),
            13,
        )
        assert line(FINANCE_BUREAU, "expenditure", "item", "208") == (
            Decimal("326.71"),
            Decimal("326.71"),
            12,
        )
        # 社会工作部 page 11: «本年收入合计 307.82 本年支出合计 307.82 307.82», «总计 307.82
        # 总计 307.82 307.82».
        assert line(SOCIAL_WORK, "revenue", "total") == (Decimal("307.82"), None, 11)
        assert line(SOCIAL_WORK, "expenditure", "subtotal") == (
            Decimal("307.82"),
            Decimal("307.82"),
            11,
        )
    finally:
        work.close()
    # The F04 identities were evaluated on both and held; 财政局's F04 prints 208 as 326.71
    # where its F05 prints 326.72 (page 15): within the 0.01 allowance of two rounded figures.
    checked = rows(
        warehouse,
        "select document_id, count(distinct split_part(identity, '.', 2)), "
        "bool_and(outcome <> 'rejected') "
        "from marts.data_quality where split_part(identity, '.', 2) in "
        "('fiscal_row_total', 'fiscal_totals', 'fiscal_vs_general_budget') "
        "and document_id like '2024/%' group by document_id order by document_id",
    )
    assert checked == sorted([(FINANCE_BUREAU, 3, True), (SOCIAL_WORK, 3, True)])
    (warning,) = rows(
        warehouse,
        "select message from marts.data_quality where document_id = ? "
        "and identity = 'F04.fiscal_vs_general_budget' and outcome = 'warning'",
        [FINANCE_BUREAU],
    )[0]
    assert (
        "326.710000 ≠ 326.720000, difference -0.010000 万元, within the allowance 0.010000 万元 "
        "(2 rounded figures compared)"
    ) in warning


# 政府性基金预算财政拨款收入支出决算表 as 社会工作部's page 15 prints its header (the real ones
# are empty), with one row of figures filled in.
FUND_TABLE = [
    "政府性基金预算财政拨款收入支出决算表",
    "单位：万元",
    "项目\t\t年初结转和结余\t本年收入\t本年支出\t\t\t年末结转和结余",
    "功能分类科目编码\t科目名称\t\t\t\t\t\t",
    "合计\t\t\t\t合计\t基本支出\t项目支出\t",
    "2120803\t城市建设支出\t1.00\t10.00\t9.50\t\t9.50\t1.50",
    "合计\t\t1.00\t10.00\t9.50\t\t9.50\t1.50",
    "说明：某局本年度没有国有资本经营预算财政拨款收入和支出，故本表无数据。",
]


def test_a_fund_table_is_read_by_its_header_labels():
    read = read_final_accounts(FUND_TABLE, "x.pdf", 2024)
    frame = read.frames["final_fund_expenditure"]
    assert frame.select(
        "table_no",
        "function_code",
        "line_type",
        "opening_balance",
        "revenue",
        "total",
        "basic",
        "project",
        "closing_balance",
        "source_line",
    ).rows() == [
        (
            "F08",
            "2120803",
            "item",
            *(Decimal(v) for v in ("1", "10", "9.5")),
            None,
            Decimal("9.5"),
            Decimal("1.5"),
            6,
        ),
        (
            "F08",
            None,
            "total",
            *(Decimal(v) for v in ("1", "10", "9.5")),
            None,
            Decimal("9.5"),
            Decimal("1.5"),
            7,
        ),
    ]
    assert [read.kinds[n] for n in range(1, 9)] == [
        "title",
        "unit",
        "header",
        "header",
        "header",
        "row",
        "total",
        "note",
    ]


def test_the_real_fund_tables_are_read_empty(warehouse):
    _real_documents()
    # Both real 决算 print 政府性基金 and 国有资本经营 tables without figures (财政局 pages 19-20:
    # «注：上海市普陀区财政局无政府性基金预算财政拨款支出，故本表无数据。»): every line is
    # accounted for, none is left unread, and no figure reaches raw.
    unread = rows(
        warehouse,
        "select document_id, table_no, line_kind, sum(lines) from marts.document_lines "
        "where table_no in ('F08', 'F09') and line_kind in ('not_read', 'not_understood', 'row') "
        "and document_id in (?, ?) group by all",
        [FINANCE_BUREAU, SOCIAL_WORK],
    )
    assert unread == []


def test_the_real_three_public_tables(warehouse):
    _real_documents()
    figures = {
        (document, item): (approved, executed, page)
        for document, item, approved, executed, page in rows(
            warehouse,
            "select final_document_id, item, approved, executed, source_page "
            "from marts.three_public_execution",
        )
    }
    # 财政局 page 18: 预算数 «0.95» under 合计 and under 公务接待费, every 决算数 empty.
    assert figures[(FINANCE_BUREAU, "total")] == (Decimal("0.95"), Decimal(0), 18)
    assert figures[(FINANCE_BUREAU, "reception")] == (Decimal("0.95"), Decimal(0), 18)
    assert figures[(FINANCE_BUREAU, "outbound_travel")] == (Decimal(0), Decimal(0), 18)
    # 社会工作部 page 14: the table printed empty («本年度没有财政拨款“三公”经费支出»).
    assert {
        figures[(SOCIAL_WORK, item)]
        for item in (
            "total",
            "outbound_travel",
            "vehicles_total",
            "vehicle_purchase",
            "vehicle_operation",
            "reception",
        )
    } == {(Decimal(0), Decimal(0), 14)}


def test_real_final_accounts_without_a_budget_say_so(warehouse):
    _real_documents()
    statuses = rows(
        warehouse,
        "select distinct status, approved is null from "
        "marts.budget_execution where fiscal_year = 2024",
    )
    assert statuses == [("no_budget_document", True)]
    # 财政局 page 10: «208 社会保障和就业支出 326.72»; the summary table (page 6) prints 326.71,
    # a rounding step the identities allow.
    assert rows(
        warehouse,
        "select executed, final_source_page from marts.budget_execution "
        "where department_name = '上海市普陀区财政局' and fiscal_year = 2024 "
        "and fund_scope = 'all_funds' and function_code = '208'",
    ) == [(Decimal("326.72"), 10)]


def test_a_rounding_step_in_a_real_final_accounts_is_allowed(warehouse):
    _real_documents()
    # 支出决算表 page 10 prints 合计 2,940.05 (基本 2,336.91) while its categories add up to
    # 2,940.06 (基本 2,336.92): 2,106.66 + 326.72 + 60.99 + 445.69. The 决算 still publishes.
    printed, categories = rows(
        warehouse,
        "select sum(total) filter (where level = 'total'), "
        "sum(total) filter (where level = 'category') from marts.fct_final_expenditure "
        "where document_id = ? and fund_scope = 'all_funds'",
        [FINANCE_BUREAU],
    )[0]
    assert (printed, categories) == (Decimal("2940.05"), Decimal("2940.06"))
    # The gate reports it as a warning with both sides, the difference and the allowance: five
    # figures (合计 and four categories), each rounded to 0.01 万元, may be 0.025 apart.
    found = rows(
        warehouse,
        "select outcome, table_no, allowance, message from marts.data_quality "
        "where document_id = ? and identity = 'F03.total_row' and not success order by message",
        [FINANCE_BUREAU],
    )
    assert [row[:3] for row in found] == [("warning", "F03", Decimal("0.025"))] * 2
    for (*_, message), (column, printed_total, summed) in zip(
        found,
        [("basic", "2,336.910000", "2,336.920000"), ("total", "2,940.050000", "2,940.060000")],
        strict=True,
    ):
        assert message.endswith(
            f"[{column}, page 10]: {printed_total} ≠ {summed}, difference -0.010000 万元, "
            "within the allowance 0.025000 万元 (5 rounded figures compared)"
        ), message


def test_a_rounding_step_in_the_basic_spending_table_is_allowed(warehouse):
    _real_documents()
    # 社会工作部, 一般公共预算财政拨款基本支出决算表 page 13: «302 商品和服务支出 10.23» and
    # «公用经费合计 10.23», while its 款 add up to 10.22 (3.78 + 1.15 + 0.02 + 0.68 + 0.48 +
    # 1.48 + 2.43 + 0.20); «人员经费合计 95.36».
    figures = dict(
        rows(
            warehouse,
            "select econ_code, amount from marts.fct_final_basic_expenditure "
            "where document_id = ? and level <> 'subcategory'",
            [SOCIAL_WORK],
        )
    )
    assert figures["302"] == figures["public_use_total"] == Decimal("10.23")
    assert figures["personnel_total"] == Decimal("95.36")
    assert rows(
        warehouse,
        "select sum(amount), min(source_page) "
        "from marts.fct_final_basic_expenditure where document_id = ? "
        "and level = 'subcategory' and econ_code like '302%'",
        [SOCIAL_WORK],
    ) == [(Decimal("10.22"), 13)]


def test_optional_tables_are_recognised_and_counted_not_read() -> None:
    # Beijing's 决算 add 政府采购情况表 and 政府购买服务支出情况表; no real one is at hand to fix
    # their columns, so their lines are counted as not read, never guessed into a fact.
    from orchestration.parsing import parse_document

    seed = SEED.read_text("utf-8")
    extra = [
        "政府采购情况表",
        "单位：万元",
        "项目\t采购计划金额\t实际采购金额",
        "合计\t12.00\t11.50",
        "政府购买服务支出情况表",
        "单位：万元",
        "项目\t金额",
        "合计\t3.00",
    ]
    text = final_accounts_text(seed, SEED_DEPARTMENT, 2026) + "\n".join(extra) + "\n"
    document = parse_document(
        text.encode(), document_id="2026/optional.txt", source_file="optional.txt"
    )
    assert not document.rejected, [issue.message for issue in document.issues]
    assert {"F10", "F11"} <= set(document.tables_found)
    counts = {
        (table, kind): lines
        for table, kind, lines in document.frame("line_counts").iter_rows()
        if table in ("F10", "F11")
    }
    # Each: its title and unit lines as such, its header and 合计 lines not read.
    assert counts == {
        (table, kind): lines
        for table in ("F10", "F11")
        for kind, lines in (("title", 1), ("unit", 1), ("not_read", 2))
    }
