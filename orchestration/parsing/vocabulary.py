"""The fixed words of the national template: revenue sources and function category names."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from .text import normalise_label

# The reference names are dbt seeds; the parser reads the same files, so there is one list.
SEEDS_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"

# 收支总表 and 财政拨款收支总表 number their lines with Chinese ordinals ("五、教育支出"). The
# ordinals shift when categories are added, so lines are matched by name only.
_ORDINAL = re.compile(r"^(?P<ordinal>[一二三四五六七八九十百零〇]+)[、.．]\s*")

# (key, pattern) in order: the first match wins, so "事业单位经营" is tried before "事业收入".
_REVENUE_SOURCES: tuple[tuple[str, str], ...] = (
    ("subtotal", r"^小计$"),
    # Shanghai's 财政拨款收入: the three funds' appropriations together, broken down beneath it
    ("fiscal_appropriation", r"^财政拨款(收入)?$"),
    ("general_public_budget", r"一般公共预算"),
    ("government_fund", r"政府性基金"),
    ("state_capital_operation", r"国有资本经营"),
    # 财政转专户管理资金: Jiangsu 政协 2017 prints the 转
    ("fiscal_special_account", r"财政转?专户"),
    ("institution_operating", r"事业单位经营|^经营收入$"),
    ("institution_business", r"^事业收入$"),
    ("superior_subsidy", r"上级补助"),
    ("subordinate_remittance", r"附属单位上缴"),
    ("unit_funds", r"^单位资金$"),
    # Jiangsu's 其他资金: the group of 事业收入, 经营收入, 其他收入 and 债务资金 (its 收入预算总表)
    ("other_funds", r"^其他资金$"),
    ("other", r"^其他收入$"),
    # The lines Jiangsu's 收入预算总表 prints beneath a group's 小计 (revenue.part_of)
    ("general_appropriation", r"^公共财政拨款(\(补助\))?资金$"),
    ("special_revenue", r"^专项收入$"),
    ("education_fees", r"^专户管理教育收费$"),
    ("other_non_tax", r"^其他非税收入$"),
    ("bank_loans", r"^债务资金(\(银行贷款\))?$"),
)


def split_ordinal(label: str) -> tuple[str | None, str]:
    """("五", "教育支出") from "五、教育支出"; (None, label) when there is no ordinal."""
    match = _ORDINAL.match(label)
    if not match:
        return None, label
    return match.group("ordinal"), label[match.end() :]


def revenue_source(label: str) -> str | None:
    """The revenue source key of a 收入 label ("一般公共预算拨款收入" -> general_public_budget)."""
    name = normalise_label(split_ordinal(label)[1])
    for key, pattern in _REVENUE_SOURCES:
        if re.search(pattern, name):
            return key
    return None


@cache
def _function_category_codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    with (SEEDS_DIR / "ref_function_categories.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names = [row["name"], *filter(None, row["former_names"].split("|"))]
            for name in names:
                codes[normalise_label(name)] = row["code"]
    return codes


def function_category_code(label: str) -> str | None:
    """The 3-digit function category of a 支出 label, by current or former name."""
    return _function_category_codes().get(normalise_label(split_ordinal(label)[1]))
