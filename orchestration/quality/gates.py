"""The quality checks of expectations/, validated with Great Expectations.

Everything is computed for all the documents of a build at once (one GX validation per suite,
not per document), then split back into per-document results: the cost of GX is paid per build.
This module computes and reports; `orchestration.quality.gate` records the results (it is the
only writer of raw.gate_results).
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
from orchestration.settings import EXPECTATIONS_DIR
from orchestration.warehouse.database import query_frame, registered

from .suites import (
    FEN_PER_WAN,
    Check,
    FormatExpectation,
    FormatSuite,
    Identity,
    load_checks,
)


@dataclass(frozen=True, slots=True)
class IdentityFailure:
    """Two sides of an identity that disagree beyond its tolerance."""

    document_id: str
    table_no: str
    source_line: int | None
    identity: str
    statement: str
    item: str
    left_side: Decimal
    right_side: Decimal
    difference: Decimal
    bound: str
    allowance: Decimal
    rounding: Decimal
    figures: int
    other_table_no: str | None = None
    other_line: int | None = None
    # True: the sides differ, but within the rounding allowance (a warning, not a failure).
    within_allowance: bool = False

    def message(self) -> str:
        """The sentence a result is reported with: file, table, line, what, both sides, the
        difference and the allowance it was held to."""
        other = (
            f"; table {self.other_table_no} line {self.other_line}"
            if self.other_table_no and self.other_line
            else ""
        )
        line = f", line {self.source_line}" if self.source_line else ""
        relation = "≠" if self.bound == "equal" else ">"
        verdict = "within" if self.within_allowance else "beyond"
        basis = _allowance_basis(self.allowance, self.rounding, self.figures)
        return (
            f"{self.document_id}, table {self.table_no}{line}: {self.identity} "
            f"({self.statement}) [{self.item}]: {self.left_side:,.6f} {relation} "
            f"{self.right_side:,.6f}, difference {self.difference:,.6f} 万元, {verdict} the "
            f"allowance {_wan(self.allowance)} 万元{basis}{other}"
        )

    @property
    def expected(self) -> str:
        return f"{self.right_side:.6f}"

    @property
    def observed(self) -> str:
        return f"{self.left_side:.6f}"


def _wan(amount: Decimal) -> str:
    """An allowance in 万元: six decimals (the fen), seven where it holds half a fen."""
    return f"{amount:,.6f}" if amount == round(amount, 6) else f"{amount:,.7f}"


def _allowance_basis(allowance: Decimal, rounding: Decimal, figures: int) -> str:
    if not allowance:
        return " (exact figures)"
    if not rounding:
        return " (the identity's tolerance)"
    return f" ({figures} rounded figures compared)"


@dataclass(frozen=True, slots=True)
class FormatFailure:
    """A value of a raw table that breaks a format expectation."""

    document_id: str
    table_no: str
    source_line: int | None
    identity: str  # <raw table>.<column>
    column: str
    value: str
    description: str

    @property
    def item(self) -> str:
        return self.column

    def message(self) -> str:
        return (
            f"{self.document_id}, table {self.table_no}, line {self.source_line}: "
            f"{self.column}: {self.description}, found {self.value}"
        )

    @property
    def expected(self) -> str:
        return self.description

    @property
    def observed(self) -> str:
        return self.value

    difference = None


Failure = IdentityFailure | FormatFailure


@dataclass(slots=True)
class CheckOutcome:
    """One check's result over the documents checked."""

    check_name: str
    rejects: bool
    documents_checked: int
    comparisons: int = 0
    failures: list[Failure] = field(default_factory=list)
    # comparisons whose sides differ within the rounding allowance: reported, never rejecting
    rounded: list[IdentityFailure] = field(default_factory=list)

    @property
    def failed_documents(self) -> list[str]:
        return sorted({f.document_id for f in self.failures})


