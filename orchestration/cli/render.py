"""The build summary as the terminal shows it."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table

from orchestration.cli.summary import Summary
from orchestration.settings import Settings
from orchestration.warehouse.discovery import IgnoredFile

# Past this many, published documents are counted by year rather than listed.
LISTED_DOCUMENTS = 30


def _first_reasons(reasons: tuple[str, ...], limit: int = 3) -> str:
    shown = "\n".join(f"- {reason}" for reason in reasons[:limit])
    more = len(reasons) - limit
    return shown + (f"\n- … and {more} more" if more > 0 else "")


def print_summary(
    out: Console,
    settings: Settings,
    summary: Summary,
    ignored: list[IgnoredFile],
    seconds: float,
) -> None:
    out.print()
    out.print(
        f"[bold]Documents[/bold]: {len(summary.published)} published, "
        f"{len(summary.rejected)} rejected"
    )
    if len(summary.published) <= LISTED_DOCUMENTS:
        for document in summary.published:
            out.print(
                f"  [green]✓[/green] {document.document_id} "
                f"({document.fiscal_year} {document.department_name})"
            )
    else:
        by_year = Counter(document.fiscal_year for document in summary.published)
        out.print(
            "  [green]✓[/green] "
            + ", ".join(f"{year}: {count}" for year, count in sorted(by_year.items()))
        )
    for rejected in summary.rejected:
        out.print(f"  [red]✗[/red] {rejected.document_id}", highlight=False)
        out.print(_first_reasons(rejected.reasons), highlight=False)
    for file in ignored:
        out.print(f"  [yellow]·[/yellow] ignored {file}", highlight=False)
    for document_id in summary.files_gone:
        out.print(
            f"  [yellow]·[/yellow] {document_id}: the file is gone from the raw folder; "
            f"its last published figures stay in the marts (to drop them, delete "
            f"{settings.build_dir} and build again)",
            highlight=False,
        )
    if summary.checks:
        checks = Table(title="Checks", title_justify="left")
        checks.add_column("check")
        checks.add_column("result")
        checks.add_column("documents failed", justify="right")
        for check in summary.checks:
            outcome = (
                "[green]passed[/green]"
                if check.passed
                else "[red]failed[/red]"
                if check.rejects
                else "[yellow]warnings[/yellow]"
            )
            checks.add_row(check.name, outcome, str(check.documents_failed))
        out.print(checks)
    else:
        out.print(
            "Checks: no document was read anew, so none was gated; the previous verdicts stand"
        )
    if summary.dbt_tests_passed or summary.dbt_tests_failed:
        out.print(
            f"dbt tests: {summary.dbt_tests_passed} passed, {len(summary.dbt_tests_failed)} failed"
        )
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
        out.print(
            "[yellow]Lines not understood, or read with a warning[/yellow] "
            f"({len(summary.not_understood)}):"
        )
        for message in summary.not_understood[:shown]:
            out.print(f"  {message}", highlight=False)
        if len(summary.not_understood) > shown:
            out.print(
                f"  … and {len(summary.not_understood) - shown} more "
                "(marts.data_quality, check_name 'parse')"
            )
    if summary.unnamed_codes:
        out.print(
            f"[yellow]Codes with no known name[/yellow] ({len(summary.unnamed_codes)}; "
            "add them to dbt_project/seeds/ref_*.csv):"
        )
        for unnamed in summary.unnamed_codes:
            out.print(
                f"  {unnamed.classification} {unnamed.level} {unnamed.code} "
                f"(used in {unnamed.years})",
                highlight=False,
            )
    for failure in summary.failed_steps:
        out.print(f"[red]step failed[/red] {failure}", highlight=False)
    out.print(f"Warehouse: {settings.warehouse}")
    site = settings.build_dir / "site"
    if (site / "index.html").exists():
        out.print(f"Run report (a page per department, opens offline): {site / 'index.html'}")
        out.print(f"Check results (document, table and line of each): {site / 'checks.html'}")
    out.print(f"Finished in {seconds:.1f} s")
