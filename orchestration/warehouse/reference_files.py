"""The classification crosswalk and department renames: the repository's dbt seeds plus the
user's own files, validated row by row before dbt uses them.

A crosswalk row says that `from_code`, as printed in `from_year`, is counted under `to_code` in
later years (renamed, moved, merged, refined into a 7-digit sub-item, or split with shares).
A department rename (机构改革) says that `old_name`'s history continues under `new_name`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb
import polars as pl

from orchestration.settings import DBT_PROJECT_DIR

from .database import insert_frame, query_frame, transaction

CROSSWALK_SEED = DBT_PROJECT_DIR / "seeds" / "classification_crosswalk.csv"
RENAMES_SEED = DBT_PROJECT_DIR / "seeds" / "department_renames.csv"

CROSSWALK_COLUMNS = (
    "classification",
    "from_year",
    "from_code",
    "to_code",
    "method",
    "share",
    "note",
)
RENAME_COLUMNS = ("old_name", "new_name", "effective_year", "note")
METHODS = ("renamed", "moved", "merged", "split", "refined")
# Which printed codes each classification's from_code must be found among.
_PRINTED_CODES = {
    "function": """
        select distinct d.fiscal_year, e.function_code as code from accepted.expenditure e
        join accepted.documents d using (document_id)
        union select distinct d.fiscal_year, g.function_code
        from accepted.general_budget_expenditure g
        join accepted.documents d using (document_id)
    """,
    "government_economic": """
        select distinct d.fiscal_year, e.gov_econ_code from accepted.expenditure e
        join accepted.documents d using (document_id)
        union select distinct d.fiscal_year, b.gov_econ_code from accepted.basic_expenditure b
        join accepted.documents d using (document_id)
    """,
    "department_economic": """
        select distinct d.fiscal_year, e.dept_econ_code from accepted.expenditure e
        join accepted.documents d using (document_id)
        union select distinct d.fiscal_year, b.dept_econ_code from accepted.basic_expenditure b
        join accepted.documents d using (document_id)
    """,
}


class ReferenceFileError(Exception):
    """Rows of a crosswalk or renames file that cannot be used, each with its file and line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Row:
    file: Path
    line: int
    values: dict[str, str]

    def where(self) -> str:
        return f"{self.file}:{self.line}"


