"""The path of a document: ingest -> quality -> (dbt) transform -> publish."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import dagster as dg

from orchestration.markdown import markdown_table
from orchestration.parsing import RAW_TABLES, ParsedDocument
from orchestration.partitions import document_partitions, tag_untagged_run
from orchestration.resources import WarehouseResource
from orchestration.settings import parse_workers
from orchestration.site import write_site
from orchestration.warehouse.database import query_frame, scalar
from orchestration.warehouse.discovery import discover
from orchestration.warehouse.load import (
    UnreadableDocument,
    known_documents,
    read_documents,
    store_documents,
)
from orchestration.warehouse.promote import promote_documents
from orchestration.warehouse.publish import publish
from orchestration.warehouse.reference_files import (
    ReferenceFileError,
    load_crosswalk,
    load_department_renames,
)


class IngestConfig(dg.Config):
    """Options for reading documents."""

    reread: bool = False  # read the run's documents again even if their bytes are unchanged


@dg.asset(
    partitions_def=document_partitions,
    # Many documents in one step: a run per document would cost seconds of start-up each.
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="ingest",
    kinds={"python", "polars", "duckdb"},
)
def raw_documents(
    context: dg.AssetExecutionContext, config: IngestConfig, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """Each document file parsed into typed tables in the raw schema, replacing its old rows."""
    tag_untagged_run(context)
    files = {f.document_id: f for f in discover(warehouse.settings.raw_dir)[0]}
    keys = context.partition_keys
    missing = [key for key in keys if key not in files]
    present = [files[key] for key in keys if key in files]
    read: list[DocumentSummary] = []
    unchanged = 0
    rows: Counter[str] = Counter()
    # Stored a batch at a time, so memory holds a batch of parsed documents, not the run's.
    batch: list[ParsedDocument | UnreadableDocument] = []
    with warehouse.connect() as con:
        documents = read_documents(present, known_documents(con), reread=config.reread,
                                   workers=parse_workers())
        for _, document in documents:
            if document is None:
                unchanged += 1
                continue
            batch.append(document)
            read.append(_report_document(context, document, verbose=len(present) <= 20))
            if isinstance(document, ParsedDocument):
                rows.update({t: f.height for t, f in document.frames.items() if t in _COUNTED})
            if len(batch) >= STORE_BATCH:
                store_documents(con, batch, run_id=context.run.run_id)
                batch.clear()
        store_documents(con, batch, run_id=context.run.run_id)

    for key in missing:
        context.log.warning(f"{key}: the file is gone; its published figures stay until removed")
    unreadable = sum(1 for d in read if d.lines is None)
    context.log.info(f"{len(read)} document(s) read ({unreadable} unreadable), {unchanged} "
                     "unchanged since the last build")
    return dg.MaterializeResult(
        metadata={
            "documents_read": len(read),
            "documents_unchanged": unchanged,
            "documents_missing": dg.MetadataValue.json(missing),
            "unreadable": unreadable,
            "rows_read": dg.MetadataValue.json(dict(sorted(rows.items()))),
            "preview": dg.MetadataValue.md(_documents_table(read)),
        }
    )


# Documents stored per transaction: large enough that DuckDB inserts in bulk, small enough that
# a thousand-document run never holds more than this many parsed documents.
STORE_BATCH = 100
_COUNTED = ("expenditure", "general_budget_expenditure", "basic_expenditure", "budget_summary",
            "revenue", "purchased_services")


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """What the run's metadata keeps of a document once its rows are stored."""

    document_id: str
    fiscal_year: int | None = None
    department_name: str | None = None
    lines: int | None = None
    problems: int = 0
    problem: str | None = None


