"""Final accounts (部门决算公开): the second kind of document, read by its own template.

A 决算 states what a department spent in the fiscal year it accounts for; it is published the
year after and filed under that fiscal year (`data/raw/<fiscal year>/`). Its tables are known by
their names (the district templates print no 预算NN表 numbers); here they are numbered F01-F09
in the order of the template, so messages can name them. Amounts are 万元 with 2 decimals.

Every table of the template is read: 收入支出决算总表 (F01, the totals), 收入决算表 (F02),
支出决算表 (F03), 财政拨款收入支出决算总表 (F04), 一般公共预算财政拨款支出决算表 (F05),
一般公共预算财政拨款基本支出决算表 (F06), 财政拨款“三公”经费支出决算表 (F07), and the 政府性基金
(F08) and 国有资本经营 (F09) 预算财政拨款收入支出决算表. A table without a reader would keep its
lines as `not_read` in the line counts: recognised, not read into facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

import polars as pl

from .amounts import convert_cells, describe_invalid, last_digit_wan
from .issues import Issue
from .layout import Line
from .model import RAW_TABLES
from .text import normalise_label
from .vocabulary import function_category_code, split_ordinal


class DocumentKind(StrEnum):
    """What a document is: the budget as published, or the final accounts of a year."""

    BUDGET = "budget"
    FINAL_ACCOUNTS = "final_accounts"


FINAL_TABLE_NAMES: dict[str, str] = {
    "F01": "收入支出决算总表",
    "F02": "收入决算表",
    "F03": "支出决算表",
    "F04": "财政拨款收入支出决算总表",
    "F05": "一般公共预算财政拨款支出决算表",
    "F06": "一般公共预算财政拨款基本支出决算表",
    "F07": "财政拨款“三公”经费支出决算表",
    "F08": "政府性基金预算财政拨款收入支出决算表",
    "F09": "国有资本经营预算财政拨款收入支出决算表",
    # Optional tables some localities add (Beijing). Recognised and their lines counted as
    # not_read: no real 决算 printing them has been seen, so their columns are not known, and a
    # reader written blind would place figures by guess.
    "F10": "政府采购情况表",
    "F11": "政府购买服务支出情况表",
}
# Most specific first, matched on the normalised title (NFKC, no spaces). The 三公 title loses
# its quotation marks in some exports ("财政拨款 三公 经费支出决算表").
_TITLES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (table_no, re.compile(pattern))
    for table_no, pattern in (
        ("F07", r"三公.?经费(财政拨款)?支出决算表$"),
        ("F06", r"一般公共预算财政拨款基本支出决算表$"),
        ("F05", r"一般公共预算财政拨款(项目)?支出决算表$"),
        ("F08", r"政府性基金预算财政拨款(收入)?支出决算表$"),
        ("F09", r"国有资本经营预算财政拨款(收入)?支出决算表$"),
        ("F04", r"财政拨款收入支出决算总表$"),
        ("F01", r"^收入支出决算总表$"),
        ("F02", r"^收入决算表$"),
        ("F03", r"^支出决算表$"),
        ("F10", r"^(?:\d{4}年度?)?政府采购(?:支出)?情况表$"),
        ("F11", r"^(?:\d{4}年度?)?政府购买服务(?:支出)?情况表$"),
    )
)
REQUIRED_FINAL_TABLES = ("F01", "F03", "F05", "F07")
# The 决算 template prints 万元 to 2 decimals and rounds each figure on its own, so its totals
# may differ from the sum of their printed parts within the rounding allowance.
FIGURES_ROUNDED = True

# "中共上海市普陀区委社会工作部 2024 年度部门决算表", "第二部分 上海市普陀区财政局 年度部门决算表"
# (its year printed on the next line by the ONLYOFFICE export).
_DOCUMENT_TITLE = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分)?(?P<department>.+?)(?P<year>\d{4})?年度?部门决算表?$"
)
_YEAR_ONLY = re.compile(r"^\d{4}$")
_UNIT = re.compile(r"^(?:金额)?单位[:：](?P<unit>万元|元)$")
_NOTE = re.compile(r"^(?:注|备注|说明)[:：]|^无.+的，")
_CODE_PART = re.compile(r"^\d{2,7}$")
_CODE_HEADER = frozenset(["类", "款", "项"])

# 支出决算表's spending columns by header label, in the RAW_TABLES column names.
_EXPENDITURE_COLUMNS = {
    "本年支出合计": "total",
    "基本支出": "basic",
    "项目支出": "project",
    "上缴上级支出": "remit_to_superior",
    "经营支出": "business_operation",
    "对附属单位补助支出": "subsidy_to_subordinate",
}
_GENERAL_BUDGET_COLUMNS = {"合计": "total", "基本支出": "basic", "项目支出": "project"}
# 收入决算表's revenue columns by header label.
_REVENUE_COLUMNS = {
    "本年收入合计": "total",
    "财政拨款收入": "fiscal_appropriation",
    "上级补助收入": "superior_subsidy",
    "事业收入": "institution_business",
    "经营收入": "business_operation",
    "附属单位上缴收入": "subordinate_remittance",
    "其他收入": "other",
}
# The 三公 table prints six figures, each as 预算数 then 决算数, in this order.
THREE_PUBLIC_ITEMS = (
    "total",
    "outbound_travel",
    "vehicles_total",
    "vehicle_purchase",
    "vehicle_operation",
    "reception",
)


def final_table_no(line: Line) -> str | None:
    if len(line.filled) != 1:
        return None
    title = normalise_label(line.filled[0])
    return next((table_no for table_no, pattern in _TITLES if pattern.search(title)), None)


def is_final_accounts(lines: list[str]) -> bool:
    """A document is a 决算 when it prints the 决算 template's own summary tables."""
    found = {final_table_no(Line.of(0, text)) for text in lines if "决算" in text}
    return {"F01", "F03"} <= found


