"""The gate's decision: pending documents with no rejecting failure move into `accepted`.

`accepted` holds, per fiscal year and department, the last version that passed. A rejected
re-release leaves the previous version there, so the marts keep the last good figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import polars as pl

from orchestration.parsing import RAW_TABLES, Issue

from .database import (
    CHECK_RESULT_COLUMNS,
    insert_frame,
    polars_schema,
    query_frame,
    registered,
    transaction,
)
from .load import issue_row


@dataclass(slots=True)
class GateOutcome:
    published: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


def reject_failed_documents(con: duckdb.DuckDBPyConnection, document_ids: list[str]) -> list[str]:
    """Mark documents with a failed rejecting check as rejected; return all of them that are.

    Run by the gates themselves, so a document's status is recorded even in a run whose
    blocking checks stop before promotion.
    """
    ids = pl.DataFrame({"document_id": document_ids}, schema={"document_id": pl.String})
    with registered(con, "gated", ids):
        con.execute(
            """
            update raw.documents d set status = 'rejected'
            where d.status = 'pending'
              and d.document_id in (select document_id from gated)
              and exists (
                  select 1 from raw.check_results c
                  where c.document_id = d.document_id and c.source_sha256 = d.source_sha256
                    and not c.success and c.rejects
              )
            """
        )
        rejected = query_frame(
            con,
            "select document_id from raw.documents where status = 'rejected' "
            "and document_id in (select document_id from gated) order by document_id",
        )
    return rejected["document_id"].to_list()


def promote_documents(con: duckdb.DuckDBPyConnection) -> GateOutcome:
    """Publish or reject every pending document, in one transaction."""
    now = datetime.now(UTC)
    pending = query_frame(
        con,
        """
        select d.document_id, d.source_sha256, d.fiscal_year, d.department_name,
               exists (
                   select 1 from raw.check_results c
                   where c.document_id = d.document_id and c.source_sha256 = d.source_sha256
                     and not c.success and c.rejects
               ) as failed
        from raw.documents d
        where d.status = 'pending'
        order by d.document_id
        """,
    )
    conflicts = _same_year_and_department(pending.filter(~pl.col("failed")), now)
    outcome = GateOutcome()
    conflicting = set(conflicts.get_column("document_id").to_list()) if conflicts.height else set()
    for row in pending.iter_rows(named=True):
        if row["failed"] or row["document_id"] in conflicting:
            outcome.rejected.append(row["document_id"])
        else:
            outcome.published.append(row["document_id"])
    passing = pl.DataFrame({"document_id": outcome.published}, schema={"document_id": pl.String})
    with transaction(con), registered(con, "passing", passing):
        if conflicts.height:
            insert_frame(con, "raw.check_results", conflicts)
        # The version being replaced: same document file, or the same year and department.
        con.execute(
            """
            create or replace temp table replaced as
            select a.document_id
            from accepted.documents a
            join raw.documents d on d.document_id in (select document_id from passing)
            where a.document_id = d.document_id
               or (a.fiscal_year = d.fiscal_year and a.department_name = d.department_name)
            """
        )
        for table in ("documents", *RAW_TABLES):
            con.execute(
                f"delete from accepted.{table} "
                "where document_id in (select document_id from replaced)"
            )
        for table in RAW_TABLES:
            con.execute(
                f"insert into accepted.{table} select * from raw.{table} "
                "where document_id in (select document_id from passing)"
            )
        con.execute(
            """
            insert into accepted.documents by name
            select * replace ('published' as status), ? as accepted_at
            from raw.documents where document_id in (select document_id from passing)
            """,
            [now],
        )
        con.execute(
            """
            update raw.documents
            set status = case when document_id in (select document_id from passing)
                              then 'published' else 'rejected' end
            where status = 'pending'
            """
        )
        con.execute("drop table replaced")
    return outcome


def _same_year_and_department(passing: pl.DataFrame, now: datetime) -> pl.DataFrame:
    """Check rows rejecting documents of one build that claim the same year and department."""
    duplicated = passing.filter(
        pl.len().over("fiscal_year", "department_name") > 1
    ).sort("document_id")
    rows = []
    for (year, department), group in duplicated.group_by(
        "fiscal_year", "department_name", maintain_order=True
    ):
        ids = group.get_column("document_id").to_list()
        for document_id, sha256 in group.select("document_id", "source_sha256").iter_rows():
            issue = Issue(
                document_id,
                f"{len(ids)} documents in this build are for {year} {department} "
                f"({', '.join(ids)}); none is published until only one remains",
                "13",
                check_name="structure",
            )
            rows.append(issue_row(document_id, sha256, issue, now))
    return pl.DataFrame(rows, schema=polars_schema(CHECK_RESULT_COLUMNS), orient="row")