@dataclass(slots=True)
class GateReport:
    """Every check's outcome over the documents validated, and the result rows to record."""

    outcomes: dict[str, CheckOutcome]
    results: list[dict[str, Any]]
    data_docs: Path | None


# Documents validated together. GX copies a frame several times while it validates (row
# conditions, hashing); chunks keep a thousand-document build's memory to that of a few hundred
# (measured: 2.9 GB peak for 1,000 documents in one chunk).
GATE_CHUNK = 200


def run_quality_gates(
    con: duckdb.DuckDBPyConnection,
    document_ids: Sequence[str],
    *,
    data_docs_dir: Path | None = None,
    expectations_dir: Path = EXPECTATIONS_DIR,
) -> GateReport:
    """Validate these documents against every check: each check's outcome, and one result row
    per failure and per identity or table suite that holds (recorded by the gate step)."""
    checks = load_checks(expectations_dir)
    validator = _Validator(checks, data_docs_dir)
    outcomes = {c.name: CheckOutcome(c.name, c.rejects, 0) for c in checks}
    results: list[dict[str, Any]] = []
    ids = list(document_ids)
    for start in range(0, len(ids), GATE_CHUNK):
        chunk = ids[start : start + GATE_CHUNK]
        chunk_outcomes, chunk_results = _gate_chunk(con, checks, validator, chunk)
        results += chunk_results
        for name, outcome in chunk_outcomes.items():
            total = outcomes[name]
            total.documents_checked += outcome.documents_checked
            total.comparisons += outcome.comparisons
            total.failures += outcome.failures
    validator.build_data_docs()
    return GateReport(outcomes, results, data_docs_dir / "index.html" if data_docs_dir else None)


def _gate_chunk(
    con: duckdb.DuckDBPyConnection,
    checks: Sequence[Check],
    validator: _Validator,
    document_ids: list[str],
) -> tuple[dict[str, CheckOutcome], list[dict[str, Any]]]:
    ids = pl.DataFrame({"document_id": document_ids}, schema={"document_id": pl.String})
    with registered(con, "checked_ids", ids):
        con.execute("create or replace temp table checked as select * from checked_ids")
    try:
        compared = {c.name: compute_identities(con, c.identities) for c in checks}
        frames = {
            (c.name, suite.table): format_frame(con, suite) for c in checks for suite in c.suites
        }
        files = dict(
            query_frame(
                con,
                "select document_id, source_sha256 from raw.documents "
                "where document_id in (select document_id from checked)",
            ).iter_rows()
        )
    finally:
        con.execute("drop table if exists checked")

    now = datetime.now(UTC)
    outcomes: dict[str, CheckOutcome] = {}
    rows: list[dict[str, Any]] = []
    for check in checks:
        outcome = CheckOutcome(check.name, check.rejects, len(document_ids))
        _add_identity_failures(
            outcome, compared[check.name], validator.run(check.name, compared[check.name])
        )
        for suite in check.suites:
            frame = frames[check.name, suite.table]
            _add_format_failures(
                outcome, suite, frame, validator.run(f"{check.name}_{suite.table}", frame)
            )
        outcome.failures.sort(key=lambda f: (f.document_id, f.table_no or "", f.source_line or 0))
        outcomes[check.name] = outcome
        rows += _result_rows(check, outcome, compared[check.name], frames, files, now)
    return outcomes, rows


# --- what is compared ---------------------------------------------------------------------


_IDENTITY_COLUMNS = pl.Schema(
    {
        "check_name": pl.String(),
        "identity": pl.String(),
        "document_id": pl.String(),
        "table_no": pl.String(),
        "source_line": pl.Int32(),
        "item": pl.String(),
        "left_side": pl.Decimal(38, 6),
        "right_side": pl.Decimal(38, 6),
        "difference": pl.Decimal(38, 6),
        "difference_fen": pl.Int64(),
        # how far apart the sides may be: the identity's tolerance plus half the last printed
        # digit per rounded figure compared (0 where the template prints exact figures)
        "allowance": pl.Decimal(38, 7),
        # its rounding part: half the last printed digit per rounded figure
        "rounding": pl.Decimal(38, 7),
        "figures": pl.Int32(),
        # how far the difference goes beyond the allowance, in half fen: > 0 fails
        "excess_half_fen": pl.Int64(),
        "other_table_no": pl.String(),
        "other_line": pl.Int32(),
        "statement": pl.String(),
    }
)


