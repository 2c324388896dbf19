"""A sensor that builds the documents added to or changed in the raw folder."""

import json

import dagster as dg

from orchestration.assets import raw_documents
from orchestration.jobs import build_warehouse
from orchestration.partitions import PARTITIONS_NAME, plan_run
from orchestration.resources import WarehouseResource
from orchestration.warehouse.discovery import (
    Fingerprint,
    RawFolderError,
    discover,
    fingerprints,
)


@dg.sensor(
    job=build_warehouse,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
)
def raw_folder_changes(
    context: dg.SensorEvaluationContext, warehouse: WarehouseResource
) -> dg.SensorResult:
    """Builds documents added to the raw folder or whose bytes changed; reports removed ones.

    The cursor keeps each file's size, modification time and content hash, so a file is
    hashed again only when it may have changed, and a touched but unchanged file starts no run.
    A removed file is reported on its partition; its figures stay published until its rows are
    deliberately removed from the warehouse.
    """
    previous = {
        key: Fingerprint(*value) for key, value in json.loads(context.cursor or "{}").items()
    }
    try:
        documents, ignored = discover(warehouse.settings.raw_dir)
    except RawFolderError as error:
        return dg.SensorResult(skip_reason=str(error))  # the cursor stays for the next tick
    current = fingerprints(documents, previous)
    added = [key for key in current if key not in previous]
    changed = [
        key for key in current if key in previous and current[key].sha256 != previous[key].sha256
    ]
    removed = [key for key in previous if key not in current]
    for file in ignored:
        context.log.warning(f"ignored {file}")

    requests = []
    new: list[str] = []
    if added or changed:
        plan = plan_run(context.instance, added + changed, trigger="sensor")
        new = plan.new_keys
        requests.append(
            dg.RunRequest(
                run_key=":".join(sorted(current[key].sha256[:12] for key in added + changed)),
                tags=plan.tags,
            )
        )
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=(
            [dg.AddDynamicPartitionsRequest(PARTITIONS_NAME, new)] if new else []
        ),
        asset_events=[
            dg.AssetObservation(
                asset_key=raw_documents.key,
                partition=key,
                metadata={
                    "file": "removed from the raw folder",
                    "published figures": "kept; the last good version stays published",
                },
            )
            for key in removed
        ],
        # Readable in the UI's sensor page: document names stay Chinese, not escape sequences.
        cursor=json.dumps(
            {key: value.as_list() for key, value in current.items()}, ensure_ascii=False
        ),
        skip_reason=None if requests or removed else "no document added, changed or removed",
    )
