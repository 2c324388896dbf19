"""The run report as a small offline site: an index, a page per department, a page per code,
and the check results (docs/architecture.md, "The site")."""

from orchestration.site.build import Site, department_file, write_site

__all__ = ["Site", "department_file", "write_site"]