# BIGINT holds every DECIMAL(18,6) amount as fen (at most 10^18 - 1), but not every difference
# of sums of them: a difference beyond it is clamped, which keeps its sign and keeps it outside
# any tolerance, while `difference` keeps the exact value for the message.
_FEN_LIMIT = 2**63 - 1


# Half a fen in 万元, exactly (a DECIMAL literal: multiplying keeps it a DECIMAL).
_WAN_PER_HALF_FEN = "0.0000005"


def _whole_fen(expression: str, *, clamped: bool = False) -> str:
    """An amount in 万元 as whole fen (BIGINT). DuckDB keeps a DECIMAL(18,6) times an integer
    in DECIMAL(18,6), which overflows from 10^6 万元 (100 亿元) on: widen first."""
    fen = f"(({expression})::decimal(38,6) * {FEN_PER_WAN})::hugeint"
    return _clamped(fen) if clamped else f"({fen})::bigint"


def _clamped(integer: str) -> str:
    """A HUGEINT expression as BIGINT, clamped to its range (keeping its sign).
    Not least/greatest: they skip NULL, and a missing side must stay NULL."""
    return (
        f"(case when {integer} > {_FEN_LIMIT} then {_FEN_LIMIT} "
        f"when {integer} < -{_FEN_LIMIT} then -{_FEN_LIMIT} else {integer} end)::bigint"
    )


def compute_identities(
    con: duckdb.DuckDBPyConnection, identities: Sequence[Identity]
) -> pl.DataFrame:
    """One row per comparison of every identity, for the documents in `checked`."""
    frames = [_identity_frame(con, identity) for identity in identities]
    if not frames:
        return pl.DataFrame(schema=_IDENTITY_COLUMNS)
    return pl.concat(frames, how="vertical")


def _identity_frame(con: duckdb.DuckDBPyConnection, identity: Identity) -> pl.DataFrame:
    printed = con.execute(f"select * from ({identity.sql}) as compared limit 0").description
    # The rounded figures a comparison adds up, both sides (an identity's SQL may say; otherwise
    # one figure each side).
    figures = "compared.figures" if any(c[0] == "figures" for c in printed) else "2"
    difference = "compared.left_side::decimal(38,6) - compared.right_side::decimal(38,6)"
    # Counted in half fen, as integers, so that half a last digit stays exact (a DECIMAL
    # divided by 2 in DuckDB is a DOUBLE): half a digit of d fen is d half-fen.
    rounding = (
        f"({figures})::hugeint * greatest(coalesce(own.digit_fen, 0), coalesce(other.digit_fen, 0))"
    )
    allowance = f"({2 * identity.tolerance_fen} + {rounding})"
    difference_fen = _whole_fen(difference, clamped=True)
    compared_half_fen = (
        f"2 * abs({difference_fen}::hugeint)"
        if identity.bound == "equal"
        else f"2 * {difference_fen}::hugeint"
    )
    frame = query_frame(
        con,
        f"""
        with precision as (
            -- the last printed digit, in fen, of a table whose figures are each rounded to it
            select document_id, table_no,
                   case when rounded then (last_digit_wan * {FEN_PER_WAN})::bigint else 0 end
                       as digit_fen
            from raw.printed_precision
            where document_id in (select document_id from checked)
        )
        select ? as check_name,
               compared.table_no::varchar || '.' || ? as identity,
               compared.document_id::varchar as document_id,
               compared.table_no::varchar as table_no,
               compared.source_line::integer as source_line,
               compared.item::varchar as item,
               compared.left_side::decimal(38,6) as left_side,
               compared.right_side::decimal(38,6) as right_side,
               ({difference}) as difference,
               {difference_fen} as difference_fen,
               ({allowance} * {_WAN_PER_HALF_FEN})::decimal(38,7) as allowance,
               ({rounding} * {_WAN_PER_HALF_FEN})::decimal(38,7) as rounding,
               ({figures})::integer as figures,
               {_clamped(f"{compared_half_fen} - {allowance}")} as excess_half_fen,
               compared.other_table_no::varchar as other_table_no,
               compared.other_line::integer as other_line
        from ({identity.sql}) as compared
        left join precision own
          on own.document_id = compared.document_id and own.table_no = compared.table_no
        left join precision other
          on other.document_id = compared.document_id
         and other.table_no = compared.other_table_no
        {_of_templates(identity.templates, "compared.document_id")}
        order by document_id, table_no, source_line, item
        """,
        [identity.name, identity.name],
    )
    return frame.with_columns(pl.lit(identity.statement).alias("statement")).cast(_IDENTITY_COLUMNS)


