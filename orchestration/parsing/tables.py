"""One reader per budget table: a section's lines to typed frames, line kinds and issues."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from .amounts import AMOUNT_DTYPE, convert_cells, describe_invalid, last_digit_wan
from .grid import (
    Column,
    Grid,
    assign_columns,
    column,
    header_paths,
    is_amount_like,
    looks_like_data,
    read_grid,
    row_records,
)
from .issues import Issue
from .layout import FINANCIAL_TABLES, Line, Section, is_note, unit_of
from .model import RAW_TABLES
from .performance import (
    PerformanceResult,
    read_overview_indicator,
    read_project_table,
    read_transfer_table,
)
from .templates import BEIJING, TableReader, TemplateProfile, leaf_codes
from .text import normalise_label
from .vocabulary import function_category_code, revenue_source, split_ordinal

Record = dict[str, str | int | None]


@dataclass(slots=True)
class SectionResult:
    table_no: str
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    kinds: dict[int, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    units: set[str] = field(default_factory=set)
    fiscal_year: int | None = None
    department_name: str | None = None
    # 万元 of the last digit its amounts print (None: no amounts).
    last_digit_wan: Decimal | None = None


@dataclass(slots=True)
class _Reader:
    """Shared state while one section is read."""

    file: str
    section: Section
    result: SectionResult
    unit: str | None = None
    project_spending: Decimal | None = None
    profile: TemplateProfile = BEIJING
    # The unit printed in the title's own cell (templates.Normalised.title_units), if any.
    title_unit: str | None = None
    # 万元 of the last digit the table prints (its finest), known once its amounts are read.
    last_digit_wan: Decimal | None = None
    _lines: dict[int, Line] = field(default_factory=dict)

    @property
    def table_no(self) -> str:
        return self.section.table_no

    def issue(self, message: str, line: Line | None = None, *, rejects: bool = True) -> None:
        self.result.issues.append(
            Issue(
                self.file,
                message,
                self.table_no,
                line.no if line else None,
                line.text if line else None,
                rejects=rejects,
            )
        )

    def not_understood(self, message: str, line: Line) -> None:
        """Report a line that could not be read; it becomes no row."""
        self.issue(message, line)
        self.result.kinds[line.no] = "not_understood"

    def line(self, number: object) -> Line:
        if not self._lines:
            self._lines = {line.no: line for line in self.section.lines}
        return self._lines[number]  # type: ignore[index]

    def content(self) -> list[Line]:
        """Lines that are not blank, unit or note lines; records the amount unit."""
        lines: list[Line] = []
        units: list[tuple[str, Line]] = []
        for line in self.section.lines:
            unit = unit_of(line)
            if line.blank:
                self.result.kinds[line.no] = "blank"
            elif unit:
                self.result.kinds[line.no] = "unit"
                units.append((unit, line))
            elif is_note(line):
                self.result.kinds[line.no] = "note"
            else:
                lines.append(line)
        distinct = {unit for unit, _ in units}
        if len(distinct) > 1 and self.table_no in FINANCIAL_TABLES:
            self.issue(
                f"the table states two amount units ({', '.join(sorted(distinct))})", units[1][1]
            )
        if units:
            self.unit = units[0][0]
            self.result.units.add(self.unit)
        elif self.title_unit is not None:
            self.unit = self.title_unit
            self.result.units.add(self.unit)
        return lines

    def grid(self, lines: list[Line], columns: list[Column] | Callable[..., list[Column]]) -> Grid:
        columns = self.profile.columns.get(self.table_no, columns)
        grid = read_grid(lines, columns, file=self.file, table_no=self.table_no)
        self.result.kinds.update(grid.kinds)
        self.result.issues.extend(grid.issues)
        return grid

    def rows(self, grid: Grid, lines: list[Line] | None = None) -> list[Record]:
        """Records of the grid's data rows (or the given lines), reporting cells that misfit."""
        records, issues = row_records(
            grid, grid.rows if lines is None else lines, file=self.file, table_no=self.table_no
        )
        self.result.issues.extend(issues)
        self.result.kinds.update(grid.kinds)
        return records

    def frame(self, table: str, records: list[Record], **constants: str) -> pl.DataFrame:
        """A typed frame of one raw table; rows with a cell that is not an amount are reported."""
        schema = RAW_TABLES[table]
        amount_columns = [name for name, dtype in schema.items() if dtype == AMOUNT_DTYPE]
        text_schema = {name: (pl.Int32 if name == "source_line" else pl.String) for name in schema}
        rows = [{**{name: record.get(name) for name in schema}, **constants} for record in records]
        if rows and amount_columns:
            if self.unit is None:
                first = records[0]["source_line"]
                self.issue(
                    "no amount unit line (金额单位：万元 or 元) before the amounts",
                    self.line(first),
                )
                return pl.DataFrame(schema=schema)
            printed = last_digit_wan(rows, amount_columns, self.unit)
            self.last_digit_wan = printed
            # A section of several raw tables (03: rows and totals) is as coarse as its
            # coarsest.
            self.result.last_digit_wan = max(printed, self.result.last_digit_wan or printed)
            bad = convert_cells(rows, amount_columns, self.unit)
            for row, column_key, text in bad:
                line = self.line(records[row]["source_line"])
                self.result.issues.append(
                    Issue(
                        self.file,
                        f"{column_key}: {describe_invalid(self.unit)}",
                        self.table_no,
                        line.no,
                        text,
                    )
                )
                self.result.kinds[line.no] = "not_understood"
            bad_rows = {row for row, _, _ in bad}
            rows = [row for index, row in enumerate(rows) if index not in bad_rows]
        if not rows:
            return pl.DataFrame(schema=schema)
        # Column by column: building from row dicts costs several times more (measured).
        frame = pl.DataFrame(
            {name: [row[name] for row in rows] for name in schema}, schema=text_schema
        )
        return frame.cast(schema)

    def items_only(self, frame: pl.DataFrame, code: str, name: str) -> pl.DataFrame:
        """The item rows of a table that prints every level of its codes (类, 款, 项): a parent
        row must equal the sum of its items, and is not kept, so nothing is counted twice.

        Where the profile rounds each figure on its own, the parent may differ from its items'
        sum by half the last printed digit per figure (the parent and each item); a difference
        within that allowance is reported as a warning with both figures, beyond it rejects."""
        if not self.profile.codes.prints_parents or frame.is_empty():
            return frame
        amounts = [column for column, dtype in frame.schema.items() if dtype == AMOUNT_DTYPE]
        leaves = leaf_codes(frame[code].to_list())
        rows = frame.to_dicts()
        self.result.frames["printed_codes"] = pl.DataFrame(
            [
                {
                    "table_no": self.table_no,
                    "classification": "function"
                    if code == "function_code"
                    else "department_economic",
                    "code": row[code],
                    "name": row[name],
                    "source_line": row["source_line"],
                    "source_page": None,
                }
                for row, leaf in zip(rows, leaves, strict=True)
                if not leaf and row[code]
            ],
            schema=RAW_TABLES["printed_codes"],
        )
        for row, leaf in zip(rows, leaves, strict=True):
            if leaf or not row[code]:
                continue
            items = [
                r
                for r, is_leaf in zip(rows, leaves, strict=True)
                if is_leaf and r[code].startswith(row[code])
            ]
            allowance = Decimal(0)
            if self.profile.rounded and self.last_digit_wan is not None:
                allowance = self.last_digit_wan / 2 * (len(items) + 1)
            for amount in amounts:
                printed = row[amount] or Decimal(0)
                summed = sum((r[amount] or Decimal(0) for r in items), Decimal(0))
                if printed == summed:
                    continue
                within = abs(printed - summed) <= allowance
                self.issue(
                    f"{amount} of {row[code]} {row[name]}: the row prints "
                    f"{printed:,} 万元 but its {len(items)} items add up to "
                    f"{summed:,} 万元, difference {printed - summed:,} 万元, "
                    f"{'within' if within else 'beyond'} the rounding allowance "
                    f"{allowance.normalize():,} 万元 ({self.profile.template}: "
                    f"{len(items) + 1} figures each rounded to "
                    f"{self.last_digit_wan.normalize() if self.last_digit_wan else 0} 万元)",
                    self.line(row["source_line"]),
                    rejects=not within,
                )
        return frame.filter(pl.Series(leaves))

    def totals(self, grid: Grid) -> pl.DataFrame:
        """The printed 合计 rows, one record per amount column."""
        records: list[Record] = []
        for record in self.rows(grid, grid.totals):
            for key in (c.key for c in grid.mapping.values() if c.kind == "amount"):
                records.append(
                    {
                        "column_key": key,
                        "amount": record.get(key),
                        "source_line": record["source_line"],
                    }
                )
        return self.frame("table_totals", records, table_no=self.table_no)


