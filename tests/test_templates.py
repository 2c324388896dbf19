"""Template profiles: Shanghai's published budgets in the same marts as Beijing's.

The figures asserted are the ones the real PDFs print (page numbers are the PDF's own, as
`source_page` records them); amounts are 元 in the documents and 万元 in the marts, 三公 is 万元
in both. The real documents are not part of the repository: these tests skip, saying so, where
`../shared/real-documents` is absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import duckdb
import pytest
from conftest import SEED, SEED_ID, CliRun, gate_texts, make_raw_dir, rows, run_cli
from documents import scale_document

from orchestration.parsing import parse_document
from orchestration.parsing.templates import (
    SHANGHAI,
    DocumentScope,
    ScopeReading,
    Template,
    document_scope,
    match_profile,
    normalise,
)
from orchestration.settings import PROJECT_ROOT

REAL = PROJECT_ROOT.parent / "shared" / "real-documents"
SHANGHAI_BUDGETS = REAL / "shanghai-putuo" / "budget"
WANLI = "上海市普陀区人民政府万里街道办事处"
DOCUMENTS = {
    f"2024/2024-{WANLI}.pdf": (2024, WANLI),
    f"2025/2025-{WANLI}.pdf": (2025, WANLI),
    "2025/2025-上海市普陀区商务委员会.pdf": (2025, "上海市普陀区商务委员会"),
    "2026/2026-上海市普陀区司法局.pdf": (2026, "上海市普陀区司法局"),
}
# A fourth template nobody has a profile for: the seed with its titles numbered «附表01：».
UNKNOWN_ID = "2026/某区未知模板.txt"
# The seed as the budget of one of its units (单位预算) of the same name and year, every amount
# doubled: its figures must stay out of the department-level marts.
UNIT_ID = "2026/北京市人力资源和社会保障局-单位预算.txt"
BEIJING = "北京市人力资源和社会保障局"

pytestmark = pytest.mark.skipif(
    not SHANGHAI_BUDGETS.is_dir(),
    reason=f"the real published documents are not here ({REAL}); they are not part of the "
    "repository",
)


def wan(yuan: str) -> Decimal:
    """A printed 元 figure in 万元, exactly."""
    return Decimal(yuan.replace(",", "")) / 10000


def unit_budget() -> bytes:
    """The seed relabelled as a 单位预算: a heading naming it so, and its amounts doubled."""
    return (f"{BEIJING}2026年单位预算\n" + scale_document(SEED.read_text("utf-8"), 2)).encode()


def unknown_template() -> bytes:
    text = SEED.read_text("utf-8")
    return re.sub(
        r"(?m)^预算(?:(\d{2})表|表(\d{2})) ", lambda m: f"附表{m.group(1) or m.group(2)}：", text
    ).encode()


@pytest.fixture(scope="session")
def shanghai_build(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    """The Beijing seed, the four Shanghai budgets, an unknown template and the seed relabelled
    as a unit's budget, built once by the real CLI."""
    root = tmp_path_factory.mktemp("templates")
    documents = {
        SEED_ID: SEED.read_bytes(),
        UNKNOWN_ID: unknown_template(),
        UNIT_ID: unit_budget(),
    }
    for document_id in DOCUMENTS:
        year, name = document_id.split("/")
        documents[document_id] = (SHANGHAI_BUDGETS / name).read_bytes()
    return run_cli(make_raw_dir(root, documents), root / "warehouse.duckdb")


@pytest.fixture
def marts(shanghai_build: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(shanghai_build.warehouse), read_only=True)
    yield con
    con.close()


def test_the_four_shanghai_budgets_publish_with_their_template(
    shanghai_build: CliRun, marts: duckdb.DuckDBPyConnection
) -> None:
    # Exit 1: the unknown template is rejected; everything else publishes.
    assert shanghai_build.returncode == 1, shanghai_build.stdout + shanghai_build.stderr
    documents = {
        row[0]: row[1:]
        for row in rows(
            marts,
            "select document_id, status, template, fiscal_year, "
            "department_name from marts.dim_document",
        )
    }
    for document_id, (year, department) in DOCUMENTS.items():
        assert documents[document_id] == ("published", "shanghai", year, department)
    assert documents[SEED_ID][:2] == ("published", "beijing")


