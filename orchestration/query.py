"""`budget-warehouse sql "select ..."`: a query on the published file, for people without a
DuckDB client. Read-only: the file is opened read-only and the query can reach no other file."""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

# Rows printed before the rest are counted (never dropped silently); --max-rows changes it.
DEFAULT_MAX_ROWS = 200


@dataclass(frozen=True, slots=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: list[tuple[object, ...]]


class QueryError(ValueError):
    """The query could not run: the message is DuckDB's, prefixed with what was asked."""


def run_query(warehouse: Path, sql: str) -> QueryResult:
    if not warehouse.exists():
        raise QueryError(f"no published warehouse at {warehouse}; run `budget-warehouse build`")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        # No COPY TO, no read_csv of other files, no extension downloads: the published
        # warehouse is all a query sees.
        con.execute("set enable_external_access = false")
        con.execute("set lock_configuration = true")
        try:
            cursor = con.execute(sql)
        except duckdb.Error as error:
            raise QueryError(str(error)) from None
        if cursor.description is None:
            return QueryResult((), [])
        columns = tuple(column[0] for column in cursor.description)
        return QueryResult(columns, cursor.fetchall())
    finally:
        con.close()


def _text(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, Decimal):
        return format(value, "f")  # exact, never 1E+2
    return str(value)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from orchestration.settings import Settings

    err = Console(stderr=True, soft_wrap=True)
    try:
        result = run_query(Settings.from_env(warehouse=args.warehouse).warehouse, args.query)
    except QueryError as error:
        err.print(f"[red]error:[/red] {error}", highlight=False)
        return 2
    if args.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(result.columns)
        writer.writerows([_text(v) if v is not None else "" for v in row] for row in result.rows)
        return 0
    shown = result.rows if args.max_rows <= 0 else result.rows[: args.max_rows]
    table = Table(show_lines=False)
    for position, column in enumerate(result.columns):
        numeric = any(
            isinstance(row[position], int | Decimal) and not isinstance(row[position], bool)
            for row in shown
        )
        table.add_column(column, justify="right" if numeric else "left")
    for row in shown:
        table.add_row(*(_text(value) for value in row))
    out = Console(soft_wrap=True)
    out.print(table, highlight=False)
    hidden = len(result.rows) - len(shown)
    suffix = (
        f"; {hidden:,} more not shown (--max-rows 0 shows all, --csv writes all)"
        if (hidden)
        else ""
    )
    out.print(f"{len(result.rows):,} rows{suffix}", highlight=False)
    return 0