# --- 01 收支总表, 04 财政拨款收支总表 -----------------------------------------------------------

_SUMMARY_COLUMNS = [
    column("revenue_label", "name", "收入/项目", "收入/项目名称"),
    column("revenue_amount", "amount", "收入/预算数", "收入/金额", "收入/预算金额"),
    column("expenditure_label", "name", "支出/项目", "支出/项目名称"),
    column("expenditure_amount", "amount", "支出/预算数", "支出/金额", "支出/预算金额"),
]

# The funds a 财政拨款收入 line is broken down into.
_FUNDS = frozenset({"general_public_budget", "government_fund", "state_capital_operation"})

# The fixed lines of each side of a summary table, as Beijing and Shanghai print them and as
# Jiangsu does (当年收入小计, 上年结转资金, 收入合计; 当年支出小计, 结转下年资金, 支出合计);
# anything else is an item line.
_SUMMARY_LINES = {
    "revenue": (
        (r"^(本年收入合计|当年收入小计)$", "subtotal"),
        (r"^上年结转(和?结余)?(资金)?$", "carryover"),
        (r"^收入(总计|合计)$", "total"),
    ),
    "expenditure": (
        (r"^(本年支出合计|当年支出小计)$", "subtotal"),
        (r"^(年终结转(结余)?|结转下年(资金)?)$", "carryover"),
        (r"^支出(总计|合计)$", "total"),
    ),
}


