"""The quality gates: identities and format suites validated with Great Expectations.

Everything is computed for all the documents of a build at once (one GX validation per suite,
not per document), then split back into per-document results: the cost of GX is paid per build.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa

from orchestration.parsing import RAW_TABLES
from orchestration.parsing.amounts import AMOUNT_DTYPE
from orchestration.warehouse.database import (
    CHECK_RESULT_COLUMNS,
    insert_frame,
    polars_schema,
    query_frame,
    registered,
    transaction,
)

from orchestration.settings import EXPECTATIONS_DIR

from .suites import FEN_PER_WAN, FormatSuite, Identity, load_format_suites, load_identities

FORMAT = "format"
RECONCILIATION = "reconciliation"


@dataclass(slots=True)
class CheckOutcome:
    """One gate's result over the documents checked."""

    check_name: str
    documents_checked: int
    comparisons: int
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failed_documents(self) -> list[str]:
        return sorted({f["document_id"] for f in self.failures})


@dataclass(slots=True)
class GateReport:
    format: CheckOutcome
    reconciliation: CheckOutcome
    data_docs: Path | None


def run_quality_gates(
    con: duckdb.DuckDBPyConnection,
    document_ids: Sequence[str],
    *,
    data_docs_dir: Path | None = None,
    expectations_dir: Path = EXPECTATIONS_DIR,
) -> GateReport:
    """Validate these documents and record every result in raw.check_results."""
    identity_specs = load_identities(expectations_dir)
    format_suites = load_format_suites(expectations_dir)
    ids = pl.DataFrame({"document_id": list(document_ids)}, schema={"document_id": pl.String})
    with registered(con, "checked_ids", ids):
        con.execute("create or replace temp table checked as select * from checked_ids")
    try:
        identities = compute_identities(con, identity_specs)
        frames = {suite.table: format_frame(con, suite.table) for suite in format_suites}
        files = dict(query_frame(
            con, "select document_id, source_sha256 from raw.documents "
                 "where document_id in (select document_id from checked)"
        ).iter_rows())
    finally:
        con.execute("drop table if exists checked")

    results = validate(identities, frames, identity_specs, format_suites, data_docs_dir)
    now = datetime.now(UTC)
    reconciliation = _identity_outcome(identities, results[RECONCILIATION], len(ids))
    format_ = _format_outcome(frames, results, format_suites, len(ids))
    rows = _result_rows(reconciliation, identities, files, now) + _format_rows(
        format_, frames, format_suites, files, now)
    record_results(con, list(document_ids), rows)
    return GateReport(format_, reconciliation, data_docs_dir / "index.html" if data_docs_dir
                      else None)


# --- what is compared ---------------------------------------------------------------------


def compute_identities(
    con: duckdb.DuckDBPyConnection, identities: Sequence[Identity]
) -> pl.DataFrame:
    """One row per comparison of every identity, for the documents in `checked`."""
    frames = [_identity_frame(con, identity) for identity in identities]
    return pl.concat(frames, how="vertical") if frames else pl.DataFrame()


def _identity_frame(con: duckdb.DuckDBPyConnection, identity: Identity) -> pl.DataFrame:
    frame = query_frame(
        con,
        f"""
        select ? as check_name,
               table_no::varchar || '.' || ? as identity,
               document_id::varchar as document_id,
               table_no::varchar as table_no,
               source_line::integer as source_line,
               item::varchar as item,
               left_side::decimal(38,6) as left_side,
               right_side::decimal(38,6) as right_side,
               (left_side::decimal(38,6) - right_side::decimal(38,6)) as difference,
               ((left_side::decimal(38,6) - right_side::decimal(38,6)) * {FEN_PER_WAN})::bigint
                   as difference_fen,
               other_table_no::varchar as other_table_no,
               other_line::integer as other_line
        from ({identity.sql}) as compared
        order by document_id, table_no, source_line, item
        """,
        [identity.name, identity.name],
    )
    return frame.with_columns(pl.lit(identity.statement).alias("statement"))


def format_frame(con: duckdb.DuckDBPyConnection, table: str) -> pl.DataFrame:
    """A raw table's rows for the checked documents, amounts as whole fen (BIGINT)."""
    columns = []
    for name, dtype in RAW_TABLES[table].items():
        if dtype == AMOUNT_DTYPE:
            columns.append(f"({name} * {FEN_PER_WAN})::bigint as {name}")
        else:
            columns.append(name)
    return query_frame(
        con,
        f"select document_id, {', '.join(columns)} from raw.{table} "
        "where document_id in (select document_id from checked) "
        "order by document_id, source_line",
    )