def test_a_unit_budget_publishes_beside_its_department_and_counts_in_no_budget_mart(
    shanghai_build: CliRun, marts: duckdb.DuckDBPyConnection
) -> None:
    scopes = dict(
        rows(marts, "select document_id, scope from marts.dim_document where status = 'published'")
    )
    # Every real Shanghai budget titles its tables «2025年部门…表»: a 部门预算. The seed names
    # neither, so it is a department's.
    assert {document_id: scopes[document_id] for document_id in DOCUMENTS} == dict.fromkeys(
        DOCUMENTS, "department"
    )
    assert (scopes[SEED_ID], scopes[UNIT_ID]) == ("department", "unit")
    # Same name, same year, another scope: no conflict, and the department's figures counted
    # once. Seed line 36: 本年支出合计 131,905.904856 (the unit prints twice that).
    [(total,)] = rows(
        marts,
        "select sum(total) from marts.fct_expenditure "
        "where department_name = ? and fiscal_year = 2026",
        [BEIJING],
    )
    assert total == Decimal("131905.904856")
    facts = [
        table
        for (table,) in rows(
            marts,
            "select table_name from information_schema.columns where table_schema = 'marts' "
            "and column_name = 'document_id' and table_name like 'fct_%'",
        )
    ]
    assert "fct_expenditure" in facts and "fct_revenue" in facts
    for table in facts:
        assert rows(
            marts, f"select count(*) from marts.{table} where document_id = ?", [UNIT_ID]
        ) == [(0,)], table
    [(years,)] = rows(
        marts,
        "select count(*) from marts.yoy_function where department_name = ? and fiscal_year = 2026 "
        "and fund_scope = 'all_funds' and level = 'category' and function_code = '208'",
        [BEIJING],
    )
    assert years == 1
    # It was read and checked all the same: its figures are in the working database.
    work = duckdb.connect(
        str(shanghai_build.warehouse.parent / "build" / "warehouse.work.duckdb"), read_only=True
    )
    try:
        [(unit_total,)] = rows(
            work, "select sum(total) from accepted.expenditure where document_id = ?", [UNIT_ID]
        )
    finally:
        work.close()
    assert unit_total == 2 * Decimal("131905.904856")


def test_a_fourth_template_is_rejected_naming_the_titles_it_found(
    marts: duckdb.DuckDBPyConnection,
) -> None:
    [(status, reasons)] = rows(
        marts,
        "select status, rejection_reasons from marts.dim_document where document_id = ?",
        [UNKNOWN_ID],
    )
    assert status == "rejected"
    assert "no budget tables found" in reasons
    assert "titles found: 附表01：收支总表; 附表02：收入总表; 附表03：支出总表" in reasons


# (document, printed 支出总表 合计 / 基本支出 / 项目支出 and its page, general budget 合计 and page)
EXPENDITURE_TOTALS = [
    # 2024 万里 p.20: «合计 156,211,123 99,706,020 56,505,103»; p.26 (05): 合计 156,211,123
    (f"2024/2024-{WANLI}.pdf", ("156,211,123", "99,706,020", "56,505,103"), 20, "156,211,123"),
    # 2025 万里 p.18: «合计 189,767,551 101,341,746 88,425,805»; p.24 (05): 189,767,551
    (f"2025/2025-{WANLI}.pdf", ("189,767,551", "101,341,746", "88,425,805"), 18, "189,767,551"),
    # 商务委 p.13: «合计 371,514,655.00 19,830,655.00 351,684,000.00»; p.16 (05): the same 合计
    (
        "2025/2025-上海市普陀区商务委员会.pdf",
        ("371,514,655.00", "19,830,655.00", "351,684,000.00"),
        13,
        "371,514,655.00",
    ),
    # 司法局 p.13: «合计 96282213.44 25741666.44 70540547.00»; p.16 (05): 96282213.44
    (
        "2026/2026-上海市普陀区司法局.pdf",
        ("96282213.44", "25741666.44", "70540547.00"),
        13,
        "96282213.44",
    ),
]