@dataclass(slots=True)
class FinalAccountsRead:
    """What the 决算 reader found; `parse_document` turns it into a ParsedDocument."""

    fiscal_year: int | None = None
    department_name: str | None = None
    tables_found: list[str] = field(default_factory=list)
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    kinds: dict[int, str] = field(default_factory=dict)
    table_of_line: dict[int, str | None] = field(default_factory=dict)
    units: set[str] = field(default_factory=set)
    # 万元 of the last digit each table prints (raw.printed_precision)
    last_digits: dict[str, Decimal] = field(default_factory=dict)


def read_final_accounts(
    raw_lines: list[str], source_file: str, folder_year: int | None
) -> FinalAccountsRead:
    lines = [Line.of(number, text) for number, text in enumerate(raw_lines, start=1)]
    read = FinalAccountsRead()
    sections: dict[str, list[Line]] = {}
    current: str | None = None
    for index, line in enumerate(lines):
        table_no = final_table_no(line)
        if table_no is not None:
            current = table_no
            read.kinds[line.no] = "title"
            read.table_of_line[line.no] = table_no
            if table_no in sections:
                read.issues.append(
                    Issue(
                        source_file,
                        f"table {table_no} ({FINAL_TABLE_NAMES[table_no]}) appears twice",
                        table_no,
                        line.no,
                        line.text,
                        check_name="structure",
                    )
                )
                current = None
            else:
                sections[table_no] = []
            continue
        title = _document_title(lines, index)
        if title is not None:
            year, department = title
            read.department_name = read.department_name or department
            read.fiscal_year = read.fiscal_year or year
            read.kinds[line.no] = "title"
            read.table_of_line[line.no] = current
            current = None  # the next table title follows
            continue
        read.table_of_line[line.no] = current
        if current is None:
            # The narrative part (职能, 单位构成) and the explanations: text, not figures.
            read.kinds[line.no] = "blank" if line.blank else "note"
        else:
            sections[current].append(line)

    for table_no, section in sections.items():
        read.tables_found.append(table_no)
        reader = _READERS.get(table_no)
        if reader is None:
            for line in section:
                read.kinds[line.no] = _plain_kind(line) or "not_read"
            continue
        reader(section, source_file, table_no, read)

    missing = [t for t in REQUIRED_FINAL_TABLES if t not in sections]
    read.issues.extend(
        Issue(
            source_file,
            f"required table {t} ({FINAL_TABLE_NAMES[t]}) not found",
            t,
            check_name="structure",
        )
        for t in missing
    )
    if read.fiscal_year is None:
        read.fiscal_year = folder_year
    elif folder_year is not None and read.fiscal_year != folder_year:
        read.issues.append(
            Issue(
                source_file,
                f"the final accounts are for {read.fiscal_year} (title) but sit in "
                f"the folder for {folder_year}",
                check_name="structure",
            )
        )
    if read.fiscal_year is None or read.department_name is None:
        read.issues.append(
            Issue(
                source_file,
                "no title like «某某局2024年度部门决算表»: the department and the year "
                "accounted for are unknown",
                check_name="structure",
            )
        )
    return read


