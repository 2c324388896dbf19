"""Issue 8: the corpus generator, and the benchmark in smoke mode (no timing asserted).

The benchmark's smoke run builds generated corpora with the real command line; its warehouses
serve the generator's tests too, so the suite pays for those builds once.
"""

import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration import synth
from orchestration.cli import main as cli_main
from orchestration.parsing import PARSER_VERSION
from orchestration.settings import PROJECT_ROOT
from tests.conftest import rows
from tests.documents import table_of_lines

SMOKE_MEASURES = (
    "parse, 1 core (",
    "parse, 1 core, the real seed document",
    "processes (the build's reader)",
    "floor: DuckDB read_csv",
    "floor: reading the bytes",
    "build, 1 budget(s) + 0 决算, cold",
    "build, 3 budget(s) + 2 决算, cold",
    "build, 3 budget(s) without their 决算, cold",
    "peak memory, 3 budget(s) + 2 决算",
    "one new budget added to 3 budget(s) + 2 决算",
    "BI query: a code's history",
    "BI query: a year's top movers",
    "BI query: category shares",
    "BI query: the least-executed items",
)


@pytest.fixture(scope="session")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The benchmark's smoke run: corpora of 1 and 3 budgets (the latter with the 决算 of its
    first two years, and once more without), then one budget added."""
    work = tmp_path_factory.mktemp("benchmark")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--smoke",
            "--work-dir",
            str(work / "run"),
            "--markdown",
            str(work / "results.md"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        cwd=PROJECT_ROOT,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return work


def test_the_benchmark_runs_in_smoke_mode_and_reports_every_measure(smoke: Path):
    report = (smoke / "results.md").read_text(encoding="utf-8")
    table = [line for line in report.splitlines() if line.startswith("| ")][1:]
    for measure in SMOKE_MEASURES:
        assert sum(measure in line for line in table) == 1, measure
    assert "smoke mode" in report and "cores" in report


def test_generated_documents_pass_every_gate(smoke: Path):
    """The benchmark refuses a build that leaves a document unpublished; here, every check of
    every document is looked at too."""
    with duckdb.connect(
        str(smoke / "run" / "warehouse-3" / "warehouse.duckdb"), read_only=True
    ) as con:
        documents = rows(
            con, "select document_id, status from marts.dim_document order by document_id"
        )
        failed = rows(
            con,
            "select document_id, check_name, message from marts.data_quality "
            "where outcome = 'rejected'",
        )
        checked = rows(con, "select distinct check_name from marts.data_quality")
    # Three budgets and the 决算 of the first two years, then one budget added.
    assert [status for _, status in documents] == ["published"] * 6
    assert {"format", "reconciliation", "final_accounts"} <= {name for (name,) in checked}
    assert failed == []


def _printed_expenditure(text: str) -> dict[str, Decimal]:
    """Table 03's 合计 column by function code, read from the text with no project code."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line, table in zip(text.split("\n"), table_of_lines(text), strict=True):
        cells = line.split("\t")
        if table == "03" and cells[0][:7].isdigit() and cells[0][7:8] == "-" and cells[3]:
            totals[cells[0][:7]] += Decimal(cells[3].replace(",", ""))
    return dict(totals)


def test_marts_agree_with_a_recomputation_from_the_generated_text(smoke: Path):
    """Every document's 03 by function code, summed from its printed lines, is what
    fct_expenditure holds; and each year's change is the difference of two documents."""
    corpus = smoke / "run" / "corpus-3"
    printed = {
        path.relative_to(corpus).as_posix(): _printed_expenditure(path.read_text("utf-8"))
        for path in sorted(corpus.glob("*/*.txt"))
        if not path.name.endswith(synth.FINAL_ACCOUNTS_SUFFIX)
    }
    with duckdb.connect(
        str(smoke / "run" / "warehouse-3" / "warehouse.duckdb"), read_only=True
    ) as con:
        stored = defaultdict(dict)
        for document_id, code, total in rows(
            con,
            "select document_id, function_code, sum(total) from marts.fct_expenditure "
            "where total is not null group by all",
        ):
            stored[document_id][code] = total
        changes = rows(
            con,
            "select department_name, fiscal_year, function_code, amount, prior_amount, "
            "change from marts.yoy_function "
            "where fund_scope = 'all_funds' and level = 'item' and status = 'continuing'",
        )
    assert len(printed) == 4 and all(printed.values())
    assert {k: dict(v) for k, v in stored.items()} == printed
    assert changes, "three years of one department: continuing items have a change"
    for department, year, code, amount, prior, change in changes:
        this = printed[f"{year}/{department}.txt"][code]
        before = printed[f"{year - 1}/{department}.txt"][code]
        assert (amount, prior, change) == (this, before, this - before)


def test_the_same_seed_writes_byte_identical_documents(tmp_path: Path):
    first = synth.write_corpus(tmp_path / "a", 2, 2025, 2026, seed=5)
    again = synth.write_corpus(tmp_path / "b", 2, 2025, 2026, seed=5)
    other = synth.write_corpus(tmp_path / "c", 2, 2025, 2026, seed=6)
    assert [p.relative_to(tmp_path / "a") for p in first] == [
        p.relative_to(tmp_path / "b") for p in again
    ]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]