def _report_document(
    context: dg.AssetExecutionContext, document: ParsedDocument | UnreadableDocument,
    *, verbose: bool,
) -> DocumentSummary:
    if isinstance(document, UnreadableDocument):
        context.log.warning(f"{document.issue}")
        summary = DocumentSummary(document.document_id, problem=document.issue.message)
        metadata: dict[str, dg.RawMetadataValue] = {"problem": str(document.issue)}
    else:
        rejecting = [i for i in document.issues if i.rejects]
        summary = DocumentSummary(document.document_id, document.fiscal_year,
                                  document.department_name, document.line_total, len(rejecting))
        if verbose or rejecting:
            context.log.info(
                f"read {document.document_id}: {document.fiscal_year} "
                f"{document.department_name}, {document.line_total} lines, "
                f"{len(rejecting)} problems"
            )
        metadata = {
            "fiscal_year": document.fiscal_year or 0,
            "department_name": document.department_name or "",
            "encoding": document.encoding,
            "tables_found": ", ".join(document.tables_found),
            "rows": dg.MetadataValue.json(
                {table: frame.height for table, frame in sorted(document.frames.items())}
            ),
            "problems": dg.MetadataValue.json([str(i) for i in rejecting[:20]]),
        }
    context.log_event(dg.AssetObservation(
        asset_key=context.asset_key, partition=summary.document_id, metadata=metadata,
    ))
    return summary


def _documents_table(documents: list[DocumentSummary], limit: int = 50) -> str:
    rows: list[tuple[object, ...]] = [
        (d.document_id, None, None, None, d.problem) if d.lines is None
        else (d.document_id, d.fiscal_year, d.department_name, d.lines, d.problems)
        for d in documents[:limit]
    ]
    if len(documents) > limit:
        rows.append((f"… and {len(documents) - limit} more", None, None, None, None))
    return markdown_table(rows, ["document", "year", "department", "lines", "problems"])


# The tables the gate leaves final for a build, one asset each: dbt reads them as sources.
ACCEPTED_TABLES = ("documents", *RAW_TABLES)
GATE_RECORDS = ("documents", "check_results", "line_counts")
GATE_OUTPUTS = [dg.AssetKey(["accepted", t]) for t in ACCEPTED_TABLES] + [
    dg.AssetKey(["raw", t]) for t in GATE_RECORDS
]
_GATE_DESCRIPTIONS = {
    "accepted": "accepted.{table}: the last version of each year and department that passed "
                "every gate.",
    "raw": "raw.{table}: every document as last read, with its gate status and check results.",
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            deps=[raw_documents],
            group_name="quality",
            kinds={"duckdb"},
            description=_GATE_DESCRIPTIONS[key.path[0]].format(table=key.path[1]),
        )
        for key in GATE_OUTPUTS
    ],
    name="accepted_documents",
)
def accepted_documents(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.MaterializeResult]:
    """Publish or reject each document read: those with no failed gate move into `accepted`,
    replacing the previous version of the same year and department."""
    with warehouse.connect() as con:
        outcome = promote_documents(con)
        accepted = query_frame(
            con,
            """
            select d.fiscal_year, d.department_name, d.document_id,
                   (select sum(total) from accepted.expenditure e
                    where e.document_id = d.document_id) as total_expenditure
            from accepted.documents d order by d.fiscal_year, d.department_name
            """,
        )
        reasons = query_frame(
            con,
            """
            select document_id, first(message order by table_no nulls first, source_line)
                   as first_reason
            from raw.check_results c
            where not success and rejects
              and document_id in (select unnest(?::varchar[]))
              and source_sha256 = (select source_sha256 from raw.documents d
                                   where d.document_id = c.document_id)
            group by document_id
            """,
            [outcome.rejected],
        )
        counts = {
            key: int(scalar(con, f"select count(*) from {key.path[0]}.{key.path[1]}"))
            for key in GATE_OUTPUTS
        }
    for document_id, reason in reasons.iter_rows():
        context.log.warning(f"rejected {document_id}: {reason}")
    for key in GATE_OUTPUTS:
        metadata: dict[str, dg.RawMetadataValue] = {"dagster/row_count": counts[key]}
        if key == dg.AssetKey(["accepted", "documents"]):
            metadata |= {
                "published_now": dg.MetadataValue.json(outcome.published),
                "rejected_now": dg.MetadataValue.json(dict(reasons.iter_rows())),
                "total_expenditure_wan": dg.MetadataValue.json(
                    {f"{y} {d}": str(t) for y, d, _, t in accepted.iter_rows()}
                ),
                "preview": dg.MetadataValue.md(
                    markdown_table(accepted.head(50).rows(), accepted.columns)
                ),
            }
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["config", "user_classification_crosswalk"],
            deps=GATE_OUTPUTS,
            group_name="quality",
            kinds={"csv", "duckdb"},
            description="The user's classification crosswalk ($BUDGET_CROSSWALK), validated "
                        "with the dbt seed classification_crosswalk against the published codes.",
        ),
        dg.AssetSpec(
            ["config", "user_department_renames"],
            group_name="quality",
            kinds={"csv", "duckdb"},
            description="The user's department renames ($BUDGET_DEPARTMENT_RENAMES), validated "
                        "with the dbt seed department_renames.",
        ),
    ],
    name="reference_files",
)
def reference_files(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.MaterializeResult]:
    """The crosswalk and renames files checked row by row; a bad row stops the transform."""
    settings = warehouse.settings
    try:
        with warehouse.connect() as con:
            crosswalk = load_crosswalk(con, settings.crosswalk)
            renames = load_department_renames(con, settings.department_renames)
    except ReferenceFileError as error:
        raise dg.Failure(
            description="The classification files cannot be used:\n" + str(error),
            metadata={"problems": dg.MetadataValue.json(error.problems)},
        ) from None
    for key, frame, path in (
        (["config", "user_classification_crosswalk"], crosswalk, settings.crosswalk),
        (["config", "user_department_renames"], renames, settings.department_renames),
    ):
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "dagster/row_count": frame.height,
                "file": str(path) if path else "none (only the dbt seed)",
                "preview": dg.MetadataValue.md(
                    markdown_table(frame.head(20).rows(), frame.columns) if frame.height else "none"
                ),
            },
        )


