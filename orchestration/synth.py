"""A realistic, deterministic corpus of budget documents, for tests, demos and benchmarks.

Each document is built from a model in whole fen (0.01 元) and printed in the seed's layout, so
every identity (docs/architecture.md, "The identities") holds exactly: table 03's rows come from
the seed's, scaled per department (size and mix) and per code and year (growth and cuts, rows
that start or stop); 05 is the general-public-budget share of 03 by code, split into unit
rows; 06 breaks 05's basic spending down by economic code; revenue is solved so that 01, 02
and 04 balance; 09 to 11 are scaled; 13's funding block follows from 03 and 05; 12 and 14 are
the seed's text. Older years print Beijing's 7-digit economic items as their 5-digit parents
and categories under their former names.

A budget's final accounts (决算) are generated from the same model: each 项 of 03 and 05 spent
at a rate of its own (basic spending 93-100 %, projects 85.5-100 %), rounded to the 0.01 万元
a 决算 prints, never above the budget; 基本支出决算表 shares the general public budget's basic
spending over the budget's economic codes; the 三公 table's 预算数 is the budget's own 09 table
and each 决算数 55-100 % of it. They are printed by orchestration/synth_final_accounts.py. A 决算
is published the year after its budget, so a corpus has the 决算 of every year but its last.
The output never goes into data/raw.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from orchestration.parsing import parse_document
from orchestration.parsing.layout import split_sections
from orchestration.parsing.text import split_lines
from orchestration.parsing.vocabulary import function_category_code
from orchestration.settings import PROJECT_ROOT
from orchestration.synth_final_accounts import (
    ORDINALS,
    EconomicLine,
    FinalAccounts,
    SpentItem,
    ThreePublicFigures,
    final_accounts_text,
)

SEED_PATH = PROJECT_ROOT / "data" / "raw" / "2026" / "北京市人力资源和社会保障局.txt"
SEED_DEPARTMENT = "北京市人力资源和社会保障局"
FEN = 1_000_000  # fen per 万元
CENT = FEN // 100  # fen per 0.01 万元, the last digit a 决算 prints
# A department's 决算 sits beside its budget of the same year: <year>/<department>决算.txt.
FINAL_ACCOUNTS_SUFFIX = "决算.txt"
# Categories renamed in 2019; earlier years print their former names.
FORMER_CATEGORY_NAMES = {
    "卫生健康支出": "医疗卫生与计划生育支出",
    "文化旅游体育与传媒支出": "文化体育与传媒支出",
}
RENAMED_IN = 2019
# Beijing split these department economic codes into 7-digit items; a corpus's first years,
# before the split, print the 5-digit parent.
REFINED_AFTER_YEARS = 2
REFINED_IN = {
    "3021101": ("30211", "差旅费"),
    "3021202": ("30212", "因公出国（境）费用"),
    "3021205": ("30212", "因公出国（境）费用"),
    "3021503": ("30215", "会议费"),
}


@dataclass(frozen=True, slots=True)
class Template:
    """What the generator takes from the seed: its rows, header lines and text tables."""

    lines: tuple[str, ...]
    sections: dict[str, tuple[int, int]]  # table -> (first line, last line), 1-based
    expenditure: tuple[dict[str, object], ...]
    general_budget: tuple[dict[str, object], ...]
    basic: tuple[dict[str, object], ...]
    services: tuple[dict[str, object], ...]


def fen(value: Decimal | None) -> int:
    return int((value or Decimal(0)) * FEN)


@cache
def template() -> Template:
    data = SEED_PATH.read_bytes()
    parsed = parse_document(data, document_id="seed", source_file="seed", folder_year=2026)
    lines = tuple(split_lines(data.decode("utf-8")))
    _, sections = split_sections(list(lines))
    bounds = {}
    for index, section in enumerate(sections):
        end = sections[index + 1].title_line - 1 if index + 1 < len(sections) else len(lines)
        bounds[section.table_no] = (section.title_line, end)
    return Template(
        lines=lines,
        sections=bounds,
        expenditure=tuple(parsed.frames["expenditure"].iter_rows(named=True)),
        general_budget=tuple(parsed.frames["general_budget_expenditure"].iter_rows(named=True)),
        basic=tuple(parsed.frames["basic_expenditure"].iter_rows(named=True)),
        services=tuple(parsed.frames["purchased_services"].iter_rows(named=True)),
    )


def amount(value: int) -> str:
    """`value` fen as 万元, as the seed prints it: thousands separators, six decimals; nothing
    for zero."""
    if value == 0:
        return ""
    return f"{value // FEN:,}.{value % FEN:06d}"


def split_exactly(total: int, weights: list[int]) -> list[int]:
    """`total` fen shared in proportion to `weights`, the remainder on the largest share."""
    if not weights:
        return []
    if not any(weights):
        weights = [1] * len(weights)
    weight_sum = sum(weights)
    shares = [total * weight // weight_sum for weight in weights]
    shares[max(range(len(weights)), key=lambda i: weights[i])] += total - sum(shares)
    return shares


@dataclass(frozen=True, slots=True)
class Department:
    number: int
    name: str
    size: float  # relative to the seed
    keep: float  # share of the seed's 03 rows it has at all
    fiscal_share: float  # share of 03 paid from the general public budget (05)
    rng_seed: str


def departments(count: int, seed: int) -> list[Department]:
    rng = random.Random(f"departments:{seed}")
    out = []
    for number in range(1, count + 1):
        # Never the seed's real name: these figures are made up.
        name = f"北京市模拟部门{number:03d}"
        out.append(
            Department(
                number,
                name,
                size=1.0 if number == 1 else round(rng.uniform(0.15, 3.0), 3),
                keep=1.0 if number == 1 else round(rng.uniform(0.55, 1.0), 3),
                fiscal_share=round(rng.uniform(0.80, 0.98), 3),
                rng_seed=f"{seed}:{number}",
            )
        )
    return out


def parse_years(text: str) -> tuple[int, int]:
    """ "2017-2026" (or one year) as (first, last)."""
    first, _, last = text.partition("-")
    try:
        years = int(first), int(last or first)
    except ValueError:
        raise ValueError(f"--years {text!r}: expected A-B, e.g. 2017-2026") from None
    if not 2000 <= years[0] <= years[1] <= 2100:
        raise ValueError(f"--years {text!r}: expected A-B with 2000 <= A <= B <= 2100")
    return years


def write_corpus(
    out: Path,
    department_count: int,
    first_year: int,
    last_year: int,
    seed: int,
    *,
    final_accounts: bool = True,
) -> list[Path]:
    """Write department_count × years budgets under out/<year>/<department>.txt and, unless
    `final_accounts` is false, the 决算 of every year but the last beside them
    (out/<year>/<department>决算.txt): the last year's is not published yet."""
    paths = []
    for department in departments(department_count, seed):
        for year in range(first_year, last_year + 1):
            texts = {f"{department.name}.txt": document(department, year, first_year)}
            if final_accounts and year < last_year:
                texts[final_accounts_file(department)] = final_accounts_document(
                    department, year, first_year
                )
            for name, text in texts.items():
                path = out / str(year) / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(text.encode("utf-8"))
                paths.append(path)
    return paths