def test_a_corpus_changes_as_budgets_do(tmp_path: Path):
    """Departments differ in size, codes grow and shrink, items come and go, Beijing's 7-digit
    economic items appear, and 210's former name is printed before 2019."""
    synth.write_corpus(tmp_path, 3, 2017, 2020, seed=1)
    texts = {
        p.relative_to(tmp_path).as_posix(): p.read_text("utf-8")
        for p in sorted(tmp_path.glob("*/*.txt"))
    }
    printed = {document: _printed_expenditure(text) for document, text in texts.items()}
    sizes = {sum(printed[f"2017/{d.name}.txt"].values()) for d in synth.departments(3, 1)}
    assert len(sizes) == 3
    first, last = printed["2017/北京市模拟部门002.txt"], printed["2020/北京市模拟部门002.txt"]
    common = first.keys() & last.keys()
    assert any(last[c] > first[c] for c in common) and any(last[c] < first[c] for c in common)
    assert any(
        printed[f"{y}/北京市模拟部门00{n}.txt"].keys()
        != printed[f"{y + 1}/北京市模拟部门00{n}.txt"].keys()
        for y in (2017, 2018, 2019)
        for n in (1, 2, 3)
    )
    assert "\t30211-差旅费\t" in texts["2018/北京市模拟部门001.txt"]
    assert "3021101" not in texts["2018/北京市模拟部门001.txt"]
    assert "\t3021101-" in texts["2019/北京市模拟部门001.txt"]
    assert "30211-差旅费" not in texts["2019/北京市模拟部门001.txt"]
    assert "医疗卫生与计划生育支出" in texts["2018/北京市模拟部门001.txt"]
    assert "医疗卫生与计划生育支出" not in texts["2019/北京市模拟部门001.txt"]
    assert "北京市人力资源和社会保障局" not in "".join(texts.values())


def test_synth_refuses_to_write_into_the_raw_folder(tmp_path: Path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    monkeypatch.setenv("BUDGET_RAW_DIR", str(raw))
    assert (
        cli_main(["synth", "--departments", "1", "--years", "2026", "--out", str(raw / "2026")])
        == 2
    )
    assert not any(raw.iterdir())
    assert (
        cli_main(
            ["synth", "--departments", "1", "--years", "2027-2026", "--out", str(tmp_path / "out")]
        )
        == 2
    )
    assert (
        cli_main(
            ["synth", "--departments", "2", "--years", "2025-2026", "--out", str(tmp_path / "out")]
        )
        == 0
    )
    # Two budgets a year, and the two 决算 of 2025 (2026's are not published yet).
    assert len(list((tmp_path / "out").glob("*/*.txt"))) == 6


def test_parallel_reading_gives_what_one_process_gives(tmp_path: Path):
    """Past PARALLEL_FROM documents the build parses in worker processes; the documents it gets
    back are the same, and unchanged files are still skipped."""
    from orchestration.warehouse.discovery import discover
    from orchestration.warehouse.load import PARALLEL_FROM, KnownDocument, read_documents

    synth.write_corpus(tmp_path, PARALLEL_FROM // 2, 2025, 2026, seed=3)
    files = discover(tmp_path)[0]
    assert len(files) >= PARALLEL_FROM
    alone = list(read_documents(files, {}, workers=1))
    pooled = list(read_documents(files, {}, workers=2))
    assert [f for f, _ in pooled] == [f for f, _ in alone] == files
    for (_, one), (_, other) in zip(alone, pooled, strict=True):
        assert one.source_sha256 == other.source_sha256
        assert one.frames.keys() == other.frames.keys()
        assert all(one.frames[t].equals(other.frames[t]) for t in one.frames)
    known = {d.document_id: KnownDocument(d.source_sha256, PARSER_VERSION) for _, d in alone[:5]}
    again = list(read_documents(files, known, workers=2))
    assert [d is None for _, d in again] == [True] * 5 + [False] * (len(files) - 5)


def test_a_reader_crash_costs_one_document_not_the_run(tmp_path: Path, monkeypatch):
    """An unexpected error inside the parser (a bug) rejects that document with the error as
    its reason; the other documents are read."""
    from orchestration.warehouse import load
    from orchestration.warehouse.discovery import discover

    synth.write_corpus(tmp_path, 2, 2026, 2026, seed=3)
    files = discover(tmp_path)[0]
    parse = load.parse_document

    def crash_on_the_second(data: bytes, **kwargs):
        if kwargs["document_id"] == files[1].document_id:
            raise IndexError("list index out of range")
        return parse(data, **kwargs)

    monkeypatch.setattr(load, "parse_document", crash_on_the_second)
    first, second = [document for _, document in load.read_documents(files, {})]
    assert first.document_id == files[0].document_id and first.frames["expenditure"].height
    assert isinstance(second, load.UnreadableDocument)
    assert str(second.issue).startswith(files[1].document_id)
    assert "IndexError: list index out of range" in str(second.issue)
