"""The ways real documents differ from the seed's layout, as transformations of the seed.

Each function takes the seed's text (or bytes) and returns the same budget as another
extractor, department or year would print it. None changes a figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from documents import table_of_lines

_TITLE = re.compile(r"^预算(?P<a>\d{2})表 (?P<title>.+)$|^预算表(?P<b>\d{2}) (?P<title2>.+)$")
_AMOUNT = re.compile(r"^\d{1,3}(?:,\d{3})*\.\d{6}$")
FULL_WIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")

# The seed's column header rows, by table, and where its page breaks fall inside tables.
HEADER_ROWS = {
    "01": (7, 8),
    "02": (44, 45),
    "03": (52, 53),
    "04": (308, 309),
    "05": (348, 349, 350),
    "06": (495, 496),
    "09": (590, 591),
    "10": (598,),
    "11": (608, 609),
}
# Amount columns of the row tables: the cells a blank, 0, - or 0.00 may stand in.
AMOUNT_COLUMNS = {"03": range(3, 9), "05": range(2, 8), "06": range(2, 5)}
FINANCIAL = {f"{n:02d}" for n in range(1, 12)}


def lines_of(text: str) -> list[str]:
    return text.split("\n")


def encode(text: str, encoding: str, line_end: str = "\n") -> bytes:
    """The text in another encoding ("utf-8", "utf-8-sig", "gb18030") and line end."""
    return text.replace("\n", line_end).encode(encoding)


def retitle(text: str, style: str) -> str:
    """Table titles in another style: 预算表03, 表03, with the department and year, full-width
    digits and colon, or extra spaces."""
    out = []
    for line in lines_of(text):
        match = _TITLE.match(line)
        if not match:
            out.append(line)
            continue
        number = match.group("a") or match.group("b")
        title = match.group("title") or match.group("title2")
        out.append(
            {
                "预算表NN": f"预算表{number} {title}",
                "表NN": f"表{number} {title}",
                "with department and year": (
                    f"预算{number}表 北京市人力资源和社会保障局2026年{title}"
                ),
                "full-width": f"预算{number.translate(FULL_WIDTH)}表：{title}",
                "spaced": f"  预算 {number} 表   {title} ",
            }[style]
        )
    return "\n".join(out)


def page_breaks(text: str, before: Iterable[int]) -> str:
    """Blank lines (page breaks) inserted before the given 1-based lines."""
    wanted = set(before)
    out = []
    for number, line in enumerate(lines_of(text), start=1):
        if number in wanted:
            out.append("")
        out.append(line)
    return "\n".join(out)


def repeated_headers(text: str) -> str:
    """After every page break inside a table, the table's column header rows again, as many
    extractors print them at the top of each page. Apply it to the seed's own layout, before
    any transformation moves its lines (the header rows are found by the seed's numbering)."""
    lines = lines_of(text)
    tables = table_of_lines(text)
    out = []
    for number, (line, table) in enumerate(zip(lines, tables, strict=True), start=1):
        out.append(line)
        rows = HEADER_ROWS.get(table or "")
        if (
            rows
            and line == ""
            and number > rows[-1] + 1
            and number < len(lines)
            and tables[number] == table
            and lines[number]
        ):
            out.extend(lines[r - 1] for r in rows)
    return "\n".join(out)


def ragged(text: str, extra: int) -> str:
    """Trailing tabs removed (extra=0) or added (extra>0) on every line of tables 01-11."""
    out = []
    for line, table in zip(lines_of(text), table_of_lines(text), strict=True):
        if table in FINANCIAL and line:
            line = line.rstrip("\t") + "\t" * extra
        out.append(line)
    return "\n".join(out)


def nothing_as(text: str, token: str) -> str:
    """Empty amount cells of tables 03, 05 and 06 printed as `token` (0, -, 0.00)."""
    lines = lines_of(text)
    for number, table in enumerate(table_of_lines(text)):
        columns = AMOUNT_COLUMNS.get(table or "")
        cells = lines[number].split("\t")
        if (
            not columns
            or not cells[0][:1].isdigit()
            and not (len(cells) > 1 and cells[1][:1].isdigit())
        ):
            continue
        cells += [""] * (columns.stop - len(cells))
        for index in columns:
            if cells[index] == "":
                cells[index] = token
        lines[number] = "\t".join(cells)
    return "\n".join(lines)


def _map_amounts(text: str, tables: set[str], change) -> str:
    out = []
    for line, table in zip(lines_of(text), table_of_lines(text), strict=True):
        if table in tables:
            line = "\t".join(change(c) if _AMOUNT.match(c) else c for c in line.split("\t"))
        out.append(line)
    return "\n".join(out)


def without_separators(text: str, tables: set[str] = FINANCIAL) -> str:
    return _map_amounts(text, tables, lambda cell: cell.replace(",", ""))


def full_width_numbers(text: str, tables: set[str] = FINANCIAL) -> str:
    return _map_amounts(text, tables, lambda cell: cell.translate(FULL_WIDTH))


def in_yuan(text: str, tables: set[str]) -> str:
    """The given tables printed in 元: amounts ×10,000 with 2 decimals, unit line changed."""
    converted = _map_amounts(
        text,
        tables,
        lambda cell: f"{Decimal(cell.replace(',', '')) * 10000:,.2f}",
    )
    out = []
    for line, table in zip(lines_of(converted), table_of_lines(converted), strict=True):
        if table in tables and line.startswith("金额单位"):
            line = "金额单位：元"
        out.append(line)
    return "\n".join(out)


def brackets(text: str, full_width: bool) -> str:
    """Every bracket of tables 01-11 in one width, as one extractor or another prints them."""
    pairs = ("()", "（）") if full_width else ("（）", "()")
    table = str.maketrans(pairs[0], pairs[1])
    out = []
    for line, table_no in zip(lines_of(text), table_of_lines(text), strict=True):
        out.append(line.translate(table) if table_no in FINANCIAL else line)
    return "\n".join(out)


def financial_line_numbers(text: str) -> list[int]:
    """1-based lines inside tables 01-11 after their title (where a page break may fall)."""
    return [
        number
        for number, table in enumerate(table_of_lines(text), start=1)
        if table in FINANCIAL and not lines_of(text)[number - 1].startswith("预算")
    ]