@pytest.mark.parametrize(("document_id", "printed", "page", "general"), EXPENDITURE_TOTALS)
def test_expenditure_totals_equal_the_printed_figures(
    marts: duckdb.DuckDBPyConnection,
    document_id: str,
    printed: tuple[str, str, str],
    page: int,
    general: str,
) -> None:
    [sums] = rows(
        marts,
        "select sum(total), sum(basic), sum(project) from marts.fct_expenditure "
        "where document_id = ?",
        [document_id],
    )
    assert sums == tuple(wan(figure) for figure in printed)
    [(general_total,)] = rows(
        marts,
        "select sum(total) from marts.fct_general_budget_expenditure where document_id = ?",
        [document_id],
    )
    assert general_total == wan(general)


# Category (类) rows of 支出总表 as printed: (code, 合计, 基本支出, 项目支出).
CATEGORIES = [
    # 2024 万里 p.16 «201 一般公共服务支出 2,932,700 0 2,932,700», p.17 «208 社会保障和就业支出
    # 19,604,064 13,368,164 6,235,900», p.19 «212 城乡社区支出 119,385,303 76,609,000 42,776,303»
    (f"2024/2024-{WANLI}.pdf", "201", "2,932,700", "0", "2,932,700"),
    (f"2024/2024-{WANLI}.pdf", "208", "19,604,064", "13,368,164", "6,235,900"),
    (f"2024/2024-{WANLI}.pdf", "212", "119,385,303", "76,609,000", "42,776,303"),
    # 2025 万里 p.14 «201 … 3,296,600 0 3,296,600», p.15 «208 … 16,091,895 13,755,695
    # 2,336,200», p.17 «212 城乡社区支出 154,369,326 77,381,546 76,987,780»: 212's items add up
    # to its printed 合计 although its 款 21201 prints 1 元 more than its own items (p.17,
    # 94,995,790 against 94,995,789), within the rounding of five whole-元 figures.
    (f"2025/2025-{WANLI}.pdf", "201", "3,296,600", "0", "3,296,600"),
    (f"2025/2025-{WANLI}.pdf", "208", "16,091,895", "13,755,695", "2,336,200"),
    (f"2025/2025-{WANLI}.pdf", "212", "154,369,326", "77,381,546", "76,987,780"),
    # 商务委 p.12 «201 一般公共服务支出 21,601,733.00 12,291,733.00 9,310,000.00», «206 科学技术
    # 支出 17,200,000.00 (blank) 17,200,000.00», p.13 «215 资源勘探工业信息等支出
    # 293,810,000.00 (blank) 293,810,000.00»
    (
        "2025/2025-上海市普陀区商务委员会.pdf",
        "201",
        "21,601,733.00",
        "12,291,733.00",
        "9,310,000.00",
    ),
    ("2025/2025-上海市普陀区商务委员会.pdf", "206", "17,200,000.00", "0", "17,200,000.00"),
    ("2025/2025-上海市普陀区商务委员会.pdf", "215", "293,810,000.00", "0", "293,810,000.00"),
    # 司法局 p.12 «204 公共安全支出 87267272.44 16726725.44 70540547.00», «208 社会保障和就业
    # 支出 3343704.00 3343704.00 0.00», p.13 «221 住房保障支出 4521559.00 4521559.00 0.00»
    ("2026/2026-上海市普陀区司法局.pdf", "204", "87267272.44", "16726725.44", "70540547.00"),
    ("2026/2026-上海市普陀区司法局.pdf", "208", "3343704.00", "3343704.00", "0.00"),
    ("2026/2026-上海市普陀区司法局.pdf", "221", "4521559.00", "4521559.00", "0.00"),
]


