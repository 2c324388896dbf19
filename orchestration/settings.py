"""Where things live. Each setting is one environment variable, read here (never written: dbt
gets the working database on its command line, orchestration/dbt.py)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"

RAW_DIR_ENV = "BUDGET_RAW_DIR"
WAREHOUSE_ENV = "BUDGET_WAREHOUSE"
# The working database a build writes (raw, accepted and dbt's schemas). dbt reads it from
# profiles.yml; BI tools never see it, they open the published warehouse.
BUILD_DB_ENV = "BUDGET_BUILD_DB"
# Optional: the user's own classification crosswalk and department renames (CSV files), added to
# the dbt seeds of the same names.
CROSSWALK_ENV = "BUDGET_CROSSWALK"
RENAMES_ENV = "BUDGET_DEPARTMENT_RENAMES"

# Processes that parse documents when a run has many (default: one per core).
PARSE_WORKERS_ENV = "BUDGET_PARSE_WORKERS"

# Every variable a Settings reads, in one place (tests clear them all).
SETTING_VARIABLES = (
    RAW_DIR_ENV,
    WAREHOUSE_ENV,
    BUILD_DB_ENV,
    CROSSWALK_ENV,
    RENAMES_ENV,
    PARSE_WORKERS_ENV,
)

DEFAULT_RAW_DIR = Path("data/raw")
DEFAULT_WAREHOUSE = Path("data/warehouse.duckdb")


class LocationError(Exception):
    """A folder a build must write cannot be written."""


@dataclass(frozen=True, slots=True)
class Settings:
    raw_dir: Path
    warehouse: Path
    build_db: Path
    crosswalk: Path | None = None
    department_renames: Path | None = None
    # Processes that parse documents when a run reads many.
    parse_workers: int = 1

    @property
    def build_dir(self) -> Path:
        """Build output next to the warehouse: the working database, reports, GX Data Docs."""
        return self.build_db.parent

    @classmethod
    def from_env(
        cls,
        raw_dir: str | Path | None = None,
        warehouse: str | Path | None = None,
        crosswalk: str | Path | None = None,
        department_renames: str | Path | None = None,
    ) -> Settings:
        """Arguments win over the environment, which wins over the defaults."""
        raw = Path(raw_dir or os.environ.get(RAW_DIR_ENV) or DEFAULT_RAW_DIR).resolve()
        published = Path(warehouse or os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE).resolve()
        # $BUDGET_BUILD_DB is honoured with --warehouse too: a variable the user set is never
        # dropped in silence (the CLI prints which working database a build uses).
        build = os.environ.get(BUILD_DB_ENV)
        build_db = Path(build).resolve() if build else default_build_db(published)
        return cls(
            raw_dir=raw,
            warehouse=published,
            build_db=build_db,
            crosswalk=_optional_path(crosswalk, CROSSWALK_ENV),
            department_renames=_optional_path(department_renames, RENAMES_ENV),
            parse_workers=_parse_workers(),
        )

    def check_locations(self) -> None:
        """Create the folders a build writes and make sure it can write them, so a read-only
        location is one clear message before the build starts rather than a failed step."""
        if self.warehouse.is_dir():
            raise LocationError(
                f"the warehouse {self.warehouse} is a folder; give the path of "
                "the DuckDB file to publish"
            )
        for what, folder in (
            ("the warehouse's folder", self.warehouse.parent),
            ("the build folder", self.build_dir),
        ):
            if folder.exists() and not folder.is_dir():
                raise LocationError(f"{what} {folder} is a file, not a folder")
            try:
                folder.mkdir(parents=True, exist_ok=True)
                with tempfile.TemporaryFile(dir=folder):
                    pass
            except OSError as error:
                raise LocationError(
                    f"{what} {folder} cannot be written: {error.strerror or error}"
                ) from None


def _parse_workers() -> int:
    value = os.environ.get(PARSE_WORKERS_ENV)
    if value:
        try:
            return max(int(value), 1)
        except ValueError:
            raise ValueError(f"{PARSE_WORKERS_ENV}={value!r}: expected a whole number") from None
    return os.cpu_count() or 1


def _optional_path(argument: str | Path | None, variable: str) -> Path | None:
    value = argument or os.environ.get(variable)
    return Path(value).resolve() if value else None


def default_build_db(warehouse: Path) -> Path:
    return warehouse.parent / "build" / f"{warehouse.stem}.work.duckdb"
