"""A daily rebuild, so the published warehouse is current even if the sensor is off."""

import dagster as dg

from orchestration.jobs import build_warehouse
from orchestration.partitions import PARTITIONS_NAME, plan_run
from orchestration.resources import WarehouseResource
from orchestration.warehouse.discovery import RawFolderError, discover


@dg.schedule(
    job=build_warehouse,
    cron_schedule="0 6 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
def daily_rebuild(
    context: dg.ScheduleEvaluationContext, warehouse: WarehouseResource
) -> dg.RunRequest | dg.SkipReason:
    """Every day at 06:00 Beijing time: read what is stale, rebuild the marts and republish.

    The run covers every document; ingestion reads only those whose bytes changed or that were
    never gated, so an unchanged folder costs a transform and a publish, which also picks up
    changes to the crosswalk, the renames and the dbt models.
    """
    try:
        documents, _ = discover(warehouse.settings.raw_dir)
    except RawFolderError as error:
        return dg.SkipReason(str(error))
    if not documents:
        return dg.SkipReason(f"no documents in {warehouse.settings.raw_dir}")
    plan = plan_run(context.instance, [d.document_id for d in documents], trigger="schedule")
    if plan.new_keys:
        context.instance.add_dynamic_partitions(PARTITIONS_NAME, plan.new_keys)
    return dg.RunRequest(tags=plan.tags)