def build_publish_assets(upstream: dg.AssetsDefinition) -> list[dg.AssetsDefinition]:
    """The published warehouse, downstream of every dbt model, and the run report on it."""

    @dg.asset(deps=list(upstream.keys), group_name="publish", kinds={"duckdb"})
    def published_warehouse(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        """The marts copied into the file BI tools open, replaced atomically (DuckDB 1.x format)."""
        result = publish(warehouse.settings.build_db, warehouse.settings.warehouse)
        context.log.info(f"published {result.path} ({result.size_bytes / 1e6:.1f} MB)")
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(result.path)),
                "size_mb": round(result.size_bytes / 1e6, 2),
                "row_counts": dg.MetadataValue.json(result.row_counts),
                "check_results": dg.MetadataValue.path(
                    str(warehouse.settings.build_dir / "site" / "checks.html")),
                "preview": dg.MetadataValue.md(
                    markdown_table(list(result.row_counts.items()), ["table", "rows"])
                ),
            }
        )

    @dg.asset(deps=[published_warehouse], group_name="publish", kinds={"plotly", "html"})
    def run_report(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        """The offline site of the published marts: a page per department (totals, spending by
        category, 三公经费, revenue, largest movers, projects), a page per function code, and
        every check result naming document, table and line."""
        settings = warehouse.settings
        site = write_site(settings.warehouse, settings.build_dir / "site")
        context.log.info(f"run report: {site.index}")
        return dg.MaterializeResult(metadata={
            "path": dg.MetadataValue.path(str(site.index)),
            "check_results": dg.MetadataValue.path(str(site.checks)),
            "department_pages": len(site.departments),
            "code_pages": len(site.code_pages),
        })

    return [published_warehouse, run_report]
