"""`budget-warehouse synth` and `budget-warehouse docs`."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console

from orchestration.cli.exit_codes import ExitCode
from orchestration.settings import DBT_PROJECT_DIR, Settings


def write_synthetic_corpus(
    department_count: int, years: str, out: Path, seed: int, final_accounts: bool = True
) -> int:
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
        return ExitCode.USAGE
    started = time.perf_counter()
    paths = synth.write_corpus(
        out, department_count, first_year, last_year, seed, final_accounts=final_accounts
    )
    size = sum(path.stat().st_size for path in paths)
    finals = sum(path.name.endswith(synth.FINAL_ACCOUNTS_SUFFIX) for path in paths)
    console.print(
        f"Wrote {len(paths):,} documents ({len(paths) - finals:,} budgets, {finals:,} 决算; "
        f"{size / 1e6:,.1f} MB) under {out} in {time.perf_counter() - started:.1f} s"
    )
    return ExitCode.PUBLISHED


def write_docs(settings: Settings) -> int:
    """dbt docs for the marts, as one self-contained HTML file under the build folder."""
    from orchestration.dbt import dbt_vars

    err = Console(stderr=True, soft_wrap=True)
    if not settings.build_db.exists():
        err.print(
            f"[red]error:[/red] no build at {settings.build_db}; run `budget-warehouse build` first"
        )
        return ExitCode.USAGE
    target = settings.build_dir / "dbt_docs"
    completed = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "docs",
            "generate",
            "--static",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
            *dbt_vars(settings),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        err.print(completed.stdout[-2000:] + completed.stderr[-2000:])
        return ExitCode.USAGE
    Console(soft_wrap=True).print(f"Documentation of the marts: {target / 'static_index.html'}")
    return ExitCode.PUBLISHED
