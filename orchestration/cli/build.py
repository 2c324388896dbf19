"""`budget-warehouse build`: the whole Dagster job in-process, then the summary."""

from __future__ import annotations

import time
from contextlib import redirect_stdout

from rich.console import Console

from orchestration.cli.exit_codes import ExitCode
from orchestration.cli.render import print_summary
from orchestration.cli.summary import summarise
from orchestration.settings import LocationError, Settings
from orchestration.warehouse.discovery import RawFolderError, discover


def run_build(settings: Settings, only: list[str] | None = None, reread: bool = False) -> int:
    # Messages name files, tables and lines; wrapping them would break a grep or a copy.
    out, err = Console(soft_wrap=True), Console(stderr=True, soft_wrap=True)
    if not settings.raw_dir.is_dir():
        err.print(f"[red]error:[/red] raw folder not found: {settings.raw_dir}")
        return ExitCode.USAGE
    for label, path in (
        ("crosswalk", settings.crosswalk),
        ("department renames", settings.department_renames),
    ):
        if path is not None and not path.is_file():
            err.print(f"[red]error:[/red] {label} file not found: {path}")
            return ExitCode.USAGE
    try:
        documents, ignored = discover(settings.raw_dir)
    except RawFolderError as error:
        err.print(f"[red]error:[/red] {error}", highlight=False)
        return ExitCode.USAGE
    if only:
        unknown = sorted(set(only) - {d.document_id for d in documents})
        if unknown:
            err.print(
                f"[red]error:[/red] not a document of {settings.raw_dir}: {', '.join(unknown)}"
            )
            return ExitCode.USAGE
    present = [d.document_id for d in documents]
    if only:
        documents = [d for d in documents if d.document_id in only]
    if not documents:
        err.print(
            f"[red]error:[/red] no documents in {settings.raw_dir} "
            "(expected files under <year>/ folders)"
        )
        for file in ignored:
            err.print(f"  ignored {file}", highlight=False)
        return ExitCode.USAGE
    # DuckDB, Polars and Arrow load here, not for `--help` or `synth`.
    from orchestration.warehouse.database import (
        DatabaseBusy,
        DatabaseUnusable,
        check_writable,
    )

    try:
        settings.check_locations()
        check_writable(settings.build_db)
    except (LocationError, DatabaseBusy, DatabaseUnusable) as error:
        err.print(f"[red]error:[/red] {error}", highlight=False)
        return ExitCode.USAGE
    err.print(
        f"Building [bold]{settings.warehouse}[/bold] from {len(documents)} document(s) "
        f"in {settings.raw_dir} (working database {settings.build_db})"
    )
    started = time.perf_counter()
    from orchestration.runner import execute_build

    # dbt's own log (every model and test) goes to a file; progress lines go to stderr.
    log_path = settings.build_dir / "logs" / "dbt.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with log_path.open("w", encoding="utf-8") as log, redirect_stdout(log):
            result = execute_build(
                settings,
                [d.document_id for d in documents],
                progress=True,
                trigger="cli",
                reread=reread,
            )
    except Exception as error:
        err.print(f"[red]error:[/red] the build could not run: {error}")
        return ExitCode.USAGE
    try:
        summary = summarise(settings, documents, result, present)
    except DatabaseBusy as error:
        err.print(
            f"[red]error:[/red] the build ran but its results cannot be read: {error}",
            highlight=False,
        )
        return ExitCode.USAGE
    print_summary(out, settings, summary, ignored, time.perf_counter() - started)
    out.print(f"dbt log: {log_path}")
    if summary.failed_steps:
        return ExitCode.USAGE
    return ExitCode.REJECTED if summary.rejected else ExitCode.PUBLISHED
