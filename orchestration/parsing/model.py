"""The parsed shape of a document: one typed frame per raw table, plus what the parser saw."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from .amounts import AMOUNT_DTYPE
from .issues import Issue

TEXT = pl.String()
LINE = pl.Int32()
# Indicator targets are counts, percentages and 万元 alike: a number, not an amount.
TARGET_DTYPE = pl.Decimal(20, 6)
# A percentage a sentence states (完成年初预算的98.20%).
RATE_DTYPE = pl.Decimal(9, 4)

# Column schemas of the raw tables, in order. The loader creates the DuckDB tables from these
# (with a leading document_id), so parser and warehouse cannot drift apart.
RAW_TABLES: dict[str, dict[str, pl.DataType]] = {
    # 01 收支总表 and 04 财政拨款收支总表: one row per printed side of a line.
    "budget_summary": {
        "table_no": TEXT,
        "side": TEXT,  # revenue | expenditure
        "line_type": TEXT,  # item | subtotal | carryover | carryover_item | total
        "ordinal": TEXT,
        "label": TEXT,
        "revenue_source": TEXT,
        "function_code": TEXT,  # the 3-digit category of an expenditure item, by name
        "amount": AMOUNT_DTYPE,
        "source_line": LINE,
        "source_page": LINE,  # the PDF page (workbook: sheet) of source_line; NULL for text
    },
    # 02 收入总表, unpivoted: one row per printed amount column.
    "revenue": {
        "fund_group": TEXT,  # total | current_year | carryover
        "revenue_source": TEXT,
        # The source this line is printed beneath, as one of its parts (Jiangsu's lines under
        # a 小计: 事业收入 under 其他资金); NULL for a source of its own.
        "part_of": TEXT,
        "label": TEXT,
        "amount": AMOUNT_DTYPE,
        "source_line": LINE,
        "source_page": LINE,  # the PDF page (workbook: sheet) of source_line; NULL for text
    },
    # 03 支出总表
    "expenditure": {
        "function_code": TEXT,
        "function_name": TEXT,
        "gov_econ_code": TEXT,
        "gov_econ_name": TEXT,
        "dept_econ_code": TEXT,
        "dept_econ_name": TEXT,
        "total": AMOUNT_DTYPE,
        "basic": AMOUNT_DTYPE,
        "project": AMOUNT_DTYPE,
        "business_operation": AMOUNT_DTYPE,  # 其中: 事业单位经营支出
        "remit_to_superior": AMOUNT_DTYPE,  # 其中: 上缴上级支出
        "subsidy_to_subordinate": AMOUNT_DTYPE,  # 其中: 对附属单位补助支出
        "source_line": LINE,
        "source_page": LINE,  # the PDF page (workbook: sheet) of source_line; NULL for text
    },
    # 05 一般公共预算支出表: one row per function code per subordinate unit.
    "general_budget_expenditure": {
        "function_code": TEXT,
        "function_name": TEXT,
        "total": AMOUNT_DTYPE,
        "basic": AMOUNT_DTYPE,
        "personnel": AMOUNT_DTYPE,
        "public_use": AMOUNT_DTYPE,
        "project": AMOUNT_DTYPE,
        "project_excl_capital": AMOUNT_DTYPE,  # 扣除基建项目后预算数
        "source_line": LINE,
        "source_page": LINE,  # the PDF page (workbook: sheet) of source_line; NULL for text
    },
    # 06 一般公共预算基本支出表
    "basic_expenditure": {
        "gov_econ_code": TEXT,
        "gov_econ_name": TEXT,
        "dept_econ_code": TEXT,
        "dept_econ_name": TEXT,
        "total": AMOUNT_DTYPE,
        "personnel": AMOUNT_DTYPE,
        "public_use": AMOUNT_DTYPE,
        "source_line": LINE,
        "source_page": LINE,  # the PDF page (workbook: sheet) of source_line; NULL for text
    },
    # 07 政府性基金预算支出表 and 08 国有资本经营预算支出表
    "fund_expenditure": {
        "table_no": TEXT,
        "function_code": TEXT,
        "function_name": TEXT,
        "total": AMOUNT_DTYPE,
        "basic": AMOUNT_DTYPE,
        "project": AMOUNT_DTYPE,
        "source_line": LINE,
        "source_page": LINE,  # the PDF page (workbook: sheet) of source_line; NULL for text
    },
    # 09 财政拨款“三公”经费支出表
    "three_public": {
        "total": AMOUNT_DTYPE,
        "outbound_travel": AMOUNT_DTYPE,
        "reception": AMOUNT_DTYPE,
        "vehicles_total": AMOUNT_DTYPE,
        "vehicle_purchase": AMOUNT_DTYPE,
        "vehicle_operation": AMOUNT_DTYPE,
        # 机关运行经费, printed beside 三公 by Shanghai; NULL where the template has none
        "agency_operation": AMOUNT_DTYPE,
        # 会议费 and 培训费, printed beside 三公 by Jiangsu under one 合计 (grand_total) with
        # it; NULL where the template has none
        "meetings": AMOUNT_DTYPE,
        "training": AMOUNT_DTYPE,
        "grand_total": AMOUNT_DTYPE,
        "source_line": LINE,
        "source_page": LINE,  # the PDF page (workbook: sheet) of source_line; NULL for text
    },
    # 15 财政拨款支出预算表（功能科目） (Jiangsu): 财政拨款 (general public budget and government
    # funds) by item function code, as printed
    "appropriation_expenditure": {
        "function_code": TEXT,
        "function_name": TEXT,
        "total": AMOUNT_DTYPE,
        "source_line": LINE,
        "source_page": LINE,  # the PDF page (workbook: sheet) of source_line; NULL for text
    },
    # 17 一般公共预算机关运行经费支出预算表 (Jiangsu): item economic codes, as printed
    "agency_operation": {
        "dept_econ_code": TEXT,
        "dept_econ_name": TEXT,
        "amount": AMOUNT_DTYPE,
        "source_line": LINE,
        "source_page": LINE,  # the PDF page (workbook: sheet) of source_line; NULL for text
    },
    # 10 政府采购预算明细表
    "procurement": {
        "category_code": TEXT,
        "category_name": TEXT,
        "amount": AMOUNT_DTYPE,
        "source_line": LINE,
        "source_page": LINE,  # the PDF page (workbook: sheet) of source_line; NULL for text
    },
    # 11 财政拨款政府购买服务明细表 (指导性目录 levels 1-3)
    "purchased_services": {
        "level1_code": TEXT,
        "level1_name": TEXT,
        "level2_code": TEXT,
        "level2_name": TEXT,
        "service_code": TEXT,
        "service_name": TEXT,
        "amount": AMOUNT_DTYPE,
        "source_line": LINE,
        "source_page": LINE,  # the PDF page (workbook: sheet) of source_line; NULL for text
    },
    # 13 部门整体支出绩效目标表: the funding block and the overall goal.
    "performance_overview": {
        "total_expenditure": AMOUNT_DTYPE,
        "fiscal_total": AMOUNT_DTYPE,
        "fiscal_basic": AMOUNT_DTYPE,
        "fiscal_project": AMOUNT_DTYPE,
        "other_total": AMOUNT_DTYPE,
        "other_basic": AMOUNT_DTYPE,
        "other_project": AMOUNT_DTYPE,
        "overall_goal": TEXT,
        "source_line": LINE,
        "source_page": LINE,  # the PDF page (workbook: sheet) of source_line; NULL for text
    },
    # 12 项目支出绩效目标表 projects, and 14's transfer payment, with what had to be inferred.
    "projects": {
        "table_no": TEXT,
        "project_code": TEXT,
        "project_name": TEXT,
        "total": AMOUNT_DTYPE,
        "fiscal_funds": AMOUNT_DTYPE,
        "other_funds": AMOUNT_DTYPE,
        "total_text": TEXT,  # as printed, for figures that had to be inferred or were broken
        "unit_detected": TEXT,  # 万元 or 元 as the page states it, or unstated
        "goal": TEXT,
        "source_line": LINE,
        "source_page": LINE,  # the PDF page (workbook: sheet) of source_line; NULL for text
        "flags": TEXT,
    },
    # Indicators of 12 (per project), 13 (per activity) and 14 (per transfer payment).
    "performance_indicators": {
        "table_no": TEXT,
        "project_line": LINE,  # the source line of the project (12) the indicator belongs to
        "project_code": TEXT,
        "activity": TEXT,  # 13: the activity; 14: the transfer payment
        "level1": TEXT,
        "level2": TEXT,
        "level3": TEXT,
        "operator": TEXT,
        "target_text": TEXT,
        "target_value": TARGET_DTYPE,
        "unit": TEXT,
        "source_line": LINE,
        "source_page": LINE,  # the PDF page (workbook: sheet) of source_line; NULL for text
        "flags": TEXT,
    },
    # Codes a template prints as parent rows above its items (Shanghai's 类 and 款), with the
    # names as printed: their amounts are the items' sum (checked by the parser), their names
    # name the levels in dim_function and dim_economic.
    "printed_codes": {
        "table_no": TEXT,
        "classification": TEXT,  # function | department_economic
        "code": TEXT,
        "name": TEXT,
        "source_line": LINE,
        "source_page": LINE,  # the PDF page (workbook: sheet) of source_line; NULL for text
    },
    # The printed 合计 rows, one row per amount column, for the "合计 = sum of rows" identities.
    "table_totals": {
        "table_no": TEXT,
        "column_key": TEXT,
        "amount": AMOUNT_DTYPE,
        "source_line": LINE,
        "source_page": LINE,  # the PDF page (workbook: sheet) of source_line; NULL for text
    },
    # Final accounts (决算, orchestration/parsing/final_accounts.py). F01 收入支出决算总表: each
    # printed side of a line, as label and amount.
    "final_summary": {
        "side": TEXT,  # revenue | expenditure
        "label": TEXT,
        "amount": AMOUNT_DTYPE,
        "source_line": LINE,
        "source_page": LINE,
    },
    # F03 支出决算表: the six spending columns by function code; line_type total is 合计.
    "final_expenditure": {
        "function_code": TEXT,
        "function_name": TEXT,
        "line_type": TEXT,  # item | total
        "total": AMOUNT_DTYPE,  # 本年支出合计
        "basic": AMOUNT_DTYPE,
        "project": AMOUNT_DTYPE,
        "remit_to_superior": AMOUNT_DTYPE,
        "business_operation": AMOUNT_DTYPE,
        "subsidy_to_subordinate": AMOUNT_DTYPE,
        "source_line": LINE,
        "source_page": LINE,
    },
    # F02 收入决算表: this year's revenue by source, by function code; line_type total is 合计.
    "final_revenue": {
        "function_code": TEXT,
        "function_name": TEXT,
        "line_type": TEXT,  # item | total
        "total": AMOUNT_DTYPE,  # 本年收入合计
        "fiscal_appropriation": AMOUNT_DTYPE,  # 财政拨款收入
        "superior_subsidy": AMOUNT_DTYPE,  # 上级补助收入
        "institution_business": AMOUNT_DTYPE,  # 事业收入
        "business_operation": AMOUNT_DTYPE,  # 经营收入
        "subordinate_remittance": AMOUNT_DTYPE,  # 附属单位上缴收入
        "other": AMOUNT_DTYPE,  # 其他收入
        "source_line": LINE,
        "source_page": LINE,
    },
    # F04 财政拨款收入支出决算总表: each printed side of a line. Revenue prints one figure
    # (决算数, in total); spending its 合计 and the three funds' appropriations beside it.
    "final_fiscal_summary": {
        "side": TEXT,  # revenue | expenditure
        # item | subtotal (本年…合计) | carryover (年初/年末…结转和结余) | carryover_item | total
        "line_type": TEXT,
        "label": TEXT,
        "function_code": TEXT,  # the 3-digit category of a spending item, by name
        "total": AMOUNT_DTYPE,
        "general_public_budget": AMOUNT_DTYPE,
        "government_fund": AMOUNT_DTYPE,
        "state_capital_operation": AMOUNT_DTYPE,
        "source_line": LINE,
        "source_page": LINE,
    },
    # F08 政府性基金 and F09 国有资本经营预算财政拨款收入支出决算表, by function code; line_type
    # total is 合计. Departments without such funds print the table empty, with a 说明.
    "final_fund_expenditure": {
        "table_no": TEXT,  # F08 | F09
        "function_code": TEXT,
        "function_name": TEXT,
        "line_type": TEXT,  # item | total
        "opening_balance": AMOUNT_DTYPE,  # 年初结转和结余
        "revenue": AMOUNT_DTYPE,  # 本年收入
        "total": AMOUNT_DTYPE,  # 本年支出 小计 (or 合计)
        "basic": AMOUNT_DTYPE,
        "project": AMOUNT_DTYPE,
        "closing_balance": AMOUNT_DTYPE,  # 年末结转和结余
        "source_line": LINE,
        "source_page": LINE,
    },
    # F05 一般公共预算财政拨款支出决算表
    "final_general_budget_expenditure": {
        "function_code": TEXT,
        "function_name": TEXT,
        "line_type": TEXT,  # item | total
        "total": AMOUNT_DTYPE,
        "basic": AMOUNT_DTYPE,
        "project": AMOUNT_DTYPE,
        "source_line": LINE,
        "source_page": LINE,
    },
    # F06 一般公共预算财政拨款基本支出决算表: 决算数 by economic code (two blocks side by side),
    # and the 人员经费合计 and 公用经费合计 lines.
    "final_basic_expenditure": {
        "econ_code": TEXT,
        "econ_name": TEXT,
        "line_type": TEXT,  # item | personnel_total | public_use_total
        "amount": AMOUNT_DTYPE,
        "source_line": LINE,
        "source_page": LINE,
    },
    # F07 财政拨款“三公”经费支出决算表: 预算数 (approved) and 决算数 (executed) of each figure.
    "final_three_public": {
        "item": TEXT,  # total | outbound_travel | vehicles_total | vehicle_purchase | ...
        "approved": AMOUNT_DTYPE,
        "executed": AMOUNT_DTYPE,
        "source_line": LINE,  # with no figures printed: the 预算数/决算数 header
        "source_page": LINE,
    },
    # How finely each table prints its amounts, for the rounding allowance of the identities
    # (docs/architecture.md, "The identities"): the 万元 value of its last printed digit, and
    # whether its template rounds each figure on its own to that digit (Shanghai, Jiangsu, every
    # 决算) or prints exact figures (Beijing's six decimals of 万元).
    "printed_precision": {
        "table_no": TEXT,
        "last_digit_wan": AMOUNT_DTYPE,
        "rounded": pl.Boolean(),
    },
    # The figures a document states in its explanation sentences (编制说明, 决算情况说明;
    # orchestration/parsing/narrative.py), compared with the tables by expectations/
    # narrative.yml. source_line is the document's line for a text document and the page's line
    # for a PDF: narrative pages are not part of the extracted table layout.
    "stated_figures": {
        "figure": TEXT,  # narrative.StatedFigure
        "function_code": TEXT,  # function_item figures: the item named, resolved to its code
        "function_name": TEXT,  # the item or category as the sentence names it
        "amount": AMOUNT_DTYPE,
        "printed": TEXT,  # the figure as printed, e.g. 18,976.76
        "decimals": LINE,  # the decimals it prints: the precision it is compared at
        "sentence": TEXT,
        "source_line": LINE,
        "source_page": LINE,
    },
    # A 决算's execution sentences: «年初预算（全年预算）为 X 万元，支出决算为 Y 万元，完成…的 Z%»,
    # one row per baseline stated (approved: 年初预算, adjusted: 全年预算).
    "final_narrative": {
        "subject": TEXT,  # narrative.NarrativeSubject
        "function_code": TEXT,
        "function_name": TEXT,  # as printed: …（类）…（款）…（项）
        "baseline": TEXT,  # approved | adjusted
        "budget": AMOUNT_DTYPE,
        "budget_printed": TEXT,
        "actual": AMOUNT_DTYPE,
        "actual_printed": TEXT,
        "stated_rate": RATE_DTYPE,  # percent, as printed; NULL where stated of the other baseline
        "stated_rate_printed": TEXT,
        "sentence": TEXT,
        "source_line": LINE,
        "source_page": LINE,
    },
    # Every line of the document accounted for: counts by table and kind.
    "line_counts": {
        "table_no": TEXT,
        "line_kind": TEXT,
        "lines": LINE,
    },
}

# not_read: a line of a table its template's profile knows (or a 决算 table) but no reader
# maps yet.
LINE_KINDS = (
    "row",
    "total",
    "title",
    "unit",
    "header",
    "blank",
    "note",
    "not_read",
    "not_understood",
)


def empty_frame(table: str) -> pl.DataFrame:
    return pl.DataFrame(schema=RAW_TABLES[table])


def precision_frame(last_digits: dict[str, Decimal], *, rounded: bool) -> pl.DataFrame:
    """raw.printed_precision of one document: each table's last printed digit."""
    return pl.DataFrame(
        {
            "table_no": list(last_digits),
            "last_digit_wan": list(last_digits.values()),
            "rounded": [rounded] * len(last_digits),
        },
        schema=RAW_TABLES["printed_precision"],
    )


@dataclass(slots=True)
class ParsedDocument:
    """Everything read from one document file."""

    document_id: str
    source_file: str
    source_sha256: str
    size_bytes: int
    encoding: str | None  # text documents only; a PDF or workbook has no text encoding
    line_ending: str | None
    line_total: int
    fiscal_year: int | None
    department_name: str | None
    amount_units: tuple[str, ...]
    tables_found: tuple[str, ...]
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    source_format: str = "txt"  # txt | pdf | xlsx | xls
    extractor: str | None = None  # the extraction's libraries and version (PDF, workbook)
    template: str = "beijing"  # the template profile it was read with (templates.Template)
    # True when the extraction came from the cache, False when it ran; None for text.
    extraction_cached: bool | None = None
    document_kind: str = "budget"  # DocumentKind: budget | final_accounts
    scope: str = "department"  # DocumentScope: department (部门预算) | unit (单位预算)

    @property
    def rejected(self) -> bool:
        return any(issue.rejects for issue in self.issues)

    def frame(self, table: str) -> pl.DataFrame:
        return self.frames.get(table, empty_frame(table))
