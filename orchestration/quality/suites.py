"""The quality checks as written in expectations/: one YAML file per check.

A check holds comparisons (SQL returning both sides of each thing compared, asserted equal, or
the left side at most the right, within a tolerance) and per-table suites (Great Expectations
expectations on a raw table, optionally on the rows a condition selects). A check either
rejects a document that fails it or only warns.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from orchestration.parsing import RAW_TABLES
from orchestration.settings import EXPECTATIONS_DIR

# 1 fen = 0.01 元 = 0.000001 万元: the unit every comparison is made in, as an integer.
FEN_PER_WAN = 1_000_000
# final_accounts.yml: the 决算 template's identities, a check of its own; narrative.yml: the
# explanation sentences against the tables (warnings).
CHECK_FILES = (
    "format.yml",
    "identities.yml",
    "performance.yml",
    "final_accounts.yml",
    "narrative.yml",
)
BOUNDS = ("equal", "at_most")


@dataclass(frozen=True, slots=True)
class Identity:
    name: str
    statement: str
    tolerance_wan: Decimal
    sql: str
    bound: str = "equal"
    # The templates whose documents it compares (templates.Template values); empty: all. A
    # template that does not print one side of an identity (Shanghai's 05 has no 人员经费)
    # cannot be held to it.
    templates: tuple[str, ...] = ()

    @property
    def tolerance_fen(self) -> int:
        fen = self.tolerance_wan * FEN_PER_WAN
        if fen != fen.to_integral_value() or fen < 0:
            raise ValueError(
                f"identity {self.name}: tolerance {self.tolerance_wan} 万元 is not "
                "a whole number of fen (0.000001 万元)"
            )
        return int(fen)


@dataclass(frozen=True, slots=True)
class FormatExpectation:
    type: str
    kwargs: dict[str, Any]
    description: str
    # Only rows whose `column` is one of `values` are checked.
    where: tuple[str, tuple[str, ...]] | None = None
    # Only documents of these templates (empty: all), for columns a template does not print.
    templates: tuple[str, ...] = ()

    @property
    def column(self) -> str:
        return str(self.kwargs["column"])


@dataclass(frozen=True, slots=True)
class FormatSuite:
    table: str
    table_no: str
    expectations: tuple[FormatExpectation, ...]


@dataclass(frozen=True, slots=True)
class Check:
    """One quality check: its name in results, whether it rejects, and what it asserts."""

    name: str
    rejects: bool
    identities: tuple[Identity, ...]
    suites: tuple[FormatSuite, ...]


@cache
def load_checks(directory: Path = EXPECTATIONS_DIR) -> tuple[Check, ...]:
    return tuple(_load_check(directory / name) for name in CHECK_FILES)


def load_identities(directory: Path = EXPECTATIONS_DIR) -> tuple[Identity, ...]:
    """The reconciliation identities (the checks that reject on an amount)."""
    return next(c.identities for c in load_checks(directory) if c.name == "reconciliation")


def _load_check(path: Path) -> Check:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    identities = tuple(
        Identity(
            name=entry["name"],
            statement=entry["statement"],
            tolerance_wan=Decimal(str(entry.get("tolerance_wan", 0))),
            sql=entry["sql"],
            bound=entry.get("bound", "equal"),
            templates=_templates(path, entry),
        )
        for entry in document.get("identities", [])
    )
    names = [identity.name for identity in identities]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise ValueError(f"{path.name} names {', '.join(duplicated)} more than once")
    for identity in identities:
        if identity.bound not in BOUNDS:
            raise ValueError(
                f"{path.name}: {identity.name} has bound {identity.bound!r}, "
                f"not one of {', '.join(BOUNDS)}"
            )
        identity.tolerance_fen  # noqa: B018 - validates the tolerance at load time
    suites = tuple(_suite(path, entry) for entry in document.get("suites", []))
    return Check(document["check"], bool(document["rejects"]), identities, suites)


def _suite(path: Path, entry: dict[str, Any]) -> FormatSuite:
    table = entry["table"]
    if table not in RAW_TABLES:
        raise ValueError(f"{path.name}: unknown raw table {table!r}")
    expectations = []
    for e in entry["expectations"]:
        where = e.get("where")
        expectation = FormatExpectation(
            e["type"],
            dict(e["kwargs"]),
            e["description"],
            (where["column"], tuple(where["is_in"])) if where else None,
            _templates(path, e),
        )
        for column in (expectation.column, *([where["column"]] if where else [])):
            if column not in RAW_TABLES[table]:
                raise ValueError(f"{path.name}: {table} has no column {column!r}")
        expectations.append(expectation)
    return FormatSuite(table, str(entry["table_no"]), tuple(expectations))


def _templates(path: Path, entry: dict[str, Any]) -> tuple[str, ...]:
    from orchestration.parsing.templates import Template

    templates = tuple(str(t) for t in entry.get("templates", ()))
    unknown = [t for t in templates if t not in set(Template)]
    if unknown:
        raise ValueError(
            f"{path.name}: unknown template {', '.join(unknown)} (known: {', '.join(Template)})"
        )
    return templates
