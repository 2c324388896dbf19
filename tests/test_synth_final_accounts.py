"""Issue 13: `budget-warehouse synth` writes the final accounts (决算) of its budgets.

A small corpus (3 departments, 2024-2026) is written by the real command line twice, with and
without its 决算. The budgets alone are built first; that warehouse is kept, the 决算 are
added to the same raw folder and the build runs again, as a department's 决算 arrives a year
after its budget. The expected figures are computed here from the generator's model
(orchestration/synth.py: the budget's rows, and what the 决算 says was spent of each item),
never from the marts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import CLI, ISOLATED_VARIABLES, rows, run_cli

from orchestration import synth
from orchestration.settings import PROJECT_ROOT

DEPARTMENTS = 3
FIRST_YEAR, LAST_YEAR = 2024, 2026
SEED = 4
# The budget marts a 决算 must leave alone.
BUDGET_MARTS = (
    "fct_expenditure",
    "fct_general_budget_expenditure",
    "fct_basic_expenditure",
    "fct_three_public",
    "fct_revenue",
    "fct_project",
    "yoy_function",
    "yoy_economic",
    "yoy_three_public",
    "yoy_revenue",
    "dim_function",
)


@dataclass(frozen=True)
class Corpus:
    budgets: Path  # written with --no-final-accounts
    both: Path  # written as synth writes by default
    raw: Path  # what was built: the budgets, then the 决算 added
    without: Path  # the warehouse of the budgets alone
    warehouse: Path  # the warehouse once the 决算 were added


def _synth(out: Path, *options: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ISOLATED_VARIABLES}
    completed = subprocess.run(
        [str(CLI), "synth", "--departments", str(DEPARTMENTS), "--years",
         f"{FIRST_YEAR}-{LAST_YEAR}", "--out", str(out), "--seed", str(SEED), *options],
        capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=300, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("synth_final_accounts")
    budgets, both, raw = root / "budgets", root / "both", root / "raw"
    _synth(budgets, "--no-final-accounts")
    _synth(both)
    shutil.copytree(budgets, raw)
    first = run_cli(raw, root / "warehouse.duckdb")
    assert first.returncode == 0, first.stdout + first.stderr
    without = root / "without.duckdb"
    shutil.copyfile(first.warehouse, without)
    for path in both.glob(f"*/*{synth.FINAL_ACCOUNTS_SUFFIX}"):
        shutil.copyfile(path, raw / path.relative_to(both))
    second = run_cli(raw, root / "warehouse.duckdb")
    assert second.returncode == 0, second.stdout + second.stderr
    return Corpus(budgets, both, raw, without, second.warehouse)


@pytest.fixture
def warehouse(corpus: Corpus) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(corpus.warehouse), read_only=True)
    yield con
    con.close()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.glob("*/*.txt")}


def test_synth_writes_a_final_accounts_for_every_budget_year_but_the_last(corpus: Corpus):
    names = [d.name for d in synth.departments(DEPARTMENTS, SEED)]
    budgets = {f"{y}/{n}.txt" for y in range(FIRST_YEAR, LAST_YEAR + 1) for n in names}
    finals = {f"{y}/{n}决算.txt" for y in range(FIRST_YEAR, LAST_YEAR) for n in names}
    assert set(_files(corpus.budgets)) == budgets
    both = _files(corpus.both)
    assert set(both) == budgets | finals
    # The budgets are the same bytes with or without their 决算.
    assert {name: both[name] for name in budgets} == _files(corpus.budgets)


def test_every_document_of_both_kinds_publishes(warehouse):
    found = rows(
        warehouse,
        "select document_id, document_kind, status, fiscal_year, department_name "
        "from marts.dim_document order by document_id",
    )
    names = [d.name for d in synth.departments(DEPARTMENTS, SEED)]
    expected = [
        (f"{year}/{name}{suffix}", kind, "published", year, name)
        for name in names
        for year in range(FIRST_YEAR, LAST_YEAR + 1)
        for suffix, kind in ((".txt", "budget"), ("决算.txt", "final_accounts"))
        if kind == "budget" or year < LAST_YEAR
    ]
    assert found == sorted(expected)
    outcomes = rows(
        warehouse, "select distinct check_name, outcome from marts.data_quality order by all"
    )
    assert ("final_accounts", "passed") in outcomes
    assert not [o for o in outcomes if o[1] == "rejected"]


def _levels(amounts: dict[str, Decimal]) -> dict[str, Decimal]:
    """Item amounts summed up to subcategory (5 digits) and category (3)."""
    out: dict[str, Decimal] = defaultdict(Decimal)
    for code, value in amounts.items():
        for digits in (3, 5, 7):
            out[code[:digits]] += value
    return dict(out)


def _approved(rows_: list[dict[str, object]]) -> dict[str, Decimal]:
    """The budget's items (03 or 05 rows summed by function code), in 万元."""
    fen: dict[str, int] = defaultdict(int)
    for row in rows_:
        fen[str(row["function_code"])] += int(row["basic"]) + int(row["project"])  # type: ignore[call-overload]
    return {code: Decimal(value) / synth.FEN for code, value in fen.items()}


