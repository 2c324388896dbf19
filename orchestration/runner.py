"""Run the build job in-process over a set of documents (the CLI, tests and benchmarks)."""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence

import dagster as dg
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

from orchestration.partitions import document_partitions
from orchestration.settings import Settings

DOCUMENTS_TAG = "budget/documents"


def build_instance() -> dg.DagsterInstance:
    """The instance under DAGSTER_HOME when set (runs then show in the UI), else a throwaway."""
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def execute_build(
    settings: Settings,
    document_ids: Sequence[str],
    *,
    instance: dg.DagsterInstance | None = None,
    progress: bool = False,
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
    partitions_name = document_partitions.name
    assert partitions_name is not None
    known = set(instance.get_dynamic_partitions(partitions_name))
    new = [key for key in document_ids if key not in known]
    if new:
        instance.add_dynamic_partitions(partitions_name, new)
    # A partition range runs from one key to another in the order keys were added; keys of
    # files removed since then may fall inside it, and ingestion reports them as missing.
    order = {key: i for i, key in enumerate(instance.get_dynamic_partitions(partitions_name))}
    ordered = sorted(document_ids, key=order.__getitem__)
    job = definitions.resolve_job_def("build_warehouse")
    with settings.exported():  # dbt, a subprocess, reads the paths from the environment
        return job.execute_in_process(
            instance=instance,
            tags={
                ASSET_PARTITION_RANGE_START_TAG: ordered[0],
                ASSET_PARTITION_RANGE_END_TAG: ordered[-1],
                DOCUMENTS_TAG: str(len(ordered)),
            },
            run_config={"loggers": {"progress": {}}} if progress else None,
            raise_on_error=False,
        )
