"""Resources: the warehouse's paths and connections, and dbt."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.settings import Settings
from orchestration.warehouse.database import connect, ensure_schema


class WarehouseResource(dg.ConfigurableResource):
    """The raw folder, the working database a build writes, and the published warehouse."""

    raw_dir: str
    warehouse: str
    build_db: str
    crosswalk: str | None = None
    department_renames: str | None = None
    parse_workers: int = 1

    @classmethod
    def from_settings(cls, settings: Settings) -> "WarehouseResource":
        return cls(
            raw_dir=str(settings.raw_dir),
            warehouse=str(settings.warehouse),
            build_db=str(settings.build_db),
            crosswalk=str(settings.crosswalk) if settings.crosswalk else None,
            department_renames=(
                str(settings.department_renames) if settings.department_renames else None
            ),
            parse_workers=settings.parse_workers,
        )

    @property
    def settings(self) -> Settings:
        return Settings(
            Path(self.raw_dir),
            Path(self.warehouse),
            Path(self.build_db),
            Path(self.crosswalk) if self.crosswalk else None,
            Path(self.department_renames) if self.department_renames else None,
            self.parse_workers,
        )

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the working database, with the raw and accepted schemas in place."""
        with connect(Path(self.build_db), read_only=read_only) as con:
            if not read_only:
                ensure_schema(con)
            yield con
