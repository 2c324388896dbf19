"""The working database: who writes which table, and how its layout is kept up to date.

Schemas (docs/architecture.md, "Who writes what"):

- `raw`: every document as last read. `raw.documents`, `raw.parse_results` and the parsed tables
  are written by ingestion only; `raw.gate_results` by the gate only. Two views read them:
  `raw.check_results` (every result, parse and gate) and `raw.document_verdicts` (each current
  version's status, decided in one place: `VERDICTS_VIEW`). raw is derived from the documents,
  so a change of its layout rebuilds it: every document is read again.
- `accepted`: per fiscal year and department, the last version that passed; written by
  promotion only. It is the only copy of a last good version whose newer file was rejected, so
  it is migrated in place (tables and columns added, types widened) and never dropped.
- `config`: the user's crosswalk and renames files, loaded on every run.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa

from orchestration.parsing import RAW_TABLES

# The check name of the gate's record that it checked a version (orchestration/quality/gate.py).
GATE_RECORD = "gate"


class DocumentStatus(StrEnum):
    """A document version's standing, as `raw.document_verdicts` decides it."""

    PENDING = "pending"  # read, not yet gated
    PUBLISHED = "published"  # passed every rejecting check: its figures are in the marts
    REJECTED = "rejected"  # failed a rejecting check: the last good version stays
    COMPANION = "companion"  # a PDF of text only beside the tables: nothing to gate or publish


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
    # budget | final_accounts (决算): a department and year has one published document of each
    "document_kind": "varchar",
    # department (部门预算) | unit (单位预算): a unit's budget is published beside its
    # department's, but its figures stay out of the department-level marts
    "scope": "varchar",
    "parser_version": "varchar",
    # txt | pdf | xlsx | xls, and for the last three the extraction's libraries and version
    "source_format": "varchar",
    "extractor": "varchar",
    # a PDF of text only, published beside the tables (Jiangsu's …文件): never gated
    "companion": "boolean",
    # the template profile it was read with (orchestration/parsing/templates.py)
    "template": "varchar",
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
    "item": "varchar",  # what was compared: a code, a label, a column
    "success": "boolean",
    "expected": "varchar",
    "observed": "varchar",
    # Differences of sums: wider than any one amount (DECIMAL(18,6)).
    "difference": "decimal(38,6)",
    # how far apart the sides of an identity may be (the rounding allowance, in 万元)
    "allowance": "decimal(38,7)",
    "message": "varchar",
    # a failed check that keeps the document out of the marts (others are warnings)
    "rejects": "boolean",
    "checked_at": "timestamptz",
    "run_id": "varchar",
}

# The user's own crosswalk and department renames, loaded from their files for dbt.
CONFIG_TABLES: dict[str, dict[str, str]] = {
    "user_classification_crosswalk": {
        "classification": "varchar",
        "from_year": "integer",
        "from_code": "varchar",
        "to_code": "varchar",
        "method": "varchar",
        "share": "varchar",
        "note": "varchar",
        "source_file": "varchar",
        "source_line": "integer",
    },
    "user_department_renames": {
        "old_name": "varchar",
        "new_name": "varchar",
        "effective_year": "integer",
        "note": "varchar",
        "source_file": "varchar",
        "source_line": "integer",
    },
}


def duckdb_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Decimal):
        return f"decimal({dtype.precision},{dtype.scale})"
    return {pl.String: "varchar", pl.Int32: "integer", pl.Int64: "bigint", pl.Boolean: "boolean"}[
        dtype.base_type()
    ]


def _parsed_tables() -> dict[str, dict[str, str]]:
    return {
        table: {"document_id": "varchar", **{c: duckdb_type(t) for c, t in schema.items()}}
        for table, schema in RAW_TABLES.items()
    }


# Every table of each schema with its columns: the one declaration the DDL, the migrations and
# the check against dbt's sources (tests/test_schema.py) read.
RAW_SCHEMA: dict[str, dict[str, str]] = {
    "documents": DOCUMENT_COLUMNS,
    "parse_results": CHECK_RESULT_COLUMNS,
    "gate_results": CHECK_RESULT_COLUMNS,
    **_parsed_tables(),
}
ACCEPTED_SCHEMA: dict[str, dict[str, str]] = {
    "documents": {**DOCUMENT_COLUMNS, "accepted_at": "timestamptz"},
    **_parsed_tables(),
}

