"""The path of a document: ingest -> quality -> (dbt) transform -> publish."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import dagster as dg

from orchestration.markdown import markdown_table
from orchestration.parsing import ParsedDocument
from orchestration.partitions import (
    REJECTED_IDS_TAG,
    REJECTED_TAG,
    clip_tag,
    document_partitions,
    tag_untagged_run,
)
from orchestration.quality.gate import gate_documents
from orchestration.quality.verdicts import read_verdicts
from orchestration.resources import WarehouseResource
from orchestration.site import write_site
from orchestration.warehouse.database import (
    ACCEPTED_SCHEMA,
    DocumentStatus,
    query_frame,
    scalar,
)
from orchestration.warehouse.discovery import discover
from orchestration.warehouse.load import (
    CompanionDocument,
    ReadDocument,
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
    """Ingestion: each document file parsed into typed tables in the raw schema (raw.documents,
    raw.parse_results and one table per parsed table), replacing that file's old rows."""
    tag_untagged_run(context)
    files = {f.document_id: f for f in discover(warehouse.settings.raw_dir)[0]}
    keys = context.partition_keys
    missing = [key for key in keys if key not in files]
    present = [files[key] for key in keys if key in files]
    read: list[DocumentSummary] = []
    unchanged = 0
    rows: Counter[str] = Counter()
    # PDFs and workbooks: how many were extracted in this run, how many taken from the cache.
    extraction: Counter[str] = Counter()
    # Stored a batch at a time, so memory holds a batch of parsed documents, not the run's.
    batch: list[ReadDocument] = []
    with warehouse.connect() as con:
        documents = read_documents(
            present,
            known_documents(con),
            reread=config.reread,
            workers=warehouse.settings.parse_workers,
            cache_dir=warehouse.settings.build_dir / "extracted",
        )
        for _, document in documents:
            if document is None:
                unchanged += 1
                continue
            if document.extraction_cached is not None:
                extraction["cached" if document.extraction_cached else "extracted"] += 1
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
    unreadable = sum(1 for d in read if d.lines is None and not d.companion)
    context.log.info(
        f"{len(read)} document(s) read ({unreadable} unreadable), {unchanged} "
        "unchanged since the last build"
    )
    return dg.MaterializeResult(
        metadata={
            "documents_read": len(read),
            "documents_unchanged": unchanged,
            "documents_missing": dg.MetadataValue.json(missing),
            "unreadable": unreadable,
            "companions": sum(1 for d in read if d.companion),
            "documents_extracted": extraction["extracted"],
            "extractions_from_cache": extraction["cached"],
            "rows_read": dg.MetadataValue.json(dict(sorted(rows.items()))),
            "preview": dg.MetadataValue.md(_documents_table(read)),
        }
    )


# Documents stored per transaction: large enough that DuckDB inserts in bulk, small enough that
# a thousand-document run never holds more than this many parsed documents.
STORE_BATCH = 100
_COUNTED = (
    "expenditure",
    "general_budget_expenditure",
    "basic_expenditure",
    "budget_summary",
    "revenue",
    "purchased_services",
)


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """What the run's metadata keeps of a document once its rows are stored."""

    document_id: str
    fiscal_year: int | None = None
    department_name: str | None = None
    lines: int | None = None
    problems: int = 0
    problem: str | None = None
    companion: bool = False


def _report_document(
    context: dg.AssetExecutionContext,
    document: ReadDocument,
    *,
    verbose: bool,
) -> DocumentSummary:
    if isinstance(document, CompanionDocument):
        context.log.info(document.message)
        summary = DocumentSummary(document.document_id, problem=document.message, companion=True)
        metadata: dict[str, dg.RawMetadataValue] = {"companion": document.message}
    elif isinstance(document, UnreadableDocument):
        context.log.warning(f"{document.issue}")
        summary = DocumentSummary(document.document_id, problem=document.issue.message)
        metadata = {"problem": str(document.issue)}
    else:
        rejecting = [i for i in document.issues if i.rejects]
        summary = DocumentSummary(
            document.document_id,
            document.fiscal_year,
            document.department_name,
            document.line_total,
            len(rejecting),
        )
        if verbose or rejecting:
            context.log.info(
                f"read {document.document_id}: {document.fiscal_year} "
                f"{document.department_name}, {document.line_total} lines, "
                f"{len(rejecting)} problems"
            )
        metadata = {
            "fiscal_year": document.fiscal_year or 0,
            "department_name": document.department_name or "",
            "encoding": document.encoding or document.source_format,
            "tables_found": ", ".join(document.tables_found),
            "rows": dg.MetadataValue.json(
                {table: frame.height for table, frame in sorted(document.frames.items())}
            ),
            "problems": dg.MetadataValue.json([str(i) for i in rejecting[:20]]),
        }
    context.log_event(
        dg.AssetObservation(
            asset_key=context.asset_key,
            partition=summary.document_id,
            metadata=metadata,
        )
    )
    return summary


def _documents_table(documents: list[DocumentSummary], limit: int = 50) -> str:
    rows: list[tuple[object, ...]] = [
        (d.document_id, None, None, None, d.problem)
        if d.lines is None
        else (d.document_id, d.fiscal_year, d.department_name, d.lines, d.problems)
        for d in documents[:limit]
    ]
    if len(documents) > limit:
        rows.append((f"… and {len(documents) - limit} more", None, None, None, None))
    return markdown_table(rows, ["document", "year", "department", "lines", "problems"])