@pytest.mark.parametrize(("document_id", "category", "total", "basic", "project"), CATEGORIES)
def test_category_rows_equal_the_printed_figures(
    marts: duckdb.DuckDBPyConnection,
    document_id: str,
    category: str,
    total: str,
    basic: str,
    project: str,
) -> None:
    [sums] = rows(
        marts,
        "select sum(total), coalesce(sum(basic), 0), coalesce(sum(project), 0) "
        "from marts.fct_expenditure "
        "where document_id = ? and left(function_code, 3) = ?",
        [document_id, category],
    )
    assert sums == (wan(total), wan(basic), wan(project))


# (document, the figure printed, and the pages of 01, 02 and 04): 01 财务收支预算总表 prints it
# as 一、财政拨款收入, 1. 一般公共预算资金 and 收入总计; 02 收入预算总表 as 合计 and
# 财政拨款收入 of its 合计 row; 04 财政拨款收支预算总表 as 一、一般公共预算资金, 收入总计
# and 支出总计 (合计). 元 as printed.
REVENUE = [
    # 2024 万里 p.10 «一、财政拨款收入 156,211,123», «1. 一般公共预算资金 156,211,123», «收入总计
    # 156,211,123 支出总计 156,211,123»; p.15 «合计 156,211,123 156,211,123 0 0 0»; p.21
    # «一、一般公共预算资金 156,211,123», «收入总计 156,211,123 支出总计 156,211,123 156,211,123»
    (f"2024/2024-{WANLI}.pdf", "156,211,123", 10, 15, 21),
    # 2025 万里 p.9 «一、财政拨款收入 189,767,551», «1. 一般公共预算资金 189,767,551», «收入总计
    # 189,767,551»; p.13 «合计 189,767,551 189,767,551 0 0 0»; p.19 «一、一般公共预算资金
    # 189,767,551», «收入总计 189,767,551 支出总计 189,767,551 189,767,551»
    (f"2025/2025-{WANLI}.pdf", "189,767,551", 9, 13, 19),
    # 商务委 p.9 «一、财政拨款收入 371,514,655.00», «1. 一般公共预算资金 371,514,655.00», «收入总计
    # 371,514,655.00»; p.11 «合计 371,514,655.00 371,514,655.00»; p.14 «一、一般公共预算资金
    # 371,514,655.00», «收入总计 371,514,655.00 支出总计 371,514,655.00 371,514,655.00»
    ("2025/2025-上海市普陀区商务委员会.pdf", "371,514,655.00", 9, 11, 14),
    # 司法局 p.10 «一、财政拨款收入 96,282,213.44», «1. 一般公共预算 96,282,213.44», «收入总计
    # 96,282,213.44»; p.11 «合计 96282213.44 96282213.44 0.00 0.00 0.00»; p.14 «一、一般公共预算
    # 96,282,213.44», «收入总计 96,282,213.44 支出总计 96,282,213.44 96,282,213.44»
    ("2026/2026-上海市普陀区司法局.pdf", "96,282,213.44", 10, 11, 14),
]