# Results of the current version of each document: its parse results (ingestion replaces them
# with every read) and the gate's results on those same bytes since they were read. A gate
# result older than the read (the same bytes read again with another parser) no longer counts.
CHECK_RESULTS_VIEW = """
create or replace view raw.check_results as
select * from raw.parse_results
union all by name
select g.* from raw.gate_results g
join raw.documents d
  on d.document_id = g.document_id and d.source_sha256 = g.source_sha256
 and g.checked_at >= d.parsed_at
"""

# The verdict rule, stated once: a version that failed a rejecting check (parse or gate) is
# rejected; one the gate has not seen yet is pending; the rest are published.
VERDICTS_VIEW = f"""
create or replace view raw.document_verdicts as
with failures as (
    select document_id,
           list(message order by table_no nulls first, source_line nulls first, message)
               as rejection_reasons
    from raw.check_results
    where not success and rejects
    group by document_id
),
gated as (
    select g.document_id, max(g.checked_at) as gated_at,
           arg_max(g.run_id, g.checked_at) as gated_run_id
    from raw.gate_results g
    join raw.documents d
      on d.document_id = g.document_id and d.source_sha256 = g.source_sha256
     and g.checked_at >= d.parsed_at
    -- the gate's own record of checking a version, not the conflicts it re-decides each run
    where g.check_name = '{GATE_RECORD}'
    group by g.document_id
)
select d.*,
       case
           when d.companion then '{DocumentStatus.COMPANION}'
           when f.document_id is not null then '{DocumentStatus.REJECTED}'
           when g.document_id is null then '{DocumentStatus.PENDING}'
           else '{DocumentStatus.PUBLISHED}'
       end as status,
       coalesce(f.rejection_reasons, []::varchar[]) as rejection_reasons,
       g.gated_at,
       g.gated_run_id
from raw.documents d
left join failures f using (document_id)
left join gated g using (document_id)
"""

VIEWS = (CHECK_RESULTS_VIEW, VERDICTS_VIEW)


def _table_ddl(name: str, columns: dict[str, str]) -> str:
    body = ",\n    ".join(f"{column} {kind}" for column, kind in columns.items())
    return f"create table {name} (\n    {body}\n)"


# raw is rebuilt from the documents whenever its declared layout changes.
RAW_LAYOUT = hashlib.sha256(
    "\n".join(_table_ddl(f"raw.{t}", c) for t, c in RAW_SCHEMA.items()).encode()
).hexdigest()[:16]


class DatabaseBusy(Exception):
    """Another process holds the database file: DuckDB lets one process write a file."""

    def __init__(self, path: Path, pid: int | None, holder: str):
        self.path, self.pid = path, pid
        if pid is None:
            message = f"the database {path} is in use by another process ({holder})"
            advice = "wait for it to finish"
        else:
            message = f"the database {path} is in use by process {pid} ({holder})"
            advice = (
                f"wait for it to finish, or end it (kill {pid}) if no build or dbt run "
                "of yours is running"
            )
        super().__init__(f"{message}: {advice}")


# DuckDB names the holder: 'Conflicting lock is held in /usr/bin/python3.11 (PID 15660)'.
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")


def busy_error(path: Path, error: duckdb.Error) -> DatabaseBusy | None:
    """The DatabaseBusy a DuckDB error means, or None when it is about something else."""
    text = str(error)
    if "Could not set lock" not in text and "Conflicting lock" not in text:
        return None
    match = _LOCK_HOLDER.search(text)
    if match is None:
        return DatabaseBusy(path, None, "DuckDB did not say which")
    pid = int(match.group("pid"))
    return DatabaseBusy(path, pid, describe_process(pid, match.group("program")))


def describe_process(pid: int, program: str) -> str:
    """What a process is, from its command line where the system shows it: a dbt process left
    running by a build that was stopped holds the working database until it ends."""
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return program
    words = [os.fsdecode(a) for a in arguments if a]
    command = " ".join(" ".join(words).split())[:200] or program
    if any(Path(word).name == "dbt" for word in words[:3]):
        return f"dbt, probably left running by a build that was stopped or killed: {command}"
    return command


class DatabaseUnusable(Exception):
    """The working database cannot be opened for another reason than a lock."""