def _document_title(lines: list[Line], index: int) -> tuple[int | None, str] | None:
    line = lines[index]
    if len(line.filled) != 1 or "决算" not in line.filled[0]:
        return None
    match = _DOCUMENT_TITLE.match(normalise_label(line.filled[0]))
    if match is None or not match.group("department").strip():
        return None
    year = match.group("year")
    if year is None:
        after = next((later for later in lines[index + 1 :] if not later.blank), None)
        if after is not None and len(after.filled) == 1 and _YEAR_ONLY.match(after.filled[0]):
            year = after.filled[0]
    return (int(year) if year else None), match.group("department")


def _plain_kind(line: Line) -> str | None:
    """The kind of a line that is not a table row: blank, unit, note, or a stray mark."""
    if line.blank or not line.filled:
        return "blank"
    first = normalise_label(line.filled[0])
    if len(line.filled) == 1 and _UNIT.match(first):
        return "unit"
    if _NOTE.search(first):
        return "note"
    if len(line.filled) == 1 and (_YEAR_ONLY.match(first) or not re.search(r"\w", first)):
        # The year of the document title on its own line; the quotation marks of a title.
        return "title"
    return None


def _units(section: list[Line], read: FinalAccountsRead) -> str:
    for line in section:
        if len(line.filled) == 1 and (unit := _UNIT.match(normalise_label(line.filled[0]))):
            read.units.add(unit.group("unit"))
            return unit.group("unit")
    read.units.add("万元")
    return "万元"


def _typed_frame(table: str, rows: list[dict[str, object]], amounts: list[str]) -> pl.DataFrame:
    """Rows of a raw table, typed as RAW_TABLES declares it; the amount columns hold the 万元
    text `_convert` wrote and are cast once. The page is added by parse_document."""
    schema = {c: t for c, t in RAW_TABLES[table].items() if c != "source_page"}
    text = {c: (pl.String() if c in amounts else t) for c, t in schema.items()}
    return pl.DataFrame(
        [{c: row.get(c) for c in schema} for row in rows], schema=text, orient="row"
    ).with_columns(pl.col(c).cast(schema[c]) for c in amounts)


def _convert(
    rows: list[dict[str, object]],
    columns: list[str],
    unit: str,
    source_file: str,
    table_no: str,
    read: FinalAccountsRead,
) -> None:
    if rows:
        read.last_digits[table_no] = last_digit_wan(rows, columns, unit)
    for index, column, text in convert_cells(rows, columns, unit):
        read.issues.append(
            Issue(
                source_file,
                f"{column}: {describe_invalid(unit)}",
                table_no,
                int(rows[index]["source_line"]),  # type: ignore[call-overload]
                text,
            )
        )