@pytest.mark.parametrize(("document_id", "printed", "page_01", "page_02", "page_04"), REVENUE)
def test_revenue_equals_the_printed_figures(
    shanghai_build: CliRun,
    marts: duckdb.DuckDBPyConnection,
    document_id: str,
    printed: str,
    page_01: int,
    page_02: int,
    page_04: int,
) -> None:
    # Every real Shanghai budget is financed by the general public budget alone: each of these
    # lines prints the same figure, and 事业收入, 事业单位经营收入, 其他收入 print nothing or 0.
    found = {
        (row[0], row[1], row[2]): row[3:]
        for row in rows(
            marts,
            "select table_no, fund_group, revenue_source, coalesce(amount, 0), source_page "
            "from marts.fct_revenue where document_id = ?",
            [document_id],
        )
    }
    amount = wan(printed)
    assert found == {
        ("01", "current_year", "fiscal_appropriation"): (amount, page_01),
        ("01", "current_year", "general_public_budget"): (amount, page_01),
        ("01", "current_year", "government_fund"): (0, page_01),
        ("01", "current_year", "state_capital_operation"): (0, page_01),
        ("01", "current_year", "institution_business"): (0, page_01),
        ("01", "current_year", "institution_operating"): (0, page_01),
        ("01", "current_year", "other"): (0, page_01),
        ("01", "total", "total"): (amount, page_01),
        ("02", "total", "total"): (amount, page_02),
        ("02", "current_year", "fiscal_appropriation"): (amount, page_02),
        ("02", "current_year", "institution_business"): (0, page_02),
        ("02", "current_year", "institution_operating"): (0, page_02),
        ("02", "current_year", "other"): (0, page_02),
    }
    # No mart holds 04's lines (as for Beijing): they are in the published version of the
    # working database, which the marts are built from, and the gate checked them against 05.
    work = duckdb.connect(
        str(shanghai_build.warehouse.parent / "build" / "warehouse.work.duckdb"), read_only=True
    )
    try:
        summary_04 = {
            (row[0], row[1], row[2]): row[3:]
            for row in rows(
                work,
                "select side, line_type, coalesce(revenue_source, ''), amount, source_page "
                "from accepted.budget_summary where document_id = ? and table_no = '04' "
                "and (line_type = 'total' or revenue_source = 'general_public_budget')",
                [document_id],
            )
        }
    finally:
        work.close()
    assert summary_04 == {
        ("revenue", "item", "general_public_budget"): (amount, page_04),
        ("revenue", "total", ""): (amount, page_04),
        ("expenditure", "total", ""): (amount, page_04),
    }


def test_year_over_year_revenue_of_wanli_follows_from_the_printed_totals(
    marts: duckdb.DuckDBPyConnection,
) -> None:
    # 02 合计 财政拨款收入: 156,211,123 (2024 p.15) to 189,767,551 (2025 p.13): +33,556,428 元,
    # +21.48 %.
    [found] = rows(
        marts,
        "select amount, prior_amount, change, change_pct, status from marts.yoy_revenue "
        "where department_name = ? and fiscal_year = 2025 and fund_group = 'current_year' "
        "and revenue_source = 'fiscal_appropriation'",
        [WANLI],
    )
    assert found == (
        wan("189,767,551"),
        wan("156,211,123"),
        wan("33,556,428"),
        Decimal("21.48"),
        "continuing",
    )


# 三公 in 万元 as printed: 合计, 因公出国(境)费, 公务接待费, 公务用车 小计, 购置费, 运行费, and
# 机关运行经费 beside them.
THREE_PUBLIC = [
    # 2024 万里 p.31 «47.91 0 1.35 46.56 25 21.56 443.18»
    (f"2024/2024-{WANLI}.pdf", ("47.91", "0", "1.35", "46.56", "25", "21.56", "443.18"), 31),
    # 2025 万里 p.29 «37.91 0 1.35 36.56 15 21.56 464.64»
    (f"2025/2025-{WANLI}.pdf", ("37.91", "0", "1.35", "36.56", "15", "21.56", "464.64"), 29),
    # 商务委 p.21 «1.00 (blank) 1.00 (blank) (blank) (blank) 171.01»
    ("2025/2025-上海市普陀区商务委员会.pdf", ("1.00", "0", "1.00", "0", "0", "0", "171.01"), 21),
    # 司法局 p.21 «10.81 0 0.83 9.98 0 9.98 217.83»
    ("2026/2026-上海市普陀区司法局.pdf", ("10.81", "0", "0.83", "9.98", "0", "9.98", "217.83"), 21),
]


@pytest.mark.parametrize(("document_id", "printed", "page"), THREE_PUBLIC)
def test_three_public_equals_the_printed_figures(
    marts: duckdb.DuckDBPyConnection,
    document_id: str,
    printed: tuple[str, ...],
    page: int,
) -> None:
    [row] = rows(
        marts,
        "select total, outbound_travel, reception, vehicles_total, "
        "vehicle_purchase, vehicle_operation, agency_operation, source_page "
        "from marts.fct_three_public where document_id = ?",
        [document_id],
    )
    assert tuple(value or Decimal(0) for value in row[:7]) == tuple(Decimal(p) for p in printed)
    assert row[7] == page


