"""Documents derived from the seed for tests: edited cells, other years and departments.

Nothing here is a made-up document: every fixture is the real seed with a stated change.
"""

from __future__ import annotations

import re
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


_TITLE = re.compile(r"^预算(\d{2})表|^预算表(\d{2})")
_AMOUNT = re.compile(r"^\d{1,3}(?:,\d{3})*\.\d{6}$")
# The tables the warehouse reads amounts from; 12 and 14 stay as printed.
_SCALED_TABLES = {f"{n:02d}" for n in range(1, 12)} | {"13"}


def table_of_lines(text: str) -> list[str | None]:
    """The table number each line belongs to (None before the first title)."""
    tables: list[str | None] = []
    current = None
    for line in text.split("\n"):
        title = _TITLE.match(line)
        if title:
            current = title.group(1) or title.group(2)
        tables.append(current)
    return tables


def scale_document(text: str, factor: int) -> str:
    """Every amount of tables 01-11 and 13 multiplied by `factor`: each identity stays exact."""
    lines = text.split("\n")
    for number, (line, table) in enumerate(zip(lines, table_of_lines(text), strict=True)):
        if table in _SCALED_TABLES:
            lines[number] = "\t".join(
                f"{Decimal(cell.replace(',', '')) * factor:,.6f}" if _AMOUNT.match(cell) else cell
                for cell in line.split("\t")
            )
    return "\n".join(lines)


def printed_cells(
    text: str, table: str, column: int, code_prefix: str = "", code_column: int = 0
) -> list[Decimal]:
    """Amounts printed in one column of a table's rows whose code starts with a prefix."""
    values = []
    for line, table_no in zip(text.split("\n"), table_of_lines(text), strict=True):
        cells = line.split("\t")
        code = cells[code_column] if len(cells) > code_column else ""
        if (
            table_no == table
            and len(cells) > column
            and code[:1].isdigit()
            and code.startswith(code_prefix)
            and _AMOUNT.match(cells[column])
        ):
            values.append(Decimal(cells[column].replace(",", "")))
    return values