def _summary_line_type(side: str, name: str, after: str | None) -> str | None:
    """The line type of a label, given the last fixed line above it (None: out of place)."""
    label = normalise_label(name)
    for pattern, line_type in _SUMMARY_LINES[side]:
        if re.match(pattern, label):
            return line_type
    if after is None:
        return "item"
    if side == "revenue" and after in ("carryover", "carryover_item"):
        return "carryover_item"  # 04 breaks 上年结转结余 down by fund beneath it
    return None


# "1. 一般公共预算资金": a fund line numbered beneath Shanghai's 一、财政拨款收入.
_FUND_LINE = re.compile(r"^(?P<ordinal>\d+)\s*[.．、]\s*")


def read_summary(reader: _Reader) -> None:
    """Both sides of a 收支总表: revenue lines by source, expenditure lines by category name.
    Lines numbered 1., 2., 3. beneath a 财政拨款收入 line break it down by fund (Shanghai):
    they are `fund_item` lines, not counted again in the revenue."""
    grid = reader.grid(reader.content(), _SUMMARY_COLUMNS)
    rows = reader.rows(grid)
    records: list[Record] = []
    for side in ("revenue", "expenditure"):
        after: str | None = None
        parent_source: str | None = None
        for record in rows:
            label, amount = record.get(f"{side}_label"), record.get(f"{side}_amount")
            line = reader.line(record["source_line"])
            if not label:
                if amount:
                    reader.not_understood(f"an amount on the {side} side without a label", line)
                continue
            fund_line = _FUND_LINE.match(str(label))
            if fund_line and side == "revenue" and parent_source == "fiscal_appropriation":
                ordinal, name = fund_line.group("ordinal"), str(label)[fund_line.end() :]
                source = revenue_source(name)
                if source not in _FUNDS:
                    reader.not_understood(f"unknown fund line «{name}» under 财政拨款收入", line)
                    continue
                records.append(
                    {
                        "side": side,
                        "line_type": "fund_item",
                        "ordinal": ordinal,
                        "label": name,
                        "amount": amount,
                        "source_line": line.no,
                        "revenue_source": source,
                    }
                )
                continue
            ordinal, name = split_ordinal(str(label))
            line_type = _summary_line_type(side, name, after)
            if line_type is None:
                reader.not_understood(
                    f"a {side} line after «{after}» that is not a known total", line
                )
                continue
            if line_type != "item":
                after = line_type
            entry: Record = {
                "side": side,
                "line_type": line_type,
                "ordinal": ordinal,
                "label": name,
                "amount": amount,
                "source_line": line.no,
            }
            if side == "revenue" and line_type in ("item", "carryover_item"):
                entry["revenue_source"] = revenue_source(name)
                if entry["revenue_source"] is None:
                    reader.not_understood(f"unknown revenue line «{name}»", line)
                    continue
            if side == "revenue":
                parent_source = str(entry.get("revenue_source"))
            if side == "expenditure" and line_type == "item":
                entry["function_code"] = function_category_code(name)
                if entry["function_code"] is None:
                    message = f"unknown function category «{name}» (not in ref_function_categories)"
                    if amount:
                        # With an amount it cannot be placed, so it cannot be reconciled.
                        reader.not_understood(message, line)
                        continue
                    reader.issue(message, line, rejects=False)
            records.append(entry)
    reader.result.frames["budget_summary"] = reader.frame(
        "budget_summary", records, table_no=reader.table_no
    )


# --- 02 收入总表 -----------------------------------------------------------------------------

_FUND_GROUPS = ((r"^合计$", "total"), (r"^本年收入", "current_year"), (r"^上年结转", "carryover"))


def _revenue_columns(paths: list[tuple[str, ...]]) -> list[Column]:
    """One amount column per header path: its fund group and revenue source."""
    columns: list[Column] = []
    for path in paths:
        if not path:
            continue
        group = next((g for pattern, g in _FUND_GROUPS if re.match(pattern, path[0])), None)
        if group == "total" and len(path) == 1:
            columns.append(Column("total__total", "amount", (path,)))
        elif group and len(path) > 1 and (source := revenue_source(path[-1])):
            columns.append(Column(f"{group}__{source}", "amount", (path,)))
    return columns