def _read_by_function(
    section: list[Line],
    source_file: str,
    table_no: str,
    read: FinalAccountsRead,
    table: str,
    labels: dict[str, str],
    header_labels: tuple[str, str] = ("基本支出", "项目支出"),
) -> None:
    """A table of rows by function code (类/款/项 in one cell or in three), with a 合计 row;
    its column header is the first line that prints both `header_labels`."""
    unit = _units(section, read)
    positions: dict[str, int] = {}
    rows: list[dict[str, object]] = []
    for line in section:
        kind = _plain_kind(line)
        if kind is not None:
            read.kinds[line.no] = kind
            continue
        cells = [normalise_label(cell) for cell in line.cells]
        if not positions and header_labels[0] in cells and header_labels[1] in cells:
            positions = {labels[c]: i for i, c in enumerate(cells) if c in labels}
            read.kinds[line.no] = "header"
            continue
        row = _function_row(line, positions)
        if row is None:
            known = all(c in _CODE_HEADER or not _CODE_PART.match(c) for c in cells if c)
            is_header = not positions or not any(re.search(r"\d", c) for c in cells)
            read.kinds[line.no] = "header" if is_header and known else "not_understood"
            if read.kinds[line.no] == "not_understood":
                read.issues.append(
                    Issue(source_file, "line not understood", table_no, line.no, line.text)
                )
            continue
        read.kinds[line.no] = "total" if row["line_type"] == "total" else "row"
        rows.append(row)
    if not positions and section:
        read.issues.append(
            Issue(
                source_file,
                f"no header with {header_labels[0]} and {header_labels[1]} in table {table_no}",
                table_no,
                section[0].no,
                check_name="structure",
            )
        )
    _convert(rows, list(labels.values()), unit, source_file, table_no, read)
    read.frames[table] = _typed_frame(table, rows, list(labels.values()))


def _function_row(line: Line, positions: dict[str, int]) -> dict[str, object] | None:
    if not positions:
        return None
    first_amount = min(positions.values())
    label_cells = [c for c in line.cells[:first_amount] if c and c not in _CODE_HEADER]
    code_parts = [c for c in label_cells if _CODE_PART.match(c)]
    names = [c for c in label_cells if not _CODE_PART.match(c)]
    if len(names) != 1:
        return None
    name = names[0]
    code = "".join(code_parts)
    if normalise_label(name) in ("合计", "总计") and not code:
        line_type = "total"
    elif len(code) in (3, 5, 7):
        line_type = "item"
    else:
        return None
    row: dict[str, object] = {
        "function_code": code or None,
        "function_name": None if line_type == "total" else name,
        "line_type": line_type,
        "source_line": line.no,
    }
    for column, position in positions.items():
        row[column] = line.cells[position] if position < len(line.cells) else None
    return row


def _read_expenditure(section, source_file, table_no, read) -> None:
    _read_by_function(
        section, source_file, table_no, read, "final_expenditure", _EXPENDITURE_COLUMNS
    )


def _read_revenue(section, source_file, table_no, read) -> None:
    _read_by_function(
        section,
        source_file,
        table_no,
        read,
        "final_revenue",
        _REVENUE_COLUMNS,
        header_labels=("本年收入合计", "财政拨款收入"),
    )


def _read_general_budget(section, source_file, table_no, read) -> None:
    _read_by_function(
        section,
        source_file,
        table_no,
        read,
        "final_general_budget_expenditure",
        _GENERAL_BUDGET_COLUMNS,
    )


def _read_summary(
    section: list[Line], source_file: str, table_no: str, read: FinalAccountsRead
) -> None:
    """收入支出决算总表: each side's lines (收入 left, 支出 right), as label and amount."""
    unit = _units(section, read)
    rows: list[dict[str, object]] = []
    for line in section:
        kind = _plain_kind(line)
        if kind is not None:
            read.kinds[line.no] = kind
            continue
        cells = list(line.cells) + [""] * (4 - len(line.cells))
        if (
            len(line.cells) > 4
            or normalise_label(cells[1]) == "决算数"
            or (normalise_label(cells[0]) == "收入")
        ):
            read.kinds[line.no] = "header" if len(line.cells) <= 4 else "not_understood"
            if len(line.cells) > 4:
                read.issues.append(
                    Issue(source_file, "line not understood", table_no, line.no, line.text)
                )
            continue
        read.kinds[line.no] = "row"
        for side, label, amount in (
            ("revenue", cells[0], cells[1]),
            ("expenditure", cells[2], cells[3]),
        ):
            if label:
                rows.append(
                    {"side": side, "label": label, "amount": amount, "source_line": line.no}
                )
    _convert(rows, ["amount"], unit, source_file, table_no, read)
    read.frames["final_summary"] = _typed_frame("final_summary", rows, ["amount"])