VERDICTS_KEY = dg.AssetKey(["raw", "document_verdicts"])
CHECK_RESULTS_KEY = dg.AssetKey(["raw", "check_results"])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            VERDICTS_KEY,
            deps=[raw_documents],
            group_name="quality",
            kinds={"python", "great_expectations", "duckdb"},
            description="raw.document_verdicts: each document version's verdict "
            "(pending, published, rejected) with its reasons.",
        ),
        dg.AssetSpec(
            CHECK_RESULTS_KEY,
            deps=[raw_documents],
            group_name="quality",
            kinds={"duckdb"},
            description="raw.check_results: every parse and gate result of each "
            "current document version.",
        ),
    ],
    name="document_gate",
)
def document_gate(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.MaterializeResult]:
    """The gate: checks every document version not yet gated (expectations/: format,
    reconciliation, performance) and the conflicts between files, and writes raw.gate_results,
    the only input of each document's verdict besides its parse results. The verdicts are the
    view raw.document_verdicts; the asset checks on it report them."""
    settings = warehouse.settings
    present = [f.document_id for f in discover(settings.raw_dir)[0]]
    with warehouse.connect() as con:
        # No GX Data Docs: they need CDNs to render and name rows by index; the site's check
        # results page (docs/architecture.md, "The site") shows the same results offline.
        run = gate_documents(con, present, run_id=context.run.run_id)
        verdicts = read_verdicts(con, run.gated)
    rejected = [v for v in verdicts if v.status is DocumentStatus.REJECTED]
    for verdict in rejected:
        context.log.warning(f"rejected {verdict.document_id}: {verdict.first_reason}")
    for (year, department), ids in run.conflicts.items():
        context.log.warning(
            f"{year} {department}: {len(ids)} files ({', '.join(ids)}); "
            "none is published until only one remains"
        )
    context.log.info(f"{len(run.gated)} document(s) gated, {len(rejected)} rejected")
    # The run's own tags say it rejected something, in the runs list and on the run's page.
    context.instance.add_run_tags(
        context.run.run_id,
        {
            REJECTED_TAG: str(len(rejected)),
            **(
                {REJECTED_IDS_TAG: clip_tag(", ".join(v.document_id for v in rejected))}
                if rejected
                else {}
            ),
        },
    )
    yield dg.MaterializeResult(
        asset_key=CHECK_RESULTS_KEY,
        metadata={
            "documents_gated": len(run.gated),
            "comparisons": dg.MetadataValue.json(
                {name: outcome.comparisons for name, outcome in run.outcomes.items()}
            ),
        },
    )
    yield dg.MaterializeResult(
        asset_key=VERDICTS_KEY,
        metadata={
            "documents_gated": len(run.gated),
            "published": dg.MetadataValue.json(
                [v.document_id for v in verdicts if v.status is DocumentStatus.PUBLISHED]
            ),
            "rejected": dg.MetadataValue.json({v.document_id: v.first_reason for v in rejected}),
            "conflicts": dg.MetadataValue.json(
                {f"{year} {department}": ids for (year, department), ids in run.conflicts.items()}
            ),
            "preview": dg.MetadataValue.md(
                markdown_table(
                    [
                        (
                            v.document_id,
                            v.fiscal_year,
                            v.department_name,
                            v.status.value,
                            v.first_reason,
                        )
                        for v in verdicts[:50]
                    ],
                    ["document", "year", "department", "verdict", "first reason"],
                )
            ),
        },
    )


# The tables promotion writes, one asset each: dbt reads them as sources.
ACCEPTED_KEYS = [dg.AssetKey(["accepted", t]) for t in ACCEPTED_SCHEMA]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            deps=[VERDICTS_KEY],
            group_name="quality",
            kinds={"duckdb"},
            description=f"accepted.{key.path[1]}: the last version of each year and department "
            "that passed every gate.",
        )
        for key in ACCEPTED_KEYS
    ],
    name="accepted_documents",
)
def accepted_documents(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.MaterializeResult]:
    """Promotion: the versions the gate published move into `accepted`, replacing the previous
    version of the same year and department; years and departments whose files conflict are
    withdrawn; a rejected version leaves the last good one in place."""
    present = [f.document_id for f in discover(warehouse.settings.raw_dir)[0]]
    with warehouse.connect() as con:
        promotion = promote_documents(con, present)
        accepted = query_frame(
            con,
            """
            select d.fiscal_year, d.department_name, d.document_id,
                   (select sum(total) from accepted.expenditure e
                    where e.document_id = d.document_id) as total_expenditure
            from accepted.documents d order by d.fiscal_year, d.department_name
            """,
        )
        counts = {
            key: int(scalar(con, f"select count(*) from {key.path[0]}.{key.path[1]}"))
            for key in ACCEPTED_KEYS
        }
    for document_id in promotion.withdrawn:
        context.log.warning(
            f"withdrawn {document_id}: its year and department has conflicting files"
        )
    for key in ACCEPTED_KEYS:
        metadata: dict[str, dg.RawMetadataValue] = {"dagster/row_count": counts[key]}
        if key == dg.AssetKey(["accepted", "documents"]):
            metadata |= {
                "published_now": dg.MetadataValue.json(promotion.published),
                "withdrawn_now": dg.MetadataValue.json(promotion.withdrawn),
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
            deps=ACCEPTED_KEYS,
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
                    str(warehouse.settings.build_dir / "site" / "checks.html")
                ),
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
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(site.index)),
                "check_results": dg.MetadataValue.path(str(site.checks)),
                "department_pages": len(site.departments),
                "code_pages": len(site.code_pages),
            }
        )

    return [published_warehouse, run_report]
