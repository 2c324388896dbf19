"""`budget-warehouse build`: the whole Dagster job, in-process, with a summary (DESIGN §8).

Exit codes: 0 every document published; 1 a document was rejected (the others still published);
2 a usage or environment problem (missing folder, locked file, a step that crashed).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from orchestration.settings import Settings
from orchestration.warehouse.discovery import DocumentFile, IgnoredFile, discover

EXIT_PUBLISHED, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2
# Past this many, published documents are counted by year rather than listed.
LISTED_DOCUMENTS = 30


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="budget-warehouse",
        description="Chinese departmental budget documents into a DuckDB warehouse.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser(
        "build", help="read, gate, transform and publish every document in the raw folder"
    )
    build.add_argument("--raw-dir", help="folder of <year>/<document> files "
                                         "(default $BUDGET_RAW_DIR or data/raw)")
    build.add_argument("--warehouse", help="the published DuckDB file "
                                           "(default $BUDGET_WAREHOUSE or data/warehouse.duckdb)")
    build.add_argument("--crosswalk", help="your classification crosswalk CSV, added to the "
                                           "dbt seed (default $BUDGET_CROSSWALK)")
    build.add_argument("--department-renames", help="your department renames CSV, added to the "
                                                    "dbt seed (default $BUDGET_DEPARTMENT_RENAMES)")
    build.add_argument("--document", action="append", metavar="ID",
                       help="build only this document (its path under the raw folder, e.g. "
                            "2026/部门.txt); repeat for several")
    build.add_argument("--reread", action="store_true",
                       help="read the documents again even if their bytes are unchanged (after "
                            "changing a tolerance, a reference seed or the parser)")
    docs = commands.add_parser(
        "docs", help="write the dbt documentation site of the marts (run after a build)"
    )
    docs.add_argument("--warehouse", help="the published DuckDB file the build wrote "
                                          "(default $BUDGET_WAREHOUSE or data/warehouse.duckdb)")
    synth = commands.add_parser(
        "synth", help="write a generated corpus in the seed's layout, for tests, demos and "
                      "benchmarks (never into data/raw)")
    synth.add_argument("--departments", type=int, required=True, metavar="D")
    synth.add_argument("--years", required=True, metavar="A-B", help="e.g. 2017-2026")
    synth.add_argument("--out", required=True, metavar="DIR")
    synth.add_argument("--seed", type=int, default=0, metavar="N")
    export = commands.add_parser(
        "export", help="marts of the published warehouse to xlsx, csv or parquet, filtered")
    export.add_argument("--out", required=True, metavar="PATH",
                        help="the workbook (xlsx), or a file or folder for csv and parquet")
    export.add_argument("--format", choices=["xlsx", "csv", "parquet"],
                        help="default: from --out's suffix, else xlsx")
    export.add_argument("--table", action="append", metavar="NAME",
                        help="a mart (yoy_function) or a marts_zh view (功能分类同比); repeat "
                             "for several (default: every marts_zh view)")
    export.add_argument("--department", action="append", metavar="TEXT",
                        help="keep departments whose name contains TEXT; repeat for several")
    export.add_argument("--year", action="append", type=int, metavar="YEAR")
    export.add_argument("--code", action="append", metavar="CODE",
                        help="keep this classification or project code and those under it")
    export.add_argument("--level", action="append", metavar="LEVEL",
                        help="as the table writes it: 类, 款, 项 (marts_zh) or category, "
                             "subcategory, item (marts)")
    export.add_argument("--encoding", choices=["utf-8-sig", "gb18030"], default="utf-8-sig",
                        help="csv only: UTF-8 with a byte-order mark (default) or GB18030")
    export.add_argument("--warehouse", help="the published DuckDB file "
                                            "(default $BUDGET_WAREHOUSE or data/warehouse.duckdb)")
    sql = commands.add_parser(
        "sql", help="run a query on the published warehouse (read-only) and print the result")
    sql.add_argument("query", help='e.g. "select * from marts_zh.三公经费同比"')
    sql.add_argument("--max-rows", type=int, default=200, metavar="N",
                     help="rows to print (the rest are counted); 0 prints all")
    sql.add_argument("--csv", action="store_true", help="write every row as CSV to stdout")
    sql.add_argument("--warehouse", help="the published DuckDB file "
                                         "(default $BUDGET_WAREHOUSE or data/warehouse.duckdb)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.command == "synth":
        return write_synthetic_corpus(args.departments, args.years, Path(args.out), args.seed)
    if args.command == "sql":
        from orchestration import query

        return query.run(args)
    if args.command == "export":
        from orchestration import export as export_command

        return export_command.run(args)
    if args.command == "docs":
        return write_docs(Settings.from_env(warehouse=args.warehouse))
    return run_build(
        Settings.from_env(args.raw_dir, args.warehouse, args.crosswalk, args.department_renames),
        only=args.document,
        reread=args.reread,
    )


@dataclass(slots=True)
class Summary:
    published: list[tuple[str, int | None, str | None]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    # The document gates, one line each: (check, passed, documents failed, rejects).
    checks: list[tuple[str, bool, str, bool]] = field(default_factory=list)
    dbt_tests_passed: int = 0
    dbt_tests_failed: list[str] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    unnamed_codes: list[tuple[str, str, str, str]] = field(default_factory=list)
    # (message) of every line of the latest read versions that the parser did not understand.
    not_understood: list[str] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)


def run_build(settings: Settings, only: list[str] | None = None, reread: bool = False) -> int:
    # Messages name files, tables and lines; wrapping them would break a grep or a copy.
    out, err = Console(soft_wrap=True), Console(stderr=True, soft_wrap=True)
    if not settings.raw_dir.is_dir():
        err.print(f"[red]error:[/red] raw folder not found: {settings.raw_dir}")
        return EXIT_USAGE
    for label, path in (("crosswalk", settings.crosswalk),
                        ("department renames", settings.department_renames)):
        if path is not None and not path.is_file():
            err.print(f"[red]error:[/red] {label} file not found: {path}")
            return EXIT_USAGE
    documents, ignored = discover(settings.raw_dir)
    if only:
        unknown = sorted(set(only) - {d.document_id for d in documents})
        if unknown:
            err.print(f"[red]error:[/red] not a document of {settings.raw_dir}: "
                      f"{', '.join(unknown)}")
            return EXIT_USAGE
        documents = [d for d in documents if d.document_id in only]
    if not documents:
        err.print(f"[red]error:[/red] no documents in {settings.raw_dir} "
                  "(expected files under <year>/ folders)")
        return EXIT_USAGE
    err.print(f"Building [bold]{settings.warehouse}[/bold] from {len(documents)} document(s) "
              f"in {settings.raw_dir}")
    started = time.perf_counter()
    from orchestration.runner import execute_build

    # dbt's own log (every model and test) goes to a file; progress lines go to stderr.
    log_path = settings.build_dir / "logs" / "dbt.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with log_path.open("w", encoding="utf-8") as log, redirect_stdout(log):
            result = execute_build(
                settings, [d.document_id for d in documents], progress=True, trigger="cli",
                reread=reread,
            )
    except Exception as error:  # noqa: BLE001 - an environment problem, reported as one
        err.print(f"[red]error:[/red] the build could not run: {error}")
        return EXIT_USAGE
    summary = summarise(settings, documents, result)
    print_summary(out, settings, summary, ignored, time.perf_counter() - started)
    out.print(f"dbt log: {log_path}")
    if summary.failed_steps:
        return EXIT_USAGE
    return EXIT_REJECTED if summary.rejected else EXIT_PUBLISHED


def write_synthetic_corpus(department_count: int, years: str, out: Path, seed: int) -> int:
    from orchestration import synth

    console = Console(stderr=True)
    try:
        first_year, last_year = synth.parse_years(years)
        if department_count < 1:
            raise ValueError("--departments must be at least 1")
        if out.resolve().is_relative_to(Settings.from_env().raw_dir.resolve()):
            raise ValueError(f"{out} is inside the raw folder: generated documents never go there")
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        return EXIT_USAGE
    started = time.perf_counter()
    paths = synth.write_corpus(out, department_count, first_year, last_year, seed)
    size = sum(path.stat().st_size for path in paths)
    console.print(f"Wrote {len(paths):,} documents ({size / 1e6:,.1f} MB) under {out} "
                  f"in {time.perf_counter() - started:.1f} s")
    return EXIT_PUBLISHED


def write_docs(settings: Settings) -> int:
    """dbt docs for the marts, as one self-contained HTML file under the build folder."""
    import subprocess

    from orchestration.settings import DBT_PROJECT_DIR

    err = Console(stderr=True, soft_wrap=True)
    if not settings.build_db.exists():
        err.print(f"[red]error:[/red] no build at {settings.build_db}; run "
                  "`budget-warehouse build` first")
        return EXIT_USAGE
    target = settings.build_dir / "dbt_docs"
    with settings.exported():
        completed = subprocess.run(
            [str(Path(sys.executable).with_name("dbt")), "docs", "generate", "--static",
             "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
             "--target-path", str(target)],
            capture_output=True, text=True, check=False,
        )
    if completed.returncode != 0:
        err.print(completed.stdout[-2000:] + completed.stderr[-2000:])
        return EXIT_USAGE
    Console(soft_wrap=True).print(f"Documentation of the marts: {target / 'static_index.html'}")
    return EXIT_PUBLISHED


def summarise(settings: Settings, documents: list[DocumentFile], result) -> Summary:  # noqa: ANN001
    from orchestration.warehouse.database import connect, query_frame, quote_identifier, scalar

    summary = Summary()
    for evaluation in result.get_asset_check_evaluations():
        failed = evaluation.metadata.get("documents_failed")
        rejects = evaluation.metadata.get("rejects")
        if failed is not None:
            summary.checks.append((evaluation.check_name, evaluation.passed, str(failed.value),
                                   bool(rejects.value) if rejects is not None else True))
        elif evaluation.passed:
            summary.dbt_tests_passed += 1
        else:
            summary.dbt_tests_failed.append(evaluation.check_name)
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.step_failure_data.error
            while error is not None and error.cause is not None:
                error = error.cause
            message = error.message.strip() if error is not None else "unknown error"
            summary.failed_steps.append(f"{event.step_key}: {message[:500]}")
    ids = [d.document_id for d in documents]
    if settings.build_db.exists():
        with connect(settings.build_db, read_only=True) as con:
            statuses = query_frame(
                con,
                """
                select d.document_id, d.status, d.fiscal_year, d.department_name,
                       (select list(c.message order by c.table_no nulls first, c.source_line)
                        from raw.check_results c
                        where c.document_id = d.document_id
                          and c.source_sha256 = d.source_sha256
                          and not c.success and c.rejects) as reasons
                from raw.documents d
                where d.document_id in (select unnest(?::varchar[]))
                order by d.document_id
                """,
                [ids],
            )
            summary.not_understood = query_frame(
                con,
                """
                select c.message from raw.check_results c
                join raw.documents d
                  on d.document_id = c.document_id and d.source_sha256 = c.source_sha256
                where d.document_id in (select unnest(?::varchar[]))
                  and c.check_name = 'parse' and not c.success and c.source_line is not null
                order by c.document_id, c.source_line
                """,
                [ids],
            )["message"].to_list()
        for document_id, status, year, department, reasons in statuses.iter_rows():
            if status == "rejected":
                summary.rejected.append((document_id, _first_reasons(reasons or [])))
            elif status == "published":
                summary.published.append((document_id, year, department))
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
                summary.unnamed_codes = con.execute(
                    "select classification, code, level, years from marts.unnamed_codes "
                    "order by classification, code"
                ).fetchall()
    return summary


def _first_reasons(reasons: list[str], limit: int = 3) -> str:
    shown = "\n".join(f"- {reason}" for reason in reasons[:limit])
    more = len(reasons) - limit
    return shown + (f"\n- … and {more} more" if more > 0 else "")


def print_summary(
    out: Console, settings: Settings, summary: Summary, ignored: list[IgnoredFile],
    seconds: float,
) -> None:
    out.print()
    out.print(f"[bold]Documents[/bold]: {len(summary.published)} published, "
              f"{len(summary.rejected)} rejected")
    if len(summary.published) <= LISTED_DOCUMENTS:
        for document_id, year, department in summary.published:
            out.print(f"  [green]✓[/green] {document_id} ({year} {department})")
    else:
        by_year = Counter(year for _, year, _ in summary.published)
        out.print("  [green]✓[/green] " + ", ".join(
            f"{year}: {count}" for year, count in sorted(by_year.items())))
    for document_id, reasons in summary.rejected:
        out.print(f"  [red]✗[/red] {document_id}", highlight=False)
        out.print(reasons, highlight=False)
    for file in ignored:
        out.print(f"  [yellow]·[/yellow] ignored {file.path}: {file.reason}", highlight=False)
    if summary.checks:
        checks = Table(title="Checks", title_justify="left")
        checks.add_column("check")
        checks.add_column("result")
        checks.add_column("documents failed", justify="right")
        for name, passed, failed, rejects in summary.checks:
            outcome = ("[green]passed[/green]" if passed
                       else "[red]failed[/red]" if rejects else "[yellow]warnings[/yellow]")
            checks.add_row(name, outcome, failed)
        out.print(checks)
    if summary.dbt_tests_passed or summary.dbt_tests_failed:
        out.print(f"dbt tests: {summary.dbt_tests_passed} passed, "
                  f"{len(summary.dbt_tests_failed)} failed")
        for name in summary.dbt_tests_failed:
            out.print(f"  [red]✗[/red] {name}", highlight=False)
    if summary.row_counts:
        rows = Table(title="Marts", title_justify="left")
        rows.add_column("table")
        rows.add_column("rows", justify="right")
        for table, count in summary.row_counts.items():
            rows.add_row(f"marts.{table}", f"{count:,}")
        out.print(rows)
    if summary.not_understood:
        shown = 20
        out.print(f"[yellow]Lines not understood[/yellow] ({len(summary.not_understood)}):")
        for message in summary.not_understood[:shown]:
            out.print(f"  {message}", highlight=False)
        if len(summary.not_understood) > shown:
            out.print(f"  … and {len(summary.not_understood) - shown} more "
                      "(marts.data_quality, check_name 'parse')")
    if summary.unnamed_codes:
        out.print(f"[yellow]Codes with no known name[/yellow] ({len(summary.unnamed_codes)}; "
                  "add them to dbt_project/seeds/ref_*.csv):")
        for classification, code, level, years in summary.unnamed_codes:
            out.print(f"  {classification} {level} {code} (used in {years})", highlight=False)
    for failure in summary.failed_steps:
        out.print(f"[red]step failed[/red] {failure}", highlight=False)
    out.print(f"Warehouse: {settings.warehouse}")
    site = settings.build_dir / "site"
    if (site / "index.html").exists():
        out.print(f"Run report (a page per department, opens offline): {site / 'index.html'}")
        out.print(f"Check results (document, table and line of each): {site / 'checks.html'}")
    out.print(f"Finished in {seconds:.1f} s")


if __name__ == "__main__":
    sys.exit(main())