def test_year_over_year_of_wanli_follows_from_the_printed_categories(
    marts: duckdb.DuckDBPyConnection,
) -> None:
    # 201: 2,932,700 (2024 p.16) to 3,296,600 (2025 p.14): +363,900 元, +12.41 %.
    # 208: 19,604,064 (2024 p.17) to 16,091,895 (2025 p.15): −3,512,169 元, −17.92 %.
    found = {
        row[0]: row[1:]
        for row in rows(
            marts,
            "select function_code, amount, prior_amount, change, change_pct, "
            "status from marts.yoy_function where department_name = ? "
            "and fiscal_year = 2025 and fund_scope = 'all_funds' "
            "and level = 'category'",
            [WANLI],
        )
    }
    assert found["201"] == (
        wan("3,296,600"),
        wan("2,932,700"),
        wan("363,900"),
        Decimal("12.41"),
        "continuing",
    )
    assert found["208"] == (
        wan("16,091,895"),
        wan("19,604,064"),
        wan("-3,512,169"),
        Decimal("-17.92"),
        "continuing",
    )


def test_the_beijing_seed_keeps_its_figures_beside_shanghai(
    marts: duckdb.DuckDBPyConnection,
) -> None:
    # Seed line 36: 本年支出合计 131,905.904856 (01), which 03's rows add up to; line 592 (09):
    # «222.676050 130.819050 9.000000 82.857000 37.380000 45.477000».
    [(total,)] = rows(
        marts, "select sum(total) from marts.fct_expenditure where document_id = ?", [SEED_ID]
    )
    assert total == Decimal("131905.904856")
    [three] = rows(
        marts,
        "select total, outbound_travel, reception, vehicles_total, "
        "vehicle_purchase, vehicle_operation, agency_operation "
        "from marts.fct_three_public where document_id = ?",
        [SEED_ID],
    )
    assert three == (
        Decimal("222.676050"),
        Decimal("130.819050"),
        Decimal("9.000000"),
        Decimal("82.857000"),
        Decimal("37.380000"),
        Decimal("45.477000"),
        None,
    )


# --- the profile alone, on lines in the extracted layout (no PDF needed) -------------------

SHANGHAI_LINES = [
    "2025年部门支出预算总表",
    "编制部门：上海市普陀区某局 单位：元",
    "项目\t\t\t\t支出预算\t\t",
    "功能分类科目编码\t\t\t功能分类科目名称\t合计\t基本支出\t项目支出",
    "类\t款\t项\t\t\t\t",
    "301\t2\t\t津贴补贴\t5\t5\t0",
    "208\t05\t06\t机关事业单位职业年金缴费支出\t10\t10\t0",
    "合计\t15\t15\t0",
]


def test_codes_are_joined_and_a_lost_leading_zero_restored() -> None:
    assert match_profile(SHANGHAI_LINES) is SHANGHAI
    normalised = normalise(SHANGHAI_LINES, SHANGHAI)
    assert normalised.fiscal_year == 2025
    assert normalised.department_name == "上海市普陀区某局"
    assert normalised.lines[0] == "预算03表 支出总表"
    assert normalised.lines[1] == "金额单位：元"
    # 2024 万里 p.29 prints «301 | 2 | 津贴补贴»: 款 has two digits, 30102.
    assert normalised.lines[5].split("\t")[:2] == ["30102", "津贴补贴"]
    assert normalised.lines[6].split("\t")[:2] == ["2080506", "机关事业单位职业年金缴费支出"]
    # A 合计 row whose label cells the extractor merged keeps its amounts in their columns.
    assert normalised.lines[7] == "合计\t\t15\t15\t0"