def final_accounts_file(department: Department) -> str:
    return f"{department.name}{FINAL_ACCOUNTS_SUFFIX}"


def document(department: Department, year: int, first_year: int) -> str:
    """One department's budget for one year, in the seed's layout."""
    seed = template()
    rows03 = _expenditure_rows(department, year, first_year)
    rows05 = _general_budget_rows(department, rows03)
    rows06 = _basic_rows(rows05, refined=year >= first_year + REFINED_AFTER_YEARS)
    rng = random.Random(f"{department.rng_seed}:{year}:other")
    growth = _year_factor(department, year, first_year, "department")

    total03 = sum(r["basic"] + r["project"] for r in rows03)
    total05 = sum(r["basic"] + r["project"] for r in rows05)
    carryover_general = total05 * rng.randint(3, 9) // 100
    general_current = total05 - carryover_general
    year_end = total03 * rng.randint(0, 3) // 100
    special, business, other, unit_funds = split_exactly(
        total03 + year_end - total05, [2571800000, 1563478391, 1375140691, 5363109342]
    )
    revenue = {
        "general": general_current,
        "special": special,
        "business": business,
        "other": other,
        "carryover_general": carryover_general,
        "carryover_unit": unit_funds,
        "year_end": year_end,
        "total03": total03,
        "total05": total05,
    }
    scale = department.size * growth
    three_public = three_public_budget(department, year, first_year)
    procurement = [
        round(fen(Decimal(v)) * scale * rng.uniform(0.8, 1.2))
        for v in ("1183.999945", "811.963150", "20548.434018")
    ]
    services = [
        (s, round(fen(s["amount"]) * scale * rng.uniform(0.8, 1.2)))
        for s in seed.services
        if rng.random() < department.keep
    ]

    parts = ["", ""]
    parts += _summary("01", year, rows03, revenue)
    parts += _revenue_table(revenue)
    parts += _expenditure_table(year, rows03)
    parts += _summary("04", year, rows05, revenue)
    parts += _general_budget_table(rows05)
    parts += _basic_table(year, rows06)
    parts += _copy("07") + _copy("08")
    parts += _three_public_table(three_public)
    parts += _procurement_table(procurement)
    parts += _services_table(services)
    parts += _copy("12")
    parts += _overview_table(department, year, rows03, rows05)
    parts += _copy("14")
    text = "\n".join(parts)
    text = text.replace(SEED_DEPARTMENT, department.name)
    return text.replace("(2026年度)", f"({year}年度)")


