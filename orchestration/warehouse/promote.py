"""Promotion: the only writer of `accepted`, which it keeps in step with the verdicts.

`accepted` holds, per fiscal year, department, document kind (budget, final accounts) and scope
(department, unit), the last version that passed. A version the gate published replaces the
earlier one of the same file or of the same year, department, kind and scope; a rejected
re-release leaves the previous version there, so the marts keep the last good figures; a year,
department, kind and scope with conflicting files is withdrawn until one file remains
(docs/architecture.md, "Verdicts").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import polars as pl

from orchestration.parsing import RAW_TABLES
from orchestration.quality.gate import GateCheck

from .database import DocumentStatus, query_frame, registered, transaction


@dataclass(slots=True)
class Promotion:
    published: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)


def promote_documents(con: duckdb.DuckDBPyConnection, present: Sequence[str]) -> Promotion:
    """Bring `accepted` in line with the verdicts of the documents in the raw folder."""
    ids = pl.DataFrame({"document_id": list(present)}, schema={"document_id": pl.String})
    now = datetime.now(UTC)
    with transaction(con), registered(con, "present_ids", ids):
        incoming = query_frame(
            con,
            """
            select v.document_id from raw.document_verdicts v
            where v.status = ? and v.document_id in (select document_id from present_ids)
              and not exists (select 1 from accepted.documents a
                              where a.document_id = v.document_id
                                and a.source_sha256 = v.source_sha256)
            order by v.document_id
            """,
            [DocumentStatus.PUBLISHED.value],
        )["document_id"].to_list()
        con.execute(
            """
            create or replace temp table replaced as
            select a.document_id, exists (
                -- a year and department whose files conflict
                select 1 from raw.check_results c
                join raw.documents d using (document_id)
                where c.check_name = ? and not c.success
                  and d.document_id in (select document_id from present_ids)
                  and a.fiscal_year = d.fiscal_year and a.department_name = d.department_name
                  and coalesce(a.document_kind, 'budget') = coalesce(d.document_kind, 'budget')
                  and coalesce(a.scope, 'department') = coalesce(d.scope, 'department')
            ) as conflicted
            from accepted.documents a
            where conflicted or exists (
                -- a newer passing version of the same file or the same year and department
                select 1 from raw.documents d
                where d.document_id in (select unnest(?::varchar[]))
                  and (a.document_id = d.document_id
                       or (a.fiscal_year = d.fiscal_year
                           and a.department_name = d.department_name
                           and coalesce(a.document_kind, 'budget')
                               = coalesce(d.document_kind, 'budget')
                           and coalesce(a.scope, 'department')
                               = coalesce(d.scope, 'department')))
            )
            """,
            [GateCheck.CONFLICT.value, incoming],
        )
        withdrawn = [
            row[0]
            for row in con.execute(
                "select document_id from replaced where conflicted order by 1"
            ).fetchall()
        ]
        for table in ("documents", *RAW_TABLES):
            con.execute(
                f"delete from accepted.{table} "
                "where document_id in (select document_id from replaced)"
            )
            if table != "documents":
                con.execute(
                    f"insert into accepted.{table} by name select * from raw.{table} "
                    "where document_id in (select unnest(?::varchar[]))",
                    [incoming],
                )
        con.execute(
            """
            insert into accepted.documents by name
            select * exclude (status, rejection_reasons, gated_at, gated_run_id),
                   ? as accepted_at
            from raw.document_verdicts where document_id in (select unnest(?::varchar[]))
            """,
            [now, incoming],
        )
        con.execute("drop table replaced")
    return Promotion(published=incoming, withdrawn=withdrawn)