def _of_templates(templates: tuple[str, ...], column: str = "document_id") -> str:
    """The filter to documents of these templates (none: every document)."""
    if not templates:
        return ""
    listed = ", ".join(f"'{template}'" for template in templates)
    documents = f"select document_id from raw.documents where template in ({listed})"
    return f"where {column} in ({documents})"


def format_frame(con: duckdb.DuckDBPyConnection, suite: FormatSuite) -> pl.DataFrame:
    """The columns a suite checks of a raw table, for the checked documents; amounts as whole
    fen (BIGINT), other decimals as their exact text."""
    schema = RAW_TABLES[suite.table]
    wanted = {"source_line", *(["table_no"] if "table_no" in schema else [])}
    for expectation in suite.expectations:
        wanted.add(expectation.column)
        if expectation.where:
            wanted.add(expectation.where[0])
    columns = []
    for name in (n for n in schema if n in wanted):
        dtype = schema[name]
        if dtype == AMOUNT_DTYPE:
            columns.append(f"{_whole_fen(name)} as {name}")
        elif isinstance(dtype, pl.Decimal):
            columns.append(f"{name}::varchar as {name}")
        else:
            columns.append(name)
    if any(e.templates for e in suite.expectations):
        columns.append(
            "(select d.template from raw.documents d "
            "where d.document_id = t.document_id) as template"
        )
    return query_frame(
        con,
        f"select document_id, {', '.join(columns)} from raw.{suite.table} t "
        "where document_id in (select document_id from checked) "
        "order by document_id, source_line",
    )


# --- Great Expectations -------------------------------------------------------------------


class _Validator:
    """One GX suite per check's comparisons and per check's table suite, run once per chunk of
    documents; Data Docs at the end."""

    def __init__(self, checks: Sequence[Check], data_docs_dir: Path | None) -> None:
        # GX takes seconds to import: only a build that validates pays for it.
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
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(data_docs_dir),
                    },
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )
        self.context = context
        self.data_docs = data_docs_dir is not None
        source = context.data_sources.add_pandas("budget_documents")
        self.definitions: dict[str, Any] = {}

        def define(name: str, expectations: list[Any]) -> None:
            asset = source.add_dataframe_asset(name)
            suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
            self.definitions[name] = context.validation_definitions.add(
                gx.ValidationDefinition(
                    name=name,
                    data=asset.add_batch_definition_whole_dataframe("documents"),
                    suite=suite,
                )
            )

        for check in checks:
            define(
                check.name,
                [
                    gx.expectations.ExpectColumnValuesToBeBetween(
                        column="excess_half_fen",
                        max_value=0,
                        row_condition=Column("check_name") == identity.name,
                        meta={
                            "identity": identity.name,
                            "statement": identity.statement,
                            "tolerance_wan": str(identity.tolerance_wan),
                            "bound": identity.bound,
                            "allowance": "the tolerance plus half the last printed digit "
                            "per rounded figure compared",
                        },
                    )
                    for identity in check.identities
                ],
            )
            for suite in check.suites:
                define(
                    f"{check.name}_{suite.table}",
                    [
                        get_expectation_impl(e.type)(**_expectation_options(e, Column))
                        for e in suite.expectations
                    ],
                )

    def run(self, name: str, frame: pl.DataFrame) -> Any:
        return self.definitions[name].run(
            batch_parameters={"dataframe": to_pandas(frame)},
            result_format={"result_format": "COMPLETE"},
        )

    def build_data_docs(self) -> None:
        if self.data_docs:
            self.context.build_data_docs()