def _expected_execution() -> dict[tuple, tuple]:
    expected: dict[tuple, tuple] = {}
    for department in synth.departments(DEPARTMENTS, SEED):
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            rows03 = synth._expenditure_rows(department, year, FIRST_YEAR)
            rows05 = synth._general_budget_rows(department, rows03)
            accounts = synth.final_accounts(department, year, FIRST_YEAR)
            for scope, budget, spent in (
                ("all_funds", rows03, accounts.all_funds),
                ("general_public_budget", rows05, accounts.general_budget),
            ):
                approved = _levels(_approved(budget))
                executed = _levels({item.code: item.total for item in spent})
                assert executed.keys() <= approved.keys()
                for code, plan in approved.items():
                    key = (year, department.name, scope, code)
                    if year == LAST_YEAR:  # its 决算 is not published yet
                        expected[key] = (plan, None, None, None, "not_yet_accounted")
                        continue
                    actual = executed.get(code, Decimal(0))
                    rate = (actual * 100 / plan).quantize(Decimal("0.01"), ROUND_HALF_UP)
                    status = "executed" if code in executed else "not_spent"
                    expected[key] = (plan, actual, actual - plan, rate, status)
    return expected


def test_budget_execution_equals_the_generated_figures_at_every_level(warehouse):
    expected = _expected_execution()
    found = {
        (year, department, scope, code): (approved, executed, difference, rate, status)
        for year, department, scope, code, approved, executed, difference, rate, status in rows(
            warehouse,
            "select fiscal_year, department_name, fund_scope, function_code, approved, "
            "executed, difference, execution_rate, status from marts.budget_execution",
        )
    }
    assert found == expected
    levels = {(key[2], len(key[3]), value[4]) for key, value in expected.items()}
    for scope in ("all_funds", "general_public_budget"):
        for digits in (3, 5, 7):
            assert {(scope, digits, "executed"), (scope, digits, "not_yet_accounted")} <= levels
    # Each item was executed at a realistic 85-100 % (2 decimals of 万元 allow no such
    # precision below 1 万元: 0.01 of 0.03 is a third).
    rates = [
        v[3] for k, v in expected.items() if len(k[3]) == 7 and v[4] == "executed" and v[0] >= 1
    ]
    assert len(rates) > 100
    assert Decimal(85) <= min(rates) and max(rates) <= Decimal(100)


def test_three_public_budget_is_the_budgets_own_and_never_overspent(warehouse):
    names = {
        "total": 0,
        "outbound_travel": 1,
        "vehicles_total": 2,
        "vehicle_purchase": 3,
        "vehicle_operation": 4,
        "reception": 5,
    }
    found = rows(
        warehouse,
        "select fiscal_year, department_name, item, approved, executed, budget_document_amount "
        "from marts.three_public_execution",
    )
    assert len(found) == DEPARTMENTS * (LAST_YEAR - FIRST_YEAR) * len(names)
    for year, department_name, item, approved, executed, budget_amount in found:
        department = next(
            d for d in synth.departments(DEPARTMENTS, SEED) if d.name == department_name
        )
        outbound, reception, purchase, operation = (
            Decimal(v) / synth.FEN for v in synth.three_public_budget(department, year, FIRST_YEAR)
        )
        vehicles = purchase + operation
        budget = (outbound + vehicles + reception, outbound, vehicles, purchase, operation,
                  reception)  # fmt: skip
        assert approved == budget_amount == budget[names[item]], (year, department_name, item)
        assert 0 <= executed <= approved


def test_budget_marts_do_not_change_when_the_final_accounts_are_added(corpus: Corpus, warehouse):
    with duckdb.connect(str(corpus.without), read_only=True) as without:
        for mart in BUDGET_MARTS:
            query = f"select * from marts.{mart} order by all"
            assert rows(warehouse, query) == rows(without, query), mart
