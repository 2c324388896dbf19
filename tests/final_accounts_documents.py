"""Final accounts (决算) that belong to the seed's budget, for tests.

The 决算 is printed by the generator's own printer (orchestration/synth_final_accounts.py: the
text layout of an extraction, a blank line ending each page) and rendered to a ruled PDF by
tests/rendering.py, so it is read exactly as a published PDF is. Its figures are the budget's
own items, read from the seed's printed text, executed at a stated rate each (85-100 %), rounded
to 0.01 万元 as 决算 print them; its basic spending is shared over the seed's economic codes.
Every total is the exact sum of the rows it prints, so every 决算 identity holds exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from orchestration import synth
from orchestration.synth_final_accounts import (
    EconomicLine,
    FinalAccounts,
    SpentItem,
    ThreePublicFigures,
)
from orchestration.synth_final_accounts import final_accounts_text as print_final_accounts

CENT = Decimal("0.01")
_EXPENDITURE_ROW = re.compile(r"^(\d{7})-([^\t]*)\t")
_GENERAL_BUDGET_ROW = re.compile(r"^(\d{7})\t")
_TITLE = re.compile(r"^预算(\d{2})表")


@dataclass(frozen=True)
class Item:
    """One 项 of a fund scope: the budget's figures (approved) and the 决算's (executed)."""

    code: str
    name: str
    approved: Decimal
    approved_basic: Decimal
    executed_basic: Decimal
    executed_project: Decimal

    @property
    def executed(self) -> Decimal:
        return self.executed_basic + self.executed_project


def _amount(cell: str) -> Decimal:
    return Decimal(cell.replace(",", "")) if cell.strip() else Decimal(0)


def budget_items(seed: str, table: str) -> dict[str, tuple[str, Decimal, Decimal]]:
    """(name, 合计, 基本支出) per 7-digit function code of the seed's table 03 (all funds) or 05
    (general public budget), summed over its rows, read from the printed text."""
    items: dict[str, tuple[str, Decimal, Decimal]] = {}
    current = None
    for line in seed.split("\n"):
        if title := _TITLE.match(line):
            current = title.group(1)
            continue
        cells = line.split("\t")
        if current == "03" and (match := _EXPENDITURE_ROW.match(line)):
            code, name, total, basic = match.group(1), match.group(2), cells[3], cells[4]
        elif current == "05" and _GENERAL_BUDGET_ROW.match(line):
            code, name, total, basic = cells[0], cells[1], cells[2], cells[3]
        else:
            continue
        if current != table:
            continue
        _, old_total, old_basic = items.get(code, (name, Decimal(0), Decimal(0)))
        items[code] = (name, old_total + _amount(total), old_basic + _amount(basic))
    return items


def rate_of(index: int) -> Decimal:
    """The stated execution rate of the index-th item: 85 % to 100 %."""
    return Decimal(85 + (index * 7) % 16) / 100


def executed_items(seed: str, table: str) -> list[Item]:
    out = []
    for index, (code, (name, total, basic)) in enumerate(sorted(budget_items(seed, table).items())):
        rate = rate_of(index)
        executed = (total * rate).quantize(CENT, ROUND_HALF_UP)
        executed_basic = min((basic * rate).quantize(CENT, ROUND_HALF_UP), executed)
        out.append(Item(code, name, total, basic, executed_basic, executed - executed_basic))
    return out


@dataclass(frozen=True)
class ThreePublic:
    """预算数 and 决算数 of the six figures, in the table's order."""

    approved: tuple[Decimal, ...] = tuple(
        Decimal(x) for x in ("10.00", "2.00", "5.00", "0", "5.00", "3.00")
    )
    executed: tuple[Decimal, ...] = tuple(
        Decimal(x) for x in ("8.50", "1.50", "4.20", "0", "4.20", "2.80")
    )


def economic_lines(basic: Decimal) -> tuple[EconomicLine, ...]:
    """`basic` 万元 over the seed's economic codes (table 06), in proportion to its budget."""
    rows = [
        {
            **row,
            "personnel": synth.fen(row["personnel"]),
            "public_use": synth.fen(row["public_use"]),
        }
        for row in synth.template().basic
    ]
    return synth.spent_by_economic_code(rows, synth.fen(basic), lambda code: 1)


def final_accounts_text(
    seed: str,
    department: str,
    year: int,
    *,
    three_public: ThreePublic = ThreePublic(),
    edit: tuple[str, str] | None = None,
) -> str:
    """The 决算 of the seed's budget in the text layout; `edit` replaces the first printed
    occurrence of a figure (to make an identity fail)."""

    def spent(items: list[Item]) -> tuple[SpentItem, ...]:
        return tuple(SpentItem(i.code, i.name, i.executed_basic, i.executed_project) for i in items)

    general = executed_items(seed, "05")
    text = print_final_accounts(
        FinalAccounts(
            department=department,
            year=year,
            categories=tuple(synth.categories(year)),
            all_funds=spent(executed_items(seed, "03")),
            general_budget=spent(general),
            basic=economic_lines(sum((item.executed_basic for item in general), Decimal(0))),
            three_public=ThreePublicFigures(three_public.approved, three_public.executed),
        )
    )
    if edit is not None:
        assert edit[0] in text, edit
        text = text.replace(edit[0], edit[1], 1)
    return text
