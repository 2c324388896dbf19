"""The working database: `raw` (every document as last read) and `accepted` (the last version of
each year and department that passed every gate). dbt builds the marts from `accepted` only."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from orchestration.parsing import RAW_TABLES

DOCUMENT_COLUMNS: dict[str, str] = {
    "document_id": "varchar",
    "source_file": "varchar",
    "source_sha256": "varchar",
    "size_bytes": "bigint",
    "encoding": "varchar",
    "line_ending": "varchar",
    "line_total": "integer",
    "fiscal_year": "integer",
    "department_name": "varchar",
    "amount_units": "varchar",
    "tables_found": "varchar",
    "parser_version": "varchar",
    # txt | pdf | xlsx | xls, and for the last three the extraction's libraries and version
    "source_format": "varchar",
    "extractor": "varchar",
    # pending (read, not yet gated) | published | rejected | companion (a PDF of text only)
    "status": "varchar",
    "parsed_at": "timestamptz",
    "run_id": "varchar",
}

CHECK_RESULT_COLUMNS: dict[str, str] = {
    "document_id": "varchar",
    "source_sha256": "varchar",
    "check_name": "varchar",
    "identity": "varchar",
    "table_no": "varchar",
    "source_line": "integer",
    "success": "boolean",
    "expected": "varchar",
    "observed": "varchar",
    "difference": "decimal(18,6)",
    "message": "varchar",
    # a failed check that keeps the document out of the marts (others are warnings)
    "rejects": "boolean",
    "checked_at": "timestamptz",
}


def duckdb_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Decimal):
        return f"decimal({dtype.precision},{dtype.scale})"
    return {pl.String: "varchar", pl.Int32: "integer", pl.Int64: "bigint",
            pl.Boolean: "boolean"}[dtype.base_type()]


def _table_ddl(name: str, columns: dict[str, str]) -> str:
    body = ",\n    ".join(f"{column} {kind}" for column, kind in columns.items())
    return f"create table {name} (\n    {body}\n)"


# The user's own crosswalk and department renames, loaded from their files for dbt.
CONFIG_TABLES: dict[str, dict[str, str]] = {
    "user_classification_crosswalk": {
        "classification": "varchar", "from_year": "integer", "from_code": "varchar",
        "to_code": "varchar", "method": "varchar", "share": "varchar", "note": "varchar",
        "source_file": "varchar", "source_line": "integer",
    },
    "user_department_renames": {
        "old_name": "varchar", "new_name": "varchar", "effective_year": "integer",
        "note": "varchar", "source_file": "varchar", "source_line": "integer",
    },
}
SCHEMAS = ("raw", "accepted", "config")


def _ddl() -> list[str]:
    statements = [f"create schema {schema}" for schema in SCHEMAS]
    statements += [_table_ddl(f"config.{name}", columns) for name, columns in CONFIG_TABLES.items()]
    statements.append(_table_ddl("raw.documents", DOCUMENT_COLUMNS))
    statements.append(_table_ddl("raw.check_results", CHECK_RESULT_COLUMNS))
    statements.append(
        _table_ddl("accepted.documents", {**DOCUMENT_COLUMNS, "accepted_at": "timestamptz"})
    )
    for table, schema in RAW_TABLES.items():
        columns = {"document_id": "varchar", **{c: duckdb_type(t) for c, t in schema.items()}}
        for schema_name in ("raw", "accepted"):
            statements.append(_table_ddl(f"{schema_name}.{table}", columns))
    return statements


SCHEMA_FINGERPRINT = hashlib.sha256("\n".join(_ddl()).encode()).hexdigest()[:16]


@contextmanager
def connect(path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that is always closed, so the next writer (dbt, publish) can open the file."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def ensure_schema(con: duckdb.DuckDBPyConnection) -> bool:
    """Create the raw and accepted schemas; recreate them if their layout changed.

    Returns True when they were (re)created, in which case every document is read again.
    """
    found = scalar(
        con,
        "select count(*) from information_schema.tables "
        "where table_schema = 'raw' and table_name = 'schema_version'",
    )
    if found and scalar(con, "select fingerprint from raw.schema_version") == SCHEMA_FINGERPRINT:
        return False
    con.execute("begin")
    try:
        for schema in SCHEMAS:
            con.execute(f"drop schema if exists {schema} cascade")
        for statement in _ddl():
            con.execute(statement)
        con.execute("create table raw.schema_version (fingerprint varchar)")
        con.execute("insert into raw.schema_version values (?)", [SCHEMA_FINGERPRINT])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return True


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("begin")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


@contextmanager
def registered(
    con: duckdb.DuckDBPyConnection, name: str, data: pl.DataFrame | pa.Table
) -> Iterator[str]:
    """Expose a frame to SQL under `name` for the duration of the block."""
    con.register(name, data.to_arrow() if isinstance(data, pl.DataFrame) else data)
    try:
        yield name
    finally:
        con.unregister(name)


def scalar(
    con: duckdb.DuckDBPyConnection, sql: str, parameters: list[object] | None = None
) -> object:
    """The first value of a query's result, or None. Reads the whole result: DuckDB 2.0
    refuses further statements on a connection whose last result was only partly fetched."""
    rows = con.execute(sql, parameters or []).fetchall()
    return rows[0][0] if rows else None


def query_frame(
    con: duckdb.DuckDBPyConnection, sql: str, parameters: list[object] | None = None
) -> pl.DataFrame:
    """A query's result as a Polars frame (through Arrow, so DECIMAL stays DECIMAL)."""
    result = pl.from_arrow(con.sql(sql, params=parameters or None).to_arrow_table())
    assert isinstance(result, pl.DataFrame)
    return result


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Append a frame to a table, matching columns by name."""
    with registered(con, "incoming", frame):
        con.execute(f"insert into {table} by name select * from incoming")


_POLARS_TYPES: dict[str, pl.DataType] = {
    "varchar": pl.String(),
    "integer": pl.Int32(),
    "bigint": pl.Int64(),
    "boolean": pl.Boolean(),
    "timestamptz": pl.Datetime("us", "UTC"),
    "decimal(18,6)": pl.Decimal(18, 6),
}


def polars_schema(columns: dict[str, str]) -> dict[str, pl.DataType]:
    """The Polars schema of a table described in DuckDB types (documents, check_results)."""
    return {name: _POLARS_TYPES[kind] for name, kind in columns.items()}


def sql_literal(text: str) -> str:
    """A single-quoted SQL string, for the few statements (COMMENT ON) that take no parameters."""
    return "'" + text.replace("'", "''") + "'"


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
