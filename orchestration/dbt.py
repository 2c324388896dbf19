"""The dbt project as Dagster assets."""

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.settings import DBT_PROJECT_DIR



@cache
def dbt_project() -> DbtProject:
    """The dbt project, with a manifest that matches its files (parsed again when stale)."""
    project = DbtProject(project_dir=DBT_PROJECT_DIR)
    project.prepare_if_dev()
    if _manifest_is_stale(project.manifest_path):
        project.preparer.prepare(project)
    return project


def _manifest_is_stale(manifest: Path) -> bool:
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in ("models", "seeds", "macros", "tests"):
        sources.extend(p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file())
    return any(path.stat().st_mtime > built for path in sources)


class BudgetDbtTranslator(DagsterDbtTranslator):
    """dbt nodes in the transform group; a dbt source is the table the gate finalised."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "transform"


def build_dbt_assets(target_dir: Path) -> dg.AssetsDefinition:
    project = dbt_project()

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=BudgetDbtTranslator(),
        name="budget_dbt_models",
    )
    def budget_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        """Staging views, intermediate models and the marts, with their dbt tests."""
        yield from dbt.cli(["build"], context=context, target_path=target_dir).stream()

    return budget_dbt_models


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project())
