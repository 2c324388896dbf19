"""What a build did, read back from the run and the databases (not from Dagster's log lines)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from orchestration.quality.verdicts import read_verdicts
from orchestration.settings import Settings
from orchestration.warehouse.database import (
    DocumentStatus,
    connect,
    query_frame,
    quote_identifier,
    scalar,
)
from orchestration.warehouse.discovery import DocumentFile
from orchestration.warehouse.load import published_without_file

if TYPE_CHECKING:
    import dagster as dg


# The step whose success means the marts were published.
PUBLISH_STEP = "published_warehouse"


@dataclass(frozen=True, slots=True)
class PublishedDocument:
    document_id: str
    fiscal_year: int | None
    department_name: str | None


@dataclass(frozen=True, slots=True)
class RejectedDocument:
    document_id: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CheckLine:
    """One gate property of the run: whether it passed, on how many documents it failed."""

    name: str
    passed: bool
    documents_failed: int
    rejects: bool


@dataclass(frozen=True, slots=True)
class UnnamedCode:
    classification: str
    code: str
    level: str
    years: str


@dataclass(slots=True)
class Summary:
    published: list[PublishedDocument] = field(default_factory=list)
    rejected: list[RejectedDocument] = field(default_factory=list)
    # The gate's properties for the documents this run gated (none when it gated nothing).
    checks: list[CheckLine] = field(default_factory=list)
    dbt_tests_passed: int = 0
    dbt_tests_failed: list[str] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    unnamed_codes: list[UnnamedCode] = field(default_factory=list)
    # (message) of every line of the latest read versions that the parser did not understand.
    not_understood: list[str] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)
    # Published documents whose file is no longer in the raw folder.
    files_gone: list[str] = field(default_factory=list)


def summarise(
    settings: Settings,
    documents: list[DocumentFile],
    result: dg.ExecuteInProcessResult,
    present: list[str],
) -> Summary:
    """`present`: every document of the raw folder, whether or not this build selected it."""
    summary = Summary()
    gate: dict[str, list[dg.AssetCheckEvaluation]] = {}
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.partition is not None:  # the gate's properties, one per document
            gate.setdefault(evaluation.check_name, []).append(evaluation)
        elif evaluation.passed:
            summary.dbt_tests_passed += 1
        else:
            summary.dbt_tests_failed.append(evaluation.check_name)
    for name, evaluations in gate.items():
        failed = sum(not e.passed for e in evaluations)
        summary.checks.append(
            CheckLine(name, not failed, failed, bool(evaluations[0].metadata["rejects"].value))
        )
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        while error is not None and error.cause is not None:
            error = error.cause
        message = error.message.strip() if error is not None else "unknown error"
        summary.failed_steps.append(f"{event.step_key}: {message[:500]}")
    succeeded = {event.step_key for event in result.get_step_success_events()}
    if not summary.failed_steps and PUBLISH_STEP not in succeeded:
        summary.failed_steps.append(
            f"{PUBLISH_STEP}: not run, so nothing was published (see the progress lines above)"
        )
    ids = [d.document_id for d in documents]
    if settings.build_db.exists():
        with connect(settings.build_db, read_only=True) as con:
            verdicts = read_verdicts(con, ids)
            summary.not_understood = query_frame(
                con,
                """
                select message from raw.check_results
                where document_id in (select unnest(?::varchar[]))
                  and check_name = 'parse' and not success and source_line is not null
                order by document_id, source_line
                """,
                [ids],
            )["message"].to_list()
            summary.files_gone = published_without_file(con, present)
        for verdict in verdicts:
            if verdict.status is DocumentStatus.REJECTED:
                summary.rejected.append(
                    RejectedDocument(verdict.document_id, verdict.rejection_reasons)
                )
            elif verdict.status is DocumentStatus.PUBLISHED:
                summary.published.append(
                    PublishedDocument(
                        verdict.document_id, verdict.fiscal_year, verdict.department_name
                    )
                )
    if settings.warehouse.exists():
        with connect(settings.warehouse, read_only=True) as con:
            tables = con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' "
                "order by table_name"
            ).fetchall()
            for (table,) in tables:
                summary.row_counts[table] = int(
                    scalar(con, f"select count(*) from marts.{quote_identifier(table)}")
                )
            if "unnamed_codes" in summary.row_counts:
                summary.unnamed_codes = [
                    UnnamedCode(*row)
                    for row in con.execute(
                        "select classification, code, level, years from marts.unnamed_codes "
                        "order by classification, code"
                    ).fetchall()
                ]
    return summary
