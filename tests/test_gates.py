"""The quality gates: every identity (docs/architecture.md, "The identities") fails exactly
when it should.

Each case adds one fen (0.000001 万元) to one printed cell of the seed and names every identity
that must then fail, with the line its message must name. All cases, and the untouched seed,
are gated in one run (one GX validation), as a build gates many documents at once.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import rows
from documents import add_one_fen, edit_cell, seed_text

from orchestration.quality import gates
from orchestration.quality.gate import gate_documents
from orchestration.quality.gates import run_quality_gates
from orchestration.quality.suites import load_identities
from orchestration.settings import EXPECTATIONS_DIR
from orchestration.warehouse.database import connect, ensure_schema
from orchestration.warehouse.discovery import DocumentFile
from orchestration.warehouse.load import read_file, store_documents

# name: (line, cell, {(identity, line its message names)})
ONE_FEN_CASES: dict[str, tuple[int, int, set[tuple[str, int]]]] = {
    "01_revenue_line": (9, 1, {("01.revenue_subtotal", 36), ("02.sources_vs_01", 46)}),
    "01_revenue_subtotal": (
        36,
        1,
        {("01.revenue_subtotal", 36), ("01.revenue_total", 38), ("02.sources_vs_01", 46)},
    ),
    "01_carryover": (37, 1, {("01.revenue_total", 38), ("02.sources_vs_01", 46)}),
    "01_revenue_total": (
        38,
        1,
        {("01.revenue_total", 38), ("01.balance", 38), ("02.grand_total_vs_01", 46)},
    ),
    "01_year_end_balance": (37, 3, {("01.expenditure_total", 38)}),
    "01_expenditure_total": (38, 3, {("01.expenditure_total", 38), ("01.balance", 38)}),
    "01_category": (13, 3, {("01.expenditure_subtotal", 36), ("03.category_vs_01", 54)}),
    "01_expenditure_subtotal": (
        36,
        3,
        {
            ("01.expenditure_subtotal", 36),
            ("01.expenditure_total", 38),
            ("03.total_vs_01", 302),
            ("13.total_expenditure_vs_01", 1715),
        },
    ),
    "02_total": (46, 0, {("02.grand_total_vs_01", 46), ("02.column_sums", 46)}),
    "02_source": (46, 2, {("02.sources_vs_01", 46), ("02.column_sums", 46)}),
    "02_carryover_source": (46, 16, {("02.column_sums", 46)}),
    "03_row_total": (
        55,
        3,
        {("03.row_total", 55), ("03.total_row", 302), ("03.category_vs_01", 54)},
    ),
    "03_row_basic": (55, 4, {("03.row_total", 55), ("03.total_row", 302)}),
    "03_total_row": (
        302,
        3,
        {("03.total_row", 302), ("03.total_vs_01", 302), ("13.other_funds_vs_03", 1715)},
    ),
    "03_total_row_project": (302, 5, {("03.total_row", 302), ("13.other_funds_vs_03", 1715)}),
    "04_revenue_line": (310, 1, {("04.revenue_subtotal", 337)}),
    "04_category": (314, 3, {("04.expenditure_subtotal", 337), ("05.category_vs_04", 351)}),
    "04_expenditure_subtotal": (
        337,
        3,
        {("04.expenditure_subtotal", 337), ("04.expenditure_total", 342), ("05.total_vs_04", 489)},
    ),
    "04_carryover": (338, 1, {("04.revenue_total", 342), ("04.carryover_lines", 338)}),
    "04_carryover_line": (339, 1, {("04.carryover_lines", 338)}),
    "04_revenue_total": (342, 1, {("04.revenue_total", 342), ("04.balance", 342)}),
    "05_row_total": (
        351,
        2,
        {("05.row_total", 351), ("05.total_row", 489), ("05.category_vs_04", 351)},
    ),
    "05_row_personnel": (352, 4, {("05.row_basic", 352), ("05.total_row", 489)}),
    "05_total_row_basic": (
        489,
        3,
        {
            ("05.total_row", 489),
            ("06.totals_vs_05", 568),
            ("13.fiscal_vs_05", 1715),
            ("13.other_funds_vs_03", 1715),
        },
    ),
    "06_row_total": (497, 2, {("06.row_total", 497), ("06.total_row", 568)}),
    "06_total_row_personnel": (568, 3, {("06.total_row", 568), ("06.totals_vs_05", 568)}),
    "06_total_row_total": (568, 2, {("06.total_row", 568), ("06.totals_vs_05", 568)}),
    "07_total_row": (576, 2, {("07.total_row", 576)}),
    "09_total": (592, 0, {("09.three_public_total", 592)}),
    "09_vehicle_purchase": (592, 4, {("09.vehicles", 592)}),
    "09_vehicles": (592, 3, {("09.three_public_total", 592), ("09.vehicles", 592)}),
    "10_row": (599, 1, {("10.total_row", 602)}),
    "11_row": (611, 3, {("11.total_row", 610)}),
    "13_total_expenditure": (1715, 2, {("13.total_expenditure_vs_01", 1715)}),
    "13_fiscal_basic": (1715, 4, {("13.fiscal_vs_05", 1715)}),
    "13_other_project": (1715, 8, {("13.other_funds_vs_03", 1715)}),
}

# name: (line, cell, new text, what the message shows, {(check, identity, line)})
FORMAT_CASES: dict[str, tuple[int, int, str, str, set[tuple[str, str, int]]]] = {
    "03_six_digit_function_code": (
        54,
        0,
        "205030-技校教育",
        "found '205030'",
        {("format", "expenditure.function_code", 54)},
    ),
    "06_four_digit_economic_code": (
        497,
        1,
        "3010-基本工资",
        "found '3010'",
        {("format", "basic_expenditure.dept_econ_code", 497)},
    ),
    "10_lower_case_category": (
        599,
        0,
        "a-货物",
        "found 'a'",
        {("format", "procurement.category_code", 599)},
    ),
    "10_negative_amount": (
        599,
        1,
        "-1,183.999945",
        "found -1,183.999945",
        {("format", "procurement.amount", 599), ("reconciliation", "10.total_row", 602)},
    ),
}


def _document(name: str, text: str) -> tuple[DocumentFile, bytes]:
    return DocumentFile(f"2026/{name}.txt", Path(f"{name}.txt"), 2026), text.encode()


@pytest.fixture(scope="module")
def gated(tmp_path_factory: pytest.TempPathFactory):
    """The seed and every variant, read and gated in one run; the failures per document."""
    text = seed_text()
    documents = [_document("seed", text)]
    documents += [
        _document(name, add_one_fen(text, line, index))
        for name, (line, index, _) in ONE_FEN_CASES.items()
    ]
    documents += [
        _document(name, edit_cell(text, line, index, value))
        for name, (line, index, value, _, _) in FORMAT_CASES.items()
    ]
    root = tmp_path_factory.mktemp("gates")
    with connect(root / "work.duckdb") as con, pytest.MonkeyPatch.context() as patch:
        ensure_schema(con)
        store_documents(con, [read_file(file, data) for file, data in documents], run_id="t")
        # Validated 16 documents to a GX run, so every case below also checks that results
        # merged across chunks land on the right document.
        patch.setattr(gates, "GATE_CHUNK", 16)
        report = gate_documents(
            con,
            [file.document_id for file, _ in documents],
            run_id="t",
            data_docs_dir=root / "data_docs",
        )
        assert {o.documents_checked for o in report.outcomes.values()} == {len(documents)}
        # The rejecting checks; the performance warnings have tests of their own.
        results = rows(
            con,
            "select document_id, check_name, identity, table_no, source_line, "
            "success, message from raw.check_results "
            "where check_name not in ('performance', 'gate')",
        )
    return report, results


def _failures(results, name: str) -> list[tuple]:
    return [r for r in results if r[0] == f"2026/{name}.txt" and not r[5]]


def test_the_untouched_seed_passes_every_gate(gated):
    report, results = gated
    assert _failures(results, "seed") == []
    passed = {r[2] for r in results if r[0] == "2026/seed.txt" and r[1] == "reconciliation"}
    # Every identity was evaluated on the seed (07 and 08 have no rows to compare row by row).
    assert {identity.split(".", 1)[1] for identity in passed} == _beijing_identities()
    assert report.data_docs is not None and report.data_docs.exists()


def test_every_identity_has_a_one_fen_case():
    covered = {
        identity.split(".", 1)[1]
        for _, _, expected in ONE_FEN_CASES.values()
        for identity, _ in expected
    }
    assert covered == _beijing_identities()


def _beijing_identities() -> set[str]:
    """The identities a Beijing document is held to (the others are another template's:
    tests/test_templates.py)."""
    return {
        identity.name
        for identity in load_identities()
        if not identity.templates or "beijing" in identity.templates
    }


@pytest.mark.parametrize("name", ONE_FEN_CASES)
def test_one_fen_fails_exactly_the_identities_that_use_it(gated, name):
    _, results = gated
    _, _, expected = ONE_FEN_CASES[name]
    failures = _failures(results, name)
    assert {(r[2], r[4]) for r in failures} == expected
    for _, check, identity, table_no, line, _, message in failures:
        assert check == "reconciliation"
        assert f"2026/{name}.txt, table {table_no}, line {line}: {identity}" in message
        assert "0.000001" in message  # the difference, one fen


@pytest.mark.parametrize("name", FORMAT_CASES)
def test_format_rules_name_the_offending_value(gated, name):
    _, results = gated
    line, _, _, shown, expected = FORMAT_CASES[name]
    failures = _failures(results, name)
    assert {(r[1], r[2], r[4]) for r in failures} == expected
    (message,) = [r[6] for r in failures if r[1] == "format"]
    assert f"2026/{name}.txt, table " in message and f", line {line}: " in message
    assert message.endswith(shown)


def test_a_difference_within_a_configured_tolerance_passes(tmp_path):
    # Give 03.row_total a tolerance of one fen; the other identities stay exact.
    suites = tmp_path / "expectations"
    shutil.copytree(EXPECTATIONS_DIR, suites)
    config = yaml.safe_load((suites / "identities.yml").read_text(encoding="utf-8"))
    for identity in config["identities"]:
        if identity["name"] == "row_total":
            identity["tolerance_wan"] = "0.000001"
    (suites / "identities.yml").write_text(
        yaml.safe_dump(config, allow_unicode=True), encoding="utf-8"
    )
    file, data = _document("tolerant", add_one_fen(seed_text(), 55, 4))
    with connect(tmp_path / "work.duckdb") as con:
        ensure_schema(con)
        store_documents(con, [read_file(file, data)], run_id="t")
        report = run_quality_gates(con, [file.document_id], expectations_dir=suites)
    assert {(f.identity, f.source_line) for f in report.outcomes["reconciliation"].failures} == {
        ("03.total_row", 302)
    }


def test_a_tolerance_finer_than_one_fen_is_refused(tmp_path):
    suites = tmp_path / "expectations"
    shutil.copytree(EXPECTATIONS_DIR, suites)
    text = (suites / "identities.yml").read_text(encoding="utf-8")
    (suites / "identities.yml").write_text(
        text.replace("tolerance_wan: 0\n", "tolerance_wan: 0.0000005\n", 1), encoding="utf-8"
    )
    with pytest.raises(ValueError, match="not a whole number of fen"):
        load_identities(suites)


def test_the_report_names_the_documents_the_results_name(gated):
    """The Dagster checks show the report's failures: merged over chunks, they are the recorded
    ones."""
    report, results = gated
    reported = {d for o in report.outcomes.values() if o.rejects for d in o.failed_documents}
    recorded = {r[0] for r in results if not r[5]}
    assert reported == recorded
    assert len(recorded) == len(ONE_FEN_CASES) + len(FORMAT_CASES)
