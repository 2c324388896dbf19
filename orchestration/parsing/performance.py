"""The performance-target tables: 12 项目支出绩效目标表, 13 部门整体支出绩效目标表 and
14 转移支付绩效目标表.

These are the worst-extracted part of a document: cells wrapped or cut off, rows shifted by
leading tabs, project headers missing, amounts in 元 on one page and 万元 on the next, broken
numbers. The reader places each indicator by its own words (its 一级指标 and its operator), not
by column, keeps every printed text, and flags what it had to infer. A line it cannot place is
reported; in 12 and 14 that does not reject the document.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

import polars as pl

from .issues import Issue
from .layout import Line, Section, is_note, unit_of
from .model import RAW_TABLES
from .text import canonical_name, normalise_label

LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
OPERATORS = frozenset(
    {"≥", "≤", "=", ">", "<", "＞", "＜", "≧", "≦", "＝", "-", "—", "－", "定性", "~", "～"}
)
_PROJECT = re.compile(r"^(?P<code>[0-9A-Za-z]{15,24})\s*[-－—]\s*(?P<name>\S.*)$")
_AMOUNT_LIKE = re.compile(r"^[\d,，.．]+$")
_NUMBER = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_GROUPED_INTEGER = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_TARGET = re.compile(r"^(?P<op>[≥≤><=＞＜≧≦＝]?)\s*(?P<number>[\d,.]+)\s*(?P<unit>\D*)$")
_UNIT_IN_LABEL = re.compile(r"[(（](万元|元)[)）]")
# The usual length of a 项目代码; other lengths are flagged, not refused.
PROJECT_CODE_LENGTH = 21
WAN_DECIMALS = 6
# What the columns hold: amounts DECIMAL(18,6), targets DECIMAL(20,6). A figure beyond them is
# a broken one, kept as text.
WAN_INTEGER_DIGITS = 12
TARGET_INTEGER_DIGITS = 14


@dataclass(slots=True)
class PerformanceResult:
    projects: list[dict[str, object]] = field(default_factory=list)
    indicators: list[dict[str, object]] = field(default_factory=list)
    kinds: dict[int, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    def frames(self) -> dict[str, pl.DataFrame]:
        return {
            "projects": _frame("projects", self.projects),
            "performance_indicators": _frame("performance_indicators", self.indicators),
        }


def _frame(table: str, records: list[dict[str, object]]) -> pl.DataFrame:
    schema = RAW_TABLES[table]
    return pl.DataFrame(
        {name: [record.get(name) for record in records] for name in schema}, schema=schema
    )


def _flags(*names: str | None) -> str | None:
    present = [name for name in names if name]
    return ",".join(present) if present else None


def _half_width(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


# --- numbers ------------------------------------------------------------------------------


def read_target(text: str | None) -> tuple[Decimal | None, str | None]:
    """A target value as a number where it is one; (None, "malformed_number") for a number the
    extractor broke ("183,545259"); (None, None) for a qualitative target (优, 高)."""
    if not text:
        return None, None
    cleaned = _half_width(text).strip()
    if _NUMBER.match(cleaned):
        value = Decimal(cleaned.replace(",", ""))
        if not _fits(value, TARGET_INTEGER_DIGITS):
            return None, "malformed_number"
        return value, None
    if _AMOUNT_LIKE.match(cleaned) and any(ch.isdigit() for ch in cleaned):
        return None, "malformed_number"
    return None, None


def read_project_amount(
    text: str | None, page_unit: str | None
) -> tuple[Decimal | None, str | None]:
    """A project amount in 万元 and the flag saying what had to be inferred, if anything.

    On a page with a unit line the amount is read in that unit. The first page of a table often
    has none; its amounts print in 万元 with six decimals, and a grouped integer there
    ("33,545,259") is that amount with its decimal point extracted as a comma (33.545259):
    read as 元 instead, the seed's projects would add up to more than its whole 项目支出.
    """
    if not text:
        return None, None
    cleaned = _half_width(text).strip()
    if not _NUMBER.match(cleaned):
        return None, "malformed_number"
    plain = cleaned.replace(",", "")
    value: Decimal
    flag: str | None = None
    if page_unit is None and _GROUPED_INTEGER.match(cleaned):
        value, flag = Decimal(plain).scaleb(-WAN_DECIMALS), "decimal_point_misread"
    elif page_unit == "元":
        if len(plain.partition(".")[2]) > 2:
            return None, "malformed_number"
        value = Decimal(plain).scaleb(-4)
    elif len(plain.partition(".")[2]) > WAN_DECIMALS:
        return None, "malformed_number"
    else:
        value, flag = Decimal(plain), None if page_unit else "unit_assumed_wan"
    if not _fits(value, WAN_INTEGER_DIGITS):
        return None, "malformed_number"
    return value, flag


def _fits(value: Decimal, integer_digits: int) -> bool:
    """Whether a value fits its column (at most 6 decimals) without rounding."""
    exponent = value.as_tuple().exponent
    return (
        isinstance(exponent, int)
        and exponent >= -WAN_DECIMALS
        and abs(value) < Decimal(10) ** integer_digits
    )


# --- indicators ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Indicator:
    level1: str
    level2: str | None
    level3: str | None
    operator: str | None
    target_text: str | None
    unit: str | None
    flags: tuple[str, ...]


def read_indicator(cells: list[str]) -> Indicator:
    """An indicator from its cells, starting at its 一级指标: the operator anchors the rest."""
    level1, rest = cells[0], cells[1:]
    position = next((i for i, cell in enumerate(rest) if cell in OPERATORS), None)
    flags: list[str] = []
    if position is None:
        labels, tail = rest, []
        flags.append("incomplete")
    else:
        labels, tail = rest[:position], rest[position:]
    level2 = level3 = None
    if len(labels) >= 2:
        level2, level3 = labels[0], "".join(labels[1:])
        if len(labels) > 2:
            flags.append("wrapped_label")
    elif labels and labels[0].endswith("指标"):
        level2 = labels[0]
        flags.append("level3_missing")
    elif labels:
        level3 = labels[0]
        flags.append("level2_missing")
    operator = tail[0] if tail else None
    target = tail[1] if len(tail) > 1 else None
    unit = tail[2] if len(tail) > 2 else None
    if len(tail) > 3:
        flags.append("extra_cells")
    return Indicator(
        level1, level2, level3 and canonical_name(level3), operator, target, unit, tuple(flags)
    )


def split_levels(text: str) -> tuple[str | None, str | None, str]:
    """13 prints 一级/二级/三级 run together ("产出指标质量指标高技能人才占比…")."""
    level1 = next((word for word in LEVEL1 if text.startswith(word)), None)
    if level1 is None:
        return None, None, text
    rest = text[len(level1) :]
    end = rest.find("指标")
    if 0 < end <= 12:
        return level1, rest[: end + 2], rest[end + 2 :]
    return level1, None, rest


def _indicator_record(
    table_no: str, indicator: Indicator, line: Line, **context: object
) -> dict[str, object]:
    value, number_flag = read_target(indicator.target_text)
    if (
        indicator.operator in ("≥", "≤", "=", ">", "<", "＞", "＜", "≧", "≦", "＝")
        and value is None
        and number_flag is None
    ):
        number_flag = "target_not_numeric"
    return {
        "table_no": table_no,
        "level1": indicator.level1,
        "level2": indicator.level2,
        "level3": indicator.level3,
        "operator": indicator.operator,
        "target_text": indicator.target_text,
        "target_value": value,
        "unit": indicator.unit,
        "source_line": line.no,
        "flags": _flags(*indicator.flags, number_flag, context.pop("flag", None)),
        **context,
    }


# --- 12 项目支出绩效目标表 --------------------------------------------------------------------

# A project code printed without its name: 15 to 24 letters and digits, more digits than any
# amount has, so it is never read as one.
_CODE_ONLY = re.compile(r"^[0-9A-Za-z]{15,24}$")
# A thousands point printed as a decimal point: "13.843441518" for 13,843.441518.
_THOUSANDS_POINT = re.compile(r"^(?P<thousands>\d{1,3})\.(?P<units>\d{3})(?P<decimals>\d{1,6})$")
TOTAL_COST = "项目总成本"


class Attachment(StrEnum):
    """How an indicator of 12 came to its project; every indicator carries one in its flags."""

    # Its block's 项目总成本, or its block's 成本指标 in 万元 added up, equal this project's total.
    TOTAL_COST = "attached_by_total_cost"
    # Its block spans the project's cell (the line printing the project's code and money).
    PROJECT_CELL = "attached_by_project_cell"
    # Neither decides: it stays under the project printed above it.
    UNCERTAIN = "attachment_uncertain"


def _may_be_header(text: str) -> bool:
    """A cheap first look: a header row prints 项目名称 or 财政资金, however spaced."""
    return "称" in text or "资" in text


def _is_project_header_row(labels: list[str]) -> bool:
    return ("项目名称" in labels and any(label.startswith("一级指标") for label in labels)) or (
        "财政资金" in labels and "其他资金" in labels
    )


def read_project_table(
    section: Section, file: str, project_spending: Decimal | None = None
) -> PerformanceResult:
    """Table 12: projects and their indicators.

    `project_spending` is 03's 项目支出 (合计 row), the most any single figure of 12 can be.
    """
    result = PerformanceResult()
    page_unit: str | None = None
    project: dict[str, object] | None = None
    project_cells: dict[int, dict[str, object]] = {}
    for line in section.lines:
        unit = unit_of(line)
        if line.blank:
            result.kinds[line.no] = "blank"
            continue
        if unit:
            page_unit = unit
            result.kinds[line.no] = "unit"
            continue
        if _may_be_header(line.text) and _is_project_header_row(
            [normalise_label(cell) for cell in line.filled]
        ):
            result.kinds[line.no] = "header"
            continue
        if is_note(line):
            result.kinds[line.no] = "note"
            continue
        # Cells keep their columns up to the first 一级指标: an empty 财政资金 stays empty.
        start = next((i for i, cell in enumerate(line.cells) if cell in LEVEL1), len(line.cells))
        header_cells = list(line.cells[:start])
        indicator_cells = [cell for cell in line.cells[start:] if cell]
        if any(header_cells):
            header = _read_project_header(header_cells, page_unit, line)
            if header is None:
                result.issues.append(
                    Issue(
                        file,
                        "a line of table 12 that is neither a project nor an indicator",
                        "12",
                        line.no,
                        line.text,
                        rejects=False,
                    )
                )
                result.kinds[line.no] = "not_understood"
                continue
            if project is not None and _printed_again(project, header):
                # The extractor repeats a merged cell on every row it spans: one project.
                project["flags"] = _flags(*sorted({*_split(project["flags"]), "merged_rows"}))
            else:
                project = header
                result.projects.append(project)
            project_cells[line.no] = project
        if indicator_cells:
            if project is None:
                result.issues.append(
                    Issue(
                        file,
                        "an indicator before any project: it cannot be attached",
                        "12",
                        line.no,
                        line.text,
                        rejects=False,
                    )
                )
                result.kinds[line.no] = "not_understood"
                continue
            result.indicators.append(
                _indicator_record(
                    "12",
                    read_indicator(indicator_cells),
                    line,
                    project_line=project["source_line"],
                    project_code=project["project_code"],
                )
            )
        result.kinds[line.no] = "row"
    settle_projects(result.projects, result.indicators, project_cells, project_spending)
    return result


def _split(flags: object) -> list[str]:
    return str(flags).split(",") if flags else []


def _printed_again(project: dict[str, object], header: dict[str, object]) -> bool:
    return all(project[key] == header[key] for key in ("project_code", "total_text", "goal"))


def _is_amount(cell: str) -> bool:
    half = _half_width(cell)
    return bool(_AMOUNT_LIKE.match(half)) and any(c.isdigit() for c in half)


def _read_project_header(
    cells: list[str], page_unit: str | None, line: Line
) -> dict[str, object] | None:
    """A project's cells: code and name, then 项目总额, 财政资金 and 其他资金 in their columns
    (blank where blank), then the goal. The row may be shifted right by empty cells."""
    rest = list(cells)
    while rest and not rest[0]:
        rest.pop(0)
    code = name = None
    flags: list[str] = []
    first = _half_width(rest[0]).strip() if rest else ""
    if match := _PROJECT.match(first):
        code, name = match.group("code").upper(), canonical_name(match.group("name").strip())
        rest.pop(0)
    elif _CODE_ONLY.match(first):
        code = first.upper()
        flags.append("name_not_printed")
        rest.pop(0)
    if code is not None and len(code) != PROJECT_CODE_LENGTH:
        flags.append("code_length")
    slots: list[str] = []
    while rest and len(slots) < 3 and (not rest[0] or _is_amount(rest[0])):
        slots.append(rest.pop(0))
    if code is None and not any(slots):
        return None
    if code is None:
        flags.append("missing_name")
    values: list[Decimal | None] = []
    for text in slots:
        value, flag = read_project_amount(text, page_unit)
        values.append(value)
        flags.append(flag or "")
    values += [None] * (3 - len(values))
    total, fiscal, other = values
    if total is not None and fiscal is not None and total != fiscal + (other or 0):
        flags.append("amounts_disagree")
    texts = slots + [""] * (3 - len(slots))
    return {
        "table_no": "12",
        "project_code": code,
        "project_name": name,
        "total": total,
        "fiscal_funds": fiscal,
        "other_funds": other,
        "total_text": texts[0] or None,
        "fiscal_text": texts[1] or None,
        "unit_detected": page_unit or "unstated",
        "goal": "".join(cell for cell in rest if cell) or None,
        "source_line": line.no,
        "flags": _flags(*sorted({f for f in flags if f})),
    }


# --- 12: what the document's own figures prove -------------------------------------------------


@dataclass(slots=True)
class _Block:
    """Indicators printed together: one project's, as far as the order shows."""

    indicators: list[dict[str, object]]

    @property
    def lines(self) -> range:
        numbers = [int(str(record["source_line"])) for record in self.indicators]
        return range(min(numbers), max(numbers) + 1)

    def costs(self) -> list[Decimal]:
        """Its 成本指标 in 万元 with a numeric target."""
        return [
            record["target_value"]
            for record in self.indicators  # type: ignore[misc]
            if record["level1"] == "成本指标"
            and record["unit"] == "万元"
            and record["target_value"] is not None
        ]

    def printed_total_cost(self) -> set[Decimal]:
        return {
            record["target_value"]
            for record in self.indicators  # type: ignore[misc]
            if record["level3"] == TOTAL_COST
            and record["unit"] == "万元"
            and record["target_value"] is not None
        }

    def cost_evidence(self) -> set[Decimal]:
        """The totals this block's costs prove: each 项目总成本, and all 万元 costs added up."""
        costs = self.costs()
        return self.printed_total_cost() | ({sum(costs, Decimal(0))} if costs else set())