# --- the model -----------------------------------------------------------------------------


def three_public_budget(department: Department, year: int, first_year: int) -> list[int]:
    """因公出国（境）, 公务接待, 公务用车购置 and 公务用车运行维护 of the budget's 09 table, in
    whole 0.01 万元, so that the 决算's 预算数 (2 decimals) prints them unchanged."""
    rng = random.Random(f"{department.rng_seed}:{year}:three_public")
    scale = department.size * _year_factor(department, year, first_year, "department")
    return [
        round(fen(Decimal(v)) * scale * rng.uniform(0.9, 1.1) / CENT) * CENT
        for v in ("130.819050", "9.000000", "37.380000", "45.477000")
    ]


def _year_factor(department: Department, year: int, first_year: int, key: str) -> float:
    """Compounded yearly growth or cut since the first year, per department and code."""
    factor = 1.0
    for step in range(first_year + 1, year + 1):
        factor *= 1 + random.Random(f"{department.rng_seed}:{key}:{step}").uniform(-0.12, 0.18)
    return factor


def _expenditure_rows(
    department: Department, year: int, first_year: int
) -> list[dict[str, object]]:
    rows = []
    for index, row in enumerate(template().expenditure):
        rng = random.Random(f"{department.rng_seed}:row:{index}")
        if rng.random() > department.keep:
            continue
        # Most rows run every year; some start later or stop earlier (items added, dropped).
        start = first_year + (rng.randint(1, 3) if rng.random() < 0.08 else 0)
        stop = first_year + (rng.randint(0, 2) if rng.random() < 0.08 else 99)
        if not start <= year <= stop:
            continue
        factor = department.size * _year_factor(
            department, year, first_year, str(row["function_code"])
        )
        dept_code, dept_name = row["dept_econ_code"], row["dept_econ_name"]
        if dept_code in REFINED_IN and year < first_year + REFINED_AFTER_YEARS:
            dept_code, dept_name = REFINED_IN[str(dept_code)]
        rows.append(
            {
                **row,
                "dept_econ_code": dept_code,
                "dept_econ_name": dept_name,
                "basic": round(fen(row["basic"]) * factor),
                "project": round(fen(row["project"]) * factor),
            }
        )
    return rows


