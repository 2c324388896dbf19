"""Final accounts (决算) that belong to the seed's budget, for tests.

The 决算 is written in the text layout of an extraction (titles and unit lines, then the grid
rows with their cells joined by tabs, a blank line ending each page) and rendered to a ruled PDF
by tests/rendering.py, so it is read exactly as a published PDF is. Its figures are the budget's
own items executed at a stated rate each (85-100 %), rounded to 0.01 万元 as 决算 print them;
every total is the exact sum of the rows it prints, so every 决算 identity holds exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

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


def _fmt(amount: Decimal) -> str:
    return "" if amount == 0 else f"{amount:,.2f}"


def _by_function_rows(items: list[Item], six_columns: bool) -> list[str]:
    """Rows by 类, 款 and 项, each 类 and 款 the exact sum of its 项, then 合计 (F03 prints it
    first, F05 last, as the template does)."""
    pad = "\t\t\t" if six_columns else ""
    rows: list[str] = []
    codes = sorted(
        {item.code[:3] for item in items}
        | {item.code[:5] for item in items}
        | {item.code for item in items}
    )
    for code in codes:
        members = [item for item in items if item.code.startswith(code)]
        basic = sum((item.executed_basic for item in members), Decimal(0))
        project = sum((item.executed_project for item in members), Decimal(0))
        name = members[0].name if len(code) == 7 else f"科目{code}"
        rows.append(f"{code}\t{name}\t{_fmt(basic + project)}\t{_fmt(basic)}\t{_fmt(project)}{pad}")
    basic = sum((item.executed_basic for item in items), Decimal(0))
    project = sum((item.executed_project for item in items), Decimal(0))
    total = f"合计\t\t{_fmt(basic + project)}\t{_fmt(basic)}\t{_fmt(project)}{pad}"
    return [total, *rows] if six_columns else [*rows, total]


@dataclass(frozen=True)
class ThreePublic:
    """预算数 and 决算数 of the six figures, in the table's order."""

    approved: tuple[Decimal, ...] = tuple(
        Decimal(x) for x in ("10.00", "2.00", "5.00", "0", "5.00", "3.00")
    )
    executed: tuple[Decimal, ...] = tuple(
        Decimal(x) for x in ("8.50", "1.50", "4.20", "0", "4.20", "2.80")
    )


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
    all_funds = executed_items(seed, "03")
    general = executed_items(seed, "05")
    total = sum((item.executed for item in all_funds), Decimal(0))
    categories = sorted({item.code[:3] for item in all_funds})

    def spent(prefix: str) -> str:
        return _fmt(sum((i.executed for i in all_funds if i.code.startswith(prefix)), Decimal(0)))

    pages = [
        [
            f"{department}{year}年度部门决算表",
            "收入支出决算总表",
            "单位：万元",
            "收入\t\t支出\t",
            "项目\t决算数\t项目\t决算数",
            f"一、一般公共预算财政拨款收入\t{_fmt(total)}\t一、科目{categories[0]}\t"
            f"{spent(categories[0])}",
            *[f"\t\t科目{code}\t{spent(code)}" for code in categories[1:]],
            f"本年收入合计\t{_fmt(total)}\t本年支出合计\t{_fmt(total)}",
            f"总计\t{_fmt(total)}\t总计\t{_fmt(total)}",
        ],
        [
            "支出决算表",
            "单位：万元",
            "项目\t\t本年支出合计\t基本支出\t项目支出\t上缴上级支出\t经营支出\t对附属单位补助支出",
            "功能分类科目编码\t科目名称\t\t\t\t\t\t",
            *_by_function_rows(all_funds, six_columns=True),
        ],
        [
            "一般公共预算财政拨款支出决算表",
            "单位：万元",
            "项目\t\t合计\t基本支出\t项目支出",
            "功能分类科目编码\t科目名称\t\t\t",
            *_by_function_rows(general, six_columns=False),
        ],
        [
            "财政拨款“三公”经费支出决算表",
            "单位：万元",
            "财政拨款“三公”经费\t\t\t\t\t\t\t\t\t\t\t",
            "合计\t\t因公出国（境）费\t\t公务用车购置及运行维护费\t\t\t\t\t\t公务接待费\t",
            "\t\t\t\t小计\t\t公务用车购置费\t\t公务用车运行维护费\t\t\t",
            "\t".join(["预算数", "决算数"] * 6),
            "\t".join(
                cell
                for pair in zip(three_public.approved, three_public.executed, strict=True)
                for cell in map(_fmt, pair)
            ),
        ],
    ]
    text = "\n\n".join("\n".join(page) for page in pages) + "\n"
    if edit is not None:
        assert edit[0] in text, edit
        text = text.replace(edit[0], edit[1], 1)
    return text