def blocks_of(
    indicators: list[dict[str, object]], project_cells: dict[int, dict[str, object]]
) -> list[_Block]:
    """A new block starts where a project's indicators start again: a 产出指标 after an
    indicator of another kind (each project prints its 产出指标 first; the other kinds come in
    any order, so only this restart is evidence), and at another project's cell."""
    blocks: list[_Block] = []
    previous: object = None
    cell: dict[str, object] | None = None
    for record in sorted(indicators, key=lambda r: int(str(r["source_line"]))):
        on_cell = project_cells.get(record["source_line"])  # type: ignore[arg-type]
        if (
            not blocks
            or (record["level1"] == "产出指标" and previous != "产出指标")
            or (on_cell is not None and cell is not None and on_cell is not cell)
        ):
            blocks.append(_Block([]))
            cell = None
        blocks[-1].indicators.append(record)
        previous = record["level1"]
        cell = on_cell or cell
    return blocks


def settle_projects(
    projects: list[dict[str, object]],
    indicators: list[dict[str, object]],
    project_cells: dict[int, dict[str, object]],
    project_spending: Decimal | None,
) -> None:
    """Settle, from the document's own figures, what the extractor left open: totals printed
    with a thousands point, the project each indicator belongs to, and grouped targets that
    cannot be thousands."""
    # Grouped targets first, against the project they are printed under: a thousands reading
    # the document contradicts must not count as evidence below.
    printed_under = {project["source_line"]: project for project in projects}
    for record in indicators:
        _check_grouping(
            record,
            printed_under.get(record["project_line"]),  # type: ignore[arg-type]
            (project_spending,),
        )
    blocks = blocks_of(indicators, project_cells)
    evidence = set().union(*(block.cost_evidence() for block in blocks)) if blocks else set()
    for project in projects:
        _recover_total(project, evidence)
    # Whichever project an indicator belongs to, its cost cannot exceed the largest total.
    totals = [project["total"] for project in projects]
    largest = max(totals) if totals and None not in totals else None  # type: ignore[type-var]
    bounds = (project_spending, largest)
    by_total: dict[Decimal, list[dict[str, object]]] = {}
    for project in projects:
        if project["total"] is not None:
            by_total.setdefault(project["total"], []).append(project)  # type: ignore[arg-type]
    for block in blocks:
        matched = {id(p): p for value in block.cost_evidence() for p in by_total.get(value, [])}
        spanned = {id(p): p for line, p in project_cells.items() if line in block.lines}
        owner, how = None, Attachment.UNCERTAIN
        if len(matched) == 1:
            owner, how = next(iter(matched.values())), Attachment.TOTAL_COST
        elif len(matched) > 1 and len(matched.keys() & spanned.keys()) == 1:
            owner = spanned[next(iter(matched.keys() & spanned.keys()))]
            how = Attachment.PROJECT_CELL
        elif not matched and len(spanned) == 1:
            candidate = next(iter(spanned.values()))
            # A 项目总成本 that is not the spanned project's total says the block is another's.
            if candidate["total"] is None or not block.printed_total_cost():
                owner, how = candidate, Attachment.PROJECT_CELL
        total = owner["total"] if owner is not None else None
        if not isinstance(total, Decimal):
            total = None
        # A cost above the total: the block holds another project's indicators too.
        if total is not None and any(value > total for value in block.costs()):
            owner, how = None, Attachment.UNCERTAIN
        for record in block.indicators:
            if owner is not None:
                record["project_line"] = owner["source_line"]
                record["project_code"] = owner["project_code"]
            record["flags"] = _flags(*_split(record["flags"]), how.value)
            _check_grouping(record, owner, bounds)


