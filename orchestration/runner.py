"""Run the build job in-process over a set of documents (the CLI, tests and benchmarks)."""

from __future__ import annotations

import os
import shutil
import warnings
from collections.abc import Sequence
from pathlib import Path

import dagster as dg

from orchestration.partitions import PARTITIONS_NAME, plan_run
from orchestration.settings import PROJECT_ROOT, Settings


def build_instance() -> dg.DagsterInstance:
    """The instance under DAGSTER_HOME when set (runs then show in the UI), else a throwaway.

    A DAGSTER_HOME without a configuration gets the project's (telemetry off), so no instance
    the project creates sends usage events; a throwaway instance never does.
    """
    home = os.environ.get("DAGSTER_HOME")
    if home:
        configure_dagster_home(Path(home))
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


# The project's instance configuration, also what `dagster dev` reads through the README's
# DAGSTER_HOME.
INSTANCE_CONFIG = PROJECT_ROOT / ".dagster_home" / "dagster.yaml"


def configure_dagster_home(home: Path) -> None:
    """Give a new or unconfigured Dagster home the project's configuration."""
    home.mkdir(parents=True, exist_ok=True)
    if not any((home / name).exists() for name in ("dagster.yaml", "dagster.yml")):
        shutil.copyfile(INSTANCE_CONFIG, home / "dagster.yaml")


def execute_build(
    settings: Settings,
    document_ids: Sequence[str],
    *,
    instance: dg.DagsterInstance | None = None,
    progress: bool = False,
    trigger: str = "api",
    reread: bool = False,
) -> dg.ExecuteInProcessResult:
    """Materialise the whole graph for these documents in one in-process run.

    One run, one step per asset: the documents are a single-run backfill over their partitions,
    so Dagster's start-up cost is paid once, not once per document.
    """
    # Beta and preview notices (backfill policies, dynamic partitions) are for developers.
    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    warnings.filterwarnings("ignore", category=dg.PreviewWarning)
    from orchestration.definitions import build_definitions

    if not document_ids:
        raise ValueError("no documents to build")
    definitions = build_definitions(settings)
    instance = instance or build_instance()
    plan = plan_run(instance, document_ids, trigger)
    if plan.new_keys:
        instance.add_dynamic_partitions(PARTITIONS_NAME, plan.new_keys)
    job = definitions.resolve_job_def("build_warehouse")
    return job.execute_in_process(
        instance=instance,
        tags=plan.tags,
        run_config={
            "ops": {"raw_documents": {"config": {"reread": reread}}},
            **({"loggers": {"progress": {}}} if progress else {}),
        },
        raise_on_error=False,
    )
