"""Column headers to named columns, and data rows to text records.

Budget tables print merged header cells as one label followed by empty cells, over two or three
header rows. Each column gets a path of labels top-down (the merged label filled to the right
within its parent's span), and a column is known by the end of its path: ("基本支出", "小计") in
table 05, ("其中", "上缴上级支出") in table 03. Positions are never assumed, so columns may move,
and a column the table does not know is reported rather than read as something else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .issues import Issue
from .layout import Line
from .text import canonical_code, canonical_name, normalise_label

_AMOUNT_LIKE = re.compile(r"^-?[\d０-９][\d０-９,，.．]*$")
_CODE_LIKE = re.compile(r"^(?:\d{3,}|[A-Z]-)")
# "2050305-高等职业教育", "A-货物", "0103-就业公共服务". The name may itself contain dashes.
_CODE_NAME = re.compile(r"^(?P<code>[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]+)\s*[-－—–]\s*(?P<name>\S.*)$")
_TOTAL_LABELS = frozenset({"合计", "总计"})


@dataclass(frozen=True, slots=True)
class Column:
    """A column a table expects, known by the possible ends of its header path."""

    key: str
    kind: str  # code_name | opt_code_name | code | name | amount | ignore
    paths: tuple[tuple[str, ...], ...]
    required: bool = True

    def matches(self, path: tuple[str, ...]) -> bool:
        return any(_ends_with(path, suffix) for suffix in self.paths)


def column(key: str, kind: str, *paths: str, required: bool = True) -> Column:
    """A Column from "parent/leaf" path strings; a label starting with ~ matches by substring."""
    return Column(
        key,
        kind,
        tuple(tuple(_normalise_token(part) for part in p.split("/")) for p in paths),
        required,
    )


def _normalise_token(token: str) -> str:
    if token.startswith("~"):
        return "~" + normalise_label(token[1:])
    return normalise_label(token)


def _ends_with(path: tuple[str, ...], suffix: tuple[str, ...]) -> bool:
    if len(path) < len(suffix):
        return False
    for label, wanted in zip(path[len(path) - len(suffix) :], suffix, strict=True):
        if wanted.startswith("~"):
            if wanted[1:] not in label:
                return False
        elif label != wanted:
            return False
    return True


def header_paths(header: list[Line]) -> list[tuple[str, ...]]:
    """The label path of every column, merged cells filled to the right within their parent."""
    width = max((len(line.cells) for line in header), default=0)
    paths: list[list[str]] = [[] for _ in range(width)]
    for line in header:
        labels = [normalise_label(cell) for cell in line.cells] + [""] * (width - len(line.cells))
        filled: list[str] = []
        for index, label in enumerate(labels):
            if not label and index and filled[index - 1] and paths[index] == paths[index - 1]:
                label = filled[index - 1]
            filled.append(label)
        for index, label in enumerate(filled):
            if label:
                paths[index].append(label)
    return [tuple(path) for path in paths]


def assign_columns(
    paths: list[tuple[str, ...]], columns: list[Column]
) -> tuple[dict[int, Column], dict[int, tuple[str, ...]], list[Column]]:
    """Match header paths to expected columns: (mapping, unknown columns, missing required)."""
    mapping: dict[int, Column] = {}
    unknown: dict[int, tuple[str, ...]] = {}
    used: set[str] = set()
    for index, path in enumerate(paths):
        if not path:
            continue
        match = next((c for c in columns if c.key not in used and c.matches(path)), None)
        if match is None:
            unknown[index] = path
        else:
            mapping[index] = match
            used.add(match.key)
    missing = [c for c in columns if c.required and c.key not in used]
    return mapping, unknown, missing


def is_amount_like(cell: str) -> bool:
    return bool(_AMOUNT_LIKE.match(cell)) and any(ch.isdigit() for ch in cell)


def is_total_label(cell: str) -> bool:
    return normalise_label(cell) in _TOTAL_LABELS


def looks_like_data(line: Line) -> bool:
    filled = line.filled
    return any(is_amount_like(cell) for cell in filled) or bool(
        filled and _CODE_LIKE.match(filled[0])
    )


def split_code_name(cell: str) -> tuple[str, str] | None:
    """("2050305", "高等职业教育") from "2050305-高等职业教育"; the code in half-width digits."""
    match = _CODE_NAME.match(cell)
    if not match:
        return None
    return canonical_code(match.group("code")), canonical_name(match.group("name").strip())


@dataclass(slots=True)
class Grid:
    """A table's lines sorted into header, data rows and total rows, with their column map."""

    header: list[Line] = field(default_factory=list)
    rows: list[Line] = field(default_factory=list)
    totals: list[Line] = field(default_factory=list)
    mapping: dict[int, Column] = field(default_factory=dict)
    width: int = 0
    kinds: dict[int, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    def is_total(self, line: Line) -> bool:
        """A 合计 in a column the header knows as a label column (not a column named 合计)."""
        return any(
            is_total_label(cell)
            for index, cell in enumerate(line.cells)
            if cell and index in self.mapping and self.mapping[index].kind != "amount"
        )


ColumnRules = list[Column] | Callable[[list[tuple[str, ...]]], list[Column]]


def read_grid(lines: list[Line], columns: ColumnRules, *, file: str, table_no: str) -> Grid:
    """Sort content lines (no blanks, units or notes) into header, rows and totals.

    `columns` is the list of expected columns, or a function that derives it from the header
    paths (table 02 names its columns after revenue sources).
    """

    def rules(paths: list[tuple[str, ...]]) -> list[Column]:
        return columns(paths) if callable(columns) else columns

    grid = Grid()
    header_texts: set[tuple[str, ...]] = set()
    for line in lines:
        data_started = bool(grid.rows or grid.totals)
        text = tuple(normalise_label(c) for c in line.cells)
        if text in header_texts:
            # A page break repeated the column headers (even before the first data row).
            grid.kinds[line.no] = "header"
        elif not data_started and not looks_like_data(line) and not grid.is_total(line):
            grid.header.append(line)
            header_texts.add(text)
            grid.kinds[line.no] = "header"
            paths = header_paths(grid.header)
            grid.mapping, _, _ = assign_columns(paths, rules(paths))
        elif grid.is_total(line):
            grid.totals.append(line)
            grid.kinds[line.no] = "total"
        else:
            grid.rows.append(line)
            grid.kinds[line.no] = "row"
    if not grid.header:
        first = lines[0] if lines else None
        grid.issues.append(
            Issue(
                file,
                "no column header rows before the first data row",
                table_no,
                first.no if first else None,
                first.text if first else None,
            )
        )
        for line in grid.rows + grid.totals:
            grid.kinds[line.no] = "not_understood"
        grid.rows, grid.totals = [], []
        return grid
    paths = header_paths(grid.header)
    grid.width = len(paths)
    grid.mapping, unknown, missing = assign_columns(paths, rules(paths))
    header_line = grid.header[0]
    for column_ in missing:
        grid.issues.append(
            Issue(
                file,
                f"column header not recognised: no column for {column_.key} "
                f"(expected a header ending in {' or '.join('/'.join(p) for p in column_.paths)})",
                table_no,
                header_line.no,
                header_line.text,
            )
        )
    grid.issues.extend(
        Issue(
            file,
            f"unknown column {'/'.join(path)!r} in the header",
            table_no,
            header_line.no,
            header_line.text,
            rejects=False,
        )
        for path in unknown.values()
    )
    if missing:
        for line in grid.rows + grid.totals:
            grid.kinds[line.no] = "not_understood"
        grid.rows, grid.totals = [], []
    return grid


def row_records(
    grid: Grid, lines: list[Line], *, file: str, table_no: str
) -> tuple[list[dict[str, str | int | None]], list[Issue]]:
    """Text records of data or total lines; cells that do not fit are reported, not guessed."""
    records: list[dict[str, str | int | None]] = []
    issues: list[Issue] = []
    for line in lines:
        record: dict[str, str | int | None] = {"source_line": line.no}
        problems: list[str] = []
        if len(line.cells) > grid.width and any(line.cells[grid.width :]):
            problems.append(
                f"the row has {len(line.cells)} cells but the table has {grid.width} columns"
            )
        for index, cell in enumerate(line.cells[: grid.width]):
            if cell and index not in grid.mapping and not is_total_label(cell):
                problems.append(f"a value in column {index + 1}, which has no known header")
        for index, column_ in grid.mapping.items():
            cell = line.cells[index] if index < len(line.cells) else ""
            if column_.kind in ("code_name", "opt_code_name"):
                parts = split_code_name(cell) if cell else None
                if parts:
                    record[f"{column_.key}_code"], record[f"{column_.key}_name"] = parts
                elif cell and column_.kind == "opt_code_name":
                    record[f"{column_.key}_code"] = None
                    record[f"{column_.key}_name"] = canonical_name(cell)
                else:
                    record[f"{column_.key}_code"] = record[f"{column_.key}_name"] = None
                    if cell and not is_total_label(cell):
                        problems.append(
                            f"expected «code-name» in the {column_.key} column, found {cell!r}"
                        )
            elif column_.kind == "code":
                record[column_.key] = canonical_code(cell) or None
            elif column_.kind == "name":
                record[column_.key] = canonical_name(cell) or None
            elif column_.kind != "ignore":
                record[column_.key] = cell or None
        if problems:
            issues.append(Issue(file, "; ".join(problems), table_no, line.no, line.text))
            grid.kinds[line.no] = "not_understood"
            continue
        records.append(record)
    return records, issues