def _general_budget_rows(
    department: Department, rows03: list[dict[str, object]]
) -> list[dict[str, object]]:
    """05: per function code, the general-public-budget share of 03, over 1-3 unit rows."""
    by_code: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    names = {}
    for row in rows03:
        code = str(row["function_code"])
        by_code[code][0] += int(row["basic"])  # type: ignore[arg-type]
        by_code[code][1] += int(row["project"])  # type: ignore[arg-type]
        names[code] = row["function_name"]
    personnel_share = {}
    for row in template().general_budget:
        if row["basic"]:
            personnel_share[row["function_code"]] = fen(row["personnel"]) / fen(row["basic"])
    rows = []
    for code in sorted(by_code):
        basic03, project03 = by_code[code]
        rng = random.Random(f"{department.rng_seed}:05:{code}")
        basic = basic03 * round(department.fiscal_share * 1000) // 1000
        project = project03 * round(department.fiscal_share * 1000) // 1000
        units = rng.randint(1, 3)
        for basic_part, project_part in zip(
            split_exactly(basic, [units - i for i in range(units)]),
            split_exactly(project, [1] * units),
            strict=True,
        ):
            personnel = round(basic_part * personnel_share.get(code, 0.85))
            rows.append(
                {
                    "function_code": code,
                    "function_name": names[code],
                    "basic": basic_part,
                    "personnel": personnel,
                    "public_use": basic_part - personnel,
                    "project": project_part,
                }
            )
    return [r for r in rows if r["basic"] or r["project"]]


def _basic_rows(rows05: list[dict[str, object]], refined: bool) -> list[dict[str, object]]:
    """06: 05's 人员经费 and 公用经费 over the seed's economic codes (before the refinement,
    the 7-digit items merged into their 5-digit parents, as 03 prints them)."""
    personnel = sum(int(r["personnel"]) for r in rows05)  # type: ignore[arg-type]
    public = sum(int(r["public_use"]) for r in rows05)  # type: ignore[arg-type]
    seed_rows = template().basic
    people = [r for r in seed_rows if r["personnel"]]
    running = [r for r in seed_rows if not r["personnel"]]
    out = []
    for rows, total, key in ((people, personnel, "personnel"), (running, public, "public_use")):
        for row, share in zip(rows, split_exactly(total, [fen(r[key]) for r in rows]), strict=True):
            if share:
                out.append(
                    {
                        **row,
                        "personnel": share if key == "personnel" else 0,
                        "public_use": share if key == "public_use" else 0,
                    }
                )
    if refined:
        return out
    merged: dict[tuple[object, str], dict[str, object]] = {}
    for row in out:
        code, name = REFINED_IN.get(
            str(row["dept_econ_code"]), (str(row["dept_econ_code"]), row["dept_econ_name"])
        )
        key = (row["gov_econ_code"], code)
        if key in merged:
            for column in ("personnel", "public_use"):
                merged[key][column] = int(merged[key][column]) + int(row[column])  # type: ignore[arg-type]
        else:
            merged[key] = {**row, "dept_econ_code": code, "dept_econ_name": name}
    return list(merged.values())


# --- final accounts (决算) ------------------------------------------------------------------


def final_accounts(department: Department, year: int, first_year: int) -> FinalAccounts:
    """What the department spent of its budget for `year`, as its 决算 prints it."""
    rows03 = _expenditure_rows(department, year, first_year)
    rows05 = _general_budget_rows(department, rows03)
    rows06 = _basic_rows(rows05, refined=year >= first_year + REFINED_AFTER_YEARS)
    all_funds = _spent(department, year, rows03)
    general_budget = _spent(department, year, rows05)
    basic = spent_by_economic_code(
        rows06,
        sum(basic for _, _, basic, _ in general_budget),
        lambda code: random.Random(f"{department.rng_seed}:{year}:econ:{code}").randint(85, 100),
    )
    approved = three_public_budget(department, year, first_year)
    rng = random.Random(f"{department.rng_seed}:{year}:three_public_spent")
    # 三公 often stay well under their budget (trips not made, cars kept longer).
    executed = [_executed(value, rng.randint(5500, 10000)) for value in approved]

    def parts(values: list[int]) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        outbound, reception, purchase, operation = map(wan, values)
        return outbound, purchase, operation, reception

    return FinalAccounts(
        department=department.name,
        year=year,
        categories=tuple(categories(year)),
        all_funds=tuple(SpentItem(c, n, wan(b), wan(p)) for c, n, b, p in all_funds),
        general_budget=tuple(SpentItem(c, n, wan(b), wan(p)) for c, n, b, p in general_budget),
        basic=basic,
        three_public=ThreePublicFigures.from_parts(parts(approved), parts(executed)),
    )