def test_the_scope_is_what_the_document_calls_itself() -> None:
    unit_lines = [
        line.replace("年部门", "年单位").replace("编制部门", "编制单位") for line in SHANGHAI_LINES
    ]
    assert document_scope(SHANGHAI_LINES).scope is DocumentScope.DEPARTMENT
    assert document_scope(unit_lines).scope is DocumentScope.UNIT
    # A cover, as page 1 of each real Shanghai budget prints it: «上海市普陀区2025年区级部门预算».
    assert document_scope(["上海市普陀区2025年区级部门预算"]).scope is DocumentScope.DEPARTMENT
    assert document_scope(["某中心2025年单位预算", *SHANGHAI_LINES]) == (
        ScopeReading(DocumentScope.UNIT, (1, "某中心2025年单位预算"), (2, "2025年部门支出预算总表"))
    )
    # Beijing's numbered titles name neither: a 部门预算.
    assert document_scope(SEED.read_text("utf-8").split("\n")).evidence is None


def test_a_shanghai_unit_budget_is_read_with_its_scope() -> None:
    text = _shanghai_text("10").replace("年部门", "年单位").replace("编制部门", "编制单位")
    document = parse_document(text.encode(), document_id="2025/x.txt", source_file="2025/x.txt")
    assert (document.template, document.scope) == (Template.SHANGHAI, DocumentScope.UNIT)
    assert (document.fiscal_year, document.department_name) == (2025, "上海市普陀区某局")
    assert [issue for issue in document.issues if issue.rejects] == []
    assert document.tables_found == ("01", "02", "03", "04", "05", "06", "09")


def test_a_parent_row_beyond_the_rounding_allowance_rejects() -> None:
    lines = [
        *SHANGHAI_LINES[:5],
        "208\t\t\t社会保障和就业支出\t13\t13\t0",  # its items add up to 10: 3 元 beyond
        "208\t05\t\t行政事业单位养老支出\t10\t10\t0",
        "208\t05\t06\t机关事业单位职业年金缴费支出\t10\t10\t0",
    ]
    document = parse_document(
        "\n".join(lines).encode(), document_id="2025/x.txt", source_file="2025/x.txt"
    )
    assert document.template == Template.SHANGHAI
    [issue] = [i for i in document.issues if i.message.startswith("total of 208 ")]
    assert issue.rejects and issue.line == 6
    # Two whole-元 figures (the row and its one item) may be 0.5 元 off each: 1 元 in all.
    assert issue.message == (
        "total of 208 社会保障和就业支出: the row prints 0.001300 万元 but its 1 items add up "
        "to 0.001000 万元, difference 0.000300 万元, beyond the rounding allowance 0.0001 万元 "
        "(shanghai: 2 figures each rounded to 0.0001 万元)"
    )


