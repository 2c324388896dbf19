"""The gate step: the only writer of raw.gate_results, and so of every document's verdict.

It runs after ingestion, on every version not yet gated, and records:

- the results of the checks in expectations/ (format, reconciliation, performance);
- one `gate` row per version gated, saying it was;
- `conflict` failures: two files of the raw folder whose versions both pass and claim the same
  fiscal year and department. Neither is published, and a version of that year and department
  already in the marts is withdrawn, so that the same folder gives the same marts whether it is
  built from scratch or a file at a time (docs/architecture.md, "Verdicts").

The verdict itself is the view raw.document_verdicts (orchestration/warehouse/database.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from orchestration.settings import EXPECTATIONS_DIR
from orchestration.warehouse.database import (
    CHECK_RESULT_COLUMNS,
    GATE_RECORD,
    DocumentStatus,
    insert_frame,
    polars_schema,
    query_frame,
    registered,
    transaction,
)

from .gates import CheckOutcome, run_quality_gates


class GateCheck(StrEnum):
    """Check names the gate records besides those of expectations/."""

    GATE = GATE_RECORD
    CONFLICT = "conflict"


@dataclass(slots=True)
class GateRun:
    """What one gate step did."""

    gated: list[str] = field(default_factory=list)
    outcomes: dict[str, CheckOutcome] = field(default_factory=dict)
    conflicts: dict[tuple[int, str], list[str]] = field(default_factory=dict)
    data_docs: Path | None = None


def gate_documents(
    con: duckdb.DuckDBPyConnection,
    present: Sequence[str],
    *,
    run_id: str,
    data_docs_dir: Path | None = None,
    expectations_dir: Path = EXPECTATIONS_DIR,
) -> GateRun:
    """Gate the versions of these documents (the files now in the raw folder) not yet gated,
    and decide the conflicts among all of them; record it all in one transaction."""
    ids = pl.DataFrame({"document_id": list(present)}, schema={"document_id": pl.String})
    with registered(con, "present_ids", ids):
        to_gate = query_frame(
            con,
            "select document_id from raw.document_verdicts "
            "where gated_at is null and tables_found is not null "
            "and document_id in (select document_id from present_ids) order by document_id",
        )["document_id"].to_list()
    run = GateRun(gated=to_gate)
    report = (
        run_quality_gates(
            con, to_gate, data_docs_dir=data_docs_dir, expectations_dir=expectations_dir
        )
        if to_gate
        else None
    )
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    if report is not None:
        run.outcomes, run.data_docs = report.outcomes, report.data_docs
        rows += report.results
    shas = _sha256_of(con, to_gate)
    rows += [
        {
            "document_id": document_id,
            "source_sha256": shas[document_id],
            "check_name": GateCheck.GATE,
            "success": True,
            "rejects": False,
            "checked_at": now,
            "message": f"{document_id}: gated by "
            f"{', '.join(report.outcomes) if report else 'no check'}",
        }
        for document_id in to_gate
    ]
    frame = pl.DataFrame(
        [row | {"run_id": run_id} for row in rows],
        schema=polars_schema(CHECK_RESULT_COLUMNS),
        orient="row",
    )
    gated = pl.DataFrame({"document_id": to_gate}, schema={"document_id": pl.String})
    with transaction(con), registered(con, "gated_ids", gated), registered(con, "present_ids", ids):
        con.execute(
            "delete from raw.gate_results "
            "where document_id in (select document_id from gated_ids) "
            "or check_name = ?",
            [GateCheck.CONFLICT.value],
        )
        insert_frame(con, "raw.gate_results", frame)
        run.conflicts = _record_conflicts(con, run_id, now)
    return run


# Conflict messages of budgets read as before; those of 决算 say so.
_KIND_WORDS = {"final_accounts": " (final accounts, 决算)"}
_SCOPE_WORDS = {"unit": " (a unit's budget, 单位预算)"}


def _sha256_of(con: duckdb.DuckDBPyConnection, document_ids: list[str]) -> dict[str, str]:
    if not document_ids:
        return {}
    return dict(
        con.execute(
            "select document_id, source_sha256 from raw.documents "
            "where document_id in (select unnest(?::varchar[]))",
            [document_ids],
        ).fetchall()
    )


def _record_conflicts(
    con: duckdb.DuckDBPyConnection, run_id: str, now: datetime
) -> dict[tuple[int, str], list[str]]:
    """Conflict failures for the present versions that pass and share a year, department and
    document kind."""
    passing = query_frame(
        con,
        "select document_id, source_sha256, fiscal_year, department_name, "
        "coalesce(document_kind, 'budget') as document_kind, "
        "coalesce(scope, 'department') as scope "
        "from raw.document_verdicts where status = ? "
        "and document_id in (select document_id from present_ids) order by document_id",
        [DocumentStatus.PUBLISHED.value],
    )
    conflicts: dict[tuple[int, str], list[str]] = {}
    rows = []
    # A budget and the final accounts (决算) of the same year and department are two documents,
    # not a conflict: one published document per year, department and kind.
    # Nor are a department's budget (部门预算) and the budget of one of its units (单位预算),
    # which may print the same name: one per year, department, kind and scope.
    for (year, department, kind, scope), group in passing.group_by(
        "fiscal_year", "department_name", "document_kind", "scope", maintain_order=True
    ):
        if group.height < 2:
            continue
        ids = group["document_id"].to_list()
        conflicts.setdefault((year, department), []).extend(ids)
        for document_id, sha256 in group.select("document_id", "source_sha256").iter_rows():
            others = ", ".join(i for i in ids if i != document_id)
            rows.append(
                {
                    "document_id": document_id,
                    "source_sha256": sha256,
                    "check_name": GateCheck.CONFLICT.value,
                    "table_no": "13",
                    "success": False,
                    "rejects": True,
                    "checked_at": now,
                    "run_id": run_id,
                    "message": f"{document_id}: {len(ids)} files of the raw folder are for {year} "
                    f"{department}{_KIND_WORDS.get(kind, '')}{_SCOPE_WORDS.get(scope, '')} "
                    f"(also {others}); none is "
                    "published until only one remains",
                }
            )
    if rows:
        insert_frame(
            con,
            "raw.gate_results",
            pl.DataFrame(rows, schema=polars_schema(CHECK_RESULT_COLUMNS), orient="row"),
        )
    return conflicts
