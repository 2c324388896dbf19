"""Documents derived from the seed for tests: edited cells, other years and departments.

Nothing here is a made-up document: every fixture is the real seed with a stated change.
"""

from __future__ import annotations

from decimal import Decimal

from conftest import SEED

SEED_DEPARTMENT = "北京市人力资源和社会保障局"


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def cell(text: str, line: int, index: int) -> str:
    """The cell at 0-based `index` of 1-based `line`."""
    return text.split("\n")[line - 1].split("\t")[index]


def edit_cell(text: str, line: int, index: int, value: str) -> str:
    """The text with one cell replaced; the other cells and lines untouched."""
    lines = text.split("\n")
    cells = lines[line - 1].split("\t")
    cells[index] = value
    lines[line - 1] = "\t".join(cells)
    return "\n".join(lines)


def add_one_fen(text: str, line: int, index: int) -> str:
    """The cell's amount plus 0.000001 万元 (one fen), printed as the document prints amounts."""
    printed = cell(text, line, index)
    value = Decimal(printed.replace(",", "") or "0") + Decimal("0.000001")
    return edit_cell(text, line, index, f"{value:,.6f}")


def move_to_year(text: str, year: int) -> str:
    """The document as if published for another year (table 13 and 14 print the year)."""
    return text.replace("(2026年度)", f"({year}年度)")


def rename_department(text: str, department: str) -> str:
    return text.replace(SEED_DEPARTMENT, department)