def _shanghai_text(basic_in_06: str) -> str:
    """A small document in Shanghai's layout (the real ones' titles, headers and units), its
    06 合计 given; 05's 基本支出 合计 is 10 元."""
    function_header = [
        "项目\t\t\t\t{}\t\t",
        "功能分类科目编码\t\t\t功能分类科目名称\t合计\t基本支出\t项目支出",
        "类\t款\t项\t\t\t\t",
        "208\t\t\t社会保障和就业支出\t10\t10\t0",
        "208\t05\t\t行政事业单位养老支出\t10\t10\t0",
        "208\t05\t06\t机关事业单位职业年金缴费支出\t10\t10\t0",
        "合计\t\t\t\t10\t10\t0",
    ]
    lines = ["2025年部门支出预算总表", "编制部门：上海市普陀区某局 单位：元"]
    lines += [line.format("支出预算") for line in function_header]
    lines += ["", "2025年部门一般公共预算支出功能分类预算表", "编制部门：上海市普陀区某局 单位：元"]
    lines += [line.format("一般公共预算支出") for line in function_header]
    lines += [
        "",
        "2025年部门一般公共预算基本支出部门预算经济分类预算表",
        "编制部门：上海市普陀区某局 单位：元",
        "项目\t\t\t一般公共预算基本支出\t\t",
        "部门预算经济分类科目编码\t\t经济分类科目名称\t合计\t人员经费\t公用经费",
        "类\t款\t\t\t\t",
        f"301\t\t工资福利支出\t{basic_in_06}\t{basic_in_06}\t0",
        f"301\t01\t基本工资\t{basic_in_06}\t{basic_in_06}\t0",
        f"合计\t\t\t{basic_in_06}\t{basic_in_06}\t0",
    ]
    lines += [
        "",
        "2025年部门“三公”经费和机关运行经费预算表",
        "编制部门：上海市普陀区某局 单位:万元",
        "“三公”经费预算数\t\t\t\t\t\t机关运行经费预算数",
        "合计\t因公出国(境)费\t公务接待费\t公务用车购置及运行费\t\t\t",
        "\t\t\t小计\t购置费\t运行费\t",
        "1.35\t0\t1.35\t0\t0\t0\t4.5",
    ]
    lines += [
        "",
        "2025年部门财务收支预算总表",
        "编制部门：上海市普陀区某局 单位：元",
        "本年收入\t\t本年支出\t",
        "项目\t预算数\t项目\t预算数",
        "一、财政拨款收入\t10\t一、社会保障和就业支出\t10",
        "1. 一般公共预算资金\t10\t\t",
        "收入总计\t10\t支出总计\t10",
        "",
        "2025年部门收入预算总表",
        "编制部门：上海市普陀区某局 单位：元",
        "项目\t\t\t\t收入预算\t\t\t\t",
        "功能分类科目编码\t\t\t功能分类科目名称\t合计\t财政拨款收入\t事业收入\t事业单位经营收入"
        "\t其他收入",
        "类\t款\t项\t\t\t\t\t\t",
        "208\t\t\t社会保障和就业支出\t10\t10\t0\t0\t0",
        "合计\t\t\t\t10\t10\t0\t0\t0",
        "",
        "2025年部门财政拨款收支预算总表",
        "编制部门：上海市普陀区某局 单位：元",
        "财政拨款收入\t\t财政拨款支出\t\t\t",
        "项目\t预算数\t项目\t合计\t一般公共预算\t政府性基金预算\t国有资本经营预算",
        "一、一般公共预算资金\t10\t一、社会保障和就业支出\t10\t10\t\t",
        "收入总计\t10\t支出总计\t10\t10\t\t",
    ]
    return "\n".join(lines) + "\n"


def test_the_shanghai_identity_of_06_against_05_rejects_a_difference(tmp_path) -> None:
    # Whole 元, each rounded on its own: two figures may be 1 元 apart (half a 元 each), so
    # the bad document's 06 is 2 元 off.
    documents = {"good": _shanghai_text("10"), "bad": _shanghai_text("12")}
    verdicts, failed = gate_texts(tmp_path, 2025, documents)
    assert verdicts == {"2025/good.txt": "published", "2025/bad.txt": "rejected"}
    [(document_id, identity, line, message)] = failed
    # 06 合计 (line 28) prints 12 元 against 05's 基本支出 合计 of 10 元.
    assert (document_id, identity, line) == ("2025/bad.txt", "06.basic_total_vs_05", 28)
    assert (
        "0.001200 ≠ 0.001000, difference 0.000200 万元, beyond the allowance 0.000100 万元 "
        "(2 rounded figures compared)"
    ) in message


def test_parent_rows_name_their_codes_as_printed(marts: duckdb.DuckDBPyConnection) -> None:
    # 2025 万里 p.17 «212 01 城乡社区管理事务» and p.27 (06) «301 工资福利支出»: names printed
    # on parent rows only, which name those levels in the dimensions.
    names = dict(
        rows(
            marts,
            "select function_code, name from marts.dim_function "
            "where function_code in ('212', '21201')",
        )
    )
    assert names == {"212": "城乡社区支出", "21201": "城乡社区管理事务"}
    [(name, source)] = rows(
        marts,
        "select name, name_source from marts.dim_economic "
        "where econ_kind = 'department' and econ_code = '30102'",
    )
    # 2024 p.29 and 2025 p.27 print «301 | 02 (2024: 2) | 津贴补贴».
    assert (name, source) == ("津贴补贴", "document")
    assert rows(marts, "select count(*) from marts.unnamed_codes")[0][0] == 0