def _expectation_options(expectation: FormatExpectation, column: Any) -> dict[str, Any]:
    """A format expectation's GX arguments, from its YAML: its own, the sentence a failure
    message uses, and the condition on the rows it checks (some values, some templates)."""
    options: dict[str, Any] = {
        **expectation.kwargs,
        "meta": {"description": expectation.description},
    }
    conditions = []
    if expectation.where:
        where_column, values = expectation.where
        conditions.append(column(where_column).is_in(list(values)))
    if expectation.templates:
        conditions.append(column("template").is_in(list(expectation.templates)))
    if conditions:
        condition = conditions[0]
        for other in conditions[1:]:
            condition = condition & other
        options["row_condition"] = condition
    return options


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


def _add_identity_failures(outcome: CheckOutcome, compared: pl.DataFrame, validation: Any) -> None:
    outcome.comparisons += compared.height
    bounds = {}
    for result in validation.results:
        bounds[result.expectation_config.meta["identity"]] = result.expectation_config.meta["bound"]
        for index in _unexpected_rows(result):
            outcome.failures.append(_identity_result(compared.row(index, named=True), bounds))
    # Sides that differ within an allowance that includes rounding (for an at_most bound: the
    # left above the right): the publication's rounding, which GX let pass, reported with both
    # sides. A difference within an identity's own tolerance alone (a stated rate truncated,
    # expectations/narrative.yml) is what the identity allows, and is not reported.
    for row in compared.filter(
        (pl.col("difference_fen") != 0)
        & (pl.col("excess_half_fen") <= 0)
        & (pl.col("rounding") > 0)
    ).iter_rows(named=True):
        if bounds.get(row["check_name"]) == "equal" or row["difference_fen"] > 0:
            outcome.rounded.append(_identity_result(row, bounds, within_allowance=True))


def _identity_result(
    row: dict[str, Any], bounds: dict[str, str], *, within_allowance: bool = False
) -> IdentityFailure:
    return IdentityFailure(
        document_id=row["document_id"],
        table_no=row["table_no"],
        source_line=row["source_line"],
        identity=row["identity"],
        statement=row["statement"],
        item=row["item"],
        left_side=row["left_side"],
        right_side=row["right_side"],
        difference=row["difference"],
        bound=bounds.get(row["check_name"], "equal"),
        allowance=row["allowance"],
        rounding=row["rounding"],
        figures=row["figures"],
        other_table_no=row["other_table_no"],
        other_line=row["other_line"],
        within_allowance=within_allowance,
    )


def _add_format_failures(
    outcome: CheckOutcome, suite: FormatSuite, frame: pl.DataFrame, validation: Any
) -> None:
    outcome.comparisons += frame.height * len(suite.expectations)
    for result in validation.results:
        column = result.expectation_config.kwargs["column"]
        for index in _unexpected_rows(result):
            row = frame.row(index, named=True)
            outcome.failures.append(
                FormatFailure(
                    document_id=row["document_id"],
                    table_no=row.get("table_no") or suite.table_no,
                    source_line=row["source_line"],
                    identity=f"{suite.table}.{column}",
                    column=column,
                    value=_shown(row[column], RAW_TABLES[suite.table][column]),
                    description=result.expectation_config.meta["description"],
                )
            )