# 财政拨款收入支出决算总表's spending columns beside 合计, by header label.
_FISCAL_FUNDS = {
    "一般公共预算财政拨款": "general_public_budget",
    "政府性基金预算财政拨款": "government_fund",
    "国有资本经营预算财政拨款": "state_capital_operation",
}
# Its fixed lines, by side; a line after 结转和结余 on the revenue side breaks it down by fund.
_FISCAL_LINES = {
    "revenue": (
        ("本年收入合计", "subtotal"),
        ("年初财政拨款结转和结余", "carryover"),
        ("总计", "total"),
    ),
    "expenditure": (
        ("本年支出合计", "subtotal"),
        ("年末财政拨款结转和结余", "carryover"),
        ("总计", "total"),
    ),
}


def _read_fiscal_summary(
    section: list[Line], source_file: str, table_no: str, read: FinalAccountsRead
) -> None:
    """财政拨款收入支出决算总表: revenue lines (项目, 决算数) on the left, spending lines (项目,
    合计 and the three funds) on the right; spending categories are placed by name."""
    unit = _units(section, read)
    positions: dict[str, int] = {}
    rows: list[dict[str, object]] = []
    after = {"revenue": "item", "expenditure": "item"}
    for line in section:
        kind = _plain_kind(line)
        if kind is not None:
            read.kinds[line.no] = kind
            continue
        cells = [normalise_label(cell) for cell in line.cells]
        if not positions:
            if "决算数" in cells and "合计" in cells:
                positions = {"revenue": cells.index("决算数"), "total": cells.index("合计")}
                positions |= {
                    key: cells.index(label)
                    for label, key in _FISCAL_FUNDS.items()
                    if label in cells
                }
            read.kinds[line.no] = "header"
            continue
        found: list[dict[str, object]] = []
        problem = None
        for side, label_at in (("revenue", 0), ("expenditure", positions["revenue"] + 1)):
            label = line.cells[label_at].strip() if label_at < len(line.cells) else ""
            if side == "revenue":
                amounts = {
                    "total": line.cells[positions["revenue"]]
                    if positions["revenue"] < len(line.cells)
                    else ""
                }
            else:
                amounts = {
                    key: line.cells[at] if at < len(line.cells) else ""
                    for key, at in positions.items()
                    if key != "revenue"
                }
            if not label:
                if any(amounts.values()):
                    problem = f"an amount on the {side} side without a label"
                continue
            name = split_ordinal(label)[1]
            line_type = next(
                (t for fixed, t in _FISCAL_LINES[side] if normalise_label(name) == fixed), None
            )
            if line_type is None:
                line_type = (
                    "carryover_item"
                    if after[side] == "carryover" or (after[side] == "carryover_item")
                    else "item"
                )
            after[side] = line_type
            code = function_category_code(name) if side == "expenditure" else None
            if side == "expenditure" and line_type == "item" and code is None:
                problem = f"unknown function category «{name}»"
            found.append(
                {
                    "side": side,
                    "line_type": line_type,
                    "label": label,
                    "function_code": code,
                    **{key: value or None for key, value in amounts.items()},
                    "source_line": line.no,
                }
            )
        if problem is not None:
            read.kinds[line.no] = "not_understood"
            read.issues.append(Issue(source_file, problem, table_no, line.no, line.text))
            continue
        read.kinds[line.no] = "total" if any(r["line_type"] == "total" for r in found) else "row"
        rows.extend(found)
    if not positions:
        read.issues.append(
            Issue(
                source_file,
                "no header with 决算数 and 合计",
                table_no,
                section[0].no if section else None,
                check_name="structure",
            )
        )
    columns = ["total", *_FISCAL_FUNDS.values()]
    _convert(rows, columns, unit, source_file, table_no, read)
    read.frames["final_fiscal_summary"] = _typed_frame("final_fiscal_summary", rows, columns)


