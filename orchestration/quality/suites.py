"""The quality suites as written in expectations/: identities and per-table format checks."""

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


@dataclass(frozen=True, slots=True)
class Identity:
    name: str
    statement: str
    tolerance_wan: Decimal
    sql: str

    @property
    def tolerance_fen(self) -> int:
        fen = self.tolerance_wan * FEN_PER_WAN
        if fen != fen.to_integral_value() or fen < 0:
            raise ValueError(f"identity {self.name}: tolerance {self.tolerance_wan} 万元 is not "
                             "a whole number of fen (0.000001 万元)")
        return int(fen)


@dataclass(frozen=True, slots=True)
class FormatExpectation:
    type: str
    kwargs: dict[str, Any]
    description: str

    @property
    def column(self) -> str:
        return str(self.kwargs["column"])


@dataclass(frozen=True, slots=True)
class FormatSuite:
    table: str
    table_no: str
    expectations: tuple[FormatExpectation, ...]


@cache
def load_identities(directory: Path = EXPECTATIONS_DIR) -> tuple[Identity, ...]:
    document = yaml.safe_load((directory / "identities.yml").read_text(encoding="utf-8"))
    identities = tuple(
        Identity(
            name=entry["name"],
            statement=entry["statement"],
            tolerance_wan=Decimal(str(entry.get("tolerance_wan", 0))),
            sql=entry["sql"],
        )
        for entry in document["identities"]
    )
    names = [identity.name for identity in identities]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise ValueError(f"identities.yml names {', '.join(duplicated)} more than once")
    for identity in identities:
        identity.tolerance_fen  # noqa: B018 - validates the tolerance at load time
    return identities


@cache
def load_format_suites(directory: Path = EXPECTATIONS_DIR) -> tuple[FormatSuite, ...]:
    document = yaml.safe_load((directory / "format.yml").read_text(encoding="utf-8"))
    suites = []
    for entry in document["suites"]:
        table = entry["table"]
        if table not in RAW_TABLES:
            raise ValueError(f"format.yml: unknown raw table {table!r}")
        expectations = tuple(
            FormatExpectation(e["type"], dict(e["kwargs"]), e["description"])
            for e in entry["expectations"]
        )
        for expectation in expectations:
            if expectation.column not in RAW_TABLES[table]:
                raise ValueError(f"format.yml: {table} has no column {expectation.column!r}")
        suites.append(FormatSuite(table, str(entry["table_no"]), expectations))
    return tuple(suites)