def _shown(value: Any, dtype: pl.DataType) -> str:
    if value is None:
        return "nothing"
    if dtype == AMOUNT_DTYPE:
        return f"{Decimal(value) / FEN_PER_WAN:,.6f}"
    return repr(value)


def _result_rows(
    check: Check,
    outcome: CheckOutcome,
    compared: pl.DataFrame,
    frames: dict[tuple[str, str], pl.DataFrame],
    files: dict[str, str],
    now: datetime,
) -> list[dict[str, Any]]:
    rows = []
    # A difference within the rounding allowance is a warning whatever the check: the
    # publication's own rounding, shown with both sides, never a reason to reject.
    for f, rejects in [(f, check.rejects) for f in outcome.failures] + [
        (f, False) for f in outcome.rounded
    ]:
        rows.append(
            {
                "document_id": f.document_id,
                "source_sha256": files.get(f.document_id),
                "check_name": check.name,
                "identity": f.identity,
                "table_no": f.table_no,
                "source_line": f.source_line,
                "item": f.item,
                "success": False,
                "expected": f.expected,
                "observed": f.observed,
                "difference": f.difference,
                "allowance": getattr(f, "allowance", None),
                "message": f.message(),
                "rejects": rejects,
                "checked_at": now,
            }
        )
    failed = {(f.document_id, f.identity) for f in outcome.failures}
    counts = compared.group_by("document_id", "identity", "table_no", "statement").agg(
        pl.len(),
        pl.col("allowance").max(),
        ((pl.col("difference_fen") != 0) & (pl.col("rounding") > 0)).sum().alias("rounded"),
    )
    for document_id, identity, table_no, statement, n, allowance, rounded in counts.sort(
        "document_id", "identity"
    ).iter_rows():
        if (document_id, identity) not in failed:
            if not allowance:
                held = f"{n} comparison(s) hold exactly (exact figures: no allowance)"
            elif rounded:
                held = (
                    f"{n} comparison(s) hold, {rounded} within the rounding allowance "
                    f"(at most {_wan(allowance)} 万元; each is reported)"
                )
            else:
                held = (
                    f"{n} comparison(s) hold exactly (rounding allowance at most "
                    f"{_wan(allowance)} 万元, not needed)"
                )
            rows.append(
                _success(
                    check,
                    document_id,
                    files,
                    identity,
                    table_no,
                    now,
                    f"{identity} ({statement}): {held}",
                    allowance,
                )
            )
    failed_tables = {
        (f.document_id, f.identity.split(".")[0])
        for f in outcome.failures
        if isinstance(f, FormatFailure)
    }
    for suite in check.suites:
        counts = frames[check.name, suite.table].group_by("document_id").len().sort("document_id")
        for document_id, n in counts.iter_rows():
            if (document_id, suite.table) not in failed_tables:
                rows.append(
                    _success(
                        check,
                        document_id,
                        files,
                        suite.table,
                        suite.table_no,
                        now,
                        f"raw.{suite.table}: {len(suite.expectations)} expectations hold over "
                        f"{n} row(s)",
                    )
                )
    return rows


def _success(
    check: Check,
    document_id: str,
    files: dict[str, str],
    identity: str,
    table_no: str,
    now: datetime,
    message: str,
    allowance: Decimal | None = None,
) -> dict[str, Any]:
    return {
        "document_id": document_id,
        "source_sha256": files.get(document_id),
        "check_name": check.name,
        "identity": identity,
        "table_no": table_no,
        "success": True,
        "rejects": False,
        "checked_at": now,
        "message": message,
        "allowance": allowance,
    }