# 政府性基金 / 国有资本经营预算财政拨款收入支出决算表: the columns by their top header label;
# 本年支出 spans 小计 (or 合计), 基本支出 and 项目支出 on the row below.
_FUND_COLUMNS = {
    "年初结转和结余": "opening_balance",
    "本年收入": "revenue",
    "本年支出": "total",
    "年末结转和结余": "closing_balance",
}


def _read_fund(
    section: list[Line], source_file: str, table_no: str, read: FinalAccountsRead
) -> None:
    """政府性基金 / 国有资本经营预算财政拨款收入支出决算表: rows by function code. A department
    without such funds prints the header, empty rows, a 合计 row without figures (or a header
    row of 合计, 基本支出, 项目支出) and a 说明 line."""
    unit = _units(section, read)
    positions: dict[str, int] = {}
    rows: list[dict[str, object]] = []
    for line in section:
        kind = _plain_kind(line)
        if kind is not None:
            read.kinds[line.no] = kind
            continue
        cells = [normalise_label(cell) for cell in line.cells]
        if not positions and all(label in cells for label in _FUND_COLUMNS):
            positions = {key: cells.index(label) for label, key in _FUND_COLUMNS.items()}
            read.kinds[line.no] = "header"
            continue
        if positions and "基本支出" in cells and "项目支出" in cells:
            positions |= {"basic": cells.index("基本支出"), "project": cells.index("项目支出")}
            read.kinds[line.no] = "header"
            continue
        row = _function_row(line, positions) if positions.keys() >= {"basic"} else None
        if row is None:
            header = not any(re.search(r"\d", c) for c in cells)
            read.kinds[line.no] = "header" if header else "not_understood"
            if not header:
                read.issues.append(
                    Issue(source_file, "line not understood", table_no, line.no, line.text)
                )
            continue
        read.kinds[line.no] = "total" if row["line_type"] == "total" else "row"
        rows.append({**row, "table_no": table_no})
    if "basic" not in positions:
        read.issues.append(
            Issue(
                source_file,
                "no header with 年初结转和结余, 本年收入, 本年支出 (基本支出, 项目支出) and "
                "年末结转和结余",
                table_no,
                section[0].no if section else None,
                check_name="structure",
            )
        )
    columns = [*_FUND_COLUMNS.values(), "basic", "project"]
    _convert(rows, columns, unit, source_file, table_no, read)
    frame = _typed_frame("final_fund_expenditure", rows, columns)
    earlier = read.frames.get("final_fund_expenditure")
    read.frames["final_fund_expenditure"] = (
        frame if earlier is None else pl.concat([earlier, frame], how="vertical")
    )


_BASIC_TOTALS = {"人员经费合计": "personnel_total", "公用经费合计": "public_use_total"}