def read_revenue(reader: _Reader) -> None:
    """One record per printed amount column. A 收入总表 printed by function code (Shanghai)
    gives its 合计 row: the revenue by source; its rows by code are the 支出总表's codes split
    by source, which no mart holds, and are counted as `not_read`."""
    grid = reader.grid(reader.content(), _revenue_columns)
    labels = {c.key: c.paths[0][-1] for c in grid.mapping.values() if c.kind == "amount"}
    by_code = any(c.kind == "code" for c in grid.mapping.values())
    if by_code and grid.rows and not grid.totals:
        reader.issue("the 收入总表 by function code prints no 合计 row", grid.rows[-1])
    printed = reader.rows(grid, grid.totals if by_code else None)
    if by_code:
        reader.result.kinds.update({line.no: "not_read" for line in grid.rows})
    records: list[Record] = []
    for record in printed:
        for key, label in labels.items():
            fund_group, source = key.split("__")
            records.append(
                {
                    "fund_group": fund_group,
                    "revenue_source": source,
                    "label": label,
                    "amount": record.get(key),
                    "source_line": record["source_line"],
                }
            )
    reader.result.frames["revenue"] = reader.frame("revenue", records)


# --- Jiangsu: 01 and 04 as label pairs, 02 as a list -----------------------------------------

# A line of only these words is the header of a side-by-side summary table.
_PAIR_HEADER_WORDS = frozenset(
    {"收入", "支出", "项目", "项目名称", "金额", "功能分类", "功能科目名称", "支出用途"}
)

# 支出用途: what the spending is for, printed beside its function categories (line_type
# `purpose`). Each column adds up to the same 当年支出小计.
_PURPOSES = frozenset({"基本支出", "项目支出", "单位预留机动经费"})


def _pair_entry(label: str) -> Record | None:
    """Which side and line of a side-by-side summary table a label is (None: not known)."""
    fund_line = _FUND_LINE.match(label)
    if fund_line:
        ordinal, printed = fund_line.group("ordinal"), label[fund_line.end() :]
    else:
        ordinal, printed = split_ordinal(label)
    name = normalise_label(printed)
    entry: Record = {"ordinal": ordinal, "label": name}
    for side, fixed_lines in _SUMMARY_LINES.items():
        for pattern, line_type in fixed_lines:
            if re.match(pattern, name):
                return {**entry, "side": side, "line_type": line_type}
    if fund_line:
        source = revenue_source(name)
        if source not in _FUNDS:
            return None
        return {**entry, "side": "revenue", "line_type": "fund_item", "revenue_source": source}
    if name in _PURPOSES:
        return {**entry, "side": "expenditure", "line_type": "purpose"}
    if ordinal is None:
        return None
    if code := function_category_code(name):
        return {**entry, "side": "expenditure", "line_type": "item", "function_code": code}
    if source := revenue_source(name):
        return {**entry, "side": "revenue", "line_type": "item", "revenue_source": source}
    return None


def _label_pairs(line: Line) -> list[list[str | None]] | str:
    """The line's [label, amount] pairs in order, an amount belonging to the label before it
    (blank cells between them are the label's merged cells), or why the line cannot be read."""
    pairs: list[list[str | None]] = []
    for cell in line.cells:
        if not cell.strip():
            continue
        if not is_amount_like(cell):
            pairs.append([cell.strip(), None])
        elif not pairs or pairs[-1][1] is not None:
            return f"the amount {cell} follows no label of its own"
        else:
            pairs[-1][1] = cell
    return pairs


def read_label_pairs(reader: _Reader) -> None:
    """A summary table printed as «label | amount» pairs side by side (Jiangsu's 收支预算总表:
    收入, 功能分类 and 支出用途; its 财政拨款收支预算总表: 收入 and 支出用途). The pairs' columns
    move from page to page (a page continued without its header is extracted on its own
    grid), so a figure is placed by its label, not by its column: every label names its side
    and line, and its amount is the next filled cell. An amount with no label of its own
    before it, or a label no rule knows, is reported, never attached to a neighbour.

    A label cut by a page break («八、社会保障和就» | «业支出», «当 年 收 入» | «小计») is one
    label when the next line prints its end alone."""
    kinds = reader.result.kinds
    lines: list[tuple[Line, list[list[str | None]]]] = []
    for line in reader.content():
        pairs = _label_pairs(line)
        if isinstance(pairs, str):
            reader.not_understood(pairs, line)
        elif not pairs:
            kinds[line.no] = "blank"
        elif (
            all(amount is None for _, amount in pairs)
            and {normalise_label(str(label)) for label, _ in pairs} <= _PAIR_HEADER_WORDS
        ):
            kinds[line.no] = "header"
        else:
            lines.append((line, pairs))
    records: list[Record] = []
    continued: set[int] = set()
    for index, (line, pairs) in enumerate(lines):
        if line.no in continued:
            continue
        understood = True
        following = lines[index + 1] if index + 1 < len(lines) else None
        for label, amount in pairs:
            entry = _pair_entry(str(label))
            if entry is None and following is not None and len(following[1]) == 1:
                ((end, end_amount),) = following[1]
                entry = _pair_entry(str(label) + str(end)) if end_amount is None else None
                if entry is not None:
                    continued.add(following[0].no)
                    kinds[following[0].no] = "row"
            if entry is None:
                reader.not_understood(f"«{label}» is no line this table prints", line)
                understood = False
                continue
            records.append({**entry, "amount": amount, "source_line": line.no})
        if understood:
            kinds[line.no] = "row"
    if not records:
        reader.issue("no line of the table could be read")
    reader.result.frames["budget_summary"] = reader.frame(
        "budget_summary", records, table_no=reader.table_no
    )


