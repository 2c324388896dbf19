"""One partition per document file, keyed by its path under the raw folder."""

from collections.abc import Sequence

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
_TAG_LIMIT = 4000  # Dagster tag values should stay small; the count tag is always exact.


def new_partition_keys(instance: dg.DagsterInstance, keys: Sequence[str]) -> list[str]:
    """The keys not yet registered as document partitions, in the given order."""
    known = set(instance.get_dynamic_partitions(PARTITIONS_NAME))
    return [key for key in keys if key not in known]


def run_tags(
    ordered_keys: Sequence[str], keys: Sequence[str], trigger: str
) -> dict[str, str]:
    """Tags for one run over `keys`: a single-run backfill over their partition range.

    `ordered_keys` are all partition keys in the order they were added (after registering
    new ones). The range may include keys between them that are unchanged or gone: ingestion
    skips documents whose bytes it has already read and reports files that are gone.
    """
    position = {key: i for i, key in enumerate(ordered_keys)}
    ordered = sorted(keys, key=position.__getitem__)
    listed = ", ".join(ordered)
    if len(listed) > _TAG_LIMIT:
        listed = listed[:_TAG_LIMIT] + f" … ({len(ordered)} in all)"
    return {
        ASSET_PARTITION_RANGE_START_TAG: ordered[0],
        ASSET_PARTITION_RANGE_END_TAG: ordered[-1],
        DOCUMENTS_TAG: str(len(ordered)),
        DOCUMENT_IDS_TAG: listed,
        TRIGGER_TAG: trigger,
    }
