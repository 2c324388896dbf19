"""One partition per document file, keyed by its path under the raw folder."""

from collections.abc import Sequence
from dataclasses import dataclass

import dagster as dg
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

document_partitions = dg.DynamicPartitionsDefinition(name="documents")
PARTITIONS_NAME = "documents"

DOCUMENTS_TAG = "budget/documents"
DOCUMENT_IDS_TAG = "budget/document_ids"
TRIGGER_TAG = "budget/trigger"
# Set by the gate: how many documents the run rejected, and which.
REJECTED_TAG = "budget/rejected"
REJECTED_IDS_TAG = "budget/rejected_documents"
_TAG_LIMIT = 4000  # Dagster tag values should stay small; the count tag is always exact.


@dataclass(frozen=True, slots=True)
class RunPlan:
    """One run over some documents: the partitions to register first, and the run's tags."""

    new_keys: list[str]
    tags: dict[str, str]


def plan_run(instance: dg.DagsterInstance, keys: Sequence[str], trigger: str) -> RunPlan:
    """The one way a run over documents is planned: by the CLI, the sensor and the schedule.
    The caller registers `new_keys` (the sensor through its result, the others directly)."""
    known = instance.get_dynamic_partitions(PARTITIONS_NAME)
    registered = set(known)
    new = [key for key in keys if key not in registered]
    return RunPlan(new, run_tags([*known, *new], keys, trigger))


def run_tags(ordered_keys: Sequence[str], keys: Sequence[str], trigger: str) -> dict[str, str]:
    """Tags for one run over `keys`: a single-run backfill over their partition range.

    `ordered_keys` are all partition keys in the order they were added (after registering
    new ones). The range may include keys between them that are unchanged or gone: ingestion
    skips documents whose bytes it has already read and reports files that are gone.
    """
    position = {key: i for i, key in enumerate(ordered_keys)}
    ordered = sorted(keys, key=position.__getitem__)
    return {
        ASSET_PARTITION_RANGE_START_TAG: ordered[0],
        ASSET_PARTITION_RANGE_END_TAG: ordered[-1],
        **document_tags(ordered, trigger),
    }


def document_tags(keys: Sequence[str], trigger: str) -> dict[str, str]:
    """The budget/* tags of a run over these documents."""
    return {
        DOCUMENTS_TAG: str(len(keys)),
        DOCUMENT_IDS_TAG: clip_tag(", ".join(keys)),
        TRIGGER_TAG: trigger,
    }


def clip_tag(value: str) -> str:
    """A tag value within Dagster's comfortable size; the count tags stay exact."""
    if len(value) <= _TAG_LIMIT:
        return value
    return value[:_TAG_LIMIT] + f" … ({value.count(', ') + 1} in all)"


# A run launched from the UI (materialising partitions, a backfill) or by `dagster job launch`
# carries only Dagster's own tags; the sensor, the schedule and the CLI set the trigger.
MANUAL_TRIGGER = "manual"


def tag_untagged_run(context: dg.AssetExecutionContext) -> None:
    """Give a run launched without the `budget/*` tags those of the documents it covers."""
    if TRIGGER_TAG in context.run.tags:
        return
    context.instance.add_run_tags(
        context.run.run_id, document_tags(context.partition_keys, MANUAL_TRIGGER)
    )
