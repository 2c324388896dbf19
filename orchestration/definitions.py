"""Dagster definitions: `dagster dev` in the repository root loads `defs`."""

from __future__ import annotations

import dagster as dg

from orchestration.assets import (
    accepted_documents,
    build_publish_assets,
    document_gate,
    raw_documents,
    reference_files,
)
from orchestration.checks import gate_verdicts
from orchestration.dbt import build_dbt_assets, dbt_resource
from orchestration.jobs import build_warehouse
from orchestration.progress import progress_logger
from orchestration.resources import WarehouseResource
from orchestration.schedules import daily_rebuild
from orchestration.sensors import raw_folder_changes
from orchestration.settings import Settings


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    """All assets, checks, jobs and resources, for the given (or environment's) paths."""
    settings = settings or Settings.from_env()
    dbt_models = build_dbt_assets(settings.build_dir / "dbt")
    return dg.Definitions(
        assets=[
            raw_documents,
            document_gate,
            accepted_documents,
            reference_files,
            dbt_models,
            *build_publish_assets(dbt_models),
        ],
        asset_checks=[gate_verdicts],
        jobs=[build_warehouse],
        schedules=[daily_rebuild],
        sensors=[raw_folder_changes],
        resources={
            "warehouse": WarehouseResource.from_settings(settings),
            "dbt": dbt_resource(),
        },
        loggers={"progress": progress_logger},
        # Every run in one process, whoever launches it (the UI, the sensor, the schedule, the
        # CLI): the multiprocess default starts a process per step, each importing Dagster, dbt
        # and Polars again, 20-30 s a step, which turned a one-document run into minutes.
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    """For `dagster dev` and its code server: the environment's settings."""
    return build_definitions(Settings.from_env())