# «其中：动用上年结转和结余资金»: a part of the line above, not a source of its own.
_OF_WHICH = re.compile(r"^其中[:：]")


def read_revenue_list(reader: _Reader) -> None:
    """A 收入预算总表 printed as a list (Jiangsu): 收入总计, then each group of sources on its
    own 小计 line (一般公共预算资金, 政府性基金, 财政专户管理资金, 其他资金, 上年结转和结余资金)
    with its parts on the lines beneath it, the group's name left blank. Groups are this
    year's sources and the carry-over; a part is stored with `part_of` its group, so the
    groups add up to 收入总计 and each group's parts to its 小计."""
    kinds = reader.result.kinds
    records: list[Record] = []
    group: str | None = None
    for line in reader.content():
        names = [normalise_label(cell) for cell in line.filled if not is_amount_like(cell)]
        amounts = [cell for cell in line.filled if is_amount_like(cell)]
        if not line.filled:
            kinds[line.no] = "blank"
            continue
        if not amounts and set(names) <= _PAIR_HEADER_WORDS:
            kinds[line.no] = "header"
            continue
        if len(amounts) > 1 or (amounts and line.filled[-1] != amounts[0]):
            reader.not_understood("a line of this list prints one amount, in its last cell", line)
            continue
        label = next(cell.strip() for cell in line.filled if not is_amount_like(cell))
        record: Record = {
            "label": label,
            "amount": amounts[0] if amounts else None,
            "source_line": line.no,
        }
        first_cell_blank = not line.cells[0].strip()
        if names in (["收入总计"], ["收入合计"]):
            record.update(fund_group="total", revenue_source="total")
            group = None
        elif len(names) == 2 and names[1] == "小计" and not first_cell_blank:
            if re.match(r"^上年结转", names[0]):
                # The carry-over prints no parts of its own, only 其中 lines.
                record.update(fund_group="carryover", revenue_source="subtotal")
                group = None
            elif source := revenue_source(names[0]):
                record.update(fund_group="current_year", revenue_source=source)
                group = source
            else:
                reader.not_understood(f"unknown group of sources «{label}»", line)
                group = None
                continue
        elif len(names) == 1 and first_cell_blank and _OF_WHICH.match(names[0]):
            kinds[line.no] = "not_read"
            if amounts:
                # Blank in all nine real documents: a figure here is said, not dropped quietly.
                reader.issue(
                    f"«{label}» {amounts[0]}: a part of the line above, not read",
                    line,
                    rejects=False,
                )
            continue
        elif len(names) == 1 and first_cell_blank:
            source = revenue_source(names[0])
            if group is None or source is None:
                reader.not_understood(
                    f"«{label}» is not a known source beneath a group's 小计", line
                )
                continue
            record.update(fund_group="current_year", revenue_source=source, part_of=group)
        else:
            reader.not_understood("neither 收入总计, a group's 小计 nor a part beneath one", line)
            continue
        kinds[line.no] = "total" if record["revenue_source"] == "total" else "row"
        records.append(record)
    if not records:
        reader.issue("no line of the table could be read")
    reader.result.frames["revenue"] = reader.frame("revenue", records)


# --- 03 支出总表 -----------------------------------------------------------------------------

_EXPENDITURE_COLUMNS = [
    column("function", "code_name", "支出功能分类科目", "功能分类科目"),
    column("gov_econ", "code_name", "政府支出经济分类科目", "政府预算支出经济分类科目"),
    column("dept_econ", "code_name", "部门支出经济分类科目", "部门预算支出经济分类科目"),
    column("total", "amount", "合计"),
    column("basic", "amount", "基本支出"),
    column("project", "amount", "项目支出"),
    column("business_operation", "amount", "事业单位经营支出", required=False),
    column("remit_to_superior", "amount", "上缴上级支出", required=False),
    column("subsidy_to_subordinate", "amount", "对附属单位补助支出", required=False),
]


def read_printed_totals(reader: _Reader) -> None:
    """A table that prints its 合计 row alone (Jiangsu's 支出预算总表: 合计, 基本支出, 项目支出,
    单位预留机动经费, 结转下年资金 of the whole department, no row per code): its figures are
    the table's totals, and no fact row is made of them."""
    grid = reader.grid(reader.content(), [])
    records: list[Record] = []
    for record in reader.rows(grid, grid.rows + grid.totals):
        for key in (c.key for c in grid.mapping.values() if c.kind == "amount"):
            records.append(
                {"column_key": key, "amount": record.get(key), "source_line": record["source_line"]}
            )
    if len(grid.rows) + len(grid.totals) > 1:
        reader.issue(
            f"the table prints its totals only, on one line, but {len(grid.rows)} lines follow "
            "its header",
            grid.rows[1] if len(grid.rows) > 1 else grid.totals[0],
        )
    reader.result.frames["table_totals"] = reader.frame(
        "table_totals", records, table_no=reader.table_no
    )