def final_accounts_document(department: Department, year: int, first_year: int) -> str:
    """One department's 决算 for one year, in the text layout of the 决算 template."""
    return final_accounts_text(final_accounts(department, year, first_year))


def wan(value: int) -> Decimal:
    """fen as 万元, exactly."""
    return Decimal(value) / FEN


def _executed(value: int, basis_points: int) -> int:
    """`value` fen spent at a rate in basis points, rounded (half up) to the 0.01 万元 a 决算
    prints, and never above the budget."""
    spent = (value * basis_points // 10_000 + CENT // 2) // CENT * CENT
    return min(spent, value // CENT * CENT)


def _spent(
    department: Department, year: int, rows: list[dict[str, object]]
) -> list[tuple[str, str, int, int]]:
    """(code, name, basic, project) spent per 项 of 03 or 05, the budget's rows summed by code;
    an item a 决算 would print as nothing (under 0.01 万元 spent) is left out, as published
    ones leave it. Both tables spend a code at the same rates, so 05 never exceeds 03."""
    by_code: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    names = {}
    for row in rows:
        code = str(row["function_code"])
        by_code[code][0] += int(row["basic"])  # type: ignore[call-overload]
        by_code[code][1] += int(row["project"])  # type: ignore[call-overload]
        names[code] = str(row["function_name"])
    out = []
    for code, (basic, project) in sorted(by_code.items()):
        rng = random.Random(f"{department.rng_seed}:{year}:spent:{code}")
        # Basic spending (salaries, running costs) is nearly all spent; projects less so.
        spent_basic = _executed(basic, rng.randint(9300, 10000))
        spent_project = _executed(project, rng.randint(8550, 10000))
        if spent_basic or spent_project:
            out.append((code, names[code], spent_basic, spent_project))
    return out


def spent_by_economic_code(
    rows06: list[dict[str, object]], basic: int, rate: Callable[[str], int]
) -> tuple[EconomicLine, ...]:
    """`basic` fen of basic spending over the economic 款 of a budget's 06 rows (its 7-digit
    items under their 5-digit parents), in proportion to each one's budget times its `rate`,
    to the 0.01 万元; the shares add up to `basic` exactly."""
    budget: dict[str, int] = defaultdict(int)
    names = {}
    for row in rows06:
        code, name = REFINED_IN.get(
            str(row["dept_econ_code"]), (str(row["dept_econ_code"]), str(row["dept_econ_name"]))
        )
        budget[code] += int(row["personnel"] or 0) + int(row["public_use"] or 0)  # type: ignore[call-overload]
        names[code] = name
    codes = sorted(budget)
    shares = split_exactly(basic // CENT, [budget[code] * rate(code) for code in codes])
    return tuple(
        EconomicLine(code, names[code], wan(share * CENT))
        for code, share in zip(codes, shares, strict=True)
    )


# --- printing ------------------------------------------------------------------------------


def _copy(table: str) -> list[str]:
    first, last = template().sections[table]
    return list(template().lines[first - 1 : last])


_AMOUNT = re.compile(r"^[\d,]+\.\d{6}$")


def _head(table: str) -> list[str]:
    """A table's title, unit and column header lines: the seed's lines before its first amount."""
    first, _ = template().sections[table]
    out = []
    for line in template().lines[first - 1 :]:
        if any(_AMOUNT.match(cell) for cell in line.split("\t")):
            break
        out.append(line)
    return out


def _paged(rows: list[str], page: int = 36) -> list[str]:
    """Rows with a page break (blank line) every `page` rows, as extracted PDFs have."""
    out = []
    for index, row in enumerate(rows):
        if index and index % page == 0:
            out.append("")
        out.append(row)
    return out


_REVENUE_LABELS = (
    "一般公共预算拨款收入",
    "政府性基金预算拨款收入",
    "国有资本经营预算拨款收入",
    "财政专户管理资金收入",
    "事业收入",
    "上级补助收入",
    "附属单位上缴收入",
    "事业单位经营收入",
    "其他收入",
)


def _category_labels() -> list[str]:
    """The 26 expenditure category labels of the seed's 收支总表, without ordinals."""
    first, _ = template().sections["01"]
    labels = []
    for line in template().lines[first - 1 : first + 40]:
        cells = line.split("\t")
        if len(cells) > 2 and "、" in cells[2]:
            labels.append(cells[2].split("、", 1)[1])
    return labels


def categories(year: int) -> list[tuple[str, str]]:
    out = []
    for label in _category_labels():
        shown = FORMER_CATEGORY_NAMES.get(label, label) if year < RENAMED_IN else label
        out.append((str(function_category_code(label)), shown))
    return out


def _summary(
    table: str, year: int, rows: list[dict[str, object]], revenue: dict[str, int]
) -> list[str]:
    by_category: dict[str, int] = defaultdict(int)
    for row in rows:
        by_category[str(row["function_code"])[:3]] += int(row["basic"]) + int(row["project"])
    if table == "01":
        left = [
            revenue["general"],
            0,
            0,
            revenue["special"],
            revenue["business"],
            0,
            0,
            0,
            revenue["other"],
        ]
        labels = _REVENUE_LABELS
        current = sum(left)
        carryover = revenue["carryover_general"] + revenue["carryover_unit"]
        spend, year_end = revenue["total03"], revenue["year_end"]
    else:
        left = [revenue["general"], 0, 0]
        labels = ("一般公共预算资金", "政府性基金预算资金", "国有资本经营预算资金")
        current, carryover = revenue["general"], revenue["carryover_general"]
        spend, year_end = revenue["total05"], 0
    lines = []
    for index, (code, name) in enumerate(categories(year)):
        revenue_cell = (
            f"{ORDINALS[index]}、{labels[index]}\t{amount(left[index])}"
            if index < len(labels)
            else "\t"
        )
        lines.append(
            f"{revenue_cell}\t{ORDINALS[index]}、{name}\t{amount(by_category.get(code, 0))}"
        )
    lines += [
        f"本年收入合计\t{amount(current)}\t本年支出合计\t{amount(spend)}",
        f"上年结转结余\t{amount(carryover)}\t年终结转结余\t{amount(year_end)}",
    ]
    if table == "04":
        lines += [
            f"一、一般公共预算拨款\t{amount(revenue['carryover_general'])}\t\t",
            "二、政府性基金预算拨款\t\t\t",
            "三、国有资本经营预算拨款\t\t\t",
        ]
    lines.append(f"收入总计\t{amount(current + carryover)}\t支出总计\t{amount(spend + year_end)}")
    return _head(table) + _paged(lines, 28) + [""]


def _revenue_table(revenue: dict[str, int]) -> list[str]:
    current = revenue["general"] + revenue["special"] + revenue["business"] + revenue["other"]
    carryover = revenue["carryover_general"] + revenue["carryover_unit"]
    cells = [
        current + carryover,
        current,
        revenue["general"],
        0,
        0,
        revenue["special"],
        revenue["business"],
        0,
        0,
        0,
        revenue["other"],
        carryover,
        revenue["carryover_general"],
        0,
        0,
        0,
        revenue["carryover_unit"],
    ]
    return _head("02") + ["\t".join(amount(c) for c in cells), ""]


def _expenditure_table(year: int, rows: list[dict[str, object]]) -> list[str]:
    lines = [
        f"{r['function_code']}-{r['function_name']}\t{r['gov_econ_code']}-{r['gov_econ_name']}"
        f"\t{r['dept_econ_code']}-{r['dept_econ_name']}\t"
        f"{amount(int(r['basic']) + int(r['project']))}\t{amount(int(r['basic']))}\t"
        f"{amount(int(r['project']))}\t\t\t"
        for r in rows
    ]
    basic = sum(int(r["basic"]) for r in rows)
    project = sum(int(r["project"]) for r in rows)
    return (
        _head("03")
        + _paged(lines)
        + [f"合 计\t\t\t{amount(basic + project)}\t{amount(basic)}\t{amount(project)}\t\t", ""]
    )


def _general_budget_table(rows: list[dict[str, object]]) -> list[str]:
    def cells(r: dict[str, object]) -> str:
        basic, project = int(r["basic"]), int(r["project"])  # type: ignore[arg-type]
        return (
            f"{amount(basic + project)}\t{amount(basic)}\t{amount(int(r['personnel']))}\t"
            f"{amount(int(r['public_use']))}\t{amount(project)}\t{amount(project)}"
        )

    lines = [f"{r['function_code']}\t{r['function_name']}\t{cells(r)}" for r in rows]
    total = {
        key: sum(int(r[key]) for r in rows)  # type: ignore[arg-type]
        for key in ("basic", "personnel", "public_use", "project")
    }
    return _head("05") + _paged(lines) + [f"\t合 计\t{cells(total)}", ""]


def _basic_table(year: int, rows: list[dict[str, object]]) -> list[str]:
    lines = []
    for r in rows:
        dept_code, dept_name = r["dept_econ_code"], r["dept_econ_name"]
        lines.append(
            f"{r['gov_econ_code']}-{r['gov_econ_name']}\t{dept_code}-{dept_name}\t"
            f"{amount(int(r['personnel']) + int(r['public_use']))}\t"
            f"{amount(int(r['personnel']))}\t{amount(int(r['public_use']))}"
        )
    personnel = sum(int(r["personnel"]) for r in rows)
    public = sum(int(r["public_use"]) for r in rows)
    return (
        _head("06")
        + _paged(lines)
        + [f"\t合 计\t{amount(personnel + public)}\t{amount(personnel)}\t{amount(public)}", ""]
    )


def _three_public_table(values: list[int]) -> list[str]:
    outbound, reception, purchase, operation = values
    vehicles = purchase + operation
    cells = [outbound + reception + vehicles, outbound, reception, vehicles, purchase, operation]
    return _head("09") + ["\t".join(amount(c) for c in cells), ""]


def _procurement_table(values: list[int]) -> list[str]:
    names = ("A-货物", "B-工程", "C-服务")
    lines = [f"{name}\t{amount(value)}" for name, value in zip(names, values, strict=True)]
    return _head("10") + lines + [f"合计\t{amount(sum(values))}", ""]


def _services_table(services: list[tuple[dict[str, object], int]]) -> list[str]:
    total = sum(value for _, value in services)
    lines = [
        f"{s['level1_code']}-{s['level1_name']}\t{s['level2_code']}-{s['level2_name']}\t"
        f"{s['service_name']}\t{amount(value)}"
        for s, value in services
        if value
    ]
    return _head("11") + [f"合 计\t\t\t{amount(total)}"] + _paged(lines, 28) + [""]


def _overview_table(
    department: Department,
    year: int,
    rows03: list[dict[str, object]],
    rows05: list[dict[str, object]],
) -> list[str]:
    basic03 = sum(int(r["basic"]) for r in rows03)
    project03 = sum(int(r["project"]) for r in rows03)
    basic05 = sum(int(r["basic"]) for r in rows05)
    project05 = sum(int(r["project"]) for r in rows05)
    funding = [
        "",
        "",
        basic03 + project03,
        basic05 + project05,
        basic05,
        project05,
        basic03 + project03 - basic05 - project05,
        basic03 - basic05,
        project03 - project05,
    ]
    lines = _copy("13")
    for index, line in enumerate(lines):
        if line.startswith("\t\t") and "," in line and "131,905.904856" in line:
            lines[index] = "\t".join(c if isinstance(c, str) else amount(c) for c in funding)
    return lines