def _read_basic(
    section: list[Line], source_file: str, table_no: str, read: FinalAccountsRead
) -> None:
    """一般公共预算财政拨款基本支出决算表: two blocks of (code, name, 决算数) side by side; the
    code in one cell (30101) or as 类 and 款 in two (301, 01)."""
    unit = _units(section, read)
    amounts: list[int] = []
    rows: list[dict[str, object]] = []
    for line in section:
        kind = _plain_kind(line)
        if kind is not None:
            read.kinds[line.no] = kind
            continue
        cells = [normalise_label(cell) for cell in line.cells]
        if not amounts and cells.count("决算数") == 2:
            amounts = [i for i, c in enumerate(cells) if c == "决算数"]
            read.kinds[line.no] = "header"
            continue
        if not amounts or not any(re.search(r"\d", c) for c in cells):
            read.kinds[line.no] = "header"
            continue
        found: list[dict[str, object]] = []
        for start, end in ((0, amounts[0]), (amounts[0] + 1, amounts[1])):
            block = [c for c in line.cells[start:end] if c]
            figure = line.cells[end] if end < len(line.cells) else ""
            if not block and not figure:
                continue
            codes = [c for c in block if _CODE_PART.match(c)]
            names = [c for c in block if not _CODE_PART.match(c)]
            code = "".join(codes)
            label = normalise_label(names[0]) if len(names) == 1 else ""
            if len(names) == 1 and not code and label in _BASIC_TOTALS:
                found.append(
                    {
                        "econ_code": None,
                        "econ_name": names[0],
                        "line_type": _BASIC_TOTALS[label],
                        "amount": figure or None,
                        "source_line": line.no,
                    }
                )
            elif len(names) == 1 and len(code) in (3, 5):
                found.append(
                    {
                        "econ_code": code,
                        "econ_name": names[0],
                        "line_type": "item",
                        "amount": figure or None,
                        "source_line": line.no,
                    }
                )
            else:
                found = []
                break
        if not found:
            read.kinds[line.no] = "not_understood"
            read.issues.append(
                Issue(source_file, "line not understood", table_no, line.no, line.text)
            )
            continue
        read.kinds[line.no] = "total" if found[0]["line_type"] != "item" else "row"
        rows.extend(found)
    if not amounts:
        read.issues.append(
            Issue(
                source_file,
                "no header with two 决算数 columns",
                table_no,
                section[0].no if section else None,
                check_name="structure",
            )
        )
    _convert(rows, ["amount"], unit, source_file, table_no, read)
    read.frames["final_basic_expenditure"] = _typed_frame(
        "final_basic_expenditure", rows, ["amount"]
    )


def _read_three_public(
    section: list[Line], source_file: str, table_no: str, read: FinalAccountsRead
) -> None:
    """财政拨款“三公”经费支出决算表: one line of twelve figures under the 预算数/决算数 header;
    a department without 三公 spending prints the line empty."""
    unit = _units(section, read)
    header_seen: Line | None = None
    figures: Line | None = None
    for line in section:
        kind = _plain_kind(line)
        cells = [normalise_label(c) for c in line.cells]
        if kind == "blank" or kind is not None and kind != "title":
            read.kinds[line.no] = kind
            continue
        if cells.count("预算数") >= 6:
            header_seen = line
            read.kinds[line.no] = "header"
        elif (
            header_seen
            and figures is None
            and all(not c or re.fullmatch(r"[\d,.\-—]+", c) for c in cells)
        ):
            figures = line
            read.kinds[line.no] = "row"
        elif not header_seen:
            read.kinds[line.no] = "header"
        else:
            read.kinds[line.no] = "not_understood"
            read.issues.append(
                Issue(source_file, "line not understood", table_no, line.no, line.text)
            )
    if not header_seen:
        read.issues.append(
            Issue(
                source_file,
                "no 预算数/决算数 header row",
                table_no,
                section[0].no if section else None,
                check_name="structure",
            )
        )
        return
    cells = list(figures.cells) if figures is not None else []
    cells += [""] * (12 - len(cells))
    if figures is not None and len(figures.cells) > 12:
        read.issues.append(
            Issue(source_file, "more than twelve figures", table_no, figures.no, figures.text)
        )
    # Without figures the rows point at the 预算数/决算数 header the empty line sits under.
    source_line = (figures or header_seen).no
    rows: list[dict[str, object]] = [
        {
            "item": item,
            "approved": cells[2 * i] or None,
            "executed": cells[2 * i + 1] or None,
            "source_line": source_line,
        }
        for i, item in enumerate(THREE_PUBLIC_ITEMS)
    ]
    _convert(rows, ["approved", "executed"], unit, source_file, table_no, read)
    read.frames["final_three_public"] = _typed_frame(
        "final_three_public", rows, ["approved", "executed"]
    )


_READERS = {
    "F01": _read_summary,
    "F02": _read_revenue,
    "F03": _read_expenditure,
    "F04": _read_fiscal_summary,
    "F05": _read_general_budget,
    "F06": _read_basic,
    "F07": _read_three_public,
    "F08": _read_fund,
    "F09": _read_fund,
}
