"""Asset checks on the documents read in a run."""

import dagster as dg

from orchestration.assets import raw_documents
from orchestration.resources import WarehouseResource
from orchestration.warehouse.database import query_frame


def gate_severity(failed: int, checked: int) -> dg.AssetCheckSeverity:
    """ERROR only when no document of the run can publish, which stops dbt in this run.

    A blocking check stops every downstream step of a run, so an ERROR for one bad document
    would also hold back the good ones. Rejected documents are kept out of the marts by the
    gate itself (accepted_documents); the check then warns and the rest of the run publishes.
    """
    return dg.AssetCheckSeverity.ERROR if failed and failed == checked else (
        dg.AssetCheckSeverity.WARN
    )


@dg.asset_check(asset=raw_documents, blocking=True)
def documents_are_readable(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    """Every document read in this run decodes, has its tables, and has every line understood."""
    with warehouse.connect(read_only=True) as con:
        problems = query_frame(
            con,
            """
            select d.document_id, count(c.document_id) as problems,
                   first(c.message order by c.table_no nulls first, c.source_line)
                       as first_problem
            from raw.documents d
            left join raw.check_results c
                on c.document_id = d.document_id and c.source_sha256 = d.source_sha256
               and c.check_name in ('decode', 'structure', 'parse')
               and not c.success and c.rejects
            where d.run_id = ?
            group by d.document_id
            order by d.document_id
            """,
            [context.run.run_id],
        )
    failed = problems.filter(problems["problems"] > 0)
    return dg.AssetCheckResult(
        passed=failed.height == 0,
        severity=gate_severity(failed.height, problems.height),
        metadata={
            "documents_checked": problems.height,
            "documents_failed": failed.height,
            "failures": dg.MetadataValue.md(
                "\n".join(f"- **{d}**: {m} ({n} problems)" for d, n, m in failed.iter_rows())
                or "none"
            ),
        },
    )
