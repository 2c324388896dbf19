"""The explanation sentences against the tables (expectations/narrative.yml).

The figures asserted are the ones the documents print, read from the PDFs' pages (page numbers
are the PDF's own); a sentence's line is its line on that page. One real CLI build per session
reads the four Shanghai budgets and the two Shanghai 决算 where ../shared/real-documents is
present, and the Beijing seed under another department's name with an explanation written in
front of its tables, one of whose figures disagrees with table 03.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pytest
from conftest import SEED, CliRun, make_raw_dir, rows, run_cli
from documents import rename_department

from orchestration.parsing import parse_document
from orchestration.parsing.extract.prose import prose_lines
from orchestration.parsing.narrative import WANTED
from orchestration.settings import PROJECT_ROOT

REAL = PROJECT_ROOT.parent / "shared" / "real-documents" / "shanghai-putuo"
WANLI = "上海市普陀区人民政府万里街道办事处"
WANLI_2024 = f"2024/2024-{WANLI}.pdf"
WANLI_2025 = f"2025/2025-{WANLI}.pdf"
JUSTICE = "2026/2026-上海市普陀区司法局.pdf"
FINANCE_BUREAU = "2024/2024-上海市普陀区财政局.pdf"
SOCIAL_WORK = "2024/2024-中共上海市普陀区委社会工作部.pdf"
BUDGETS = {
    WANLI_2024: REAL / "budget" / f"2024-{WANLI}.pdf",
    WANLI_2025: REAL / "budget" / f"2025-{WANLI}.pdf",
    "2025/2025-上海市普陀区商务委员会.pdf": REAL / "budget" / "2025-上海市普陀区商务委员会.pdf",
    JUSTICE: REAL / "budget" / "2026-上海市普陀区司法局.pdf",
}
FINALS = {
    FINANCE_BUREAU: REAL / "final-accounts" / "2024-上海市普陀区财政局.pdf",
    SOCIAL_WORK: REAL / "final-accounts" / "2024-中共上海市普陀区委社会工作部.pdf",
}

# The seed as another department, with the explanation Beijing's template leaves out written in
# front of its tables. Every figure is the seed's table figure rounded half-up to 2 decimals
# (01 本年收入合计 118,370.071798; 04 本年收入合计 112,859.652716; 03 合计 131,905.904856, 基本支出
# 70,692.094503, 项目支出 61,213.810353; 04 本年支出合计 and 05 合计 123,259.799847; 09 222.676050,
# 130.819050, 9.000000, 82.857000, 37.380000, 45.477000; 10 合计 22,544.397113) except 基本支出,
# stated as 70,692.10: one cent of 万元 off.
EXPLAINED_DEPARTMENT = "北京市说明测试局"
EXPLAINED_ID = f"2026/{EXPLAINED_DEPARTMENT}.txt"
EXPLANATION = (
    "2026年部门预算编制说明\n"
    f"2026年，{EXPLAINED_DEPARTMENT}收入预算118,370.07万元，其中：财政拨款收入112,859.65万元。\n"
    "支出预算131,905.90万元，其中：基本支出70,692.10万元，项目支出61,213.81万元。\n"
    "财政拨款支出预算123,259.80万元，其中：一般公共预算拨款支出预算123,259.80万元。\n"
    "2026年“三公”经费预算数为222.68万元，其中：因公出国（境）费130.82万元，公务接待费9.00万元，"
    "公务用车购置及运行费82.86万元，其中：公务用车购置费37.38万元，公务用车运行费45.48万元。\n"
    "2026年本部门政府采购预算22,544.40万元。\n"
)

needs_real = pytest.mark.skipif(
    not REAL.is_dir(),
    reason=f"the real published documents are not here ({REAL}); they are not part of the "
    "repository",
)


def explained_seed() -> bytes:
    return (EXPLANATION + rename_department(SEED.read_text("utf-8"), EXPLAINED_DEPARTMENT)).encode()


@pytest.fixture(scope="session")
def narrative_build(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    documents = {EXPLAINED_ID: explained_seed()}
    if REAL.is_dir():
        documents |= {doc: path.read_bytes() for doc, path in {**BUDGETS, **FINALS}.items()}
    root = tmp_path_factory.mktemp("narrative")
    return run_cli(make_raw_dir(root, documents), root / "warehouse.duckdb")


@pytest.fixture
def marts(narrative_build: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(narrative_build.warehouse), read_only=True)
    yield con
    con.close()


def _warnings(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return rows(
        con,
        "select document_id, message from marts.data_quality "
        "where check_name = 'narrative' and not success order by document_id, message",
    )


# --- the reader, without a build ----------------------------------------------------------


def test_the_seed_with_an_explanation_states_its_figures_exactly() -> None:
    parsed = parse_document(explained_seed(), document_id=EXPLAINED_ID, source_file=EXPLAINED_ID)
    assert not parsed.rejected
    stated = {
        row["figure"]: (row["amount"], row["printed"], row["decimals"], row["source_line"])
        for row in parsed.frame("stated_figures").iter_rows(named=True)
    }
    # Lines 2-6 of the file, as EXPLANATION prints them.
    assert stated == {
        "revenue_total": (Decimal("118370.07"), "118,370.07", 2, 2),
        "fiscal_revenue": (Decimal("112859.65"), "112,859.65", 2, 2),
        "expenditure_total": (Decimal("131905.90"), "131,905.90", 2, 3),
        "basic_expenditure": (Decimal("70692.10"), "70,692.10", 2, 3),
        "project_expenditure": (Decimal("61213.81"), "61,213.81", 2, 3),
        "fiscal_expenditure": (Decimal("123259.80"), "123,259.80", 2, 4),
        "general_budget_expenditure": (Decimal("123259.80"), "123,259.80", 2, 4),
        "three_public_total": (Decimal("222.68"), "222.68", 2, 5),
        "outbound_travel": (Decimal("130.82"), "130.82", 2, 5),
        "reception": (Decimal("9.00"), "9.00", 2, 5),
        "vehicles_total": (Decimal("82.86"), "82.86", 2, 5),
        "vehicle_purchase": (Decimal("37.38"), "37.38", 2, 5),
        "vehicle_operation": (Decimal("45.48"), "45.48", 2, 5),
        "procurement_total": (Decimal("22544.40"), "22,544.40", 2, 6),
    }


def test_the_seed_as_published_states_nothing() -> None:
    # Beijing's template prints its tables only: no sentence states a figure.
    parsed = parse_document(SEED.read_bytes(), document_id="s", source_file="s")
    assert parsed.frame("stated_figures").is_empty()


@needs_real
def test_figures_set_below_their_words_are_placed_on_their_line() -> None:
    # 财政局's 决算, page 22, item 9, as the page shows it:
    #   «在职人员基本医疗保险费。年初预算为 62.29 万元，支出决算为 60.99 万元。决»
    # The figures are set in another font on a baseline about 5 points lower than their words;
    # read by their top edge they form a line of their own («62.29 60.99») under the words.
    data = FINALS[FINANCE_BUREAU].read_bytes()
    lines = [line for line in prose_lines(data, "f.pdf", set(), WANTED) if line.page == 22]
    texts = [line.text for line in lines]
    assert "在职人员基本医疗保险费。年初预算为62.29万元，支出决算为60.99万元。决" in texts
    assert not any(re.fullmatch(r"[\d.]+", text) for text in texts)


# --- the build ----------------------------------------------------------------------------


def test_a_disagreeing_sentence_warns_and_the_document_publishes(
    narrative_build: CliRun, marts: duckdb.DuckDBPyConnection
) -> None:
    assert narrative_build.returncode == 0, narrative_build.stdout + narrative_build.stderr
    assert rows(
        marts, "select status from marts.dim_document where document_id = ?", [EXPLAINED_ID]
    ) == [("published",)]
    warnings = [message for document, message in _warnings(marts) if document == EXPLAINED_ID]
    assert len(warnings) == 1, warnings
    # Both figures and where each is: the sentence's line 3 of the file, table 03's 合计 row
    # (line 302 of the seed, 6 lines of explanation before it here, the seed's 70,692.094503),
    # compared at the sentence's 2 decimals.
    (message,) = warnings
    assert "basic_expenditure: sentence on line 3 states 70,692.10 万元" in message
    assert "table 03 合计 prints 70692.094503 万元 on line 308" in message
    assert "70,692.100000 ≠ 70,692.090000" in message
    assert "compared at the sentence's 2 decimals" in message
    # The other 13 figures agree, 222.68 with 222.676050 and 45.48 with 45.477000 among them
    # (half-up, not truncated): every other table compared holds.
    assert rows(
        marts,
        "select identity from marts.data_quality where document_id = ? "
        "and check_name = 'narrative' and success order by 1",
        [EXPLAINED_ID],
    ) == [
        ("01.stated_budget_figures",),
        ("04.stated_budget_figures",),
        ("05.stated_budget_figures",),
        ("09.stated_budget_figures",),
        ("10.stated_budget_figures",),
    ]


@needs_real
def test_the_real_documents_disagree_in_four_places(marts: duckdb.DuckDBPyConnection) -> None:
    # Measured over the four budgets and two 决算: every other stated figure agrees with its
    # table at the sentence's precision.
    real = [(d, m) for d, m in _warnings(marts) if d != EXPLAINED_ID]
    assert [d for d, _ in real] == [WANLI_2024, SOCIAL_WORK, WANLI_2025, JUSTICE], real
    wanli, social, wanli_2025, justice = (m for _, m in real)
    # 万里 2024, page 9 (its 19th line): «31. “住房保障支出（类）住房改革支出（款）住房公积金（项）”
    # 350.35万元，… 2024年预算安排352.67万元»; 05 一般公共预算支出功能分类预算表, page 26:
    # «221 02 01 住房公积金 3,503,499» 元 (350.35 万元).
    assert "function_item_planned 2210201: sentence on page 9, line 19 states 352.67 万元" in wanli
    assert "on page 26" in wanli and "352.670000 ≠ 350.350000" in wanli
    # 司法局 2026, page 9 (its 16th line): «12、住房保障支出（221类）住房改革支出（02款）住房公积金
    # （01项）208.8万元。… 2026年预算安排201.50万元»; 05, page 16: «221 02 01 住房公积金
    # 2087959.00» 元 (208.80 万元). The item's own 208.8 agrees at its 1 decimal.
    assert (
        "function_item_planned 2210201: sentence on page 9, line 16 states 201.50 万元" in justice
    )
    assert "on page 16" in justice and "201.500000 ≠ 208.800000" in justice
    # 社会工作部 2024, page 18: «一般公共预算财政拨款支出年初预算为 0 万元，全年预算为 321.02 万元，
    # 支出决算为 307.82 万元，完成年初预算的 95.89%»: a rate of a budget of 0.
    assert "general_budget_total (approved): sentence on page 18" in social
    assert "states 95.89% of 0 万元" in social and "undefined" in social
    # 万里 2025, page 7 (its 17th line):
    # «21. “卫生健康支出（类）卫生健康支出（款）计划生育事务（项）”科目20.00万元»; its tables print
    # 210 07 计划生育事务 and 210 07 17 计划生育服务, no such item.
    assert (
        "function_item: sentence on page 7, line 17 states 20.00 万元 for "
        "卫生健康支出（类）卫生健康支出（款）计划生育事务（项）; no line of table 05, 07 or 08 "
        "prints an item of that name" in wanli_2025
    )
    # Warnings: each still publishes.
    documents = dict(rows(marts, "select document_id, status from marts.dim_document"))
    assert {documents[d] for d in (*BUDGETS, *FINALS)} == {"published"}


@needs_real
def test_budget_sentences_agree_with_their_tables(marts: duckdb.DuckDBPyConnection) -> None:
    # Each budget's 编制说明 is compared: the figures they state, read from the pages.
    held = dict(
        rows(
            marts,
            "select document_id, count(*) from marts.data_quality "
            "where check_name = 'narrative' and success group by 1",
        )
    )
    assert set(BUDGETS) <= set(held)


@needs_real
def test_final_accounts_sentences_in_fct_final_narrative(
    marts: duckdb.DuckDBPyConnection,
) -> None:
    found = {
        (row[0], row[1], row[2]): row[3:]
        for row in rows(
            marts,
            """
            select document_id, coalesce(function_code, subject), baseline, budget, actual,
                   stated_rate, table_actual, source_page
            from marts.fct_final_narrative
            """,
        )
    }
    # 财政局, page 21: «一般公共预算财政拨款支出年初预算为2993.92万元，支出决算为2940.05万元，完成
    # 年初预算的98.20%»; F05's 合计 (page 15) 2,940.05.
    assert found[FINANCE_BUREAU, "general_budget_total", "approved"] == (
        Decimal("2993.92"),
        Decimal("2940.05"),
        Decimal("98.20"),
        Decimal("2940.05"),
        21,
    )
    # 财政局, page 22, item 9 (行政单位医疗): «年初预算为 62.29 万元，支出决算为 60.99 万元», the
    # figures below their words.
    assert found[FINANCE_BUREAU, "2101101", "approved"] == (
        Decimal("62.29"),
        Decimal("60.99"),
        None,
        Decimal("60.99"),
        22,
    )
    # 财政局, page 23: «“三公”经费财政拨款支出年初预算为0.95万元，支出决算为0.00万元，完成预算的0%».
    assert found[FINANCE_BUREAU, "three_public_total", "approved"] == (
        Decimal("0.95"),
        Decimal("0.00"),
        Decimal("0"),
        Decimal("0"),
        23,
    )
    # 社会工作部, page 18: 年初预算 0 and 全年预算 321.02 (adjusted), both kept.
    assert found[SOCIAL_WORK, "general_budget_total", "approved"][:3] == (
        Decimal("0"),
        Decimal("307.82"),
        Decimal("95.89"),
    )
    assert found[SOCIAL_WORK, "general_budget_total", "adjusted"][:3] == (
        Decimal("321.02"),
        Decimal("307.82"),
        None,
    )
    # 社会工作部, page 18, item 1 (社会工作事务 行政运行): «全年预算为 52.00 万元，支出决算为
    # 51.32 万元，完成全年预算数的 98.69%».
    assert found[SOCIAL_WORK, "2013901", "adjusted"] == (
        Decimal("52.00"),
        Decimal("51.32"),
        Decimal("98.69"),
        Decimal("51.32"),
        18,
    )
    # Every item the sentences name is resolved to a code its tables print: 11 in 财政局,
    # 9 in 社会工作部.
    items = rows(
        marts,
        "select document_id, count(*), count(function_code) from marts.fct_final_narrative "
        "where subject = 'function_item' group by 1 order by 1",
    )
    assert items == [(FINANCE_BUREAU, 11, 11), (SOCIAL_WORK, 9, 9)]


@needs_real
def test_the_recomputed_rate_is_exact_decimal(marts: duckdb.DuckDBPyConnection) -> None:
    # 财政局, page 21: 支出决算 2940.05 of 年初预算 2993.92 万元, recomputed in DECIMAL (never
    # DOUBLE) and rounded half away from zero to 2 decimals; «“三公”经费 … 0.95万元 … 0.00万元»
    # (page 23) is 0.00.
    found = rows(
        marts,
        "select subject, computed_rate, starts_with(typeof(computed_rate), 'DECIMAL') "
        "from marts.fct_final_narrative where document_id = ? and baseline = 'approved' "
        "and subject in ('general_budget_total', 'three_public_total') order by subject",
        [FINANCE_BUREAU],
    )
    rate = (Decimal("2940.05") / Decimal("2993.92") * 100).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    assert found == [
        ("general_budget_total", rate, True),
        ("three_public_total", Decimal("0.00"), True),
    ]


@needs_real
def test_final_accounts_state_their_categories_and_totals(narrative_build: CliRun) -> None:
    # raw.stated_figures sits in the build's working database, beside the marts' sources.
    work = narrative_build.warehouse.parent / "build" / "warehouse.work.duckdb"
    with duckdb.connect(str(work), read_only=True) as con:
        stated = rows(
            con,
            """
            select figure, function_code, printed, source_page, source_line
            from raw.stated_figures where document_id = ? order by source_page, source_line,
                 figure, function_code
            """,
            [FINANCE_BUREAU],
        )
    # 财政局, page 21, as printed:
    # «本年收入合计2946.25万元，其中：财政拨款收入2940.05万元» (line 8),
    # «本年支出合计2940.05万元，其中：基本支出2336.91万元，…项目支出 / 603.14万元» (lines 11-12),
    # «一般公共预算财政拨款支出2940.05万元» twice (lines 20, 24) and 结构情况's categories:
    # «一般公共服务支出 / （类）2106.66万元，…社会保障和就业支出（类）326.72万元» (line 25),
    # «卫生健康支出（类）60.99万元，…住房保障支出（类）445.69万元» (line 26).
    assert stated == [
        ("fiscal_revenue", None, "2940.05", 21, 8),
        ("revenue_total", None, "2946.25", 21, 8),
        ("basic_expenditure", None, "2336.91", 21, 11),
        ("expenditure_total", None, "2940.05", 21, 11),
        ("project_expenditure", None, "603.14", 21, 12),
        ("general_budget_expenditure", None, "2940.05", 21, 20),
        ("general_budget_expenditure", None, "2940.05", 21, 24),
        ("function_category", "201", "2106.66", 21, 25),
        ("function_category", "208", "326.72", 21, 25),
        ("function_category", "210", "60.99", 21, 26),
        ("function_category", "221", "445.69", 21, 26),
    ]
