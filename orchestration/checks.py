"""The document gates as blocking asset checks on raw_documents.

Dagster blocks per step, not per document: a failing blocking check stops every downstream step
of the run, good documents included. So the gate works per document in the data instead: a
document that fails is marked rejected and never enters `accepted`, which is all dbt reads; its
failures are reported here with severity WARN and the run goes on, so the rebuilt marts show the
rejection (dim_document, data_quality) next to the last good figures. The checks are blocking so
that promotion and dbt wait for them, and a gate that cannot evaluate stops the run.
"""

from collections.abc import Iterator
from typing import Any

import dagster as dg
import polars as pl

from orchestration.assets import raw_documents
from orchestration.markdown import markdown_table
from orchestration.quality.gates import failure_message, run_quality_gates
from orchestration.resources import WarehouseResource
from orchestration.warehouse.database import query_frame
from orchestration.warehouse.promote import reject_failed_documents

READABLE = "documents_are_readable"
# Dagster check name -> the check of expectations/ it reports.
GATE_CHECKS = {
    "tables_are_well_formed": "format",
    "identities_hold": "reconciliation",
    "performance_targets_are_consistent": "performance",
}


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(READABLE, asset=raw_documents, blocking=True,
                          description="Each document decodes, has its required tables, and "
                                      "every line of its financial tables is understood."),
        dg.AssetCheckSpec("tables_are_well_formed", asset=raw_documents, blocking=True,
                          description="Codes match their patterns, names are present, amounts "
                                      "are not negative (GX suites in expectations/format.yml)."),
        dg.AssetCheckSpec("identities_hold", asset=raw_documents, blocking=True,
                          description="Every identity of DESIGN section 5 holds within its "
                                      "tolerance (GX suite from expectations/identities.yml)."),
        dg.AssetCheckSpec("performance_targets_are_consistent", asset=raw_documents,
                          description="Warnings only: projects within 03's 项目支出, cost "
                                      "indicators within their project, numeric operators with "
                                      "numeric targets (expectations/performance.yml)."),
    ],
    name="document_gates",
)
def document_gates(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.AssetCheckResult]:
    """Parse, format and reconciliation gates for the documents read in this run."""
    data_docs = warehouse.settings.build_dir / "data_docs"
    with warehouse.connect() as con:
        read = query_frame(
            con,
            "select document_id, tables_found is not null as parsed from raw.documents "
            "where run_id = ? order by document_id",
            [context.run.run_id],
        )
        parse_failures = query_frame(
            con,
            """
            select c.document_id, c.message from raw.check_results c
            join raw.documents d
              on d.document_id = c.document_id and d.source_sha256 = c.source_sha256
            where d.run_id = ? and c.check_name in ('decode', 'structure', 'parse')
              and not c.success and c.rejects
            order by c.document_id, c.table_no nulls first, c.source_line
            """,
            [context.run.run_id],
        )
        parsed = read.filter(pl.col("parsed"))["document_id"].to_list()
        report = run_quality_gates(con, parsed, data_docs_dir=data_docs) if parsed else None
        rejected = reject_failed_documents(con, read["document_id"].to_list())

    checked = read.height
    context.log.info(f"{checked} document(s) gated, {len(rejected)} rejected")
    docs: dict[str, Any] = (
        {"data_docs": dg.MetadataValue.path(str(report.data_docs))}
        if report and report.data_docs else {}
    )
    failed_parse = sorted(set(parse_failures["document_id"].to_list()))
    yield _result(READABLE, checked, failed_parse, _list_markdown(parse_failures))
    for name, check in GATE_CHECKS.items():
        outcome = report.outcomes[check] if report else None
        failures = outcome.failures if outcome else []
        metadata = {
            **docs,
            "comparisons": outcome.comparisons if outcome else 0,
            "failures": dg.MetadataValue.md(_failures_markdown(failures)),
        }
        yield _result(name, checked, outcome.failed_documents if outcome else [], None, metadata)


def _result(
    name: str, checked: int, failed: list[str], failures_md: str | None,
    extra: dict[str, Any] | None = None,
) -> dg.AssetCheckResult:
    metadata: dict[str, Any] = {
        # Whether a failure keeps the document out of the marts, or only warns.
        "rejects": name != "performance_targets_are_consistent",
        "documents_checked": checked,
        "documents_failed": len(failed),
        "failed_documents": dg.MetadataValue.json(failed),
        **(extra or {}),
    }
    if failures_md is not None:
        metadata["failures"] = dg.MetadataValue.md(failures_md)
    # WARN: the rejected documents are quarantined; the rest of the run publishes.
    return dg.AssetCheckResult(check_name=name, passed=not failed,
                               severity=dg.AssetCheckSeverity.WARN, metadata=metadata)


def _list_markdown(failures: pl.DataFrame, limit: int = 50) -> str:
    if failures.is_empty():
        return "none"
    lines = [f"- {message}" for message in failures["message"].head(limit).to_list()]
    if failures.height > limit:
        lines.append(f"- … and {failures.height - limit} more (marts.data_quality)")
    return "\n".join(lines)


def _failures_markdown(failures: list[dict[str, Any]], limit: int = 50) -> str:
    """Comparison failures as a table (document, table, line, identity, both sides,
    difference); rule failures as a list of their messages."""
    if not failures:
        return "none"
    if "left_side" not in failures[0]:
        return "\n".join(f"- {failure_message(f)}" for f in failures[:limit])
    table = markdown_table(
        [(f["document_id"], f["table_no"], f["source_line"] or None, f["identity"], f["item"],
          f"{f['left_side']:,.6f}", f"{f['right_side']:,.6f}", f"{f['difference']:,.6f}")
         for f in failures[:limit]],
        ["document", "table", "line", "identity", "item", "left", "right", "difference"],
    )
    if len(failures) > limit:
        table += f"\n\n… and {len(failures) - limit} more (marts.data_quality)"
    return table