def read_rows(path: Path, columns: tuple[str, ...]) -> list[Row]:
    """The data rows of a CSV file with the expected header; line numbers as in the file.

    The file must be UTF-8 text and well-formed CSV: a quote left open would otherwise swallow
    the rows after it into one cell without a word, so a field running over several lines, a
    row with more fields than the header and any malformed quoting are errors with their line.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReferenceFileError([f"{path}: cannot be read: {error.strerror or error}"]) from None
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise ReferenceFileError([f"{path}:{line}: a NUL byte: the file is binary, not a CSV"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ReferenceFileError(
            [
                (
                    f"{path}:{line}: not UTF-8 (byte 0x{data[error.start]:02x} at offset "
                    f"{error.start}); save the file as UTF-8 (a GBK file from Excel must be "
                    "converted)"
                )
            ]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[str] = []
    rows: list[Row] = []
    header: tuple[str, ...] | None = None
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(f"{path}:{start}: malformed CSV ({error}); is a quote left open?")
            break
        if reader.line_num > start:
            problems.append(
                f"{path}:{start}: a quoted field runs over lines {start}-"
                f"{reader.line_num}; is a quote left open?"
            )
            continue
        if header is None:
            header = tuple(cell.strip() for cell in record)
            missing = [c for c in columns if c not in header and c not in ("share", "note")]
            if missing:
                raise ReferenceFileError(
                    [
                        (
                            f"{path}:1: the header lacks {', '.join(missing)} "
                            f"(expected {', '.join(columns)})"
                        )
                    ]
                )
            continue
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header):
            problems.append(
                f"{path}:{start}: {len(record)} fields, but the header has "
                f"{len(header)}; is a comma inside a cell not quoted?"
            )
            continue
        values = dict(zip(header, record, strict=False))
        rows.append(Row(path, start, {c: (values.get(c) or "").strip() for c in columns}))
    if header is None:
        problems.append(f"{path}:1: the file is empty (expected the header {','.join(columns)})")
    if problems:
        raise ReferenceFileError(problems)
    return rows


def load_crosswalk(
    con: duckdb.DuckDBPyConnection, user_file: Path | None, seed_file: Path = CROSSWALK_SEED
) -> pl.DataFrame:
    """Validate the seed and the user's crosswalk; store the user's rows in config."""
    seeded = read_rows(seed_file, CROSSWALK_COLUMNS)
    user = read_rows(user_file, CROSSWALK_COLUMNS) if user_file else []
    problems = _crosswalk_problems(con, seeded + user)
    if problems:
        raise ReferenceFileError(problems)
    frame = _frame(user, CROSSWALK_COLUMNS, {"from_year": pl.Int32()})
    _replace(con, "config.user_classification_crosswalk", frame)
    return frame


def load_department_renames(
    con: duckdb.DuckDBPyConnection, user_file: Path | None, seed_file: Path = RENAMES_SEED
) -> pl.DataFrame:
    """Validate the seed and the user's renames; store the user's rows in config."""
    seeded = read_rows(seed_file, RENAME_COLUMNS)
    user = read_rows(user_file, RENAME_COLUMNS) if user_file else []
    problems = _rename_problems(seeded + user)
    if not problems:
        problems = _merge_problems(con, seeded + user)
    if problems:
        raise ReferenceFileError(problems)
    frame = _frame(user, RENAME_COLUMNS, {"effective_year": pl.Int32()})
    _replace(con, "config.user_department_renames", frame)
    return frame


def _crosswalk_problems(con: duckdb.DuckDBPyConnection, rows: list[Row]) -> list[str]:
    problems: list[str] = []
    printed: dict[str, set[tuple[int, str]]] = {}
    targets: dict[tuple[str, int, str], list[tuple[Row, Decimal | None]]] = {}
    seen: set[tuple[str, str, str, str]] = set()
    for row in rows:
        v = row.values
        kind = v["classification"]
        if kind not in _PRINTED_CODES:
            problems.append(
                f"{row.where()}: classification {kind!r} is not one of {', '.join(_PRINTED_CODES)}"
            )
            continue
        if v["method"] not in METHODS:
            problems.append(
                f"{row.where()}: method {v['method']!r} is not one of {', '.join(METHODS)}"
            )
        if not re.fullmatch(r"\d{4}", v["from_year"]):
            problems.append(f"{row.where()}: from_year {v['from_year']!r} is not a year")
            continue
        for column in ("from_code", "to_code"):
            if not re.fullmatch(r"\d{3,7}", v[column]):
                problems.append(f"{row.where()}: {column} {v[column]!r} is not a code")
        key = (kind, v["from_year"], v["from_code"], v["to_code"])
        if key in seen:
            problems.append(f"{row.where()}: the same mapping appears twice")
        seen.add(key)
        share = None
        if v["share"]:
            try:
                share = Decimal(v["share"])
            except InvalidOperation:
                share = None
            if share is None or not share.is_finite() or not Decimal(0) < share <= Decimal(1):
                problems.append(f"{row.where()}: share {v['share']!r} is not a fraction in (0, 1]")
                share = None
            elif v["method"] != "split":
                problems.append(
                    f"{row.where()}: a share is only for split rows (this one is {v['method']!r})"
                )
        year = int(v["from_year"])
        if kind not in printed:
            printed[kind] = {
                (int(y), c) for y, c in query_frame(con, _PRINTED_CODES[kind]).iter_rows()
            }
        if (year, v["from_code"]) not in printed[kind]:
            problems.append(
                f"{row.where()}: {kind} code {v['from_code']} does not appear in any "
                f"published {year} document, so it cannot be mapped from {year}"
            )
        targets.setdefault((kind, year, v["from_code"]), []).append((row, share))
    for (kind, year, code), mapped in targets.items():
        splits = [row for row, _ in mapped if row.values["method"] == "split"]
        if not splits and len(mapped) == 1:
            continue
        lines = ", ".join(str(row.line) for row, _ in mapped)
        if not splits:
            problems.append(
                f"{mapped[0][0].where()}: {kind} {code} ({year}) maps to {len(mapped)} codes; "
                f"give each a share, summing to 1, to split its amount (lines {lines})"
            )
            continue
        shares = [share for _, share in mapped]
        # A lone split row, or shares that do not add up, would move more or less money than
        # the code printed: every split must account for the whole amount.
        if len(splits) != len(mapped) or any(share is None for share in shares) or sum(shares) != 1:  # type: ignore[arg-type]
            total = sum(share for share in shares if share is not None)
            problems.append(
                f"{mapped[0][0].where()}: {kind} {code} ({year}) is split over lines {lines} "
                f"with shares adding up to {total}; every row of a split needs method split "
                "and a share, and the shares must add up to 1"
            )
    return problems


def _rename_problems(rows: list[Row]) -> list[str]:
    problems: list[str] = []
    successor: dict[str, str] = {}
    for row in rows:
        old, new = row.values["old_name"], row.values["new_name"]
        if not old or not new or old == new:
            problems.append(f"{row.where()}: a rename needs two different department names")
            continue
        if not re.fullmatch(r"\d{4}", row.values["effective_year"]):
            problems.append(
                f"{row.where()}: effective_year {row.values['effective_year']!r} is not a year"
            )
        if successor.get(old, new) != new:
            problems.append(f"{row.where()}: {old} is renamed twice ({successor[old]}, {new})")
        successor.setdefault(old, new)
    for start in successor:
        name, visited = start, {start}
        while name in successor:
            name = successor[name]
            if name in visited:
                problems.append(f"renames form a cycle through {start}")
                break
            visited.add(name)
    return problems


def _merge_problems(con: duckdb.DuckDBPyConnection, rows: list[Row]) -> list[str]:
    """Renames that would put two departments' documents of one year under one name.

    A department's history is kept under its latest name; two departments that both published
    in a year cannot share it, or that year would count twice in every mart."""
    successor = {row.values["old_name"]: row.values["new_name"] for row in rows}
    first_row = {row.values["old_name"]: row for row in rows}

    def latest(name: str) -> str:
        while name in successor:
            name = successor[name]
        return name

    printed = con.execute(
        "select distinct department_name, fiscal_year from accepted.documents "
        "where department_name is not null and fiscal_year is not null"
    ).fetchall()
    by_key: dict[tuple[str, int], set[str]] = {}
    for name, year in printed:
        by_key.setdefault((latest(name), year), set()).add(name)
    merged: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    for (key, year), names in sorted(by_key.items()):
        if len(names) > 1:
            merged.setdefault((key, tuple(sorted(names))), []).append(year)
    problems = []
    for (key, merged_names), years in merged.items():
        where = ", ".join(first_row[name].where() for name in merged_names if name in first_row)
        problems.append(
            f"{where}: the renames merge {' and '.join(merged_names)} into {key}, but each "
            "published "
            f"a document for {', '.join(map(str, years))}: one department's year would count "
            "twice. A rename is for one department under a new name; record a merger of "
            "departments by keeping their names"
        )
    return problems


def _frame(
    rows: list[Row], columns: tuple[str, ...], integers: dict[str, pl.DataType]
) -> pl.DataFrame:
    schema = {c: integers.get(c, pl.String()) for c in columns}
    schema |= {"source_file": pl.String(), "source_line": pl.Int32()}
    records = [
        {
            **{c: (int(r.values[c]) if c in integers else r.values[c] or None) for c in columns},
            "source_file": str(r.file),
            "source_line": r.line,
        }
        for r in rows
    ]
    return pl.DataFrame(records, schema=schema, orient="row")


def _replace(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    with transaction(con):
        con.execute(f"delete from {table}")
        if frame.height:
            insert_frame(con, table, frame)
