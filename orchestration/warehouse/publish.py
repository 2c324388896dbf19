"""The published warehouse: the marts copied into a fresh file, then renamed over the old one.

BI tools hold the published file open all day. DuckDB lets one process write a file or many
read it, so a build never writes the published file in place: it writes a temporary file next to
it and `os.replace`s it. Open readers keep their consistent old view; new connections see the
new build; a crash leaves the old file untouched. The file is written in storage version v1.2.0
because BI drivers still ship DuckDB 1.x, which cannot open DuckDB 2.0's default format.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .database import quote_identifier, scalar, sql_literal

# marts_zh holds views over marts under Chinese names: copied as views (their SQL names the
# marts without a database), so the published file stores each figure once.
PUBLISHED_SCHEMAS = ("marts", "marts_zh")
STORAGE_VERSION = "v1.2.0"


@dataclass(frozen=True, slots=True)
class Published:
    path: Path
    row_counts: dict[str, int]
    size_bytes: int


def publish(build_db: Path, published: Path) -> Published:
    """Copy the published schemas of the build database to `published`, atomically."""
    published.parent.mkdir(parents=True, exist_ok=True)
    # A build killed while publishing leaves its temporary file behind; the published file
    # itself was never touched. Builds do not run concurrently (the working database is
    # locked), so any temporary file found now is such a leftover.
    for leftover in (
        *published.parent.glob(f".{published.name}.*.tmp"),
        *published.parent.glob(f".{published.name}.*.tmp.wal"),
    ):
        leftover.unlink(missing_ok=True)
    temporary = published.with_name(f".{published.name}.{uuid.uuid4().hex[:12]}.tmp")
    # DuckDB writes its write-ahead log next to the file; a failed publish (a full disk) must
    # remove it too.
    wal = temporary.with_name(temporary.name + ".wal")
    con = duckdb.connect()
    row_counts: dict[str, int] = {}
    try:
        con.execute("attach ? as build (read_only)", [str(build_db)])
        con.execute(f"attach ? as pub (storage_version '{STORAGE_VERSION}')", [str(temporary)])
        for schema in PUBLISHED_SCHEMAS:
            row_counts |= _copy_schema(con, schema)
        for schema in PUBLISHED_SCHEMAS:
            _copy_views(con, schema)
        con.execute("detach pub")
    except BaseException:
        con.close()
        temporary.unlink(missing_ok=True)
        wal.unlink(missing_ok=True)
        raise
    con.close()
    with temporary.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, published)
    return Published(published, row_counts, published.stat().st_size)


def _copy_schema(con: duckdb.DuckDBPyConnection, schema: str) -> dict[str, int]:
    tables = con.execute(
        """
        select table_name, comment, sql from duckdb_tables()
        where database_name = 'build' and schema_name = ? order by table_name
        """,
        [schema],
    ).fetchall()
    q_schema = quote_identifier(schema)
    con.execute(f"create schema pub.{q_schema}")
    # Each table from its own CREATE statement (schema-qualified, no database), so the primary
    # keys the dbt contracts declare reach the published file, where BI tools read them.
    con.execute("use pub")
    try:
        for _, _, sql in tables:
            con.execute(sql)
    finally:
        con.execute("use memory")
    counts: dict[str, int] = {}
    for table, comment, _ in tables:
        q_table = f"{q_schema}.{quote_identifier(table)}"
        con.execute(f"insert into pub.{q_table} select * from build.{q_table}")
        counts[f"{schema}.{table}"] = int(scalar(con, f"select count(*) from pub.{q_table}"))
        _copy_comments(con, "table", schema, table, comment)
    return counts


def _copy_views(con: duckdb.DuckDBPyConnection, schema: str) -> None:
    """Each view of the schema, created in the published file from the SQL it was made with."""
    views = con.execute(
        """
        select view_name, comment, sql from duckdb_views()
        where database_name = 'build' and schema_name = ? and not internal order by view_name
        """,
        [schema],
    ).fetchall()
    if not views:
        return
    con.execute(f"create schema if not exists pub.{quote_identifier(schema)}")
    # The views' SQL names schemas without a database: run it with the published file as the
    # default database, so it binds to the copied marts there (and in the file once renamed).
    con.execute("use pub")
    try:
        for _, _, sql in views:
            con.execute(sql)
    finally:
        con.execute("use memory")
    for view, comment, _ in views:
        _copy_comments(con, "view", schema, view, comment)


def _copy_comments(
    con: duckdb.DuckDBPyConnection, kind: str, schema: str, relation: str, comment: str | None
) -> None:
    """dbt's model and column docs, so BI tools that show comments explain each column."""
    q_relation = f"pub.{quote_identifier(schema)}.{quote_identifier(relation)}"
    if comment:
        con.execute(f"comment on {kind} {q_relation} is {sql_literal(comment)}")
    columns = con.execute(
        """
        select column_name, comment from duckdb_columns()
        where database_name = 'build' and schema_name = ? and table_name = ?
          and comment is not null
        """,
        [schema, relation],
    ).fetchall()
    for column, column_comment in columns:
        con.execute(
            f"comment on column {q_relation}.{quote_identifier(column)} "
            f"is {sql_literal(column_comment)}"
        )
