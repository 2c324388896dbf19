"""A document's lines grouped into its tables (预算NN表 sections)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import normalise_label, split_cells

# Titles look like "预算01表 收支总表", "预算表12 项目支出绩效目标表" or "表03 支出总表". The
# printed number varies between documents, so the table is known by its title words.
_TITLE_NUMBER = re.compile(r"(?:预算(?P<a>\d{1,2})表|预算表(?P<b>\d{1,2})|^表(?P<c>\d{1,2}))")

# (table_no, pattern on the normalised title), most specific first. A title may begin with the
# department and year ("北京市政府采购中心2026年收支总表"), so each pattern is anchored on the
# table's own name at the end of the title; the national template's wording variants are
# spelled out rather than matched loosely.
_TITLE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (table_no, re.compile(pattern))
    for table_no, pattern in (
        # Tables some templates print beside the national ones (Jiangsu), as
        # templates.normalise names them.
        ("17", r"^机关运行经费支出表$"),
        ("16", r"^财政拨款基本支出表\(经济科目\)$"),
        ("15", r"^财政拨款支出表\(功能科目\)$"),
        ("14", r"转移支付(资金)?(预算)?绩效目标表$"),
        ("13", r"整体支出(预算)?绩效目标表$"),
        ("12", r"项目支出(预算)?绩效目标表$"),
        ("11", r"政府购买服务(预算)?(明细)?表$"),
        ("10", r"政府采购(预算)?(明细)?表$"),
        ("09", r"三公.?经费(财政拨款)?(预算)?(支出)?(预算)?表$"),
        ("06", r"一般公共预算(财政拨款)?基本支出(预算)?表$"),
        ("05", r"一般公共预算(财政拨款)?(项目)?支出(预算)?表$"),
        ("07", r"政府性基金(预算)?(财政拨款)?支出(预算)?表$"),
        ("08", r"国有资本经营(预算)?(财政拨款)?支出(预算)?表$"),
        ("04", r"财政拨款收支(总|预算总)表$"),
        ("01", r"收支(总|预算总)表$"),
        ("02", r"收入(总|预算总)表$"),
        ("03", r"支出(总|预算总)表$"),
    )
)
_CONTINUED = re.compile(r"[(（]续[)）]$")

TABLE_NAMES: dict[str, str] = {
    "01": "收支总表",
    "02": "收入总表",
    "03": "支出总表",
    "04": "财政拨款收支总表",
    "05": "一般公共预算支出表",
    "06": "一般公共预算基本支出表",
    "07": "政府性基金预算支出表",
    "08": "国有资本经营预算支出表",
    "09": "财政拨款“三公”经费支出表",
    "10": "政府采购预算明细表",
    "11": "财政拨款政府购买服务明细表",
    "12": "项目支出绩效目标表",
    "13": "部门整体支出绩效目标表",
    "14": "转移支付绩效目标表",
    # Printed by Jiangsu beside the national tables: 财政拨款 (both budgets) by function and by
    # economic code, and the 机关运行经费 of the general public budget.
    "15": "财政拨款支出表（功能科目）",
    "16": "财政拨款基本支出表（经济科目）",
    "17": "机关运行经费支出表",
}
# The national set of tables (Beijing prints all of them).
NATIONAL_TABLES = tuple(f"{number:02d}" for number in range(1, 15))

# Tables every document must have: the identities (docs/architecture.md, "The identities")
# and the document's own year and department (table 13) depend on them.
REQUIRED_TABLES = ("01", "02", "03", "04", "05", "06", "09", "13")
# Tables whose lines must all be understood; 12 and 14 are kept as text for now.
FINANCIAL_TABLES = ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "13")

_UNIT = re.compile(r"^(?:金额)?单位[:：](?P<unit>万元|元)$")
_NOTE = re.compile(r"^(?:注|备注|说明)[:：]")


@dataclass(frozen=True, slots=True)
class Line:
    no: int
    text: str
    cells: tuple[str, ...]
    # The non-empty cells; every reader asks for them, so they are split once.
    filled: tuple[str, ...]

    @classmethod
    def of(cls, no: int, text: str) -> Line:
        cells = tuple(split_cells(text))
        return cls(no, text, cells, tuple(cell for cell in cells if cell))

    @property
    def blank(self) -> bool:
        return not self.cells


@dataclass(slots=True)
class Section:
    table_no: str
    printed_no: str | None
    title: str
    title_line: int
    lines: list[Line] = field(default_factory=list)
    # The title repeated after a page break (often with 续), continuing the same table.
    repeated_titles: list[int] = field(default_factory=list)


def title_table_no(line: Line) -> tuple[str, str | None] | None:
    """(table_no, printed number) if the line is a table title, else None."""
    filled = line.filled
    if len(filled) != 1:
        return None
    label = normalise_label(filled[0])
    number = _TITLE_NUMBER.search(label)
    if not number:
        return None
    title = _CONTINUED.sub("", label[number.end() :])
    for table_no, pattern in _TITLE_PATTERNS:
        if pattern.search(title):
            return table_no, next(g for g in number.groups() if g)
    return None


def unit_of(line: Line) -> str | None:
    filled = line.filled
    if len(filled) != 1:
        return None
    match = _UNIT.match(normalise_label(filled[0]))
    return match.group("unit") if match else None


def is_note(line: Line) -> bool:
    return bool(line.filled) and bool(_NOTE.match(normalise_label(line.filled[0])))


def split_sections(raw_lines: list[str]) -> tuple[list[Line], list[Section]]:
    """Lines before the first title, and one section per table title."""
    preamble: list[Line] = []
    sections: list[Section] = []
    for index, text in enumerate(raw_lines, start=1):
        line = Line.of(index, text)
        title = title_table_no(line)
        if title and sections and sections[-1].table_no == title[0]:
            sections[-1].repeated_titles.append(index)
        elif title:
            sections.append(Section(title[0], title[1], line.filled[0], index))
        elif sections:
            sections[-1].lines.append(line)
        else:
            preamble.append(line)
    return preamble, sections