def _recover_total(project: dict[str, object], evidence: set[Decimal]) -> None:
    """A total printed with a thousands point ("13.843441518") is read as 13,843.441518 only
    where the table's cost indicators prove that figure."""
    text = project["total_text"]
    if project["total"] is not None or not text:
        return
    match = _THOUSANDS_POINT.match(_half_width(str(text)).strip())
    if not match:
        return
    value = Decimal(f"{match['thousands']}{match['units']}.{match['decimals']}")
    if value not in evidence:
        return
    project["total"] = value
    if project["fiscal_text"] == text:
        project["fiscal_funds"] = value
    flags = [f for f in _split(project["flags"]) if f != "malformed_number"]
    if project["fiscal_text"] != text and project["fiscal_text"]:
        flags.append("malformed_number")
    flags.append("total_from_cost_indicators")
    fiscal, other = project["fiscal_funds"], project["other_funds"]
    if fiscal is not None and value != fiscal + (other or 0):  # type: ignore[operator]
        flags.append("amounts_disagree")
    project["flags"] = _flags(*sorted(set(flags)))


def _check_grouping(
    record: dict[str, object], owner: dict[str, object] | None, bounds: tuple[Decimal | None, ...]
) -> None:
    """A 万元 target printed as a grouped integer ("8,844") is thousands only if the document
    allows it: not more than its project's total, nor than the department's 项目支出 (03), nor
    than the largest project's total of the table."""
    value, text = record["target_value"], record["target_text"]
    if value is None or record["unit"] != "万元" or not text:
        return
    if not _GROUPED_INTEGER.match(_half_width(str(text)).strip()):
        return
    limits = [limit for limit in (*bounds, owner and owner["total"]) if limit is not None]
    if any(value > limit for limit in limits):  # type: ignore[operator]
        record["target_value"] = None
        record["flags"] = _flags(*_split(record["flags"]), "decimal_comma_suspected")