def read_expenditure(reader: _Reader) -> None:
    grid = reader.grid(reader.content(), _EXPENDITURE_COLUMNS)
    records = reader.rows(grid)
    reader.result.frames["expenditure"] = reader.items_only(
        reader.frame("expenditure", records), "function_code", "function_name"
    )
    reader.result.frames["table_totals"] = reader.totals(grid)


# --- 05 一般公共预算支出表, 07 政府性基金, 08 国有资本经营 -----------------------------------

_GENERAL_BUDGET_COLUMNS = [
    column("function_code", "code", "科目编码"),
    column("function_name", "name", "科目名称"),
    column("total", "amount", "合计"),
    column("basic", "amount", "基本支出/小计", "基本支出/合计", "基本支出"),
    column("personnel", "amount", "人员经费"),
    column("public_use", "amount", "公用经费"),
    column(
        "project", "amount", "项目支出/项目支出总数", "项目支出/小计", "项目支出/合计", "项目支出"
    ),
    column("project_excl_capital", "amount", "~扣除基建", required=False),
]

_FUND_COLUMNS = [
    column("function_code", "code", "科目编码"),
    column("function_name", "name", "科目名称"),
    column("total", "amount", "合计"),
    column("basic", "amount", "基本支出"),
    column("project", "amount", "项目支出"),
]


def read_general_budget(reader: _Reader) -> None:
    grid = reader.grid(reader.content(), _GENERAL_BUDGET_COLUMNS)
    records = reader.rows(grid)
    reader.result.frames["general_budget_expenditure"] = reader.items_only(
        reader.frame("general_budget_expenditure", records), "function_code", "function_name"
    )
    reader.result.frames["table_totals"] = reader.totals(grid)


def read_fund(reader: _Reader) -> None:
    grid = reader.grid(reader.content(), _FUND_COLUMNS)
    records = reader.rows(grid)
    reader.result.frames["fund_expenditure"] = reader.frame(
        "fund_expenditure", records, table_no=reader.table_no
    )
    reader.result.frames["table_totals"] = reader.totals(grid)


# --- 06 一般公共预算基本支出表 ------------------------------------------------------------------

_BASIC_COLUMNS = [
    column("gov_econ", "code_name", "政府支出经济分类科目", "政府预算支出经济分类科目"),
    column("dept_econ", "code_name", "部门支出经济分类科目", "部门预算支出经济分类科目"),
    column("total", "amount", "合计"),
    column("personnel", "amount", "人员经费"),
    column("public_use", "amount", "公用经费"),
]


def read_basic(reader: _Reader) -> None:
    grid = reader.grid(reader.content(), _BASIC_COLUMNS)
    records = reader.rows(grid)
    reader.result.frames["basic_expenditure"] = reader.items_only(
        reader.frame("basic_expenditure", records), "dept_econ_code", "dept_econ_name"
    )
    reader.result.frames["table_totals"] = reader.totals(grid)


# --- 09 三公经费 ------------------------------------------------------------------------------

_THREE_PUBLIC_COLUMNS = [
    column("total", "amount", "~三公"),
    column("outbound_travel", "amount", "~因公出国"),
    column("reception", "amount", "公务接待费"),
    column(
        "vehicles_total",
        "amount",
        "公务用车购置及运行维护费/小计",
        "公务用车购置及运行维护费/合计",
        "公务用车购置及运行维护费",
    ),
    column("vehicle_purchase", "amount", "公务用车购置费"),
    column("vehicle_operation", "amount", "公务用车运行维护费"),
]


def read_three_public(reader: _Reader) -> None:
    grid = reader.grid(reader.content(), _THREE_PUBLIC_COLUMNS)
    records = reader.rows(grid)
    reader.result.frames["three_public"] = reader.frame("three_public", records)


# --- 10 政府采购, 11 政府购买服务 ---------------------------------------------------------------

_PROCUREMENT_COLUMNS = [
    column("category", "code_name", "采购类别", "采购品目", "采购项目"),
    column("amount", "amount", "金额", "预算金额", "采购预算金额"),
]

_PURCHASED_SERVICE_COLUMNS = [
    column("level1", "code_name", "一级", "一级目录"),
    column("level2", "code_name", "二级", "二级目录"),
    column("service", "opt_code_name", "三级", "三级目录"),
    column("amount", "amount", "预算金额", "金额"),
]


def read_procurement(reader: _Reader) -> None:
    grid = reader.grid(reader.content(), _PROCUREMENT_COLUMNS)
    records = reader.rows(grid)
    reader.result.frames["procurement"] = reader.frame("procurement", records)
    reader.result.frames["table_totals"] = reader.totals(grid)


