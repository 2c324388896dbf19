"""Final accounts (决算) as a department publishes them, printed from what it spent.

The generator's 决算 (`budget-warehouse synth`, and the tests' 决算 of the seed) are written
here, in the text layout of an extraction of the national 决算 template as Shanghai's districts
print it (the 2024 样张): the document title, then each table on a page of its own (its title,
unit line, header lines and grid rows with cells joined by tabs, a blank line ending the page).
Every table is printed from the same items: 收入支出决算总表 (F01), 收入决算表 (F02),
支出决算表 (F03), 财政拨款收入支出决算总表 (F04), 一般公共预算财政拨款支出决算表 (F05),
一般公共预算财政拨款基本支出决算表 (F06), 财政拨款“三公”经费支出决算表 (F07) and the empty
政府性基金 and 国有资本经营 tables with their one-line explanation (F08, F09).

Every printed total is the exact sum of the figures it prints (万元, 2 decimals), so every
identity of expectations/final_accounts.yml holds to the cent. The money not paid from the
general public budget (F03 less F05, by code) is printed as 事业收入, so the revenue tables
balance with the spending ones.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from itertools import zip_longest

from orchestration.parsing.vocabulary import SEEDS_DIR

ZERO = Decimal(0)
# 人员经费 are these economic categories; the others are 公用经费 (the 样张's 基本支出决算表).
PERSONNEL_CATEGORIES = ("301", "303")
# The 总表s number their lines with Chinese ordinals, one per category.
ORDINALS = (
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "十",
    "十一",
    "十二",
    "十三",
    "十四",
    "十五",
    "十六",
    "十七",
    "十八",
    "十九",
    "二十",
    "二十一",
    "二十二",
    "二十三",
    "二十四",
    "二十五",
    "二十六",
)
_REVENUE_LABELS = (
    "一般公共预算财政拨款收入",
    "政府性基金预算财政拨款收入",
    "国有资本经营预算财政拨款收入",
    "上级补助收入",
    "事业收入",
    "经营收入",
    "附属单位上缴收入",
    "其他收入",
)
_FISCAL_LABELS = ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")


@dataclass(frozen=True, slots=True)
class SpentItem:
    """One 项 (7-digit function code) of a fund scope: what was spent, 万元."""

    code: str
    name: str
    basic: Decimal
    project: Decimal

    @property
    def total(self) -> Decimal:
        return self.basic + self.project


@dataclass(frozen=True, slots=True)
class EconomicLine:
    """One 款 (5-digit department economic code) of 基本支出决算表, 万元."""

    code: str
    name: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ThreePublicFigures:
    """预算数 and 决算数 of the six figures of the 三公 table, in its order: 合计, 因公出国（境）,
    公务用车 小计, 购置, 运行维护, 公务接待 (parsing.final_accounts.THREE_PUBLIC_ITEMS)."""

    approved: tuple[Decimal, ...]
    executed: tuple[Decimal, ...]

    @classmethod
    def from_parts(
        cls,
        approved: tuple[Decimal, Decimal, Decimal, Decimal],
        executed: tuple[Decimal, Decimal, Decimal, Decimal],
    ) -> ThreePublicFigures:
        """From (因公出国（境）, 公务用车购置, 公务用车运行维护, 公务接待) of each phase: the
        合计 and the 公务用车 小计 are their sums."""

        def six(parts: tuple[Decimal, Decimal, Decimal, Decimal]) -> tuple[Decimal, ...]:
            outbound, purchase, operation, reception = parts
            vehicles = purchase + operation
            return (outbound + vehicles + reception, outbound, vehicles, purchase, operation,
                    reception)  # fmt: skip

        return cls(six(approved), six(executed))


@dataclass(frozen=True, slots=True)
class FinalAccounts:
    """What one department spent in one fiscal year, as its 决算 prints it."""

    department: str
    year: int
    categories: tuple[tuple[str, str], ...]  # every 类 of the 总表s, (code, name as printed)
    all_funds: tuple[SpentItem, ...]  # 支出决算表
    general_budget: tuple[SpentItem, ...]  # 一般公共预算财政拨款支出决算表
    basic: tuple[EconomicLine, ...]  # 基本支出决算表; sums to general_budget's 基本支出
    three_public: ThreePublicFigures


def amount(value: Decimal) -> str:
    """万元 as a 决算 prints it: 2 decimals, thousands separators; nothing for zero."""
    return "" if value == 0 else f"{value:,.2f}"


@cache
def _reference_names(file: str, kind: str | None = None) -> dict[str, str]:
    with (SEEDS_DIR / file).open(encoding="utf-8") as handle:
        return {
            row["code"]: row["name"]
            for row in csv.DictReader(handle)
            if kind is None or row["econ_kind"] == kind
        }


def final_accounts_text(accounts: FinalAccounts) -> str:
    pages = [
        [f"{accounts.department}{accounts.year}年度部门决算表", *_summary(accounts)],
        _revenue(accounts),
        _expenditure(accounts),
        _fiscal_summary(accounts),
        _general_budget(accounts),
        _basic(accounts),
        _three_public(accounts),
        *(_empty_fund(accounts, fund) for fund in ("政府性基金", "国有资本经营")),
    ]
    return "\n\n".join("\n".join(page) for page in pages) + "\n"


# --- the tables ----------------------------------------------------------------------------


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)


def _by_prefix(items: Sequence[SpentItem], prefix: str) -> Decimal:
    return _sum(item.total for item in items if item.code.startswith(prefix))


def _names(accounts: FinalAccounts) -> dict[str, str]:
    """The printed name of every 类, 款 and 项 code of the document."""
    names = dict(accounts.categories)
    names |= _reference_names("ref_function_subcategories.csv")
    names |= {item.code: item.name for item in (*accounts.all_funds, *accounts.general_budget)}
    return names


def _codes(items: Sequence[SpentItem]) -> list[str]:
    """The 类, 款 and 项 codes of the items, each 类 before its 款 before its 项."""
    return sorted({item.code[:digits] for item in items for digits in (3, 5, 7)})


def _summary(accounts: FinalAccounts) -> list[str]:
    """收入支出决算总表: revenue by source, spending by category (all 26, as printed)."""
    spent = _sum(item.total for item in accounts.all_funds)
    general = _sum(item.total for item in accounts.general_budget)
    revenue = dict.fromkeys(_REVENUE_LABELS, ZERO)
    revenue["一般公共预算财政拨款收入"] = general
    revenue["事业收入"] = spent - general
    lines = []
    for index, (code, name) in enumerate(accounts.categories):
        left = "\t"
        if index < len(_REVENUE_LABELS):
            label = _REVENUE_LABELS[index]
            left = f"{ORDINALS[index]}、{label}\t{amount(revenue[label])}"
        spent_on = amount(_by_prefix(accounts.all_funds, code))
        lines.append(f"{left}\t{ORDINALS[index]}、{name}\t{spent_on}")
    return [
        "收入支出决算总表",
        "单位：万元",
        "收入\t\t支出\t",
        "项目\t决算数\t项目\t决算数",
        *lines,
        f"本年收入合计\t{amount(spent)}\t本年支出合计\t{amount(spent)}",
        "使用非财政拨款结余\t\t结余分配\t",
        "年初结转和结余\t\t年末结转和结余\t",
        f"总计\t{amount(spent)}\t总计\t{amount(spent)}",
        "注：本表反映部门本年度的总收支和年末结转结余情况。",
    ]


def _revenue(accounts: FinalAccounts) -> list[str]:
    """收入决算表: by function code, 财政拨款收入 (the general public budget's spending) and
    事业收入 (the rest)."""
    names = _names(accounts)
    lines = []
    # 合计 first, in the code's cell, as printed; "" is the prefix of every code.
    rows = [("", "合计\t")] + [
        (code, f"{code}\t{names[code]}") for code in _codes(accounts.all_funds)
    ]
    for code, label in rows:
        total = _by_prefix(accounts.all_funds, code)
        fiscal = _by_prefix(accounts.general_budget, code)
        cells = [total, fiscal, ZERO, total - fiscal, ZERO, ZERO, ZERO]
        lines.append("\t".join([label, *map(amount, cells)]))
    return [
        "收入决算表",
        "单位：万元",
        "项目\t\t本年收入合计\t财政拨款收入\t上级补助收入\t事业收入\t经营收入\t附属单位上缴收入"
        "\t其他收入",
        "功能分类科目编码\t科目名称" + "\t" * 7,
        *lines,
        "注：本表反映部门本年度取得的各项收入情况。",
    ]


def _function_rows(items: Sequence[SpentItem], names: dict[str, str], pad: str) -> list[str]:
    lines = []
    for code in _codes(items):
        members = [item for item in items if item.code.startswith(code)]
        basic, project = _sum(i.basic for i in members), _sum(i.project for i in members)
        lines.append(
            f"{code}\t{names[code]}\t{amount(basic + project)}\t{amount(basic)}\t"
            f"{amount(project)}{pad}"
        )
    return lines


def _total_row(items: Sequence[SpentItem], pad: str) -> str:
    basic, project = _sum(i.basic for i in items), _sum(i.project for i in items)
    return f"合计\t\t{amount(basic + project)}\t{amount(basic)}\t{amount(project)}{pad}"


def _expenditure(accounts: FinalAccounts) -> list[str]:
    """支出决算表: the six spending columns; nothing is remitted, run as a business or passed
    to subordinate units, so the last three are empty. 合计 comes first, as printed."""
    pad = "\t\t\t"
    return [
        "支出决算表",
        "单位：万元",
        "项目\t\t本年支出合计\t基本支出\t项目支出\t上缴上级支出\t经营支出\t对附属单位补助支出",
        "功能分类科目编码\t科目名称\t\t\t\t\t\t",
        _total_row(accounts.all_funds, pad),
        *_function_rows(accounts.all_funds, _names(accounts), pad),
        "注：本表反映部门本年度各项支出情况。",
    ]


def _fiscal_summary(accounts: FinalAccounts) -> list[str]:
    """财政拨款收入支出决算总表: the general public budget's revenue and spending by category."""
    general = _sum(item.total for item in accounts.general_budget)
    lines = []
    for index, (code, name) in enumerate(accounts.categories):
        received = amount(general if index == 0 else ZERO)
        left = (
            f"{ORDINALS[index]}、{_FISCAL_LABELS[index]}\t{received}"
            if index < len(_FISCAL_LABELS)
            else "\t"
        )
        spent = amount(_by_prefix(accounts.general_budget, code))
        lines.append(f"{left}\t{ORDINALS[index]}、{name}\t{spent}\t{spent}\t\t")
    total = amount(general)
    return [
        "财政拨款收入支出决算总表",
        "单位：万元",
        "收入\t\t支出\t\t\t\t",
        "项目\t决算数\t项目\t合计\t一般公共预算财政拨款\t政府性基金预算财政拨款\t国有资本经营预算财政拨款",
        *lines,
        f"本年收入合计\t{total}\t本年支出合计\t{total}\t{total}\t\t",
        "年初财政拨款结转和结余\t\t年末财政拨款结转和结余\t\t\t\t",
        *(f"{ORDINALS[i]}、{label}\t\t\t\t\t\t" for i, label in enumerate(_FISCAL_LABELS)),
        f"总计\t{total}\t总计\t{total}\t{total}\t\t",
        "注：本表反映部门本年度财政拨款总收支和结转结余情况。",
    ]


def _general_budget(accounts: FinalAccounts) -> list[str]:
    """一般公共预算财政拨款支出决算表: 合计 comes last, as printed."""
    return [
        "一般公共预算财政拨款支出决算表",
        "单位：万元",
        "项目\t\t合计\t基本支出\t项目支出",
        "功能分类科目编码\t科目名称\t\t\t",
        *_function_rows(accounts.general_budget, _names(accounts), ""),
        _total_row(accounts.general_budget, ""),
        "注：本表反映部门本年度一般公共预算财政拨款支出情况。",
    ]


def _basic(accounts: FinalAccounts) -> list[str]:
    """一般公共预算财政拨款基本支出决算表: 人员经费 (301, 303) on the left, 公用经费 on the
    right, each 类 the sum of its 款, then 人员经费合计 and 公用经费合计."""
    categories = _reference_names("ref_economic_categories.csv", "department")
    blocks: tuple[list[str], list[str]] = ([], [])
    totals = [ZERO, ZERO]
    for category in sorted({line.code[:3] for line in accounts.basic}):
        side = 0 if category in PERSONNEL_CATEGORIES else 1
        members = [line for line in accounts.basic if line.code.startswith(category)]
        subtotal = _sum(line.amount for line in members)
        totals[side] += subtotal
        blocks[side].append(f"{category}\t{categories[category]}\t{subtotal:,.2f}")
        blocks[side].extend(f"{m.code}\t{m.name}\t{m.amount:,.2f}" for m in sorted(
            members, key=lambda line: line.code))  # fmt: skip
    lines = [
        f"{left or chr(9) * 2}\t{right or chr(9) * 2}"
        for left, right in zip_longest(*blocks, fillvalue="")
    ]
    return [
        "一般公共预算财政拨款基本支出决算表",
        "单位：万元",
        "经济分类科目编码\t科目名称\t决算数\t经济分类科目编码\t科目名称\t决算数",
        *lines,
        f"人员经费合计\t\t{totals[0]:,.2f}\t公用经费合计\t\t{totals[1]:,.2f}",
        "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。",
    ]


def _three_public(accounts: FinalAccounts) -> list[str]:
    figures = accounts.three_public
    return [
        "财政拨款“三公”经费支出决算表",
        "单位：万元",
        "财政拨款“三公”经费" + "\t" * 11,
        "合计\t\t因公出国（境）费\t\t公务用车购置及运行维护费\t\t\t\t\t\t公务接待费\t",
        "\t\t\t\t小计\t\t公务用车购置费\t\t公务用车运行维护费\t\t\t",
        "\t".join(["预算数", "决算数"] * 6),
        "\t".join(
            amount(cell)
            for pair in zip(figures.approved, figures.executed, strict=True)
            for cell in pair
        ),
        "注：本表反映部门本年度“三公”经费支出预决算情况。",
    ]


def _empty_fund(accounts: FinalAccounts, fund: str) -> list[str]:
    """政府性基金 / 国有资本经营 tables: the department has none, and says so, as the 样张
    asks."""
    title = f"{fund}预算财政拨款收入支出决算表"
    return [
        title,
        "单位：万元",
        "项目\t\t年初结转和结余\t本年收入\t本年支出\t\t\t年末结转和结余",
        "功能分类科目编码\t科目名称\t\t\t\t\t\t",
        "合计\t\t\t\t合计\t基本支出\t项目支出\t",
        "\t" * 7,
        f"注：本表反映部门本年度{fund}预算财政拨款收入支出及结转和结余情况。",
        f"说明：{accounts.department}本年度没有{fund}预算财政拨款收入和支出，故本表无数据。",
    ]