# --- 13 部门整体支出绩效目标表: the indicators -------------------------------------------------


def read_overview_indicator(
    cells: list[str], activity: str | None, line: Line
) -> tuple[dict[str, object] | None, str | None]:
    """A 13 indicator row (activity, indicator, 指标性质, 指标值, 度量单位); the activity cell may
    be merged with the row above. Returns the record and the activity it belongs to."""
    cells = list(cells)
    inherited = None
    if cells and cells[0].startswith(LEVEL1):
        cells.insert(0, activity)
        inherited = "inherited_activity"
    if not 4 <= len(cells) <= 5 or cells[0] is None:
        return None, activity
    cells += [None] * (5 - len(cells))
    level1, level2, level3 = split_levels(str(cells[1]))
    indicator = Indicator(
        level1 or "",
        level2,
        canonical_name(level3),
        cells[2],
        cells[3],
        cells[4],
        tuple(f for f in (inherited,) if f),
    )
    record = _indicator_record("13", indicator, line, activity=cells[0])
    if level1 is None:
        record["flags"] = _flags(record["flags"], "level1_unknown")  # type: ignore[arg-type]
    return record, str(cells[0])


# --- 14 转移支付绩效目标表 --------------------------------------------------------------------


def read_transfer_table(section: Section, file: str) -> PerformanceResult:
    """Table 14: the transfer payment's name, funds and goal, then its indicators, where a row
    whose first columns are empty inherits them from the row above."""
    result = PerformanceResult()
    payment: dict[str, object] = {"table_no": "14", "unit_detected": None, "flags": None}
    unit: str | None = None
    levels: list[str | None] = [None, None]
    state = "form"
    goal_next = False
    for line in section.lines:
        if line.blank:
            result.kinds[line.no] = "blank"
            continue
        labels = [normalise_label(cell) for cell in line.filled]
        kind = "row"
        if len(labels) == 1 and re.fullmatch(r"[(（]\d{4}年度?[)）]", labels[0]):
            kind = "title"
        elif labels[0].startswith("转移支付名称"):
            payment["project_name"] = line.filled[1] if len(line.filled) > 1 else None
            payment["source_line"] = line.no
        elif (found := _UNIT_IN_LABEL.search(labels[0])) and "资金" in labels[0]:
            unit = found.group(1)
            payment["unit_detected"] = unit
            payment["total"] = _transfer_amount(line, unit, result, file)
            payment["total_text"] = line.filled[-1] if len(line.filled) > 2 else None
        elif state == "form" and labels[0].startswith(
            ("其中", "中央财政资金", "市级财政资金", "其他资金")
        ):
            amount = _transfer_amount(line, unit, result, file)
            key = "other_funds" if "其他资金" in labels[0] else "fiscal_funds"
            if amount is not None:
                payment[key] = (payment.get(key) or Decimal(0)) + amount  # type: ignore[operator]
        elif labels[0].startswith("年度总体目标") or labels[0].startswith("年度目标"):
            goal_next = True
        elif goal_next:
            payment["goal"] = max(line.filled, key=len)
            goal_next = False
        elif labels[0] == "绩效指标" or "一级指标" in labels:
            state = "indicators"
            kind = "header"
        elif state == "indicators":
            record = _transfer_indicator(line, levels, payment.get("project_name"))
            if record is None:
                kind = "not_understood"
                result.issues.append(
                    Issue(
                        file,
                        "an indicator row of table 14 that cannot be placed",
                        "14",
                        line.no,
                        line.text,
                        rejects=False,
                    )
                )
            else:
                result.indicators.append(record)
        else:
            kind = "not_understood"
            result.issues.append(
                Issue(
                    file,
                    "a line of table 14 that is not understood",
                    "14",
                    line.no,
                    line.text,
                    rejects=False,
                )
            )
        result.kinds[line.no] = kind
    if payment.get("project_name"):
        result.projects.append(payment)
    return result