def read_purchased_services(reader: _Reader) -> None:
    grid = reader.grid(reader.content(), _PURCHASED_SERVICE_COLUMNS)
    records = reader.rows(grid)
    reader.result.frames["purchased_services"] = reader.frame("purchased_services", records)
    reader.result.frames["table_totals"] = reader.totals(grid)


# --- 13 部门整体支出绩效目标表 -----------------------------------------------------------------

_YEAR = re.compile(r"[(（]\s*(\d{4})\s*年度?\s*[)）]")
_UNIT_IN_LABEL = re.compile(r"[(（](万元|元)[)）]")
_FUNDING_COLUMNS = [
    column("label", "ignore", "~总体资金", required=False),
    column("total_expenditure", "amount", "预算支出总额"),
    column("fiscal_total", "amount", "财政拨款/合计"),
    column("fiscal_basic", "amount", "财政拨款/基本支出"),
    column("fiscal_project", "amount", "财政拨款/项目支出"),
    column("other_total", "amount", "其他资金/合计"),
    column("other_basic", "amount", "其他资金/基本支出"),
    column("other_project", "amount", "其他资金/项目支出"),
]
_GOAL_LABELS = frozenset({"整体绩效目标", "总体绩效目标", "年度总体目标", "年度绩效目标"})


def read_performance_overview(reader: _Reader) -> None:
    """Year, department, the funding block, the overall goal and the activity indicators."""
    kinds = reader.result.kinds
    overview: Record = {}
    funding_header: list[Line] = []
    indicators: list[Record] = []
    state = "form"
    activity: str | None = None
    for line in reader.content():
        labels = [normalise_label(cell) for cell in line.filled]
        year = _YEAR.fullmatch(labels[0]) if len(labels) == 1 else None
        if year:
            reader.result.fiscal_year = int(year.group(1))
            kinds[line.no] = "title"
        elif labels[0].startswith("部门名称"):
            name = labels[0].removeprefix("部门名称").lstrip(":：") or (
                line.filled[1] if len(line.filled) > 1 else ""
            )
            reader.result.department_name = name.strip() or None
            kinds[line.no] = "row"
        elif any("预算支出总额" in label for label in labels) or (
            state == "funding" and not looks_like_data(line)
        ):
            funding_header.append(line)
            kinds[line.no] = "header"
            state = "funding"
        elif state == "funding":
            unit = next(
                (
                    m.group(1)
                    for cell in funding_header[0].filled
                    if (m := _UNIT_IN_LABEL.search(cell))
                ),
                None,
            )
            if unit is None:
                reader.issue(
                    "the funding block does not state its unit (万元 or 元)", funding_header[0]
                )
            else:
                reader.unit = unit
                reader.result.units.add(unit)
            paths = header_paths(funding_header)
            mapping, _, missing = assign_columns(paths, _FUNDING_COLUMNS)
            for missing_column in missing:
                reader.issue(f"funding column {missing_column.key} not found", funding_header[0])
            overview.update(
                {
                    c.key: (line.cells[i] if i < len(line.cells) else None) or None
                    for i, c in mapping.items()
                    if c.kind == "amount"
                }
            )
            overview["source_line"] = line.no
            kinds[line.no] = "row"
            state = "form"
        elif labels[0] in _GOAL_LABELS:
            overview["overall_goal"] = max(line.filled[1:], key=len, default=None)
            kinds[line.no] = "row"
        elif labels[0] == "其他说明":
            kinds[line.no] = "row"
        elif "活动" in labels and any(label.startswith("绩效指标") for label in labels):
            kinds[line.no] = "header"
            state = "indicators"
        elif state == "indicators":
            record, activity = read_overview_indicator(list(line.filled), activity, line)
            if record is None:
                reader.not_understood("an indicator row whose cells cannot be placed", line)
                continue
            indicators.append(record)
            kinds[line.no] = "row"
        else:
            reader.issue("a line of table 13 that is not understood", line)
            kinds[line.no] = "not_understood"
    if reader.result.fiscal_year is None:
        reader.issue("the budget year, printed as «(2026年度)», was not found")
    if not reader.result.department_name:
        reader.issue("the department, printed after «部门名称», was not found")
    if "total_expenditure" not in overview:
        reader.issue("the funding block (预算支出总额, 财政拨款, 其他资金) was not found")
    reader.result.frames["performance_overview"] = reader.frame(
        "performance_overview", [overview] if "source_line" in overview else []
    )
    reader.result.frames["performance_indicators"] = PerformanceResult(
        indicators=indicators
    ).frames()["performance_indicators"]


# --- 12, 14: projects, transfer payments and their indicators -------------------------------


def read_performance(reader: _Reader) -> None:
    if reader.table_no == "12":
        performance = read_project_table(reader.section, reader.file, reader.project_spending)
    else:
        performance = read_transfer_table(reader.section, reader.file)
    reader.result.kinds.update(performance.kinds)
    reader.result.issues.extend(performance.issues)
    reader.result.frames.update(performance.frames())