# --- Great Expectations -------------------------------------------------------------------


def validate(
    identities: pl.DataFrame,
    frames: dict[str, pl.DataFrame],
    identity_specs: Sequence[Identity],
    format_suites: Sequence[FormatSuite],
    data_docs_dir: Path | None,
) -> dict[str, Any]:
    """Run the reconciliation suite and one format suite per table; build Data Docs."""
    # GX takes about 5 s to import: only a build that validates pays for it.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.expectations.registry import get_expectation_impl
    from great_expectations.expectations.row_conditions import Column

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    for site in list(context.list_data_docs_sites()):
        context.delete_data_docs_site(site)
    if data_docs_dir is not None:
        shutil.rmtree(data_docs_dir, ignore_errors=True)
        context.add_data_docs_site(
            site_name="budget_warehouse",
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                                  "base_directory": str(data_docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    source = context.data_sources.add_pandas("budget_documents")

    def run(name: str, frame: pl.DataFrame, expectations: list[Any]) -> Any:
        asset = source.add_dataframe_asset(name)
        suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
        definition = context.validation_definitions.add(gx.ValidationDefinition(
            name=name, data=asset.add_batch_definition_whole_dataframe("documents"), suite=suite
        ))
        return definition.run(batch_parameters={"dataframe": to_pandas(frame)},
                              result_format={"result_format": "COMPLETE"})

    results: dict[str, Any] = {}
    results[RECONCILIATION] = run(RECONCILIATION, identities, [
        gx.expectations.ExpectColumnValuesToBeBetween(
            column="difference_fen",
            min_value=-identity.tolerance_fen,
            max_value=identity.tolerance_fen,
            row_condition=Column("check_name") == identity.name,
            meta={"identity": identity.name, "statement": identity.statement,
                  "tolerance_wan": str(identity.tolerance_wan)},
        )
        for identity in identity_specs
    ])
    for suite in format_suites:
        results[f"{FORMAT}_{suite.table}"] = run(f"{FORMAT}_{suite.table}", frames[suite.table], [
            get_expectation_impl(e.type)(**e.kwargs, meta={"description": e.description})
            for e in suite.expectations
        ])
    if data_docs_dir is not None:
        context.build_data_docs()
    return results


def to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """Integers stay integers (nullable Int64): a blank amount must not turn a column float."""
    return frame.to_arrow().to_pandas(
        types_mapper={pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int64Dtype()}.get
    )


def _unexpected_rows(result: Any) -> list[int]:
    if result.exception_info and result.exception_info.get("raised_exception"):
        raise RuntimeError(
            f"GX could not evaluate {result.expectation_config.type}: "
            f"{result.exception_info.get('exception_message')}"
        )
    return list(result.result.get("unexpected_index_list") or [])


# --- results ------------------------------------------------------------------------------


def _identity_outcome(identities: pl.DataFrame, validation: Any, checked: int) -> CheckOutcome:
    outcome = CheckOutcome(RECONCILIATION, checked, identities.height)
    for result in validation.results:
        for index in _unexpected_rows(result):
            row = identities.row(index, named=True)
            row["tolerance_wan"] = result.expectation_config.meta["tolerance_wan"]
            outcome.failures.append(row)
    outcome.failures.sort(key=lambda f: (f["document_id"], f["table_no"], f["source_line"] or 0))
    return outcome


def _format_outcome(
    frames: dict[str, pl.DataFrame], results: dict[str, Any], suites: Sequence[FormatSuite],
    checked: int,
) -> CheckOutcome:
    outcome = CheckOutcome(FORMAT, checked, sum(frames[s.table].height * len(s.expectations)
                                                 for s in suites))
    for suite in suites:
        frame = frames[suite.table]
        for result in results[f"{FORMAT}_{suite.table}"].results:
            column = result.expectation_config.kwargs["column"]
            description = result.expectation_config.meta["description"]
            for index in _unexpected_rows(result):
                row = frame.row(index, named=True)
                outcome.failures.append({
                    "document_id": row["document_id"],
                    "table_no": row.get("table_no") or suite.table_no,
                    "source_line": row["source_line"],
                    "identity": f"{suite.table}.{column}",
                    "column": column,
                    "value": _shown(row[column], RAW_TABLES[suite.table][column]),
                    "description": description,
                })
    outcome.failures.sort(key=lambda f: (f["document_id"], f["table_no"], f["source_line"]))
    return outcome


def _shown(value: Any, dtype: pl.DataType) -> str:
    if value is None:
        return "nothing"
    if dtype == AMOUNT_DTYPE:
        return f"{Decimal(value) / FEN_PER_WAN:,.6f}"
    return repr(value)


def identity_message(failure: dict[str, Any]) -> str:
    other = (f"; table {failure['other_table_no']} line {failure['other_line']}"
             if failure.get("other_table_no") and failure.get("other_line") else "")
    line = f", line {failure['source_line']}" if failure.get("source_line") else ""
    return (
        f"{failure['document_id']}, table {failure['table_no']}{line}: {failure['identity']} "
        f"({failure['statement']}) [{failure['item']}]: {failure['left_side']:,.6f} ≠ "
        f"{failure['right_side']:,.6f}, difference {failure['difference']:,.6f} 万元{other}"
    )


def format_message(failure: dict[str, Any]) -> str:
    return (
        f"{failure['document_id']}, table {failure['table_no']}, line {failure['source_line']}: "
        f"{failure['column']}: {failure['description']}, found {failure['value']}"
    )


def _result_rows(
    outcome: CheckOutcome, identities: pl.DataFrame, files: dict[str, str], now: datetime
) -> list[dict[str, Any]]:
    rows = [
        {
            "document_id": f["document_id"],
            "source_sha256": files.get(f["document_id"]),
            "check_name": RECONCILIATION,
            "identity": f["identity"],
            "table_no": f["table_no"],
            "source_line": f["source_line"],
            "success": False,
            "expected": f"{f['right_side']:.6f}",
            "observed": f"{f['left_side']:.6f}",
            "difference": f["difference"],
            "message": identity_message(f),
            "rejects": True,
            "checked_at": now,
        }
        for f in outcome.failures
    ]
    failed = {(f["document_id"], f["identity"]) for f in outcome.failures}
    counts = identities.group_by("document_id", "identity", "table_no", "statement").len()
    for document_id, identity, table_no, statement, n in counts.sort(
        "document_id", "identity"
    ).iter_rows():
        if (document_id, identity) not in failed:
            rows.append({
                "document_id": document_id, "source_sha256": files.get(document_id),
                "check_name": RECONCILIATION, "identity": identity, "table_no": table_no,
                "success": True, "rejects": False, "checked_at": now,
                "message": f"{identity} ({statement}): {n} comparison(s) hold",
            })
    return rows


def _format_rows(
    outcome: CheckOutcome, frames: dict[str, pl.DataFrame], suites: Sequence[FormatSuite],
    files: dict[str, str], now: datetime,
) -> list[dict[str, Any]]:
    rows = [
        {
            "document_id": f["document_id"], "source_sha256": files.get(f["document_id"]),
            "check_name": FORMAT, "identity": f["identity"], "table_no": f["table_no"],
            "source_line": f["source_line"], "success": False, "expected": f["description"],
            "observed": f["value"], "message": format_message(f), "rejects": True,
            "checked_at": now,
        }
        for f in outcome.failures
    ]
    failed = {(f["document_id"], f["identity"].split(".")[0]) for f in outcome.failures}
    for suite in suites:
        counts = frames[suite.table].group_by("document_id").len().sort("document_id")
        for document_id, n in counts.iter_rows():
            if (document_id, suite.table) not in failed:
                rows.append({
                    "document_id": document_id, "source_sha256": files.get(document_id),
                    "check_name": FORMAT, "identity": suite.table, "table_no": suite.table_no,
                    "success": True, "rejects": False, "checked_at": now,
                    "message": f"raw.{suite.table}: {len(suite.expectations)} expectations "
                               f"hold over {n} row(s)",
                })
    return rows


def record_results(
    con: duckdb.DuckDBPyConnection, document_ids: list[str], rows: list[dict[str, Any]]
) -> None:
    """Replace these documents' gate results (parse results stay) in one transaction."""
    frame = pl.DataFrame(rows, schema=polars_schema(CHECK_RESULT_COLUMNS), orient="row")
    ids = pl.DataFrame({"document_id": document_ids}, schema={"document_id": pl.String})
    with transaction(con), registered(con, "gated_ids", ids):
        con.execute(
            "delete from raw.check_results where check_name in (?, ?) "
            "and document_id in (select document_id from gated_ids)",
            [FORMAT, RECONCILIATION],
        )
        insert_frame(con, "raw.check_results", frame)
