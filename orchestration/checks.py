"""The gate's verdicts as Dagster asset checks: read-only queries, one property each.

The gate step (the asset raw/document_verdicts) decides and records; these checks only report
what it recorded for the documents it gated in this run, one evaluation per document partition
of raw_documents, so a rejected document shows as a failed check on its own partition
(severity ERROR for the checks that reject, WARN for the warnings). The checks do not block:
Dagster blocks per step, not per document, and a blocking failure would hold back every other
document of the run; a rejected document is kept out of the marts by promotion instead
(docs/architecture.md, "Verdicts"). A run that gated no document evaluates no check: the
previous verdicts stand, and nothing is reported as passed that was not checked.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import dagster as dg
import polars as pl

from orchestration.assets import VERDICTS_KEY, raw_documents
from orchestration.markdown import markdown_table
from orchestration.partitions import document_partitions
from orchestration.quality.gate import GateCheck
from orchestration.quality.suites import load_checks
from orchestration.resources import WarehouseResource
from orchestration.warehouse.database import query_frame

# The parser's own check names (orchestration/parsing/issues.py): reading a document.
PARSE_CHECKS = ("decode", "structure", "parse")


@dataclass(frozen=True, slots=True)
class GateProperty:
    """One asset check: the check names of raw.check_results it reports."""

    name: str
    check_names: tuple[str, ...]
    description: str

    @property
    def rejects(self) -> bool:
        """Whether a failure keeps the document out of the marts, as its suite says."""
        suites = {check.name: check.rejects for check in load_checks()}
        return any(suites.get(name, True) for name in self.check_names)


PROPERTIES = (
    GateProperty(
        "documents_are_readable",
        PARSE_CHECKS,
        "Each document decodes, has its required tables, its year matches its folder, "
        "and every line of its financial tables is understood.",
    ),
    GateProperty(
        "tables_are_well_formed",
        ("format",),
        "Codes match their patterns, names are present, amounts are not negative "
        "(expectations/format.yml).",
    ),
    GateProperty(
        "identities_hold",
        ("reconciliation", "final_accounts"),
        "Every identity of the budget template holds within its tolerance "
        "(expectations/identities.yml).",
    ),
    GateProperty(
        "performance_targets_are_consistent",
        ("performance",),
        "Warnings only: projects within 03's 项目支出, cost indicators within their "
        "project, numeric operators with numeric targets "
        "(expectations/performance.yml).",
    ),
    GateProperty(
        "explanations_agree_with_tables",
        ("narrative",),
        "Warnings only: each figure the explanation sentences state (编制说明, 决算情况说明) "
        "equals the table figure at the sentence's precision, and each stated execution "
        "rate its 决算 / 预算 (expectations/narrative.yml).",
    ),
    GateProperty(
        "one_file_per_department_year",
        (GateCheck.CONFLICT.value,),
        "No two files of the raw folder are for the same fiscal year and department.",
    ),
)


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            p.name,
            asset=raw_documents,
            description=p.description,
            partitions_def=document_partitions,
            additional_deps=[VERDICTS_KEY],
        )
        for p in PROPERTIES
    ],
    name="gate_verdicts",
    # Only the documents gated in this run are evaluated; the others' checks show as skipped.
    can_subset=True,
)
def gate_verdicts(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.AssetCheckResult]:
    """Each property of each document the gate checked in this run."""
    with warehouse.connect(read_only=True) as con:
        gated = query_frame(
            con,
            "select document_id from raw.document_verdicts where gated_run_id = ? "
            "order by document_id",
            [context.run.run_id],
        )["document_id"].to_list()
        failures = query_frame(
            con,
            """
            select c.check_name, c.document_id, c.table_no, c.source_line, c.identity, c.item,
                   c.expected, c.observed, c.difference, c.message
            from raw.check_results c
            where not c.success
              and c.document_id in (select unnest(?::varchar[]))
            order by c.document_id, c.table_no nulls first, c.source_line nulls first
            """,
            [gated],
        )
    if not gated:
        context.log.info("no document was gated in this run: the previous verdicts stand")
    for prop in PROPERTIES:
        found = failures.filter(pl.col("check_name").is_in(prop.check_names))
        for document_id in gated:
            mine = found.filter(pl.col("document_id") == document_id)
            # One evaluation per document partition: Dagster's AssetCheckResult has no
            # partition, so the evaluation event is logged as such.
            # Dagster's annotation is narrower than what log_event accepts at run time.
            context.op_execution_context.log_event(
                dg.AssetCheckEvaluation(  # type: ignore[arg-type]
                    asset_key=raw_documents.key,
                    check_name=prop.name,
                    passed=mine.is_empty(),
                    partition=document_id,
                    severity=(
                        dg.AssetCheckSeverity.ERROR if prop.rejects else dg.AssetCheckSeverity.WARN
                    ),
                    metadata={
                        "rejects": prop.rejects,
                        "failures_found": mine.height,
                        "failures": dg.MetadataValue.md(_failures_markdown(mine)),
                    },
                )
            )
    yield from ()


def _wan(text: str) -> str:
    return f"{Decimal(text):,.6f}"


def _failures_markdown(failures: pl.DataFrame, limit: int = 50) -> str:
    """Failures as a table: document, table, line, identity, both sides and the difference
    where there are two sides, else the message."""
    if failures.is_empty():
        return "none"
    table = markdown_table(
        [
            (
                r["document_id"],
                r["table_no"],
                r["source_line"],
                r["identity"],
                r["item"],
                _wan(r["observed"]),
                _wan(r["expected"]),
                f"{r['difference']:,.6f}",
            )
            if r["difference"] is not None
            else (
                r["document_id"],
                r["table_no"],
                r["source_line"],
                r["identity"],
                r["item"],
                r["message"],
                None,
                None,
            )
            for r in failures.head(limit).iter_rows(named=True)
        ],
        ["document", "table", "line", "identity", "item", "left", "right", "difference"],
    )
    if failures.height > limit:
        table += f"\n\n… and {failures.height - limit} more (marts.data_quality)"
    return table
