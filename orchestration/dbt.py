"""The dbt project as Dagster assets."""

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.resources import WarehouseResource
from orchestration.settings import DBT_PROJECT_DIR, Settings


@cache
def dbt_project() -> DbtProject:
    """The dbt project, with a manifest that matches its files (parsed again when stale)."""
    project = DbtProject(project_dir=DBT_PROJECT_DIR)
    project.prepare_if_dev()
    if _manifest_is_stale(project.manifest_path):
        project.preparer.prepare(project)
        _stamp(project.manifest_path).write_text(_sources_listing(), encoding="utf-8")
    return project


def _manifest_is_stale(manifest: Path) -> bool:
    """The manifest is stale when a project file was added, removed or changed since it was
    parsed (a deleted model changes no file's time, so the list of files is compared too)."""
    stamp = _stamp(manifest)
    return (
        not manifest.exists()
        or not stamp.exists()
        or stamp.read_text(encoding="utf-8") != _sources_listing()
    )


def _stamp(manifest: Path) -> Path:
    """The project's files as of the last parse, next to the manifest."""
    return manifest.with_name("budget_sources.txt")


def _sources_listing() -> str:
    sources = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in ("models", "seeds", "macros", "tests"):
        sources.extend(p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file())
    return "\n".join(
        f"{p.relative_to(DBT_PROJECT_DIR)} {p.stat().st_mtime_ns}" for p in sorted(sources)
    )


# dbt sources of the raw schema, by the asset that writes them (docs/architecture.md, "Who
# writes what"): ingestion writes the documents and their line counts, the gate the results
# behind the verdicts.
_RAW_SOURCE_WRITERS = {
    "line_counts": dg.AssetKey("raw_documents"),
    "check_results": dg.AssetKey(["raw", "check_results"]),
    "document_verdicts": dg.AssetKey(["raw", "document_verdicts"]),
}


class BudgetDbtTranslator(DagsterDbtTranslator):
    """dbt nodes in the transform group; a dbt source is the asset that writes its table."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            source, table = dbt_resource_props["source_name"], dbt_resource_props["name"]
            if source == "raw":
                return _RAW_SOURCE_WRITERS[table]
            return dg.AssetKey([source, table])
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
    def budget_dbt_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
    ):
        """Staging views, intermediate models and the marts, with their dbt tests."""
        yield from dbt.cli(
            ["build", *dbt_vars(warehouse.settings)], context=context, target_path=target_dir
        ).stream()

    return budget_dbt_models


def dbt_vars(settings: Settings) -> list[str]:
    """The working database for profiles.yml, passed to dbt on its command line rather than
    through the process environment (which the settings only ever read)."""
    return ["--vars", json.dumps({"build_db": str(settings.build_db)})]


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project())