def _transfer_amount(
    line: Line, unit: str | None, result: PerformanceResult, file: str
) -> Decimal | None:
    numbers = [
        c
        for c in line.filled
        if _AMOUNT_LIKE.match(_half_width(c)) and any(ch.isdigit() for ch in c)
    ]
    if not numbers:
        return None
    value, flag = read_project_amount(numbers[-1], unit or "万元")
    if flag:
        result.issues.append(
            Issue(
                file,
                "an amount of table 14 that cannot be read",
                "14",
                line.no,
                numbers[-1],
                rejects=False,
            )
        )
    return value


def _transfer_indicator(
    line: Line, levels: list[str | None], payment: object
) -> dict[str, object] | None:
    cells = list(line.filled)
    inherited = None
    if cells and cells[0] in LEVEL1 and len(cells) >= 4:
        levels[0], levels[1] = cells[0], cells[1]
        level3, value = "".join(cells[2:-1]), cells[-1]
    elif len(cells) == 3 and cells[0].endswith("指标"):
        levels[1] = cells[0]
        level3, value = cells[1], cells[2]
        inherited = "inherited_level1"
    elif len(cells) == 2 and levels[0]:
        level3, value = cells
        inherited = "inherited_levels"
    else:
        return None
    target = _TARGET.match(_half_width(value))
    operator, number, unit = (
        (target.group("op") or None, target.group("number"), target.group("unit") or None)
        if target
        else (None, value, None)
    )
    indicator = Indicator(
        str(levels[0]),
        levels[1],
        canonical_name(level3),
        operator,
        number,
        unit,
        tuple(f for f in (inherited,) if f),
    )
    record = _indicator_record("14", indicator, line, activity=payment)
    record["target_text"] = value
    return record
