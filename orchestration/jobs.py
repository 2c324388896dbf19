"""The main job: read, gate, transform and publish every selected document."""

import dagster as dg

build_warehouse = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.all(),
    description="Read the selected documents, gate them, rebuild the marts and publish.",
)