def check_writable(path: Path) -> None:
    """Open the database for writing and close it: raises DatabaseBusy (naming the process that
    holds it) or DatabaseUnusable, so a build stops before it starts rather than half way."""
    try:
        with connect(path):
            pass
    except duckdb.Error as error:
        raise DatabaseUnusable(
            f"the working database {path} cannot be opened ({error}); if it is damaged, delete "
            "it and build again (every document is then read again, and the last good version "
            "kept for a rejected re-release is lost)"
        ) from None


@contextmanager
def connect(path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that is always closed, so the next writer (dbt, publish) can open the file.

    Raises DatabaseBusy, naming the process, when another process holds the file."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as error:
        busy = busy_error(path, error)
        if busy is None:
            raise
        raise busy from None
    try:
        yield con
    finally:
        con.close()


def ensure_schema(con: duckdb.DuckDBPyConnection) -> bool:
    """Bring the working database to the declared layout without losing what cannot be rebuilt.

    `accepted` and `config` are migrated in place; `raw` is recreated when its layout changed.
    Returns True when raw was (re)created, in which case every document is read again.
    """
    with transaction(con):
        for schema in ("raw", "accepted", "config"):
            con.execute(f"create schema if not exists {schema}")
        for table, columns in ACCEPTED_SCHEMA.items():
            _migrate_table(con, "accepted", table, columns)
        for table, columns in CONFIG_TABLES.items():
            _migrate_table(con, "config", table, columns)
        rebuilt = _raw_layout(con) != RAW_LAYOUT
        if rebuilt:
            # Views first: they depend on the tables.
            for name, kind in con.execute(
                "select table_name, table_type from information_schema.tables "
                "where table_schema = 'raw' order by table_type desc"
            ).fetchall():
                keyword = "view" if kind == "VIEW" else "table"
                con.execute(f"drop {keyword} if exists raw.{quote_identifier(name)}")
            for table, columns in RAW_SCHEMA.items():
                con.execute(_table_ddl(f"raw.{table}", columns))
            con.execute("create table raw.schema_version (fingerprint varchar)")
            con.execute("insert into raw.schema_version values (?)", [RAW_LAYOUT])
        for view in VIEWS:
            con.execute(view)
    return rebuilt


def _raw_layout(con: duckdb.DuckDBPyConnection) -> str | None:
    found = scalar(
        con,
        "select count(*) from information_schema.tables "
        "where table_schema = 'raw' and table_name = 'schema_version'",
    )
    return str(scalar(con, "select fingerprint from raw.schema_version")) if found else None


def _migrate_table(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, columns: dict[str, str]
) -> None:
    """Create the table, or add its missing columns and widen changed types. Columns no longer
    declared are kept: they may hold figures of an earlier release."""
    existing = dict(
        con.execute(
            "select column_name, lower(data_type) from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()
    )
    name = f"{schema}.{quote_identifier(table)}"
    if not existing:
        con.execute(_table_ddl(name, columns))
        return
    for column, kind in columns.items():
        if column not in existing:
            con.execute(f"alter table {name} add column {quote_identifier(column)} {kind}")
        elif _normalised_type(existing[column]) != _normalised_type(kind):
            con.execute(
                f"alter table {name} alter column {quote_identifier(column)} set data type {kind}"
            )


def _normalised_type(kind: str) -> str:
    kind = kind.lower().replace(" ", "")
    return {
        "timestampwithtimezone": "timestamptz",
        "int": "integer",
        "int4": "integer",
        "int8": "bigint",
        "bool": "boolean",
        "string": "varchar",
        "text": "varchar",
    }.get(kind, kind)


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


def scalar(con: duckdb.DuckDBPyConnection, sql: str, parameters: list[object] | None = None) -> Any:
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
    "decimal(38,6)": pl.Decimal(38, 6),
    "decimal(38,7)": pl.Decimal(38, 7),  # an allowance: half a fen per rounded figure
}


def polars_schema(columns: dict[str, str]) -> dict[str, pl.DataType]:
    """The Polars schema of a table described in DuckDB types (documents, check results)."""
    return {name: _POLARS_TYPES[kind] for name, kind in columns.items()}


def sql_literal(text: str) -> str:
    """A single-quoted SQL string, for the few statements (COMMENT ON) that take no parameters."""
    return "'" + text.replace("'", "''") + "'"


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
