"""The classification crosswalk and department renames: the repository's dbt seeds plus the
user's own files, validated row by row before dbt uses them.

A crosswalk row says that `from_code`, as printed in `from_year`, is counted under `to_code` in
later years (renamed, moved, merged, refined into a 7-digit sub-item, or split with shares).
A department rename (机构改革) says that `old_name`'s history continues under `new_name`.
"""

from __future__ import annotations

import csv
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

CROSSWALK_COLUMNS = ("classification", "from_year", "from_code", "to_code", "method", "share",
                     "note")
RENAME_COLUMNS = ("old_name", "new_name", "effective_year", "note")
METHODS = ("renamed", "moved", "merged", "split", "refined")
# Which printed codes each classification's from_code must be found among.
_PRINTED_CODES = {
    "function": """
        select distinct d.fiscal_year, e.function_code as code from accepted.expenditure e
        join accepted.documents d using (document_id)
        union select distinct d.fiscal_year, g.function_code from accepted.general_budget_expenditure g
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
    """The data rows of a CSV file with the expected header; line numbers as in the file."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = tuple(reader.fieldnames or ())
        missing = [c for c in columns if c not in header and c not in ("share", "note")]
        if missing:
            raise ReferenceFileError(
                [f"{path}:1: the header lacks {', '.join(missing)} (expected {', '.join(columns)})"]
            )
        return [
            Row(path, reader.line_num, {c: (record.get(c) or "").strip() for c in columns})
            for record in reader
            if any((value or "").strip() for value in record.values())
        ]


def load_crosswalk(
    con: duckdb.DuckDBPyConnection, user_file: Path | None, seed_file: Path = CROSSWALK_SEED
) -> pl.DataFrame:
    """Validate the seed and the user's crosswalk; store the user's rows in config."""
    seeded = read_rows(seed_file, CROSSWALK_COLUMNS)
    user = read_rows(user_file, CROSSWALK_COLUMNS) if user_file else []
    problems = _crosswalk_problems(con, seeded + user)
    if problems:
        raise ReferenceFileError(problems)
    frame = _frame(user, CROSSWALK_COLUMNS, {"from_year": pl.Int32})
    _replace(con, "config.user_classification_crosswalk", frame)
    return frame


def load_department_renames(
    con: duckdb.DuckDBPyConnection, user_file: Path | None, seed_file: Path = RENAMES_SEED
) -> pl.DataFrame:
    """Validate the seed and the user's renames; store the user's rows in config."""
    seeded = read_rows(seed_file, RENAME_COLUMNS)
    user = read_rows(user_file, RENAME_COLUMNS) if user_file else []
    problems = _rename_problems(seeded + user)
    if problems:
        raise ReferenceFileError(problems)
    frame = _frame(user, RENAME_COLUMNS, {"effective_year": pl.Int32})
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
            problems.append(f"{row.where()}: classification {kind!r} is not one of "
                            f"{', '.join(_PRINTED_CODES)}")
            continue
        if v["method"] not in METHODS:
            problems.append(f"{row.where()}: method {v['method']!r} is not one of "
                            f"{', '.join(METHODS)}")
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
                share = Decimal(-1)
            if not Decimal(0) < share <= Decimal(1):
                problems.append(f"{row.where()}: share {v['share']!r} is not a fraction in (0, 1]")
        year = int(v["from_year"])
        if kind not in printed:
            printed[kind] = {(int(y), c) for y, c in query_frame(con, _PRINTED_CODES[kind])
                             .iter_rows()}
        if (year, v["from_code"]) not in printed[kind]:
            problems.append(f"{row.where()}: {kind} code {v['from_code']} does not appear in any "
                            f"published {year} document, so it cannot be mapped from {year}")
        targets.setdefault((kind, year, v["from_code"]), []).append((row, share))
    for (kind, year, code), mapped in targets.items():
        if len(mapped) > 1:
            shares = [share for _, share in mapped]
            if any(share is None for share in shares) or sum(shares) != 1:  # type: ignore[arg-type]
                problems.append(
                    f"{mapped[0][0].where()}: {kind} {code} ({year}) maps to {len(mapped)} codes; "
                    "give each a share, summing to 1, to split its amount"
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
            problems.append(f"{row.where()}: effective_year "
                            f"{row.values['effective_year']!r} is not a year")
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


def _frame(rows: list[Row], columns: tuple[str, ...], integers: dict[str, pl.DataType]
           ) -> pl.DataFrame:
    schema = {c: integers.get(c, pl.String) for c in columns}
    schema |= {"source_file": pl.String, "source_line": pl.Int32}
    records = [
        {**{c: (int(r.values[c]) if c in integers else r.values[c] or None) for c in columns},
         "source_file": str(r.file), "source_line": r.line}
        for r in rows
    ]
    return pl.DataFrame(records, schema=schema, orient="row")


def _replace(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    with transaction(con):
        con.execute(f"delete from {table}")
        if frame.height:
            insert_frame(con, table, frame)