# --- 10 by 采购品目大类 (Jiangsu) --------------------------------------------------------------

# «一、货物A», «三、服务C»: the category's name and its letter, as Beijing prints «A-货物».
_PROCUREMENT_CATEGORY = re.compile(r"^[一二三四五六七八九十]+、(?P<name>\D+?)(?P<code>[A-Z])$")


def read_procurement_categories(reader: _Reader) -> None:
    """A 政府采购预算表 by 采购品目大类: each category's line («一、货物A … 84.00») is a row of
    the national table (category and amount, its last cell); the 专项, 经济科目 and 采购物品 lines
    beneath it break the category down further than the national table does and are counted
    as not read. The 合计 line is the table's total."""
    kinds = reader.result.kinds
    records: list[Record] = []
    totals: list[Record] = []
    header = False
    for line in reader.content():
        labels = [normalise_label(cell) for cell in line.filled]
        if "采购品目大类" in labels:
            kinds[line.no] = "header"
            header = True
            continue
        category = _PROCUREMENT_CATEGORY.match(labels[0])
        if not (category or labels[0] == "合计"):
            kinds[line.no] = "not_read"
            continue
        if not header:
            reader.not_understood("a line before the header (采购品目大类 … 总计)", line)
            continue
        amount = (
            line.filled[-1] if len(line.filled) > 1 and is_amount_like(line.filled[-1]) else None
        )
        if amount is None:
            reader.not_understood(f"«{line.filled[0]}» prints no amount in its last cell", line)
            continue
        if category:
            kinds[line.no] = "row"
            records.append(
                {
                    "category_code": category.group("code"),
                    "category_name": category.group("name"),
                    "amount": amount,
                    "source_line": line.no,
                }
            )
        else:
            kinds[line.no] = "total"
            totals.append({"column_key": "amount", "amount": amount, "source_line": line.no})
    if not header:
        reader.issue("no column header (采购品目大类 … 总计)")
    reader.result.frames["procurement"] = reader.frame("procurement", records)
    reader.result.frames["table_totals"] = reader.frame(
        "table_totals", totals, table_no=reader.table_no
    )


# --- 15 财政拨款支出表, 17 机关运行经费支出表 (Jiangsu) -------------------------------------------


def read_appropriation(reader: _Reader) -> None:
    """财政拨款 by function code: one 金额 per code, items only (the profile's column rules; no
    national layout: Beijing prints no such table)."""
    grid = reader.grid(reader.content(), [])
    reader.result.frames["appropriation_expenditure"] = reader.items_only(
        reader.frame("appropriation_expenditure", reader.rows(grid)),
        "function_code",
        "function_name",
    )
    reader.result.frames["table_totals"] = reader.totals(grid)


def read_agency_operation(reader: _Reader) -> None:
    """一般公共预算机关运行经费 by economic code, items only (as read_appropriation)."""
    grid = reader.grid(reader.content(), [])
    reader.result.frames["agency_operation"] = reader.items_only(
        reader.frame("agency_operation", reader.rows(grid)), "dept_econ_code", "dept_econ_name"
    )
    reader.result.frames["table_totals"] = reader.totals(grid)


TEMPLATE_READERS: dict[TableReader, Callable[[_Reader], None]] = {
    TableReader.PRINTED_TOTALS: read_printed_totals,
    TableReader.PROCUREMENT_CATEGORIES: read_procurement_categories,
    TableReader.LABEL_PAIRS: read_label_pairs,
    TableReader.REVENUE_LIST: read_revenue_list,
}

READERS: dict[str, Callable[[_Reader], None]] = {
    "01": read_summary,
    "02": read_revenue,
    "03": read_expenditure,
    "04": read_summary,
    "05": read_general_budget,
    "06": read_basic,
    "07": read_fund,
    "08": read_fund,
    "09": read_three_public,
    "10": read_procurement,
    "11": read_purchased_services,
    "12": read_performance,
    "13": read_performance_overview,
    "14": read_performance,
    "15": read_appropriation,
    "17": read_agency_operation,
}


def read_section(
    section: Section,
    file: str,
    project_spending: Decimal | None = None,
    profile: TemplateProfile = BEIJING,
    title_unit: str | None = None,
) -> SectionResult:
    """Read one table section into frames; every line of it gets a kind. `project_spending`
    is 03's 项目支出, which bounds the figures of 12; `profile` the template it is printed in;
    `title_unit` the unit its title's cell printed, if it did."""
    reader = _Reader(
        file,
        section,
        SectionResult(section.table_no),
        project_spending=project_spending,
        profile=profile,
        title_unit=title_unit,
    )
    printed = profile.table(section.table_no)
    if printed is not None and printed.reader is not None:
        TEMPLATE_READERS[printed.reader](reader)
    else:
        READERS[section.table_no](reader)
    return reader.result
