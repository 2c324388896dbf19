"""Measure the warehouse against the targets of issue 8, on this machine, in one run.

    uv sync --compile-bytecode && uv run python -m benchmarks [--smoke] [--markdown FILE]

Builds run the real command line (`budget-warehouse build`) on generated corpora, cold (a new
warehouse each), and are timed by wall clock from start to exit. A corpus of N documents is N
budgets and the final accounts (决算) of every year but the last, as `synth` writes it; the
largest is built once more without its 决算, to show what they cost. Memory is the peak of the
summed RSS of the build and every process it starts (parse workers, dbt), sampled every 50 ms.
`--smoke` runs every measurement on a few documents, for the test suite; it judges no target.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import duckdb
import polars as pl
import psutil
from rich.console import Console
from rich.table import Table

from orchestration import synth
from orchestration.markdown import markdown_table
from orchestration.parsing import RAW_TABLES, parse_document
from orchestration.settings import PROJECT_ROOT, SETTING_VARIABLES
from orchestration.warehouse.discovery import discover
from orchestration.warehouse.load import read_documents

DEFAULT_WORK_DIR = PROJECT_ROOT / "data" / "build" / "benchmark"
LAST_YEAR = 2026
SEED = 8
SEED_REPEATS = 20

# The README's BI recipes, as a BI tool would send them.
QUERIES = {
    "a code's history (2080101 行政运行)": """
        select fiscal_year, department_name, amount, prior_amount, change, change_pct, status
        from marts.yoy_function
        where function_code = '2080101' and fund_scope = 'all_funds'
        order by department_name, fiscal_year""",
    "a year's top movers (2026)": """
        select department_name, function_code, function_name, prior_amount, amount, change,
               change_pct, status
        from marts.yoy_function
        where fiscal_year = 2026 and fund_scope = 'all_funds' and level = 'item'
        order by abs(change) desc
        limit 20""",
    "category shares, every department and year": """
        select fiscal_year, department_name, function_code, function_name, amount,
               round(100 * amount / sum(amount) over (partition by fiscal_year, department_name),
                     2) as share_pct
        from marts.yoy_function
        where fund_scope = 'all_funds' and level = 'category' and amount > 0
        order by fiscal_year, department_name, share_pct desc""",
    "the least-executed items (2025)": """
        select department_name, function_code, function_name, approved, executed,
               execution_rate
        from marts.budget_execution
        where fiscal_year = 2025 and fund_scope = 'all_funds' and level = 'item'
          and status = 'executed'
        order by execution_rate
        limit 20""",
}


@dataclass(frozen=True, slots=True)
class Size:
    documents: int  # budgets; their 决算 come on top
    departments: int
    first_year: int

    @property
    def final_accounts(self) -> int:
        """The 决算 synth writes beside the budgets: every year's but the last."""
        return self.departments * (LAST_YEAR - self.first_year)

    def describe(self) -> str:
        return f"{self.documents:,} budget(s) + {self.final_accounts:,} 决算"

    @classmethod
    def of(cls, documents: int) -> Size:
        """documents/10 departments over ten years (one department, fewer years, below 10)."""
        departments = max(documents // 10, 1)
        years = documents // departments
        if departments * years != documents:
            raise ValueError(f"{documents} documents do not split into departments × years")
        return cls(documents, departments, LAST_YEAR - years + 1)


@dataclass(frozen=True, slots=True)
class Build:
    size: Size
    documents: int
    seconds: float
    peak_rss_bytes: int
    steps: dict[str, float]  # seconds per Dagster step, from the build's own progress lines

    def where_the_time_goes(self) -> str:
        shown = ", ".join(
            f"{_STEP_NAMES.get(step, step)} {seconds:.1f}"
            for step, seconds in self.steps.items()
            if seconds >= 0.5
        )
        rest = self.seconds - sum(self.steps.values())
        return f"{shown}, start-up and summary {rest:.1f}"


_STEP = re.compile(r"^  ✓ (?P<step>\w+) \((?P<seconds>[\d.]+) s\)$", re.MULTILINE)
_STEP_NAMES = {
    "raw_documents": "read",
    "document_gates": "gates",
    "accepted_documents": "accept",
    "budget_dbt_models": "dbt",
    "published_warehouse": "publish",
    "run_report": "report",
}


@dataclass(frozen=True, slots=True)
class Row:
    measure: str
    result: str
    target: str = ""
    verdict: str = ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a few documents, to check the benchmark runs; no targets judged",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=DEFAULT_WORK_DIR,
        help=f"corpora and warehouses (emptied first; default {DEFAULT_WORK_DIR})",
    )
    parser.add_argument("--markdown", type=Path, help="also write the table here, with the machine")
    args = parser.parse_args(argv)

    console = Console()
    sizes = [Size.of(n) for n in ((1, 3) if args.smoke else (1, 100, 1000))]
    repeats = 5 if args.smoke else 50
    work = args.work_dir.resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    rows: list[Row] = []
    corpora = {size.documents: _corpus(work, size) for size in sizes}
    largest = sizes[-1]
    console.print(f"Parsing {min(largest.documents, 200)} documents …")
    rows += _parse_rows(corpora[largest.documents], work, limit=200, judged=not args.smoke)

    builds: dict[int, Build] = {}
    for size in sizes:
        console.print(f"Building {size.describe()} …")
        builds[size.documents] = _build(
            size, corpora[size.documents], work / f"warehouse-{size.documents}"
        )
    console.print(f"Building {largest.documents} budget(s) without their 决算 …")
    budgets_only = _build(
        largest,
        _corpus(work, largest, final_accounts=False),
        work / f"warehouse-{largest.documents}-budgets",
    )
    console.print(f"Adding one document to {largest.describe()} …")
    _add_document(corpora[largest.documents], largest)
    incremental = _build(
        largest,
        corpora[largest.documents],
        work / f"warehouse-{largest.documents}",
        "build-one-more.log",
    )
    rows += _build_rows(builds, budgets_only, incremental, judged=not args.smoke)

    console.print(f"Querying the {largest.documents}-document warehouse …")
    rows += _query_rows(
        work / f"warehouse-{largest.documents}" / "warehouse.duckdb", repeats, judged=not args.smoke
    )

    table = Table(title="Benchmark", title_justify="left")
    for column in ("measure", "result", "target", "met"):
        table.add_column(column)
    for row in rows:
        table.add_row(row.measure, row.result, row.target, row.verdict)
    console.print(table)
    machine = describe_machine()
    console.print(machine)
    if args.markdown:
        args.markdown.write_text(_markdown(rows, machine, smoke=args.smoke), encoding="utf-8")
        console.print(f"Written to {args.markdown}")
    return 0


# --- corpora -------------------------------------------------------------------------------


def _corpus(work: Path, size: Size, *, final_accounts: bool = True) -> Path:
    raw = work / f"corpus-{size.documents}{'' if final_accounts else '-budgets'}"
    synth.write_corpus(
        raw, size.departments, size.first_year, LAST_YEAR, SEED, final_accounts=final_accounts
    )
    return raw


def _add_document(raw: Path, size: Size) -> None:
    """The next department's document for the last year: a department new to the warehouse."""
    department = synth.departments(size.departments + 1, SEED)[-1]
    text = synth.document(department, LAST_YEAR, size.first_year)
    (raw / str(LAST_YEAR) / f"{department.name}.txt").write_bytes(text.encode("utf-8"))


# --- parsing -------------------------------------------------------------------------------


def _parse_rows(raw: Path, work: Path, *, limit: int, judged: bool) -> list[Row]:
    files = discover(raw)[0][:limit]
    datas = [(f, f.path.read_bytes()) for f in files]
    megabytes = sum(len(data) for _, data in datas) / 1e6
    parse_document(datas[0][1], document_id="warm-up", source_file="warm-up")

    started = time.perf_counter()
    parsed = [
        parse_document(
            data, document_id=f.document_id, source_file=f.document_id, folder_year=f.folder_year
        )
        for f, data in datas
    ]
    parse_seconds = time.perf_counter() - started

    workers = os.cpu_count() or 1
    started = time.perf_counter()
    for _ in read_documents(files, {}, workers=workers):
        pass
    pool_seconds = time.perf_counter() - started

    started = time.perf_counter()
    for f in files:
        f.path.read_bytes()
    read_seconds = time.perf_counter() - started

    seed = synth.SEED_PATH.read_bytes()
    started = time.perf_counter()
    for _ in range(SEED_REPEATS):
        parse_document(seed, document_id="seed", source_file="seed", folder_year=LAST_YEAR)
    seed_seconds = (time.perf_counter() - started) / SEED_REPEATS

    tsv_megabytes, tsv_seconds = _tsv_floor(parsed, work / "tsv")
    rate = megabytes / parse_seconds
    per_document = parse_seconds / len(files) * 1000
    return [
        Row(
            f"parse, 1 core ({len(files)} documents, {megabytes:.1f} MB, all tables)",
            f"{rate:.1f} MB/s ({per_document:.1f} ms per document)",
            "≥ 30 MB/s per core",
            _verdict(judged, rate >= 30, f"{30 / rate:.1f}× short"),
        ),
        Row(
            f"parse, 1 core, the real seed document ({len(seed) / 1e3:.0f} KB)",
            f"{len(seed) / 1e6 / seed_seconds:.1f} MB/s ({seed_seconds * 1000:.1f} ms)",
        ),
        Row(
            f"parse, {workers} processes (the build's reader)",
            f"{megabytes / pool_seconds:.1f} MB/s",
        ),
        Row(
            "floor: DuckDB read_csv of the same rows as clean TSV, 1 thread",
            f"{tsv_megabytes / tsv_seconds:.1f} MB/s of TSV ({tsv_megabytes:.1f} MB); "
            f"{tsv_seconds / len(files) * 1000:.2f} ms per document",
        ),
        Row("floor: reading the bytes", f"{megabytes / read_seconds:,.0f} MB/s"),
    ]


def _tsv_floor(parsed: list, folder: Path) -> tuple[float, float]:
    """Write every raw table's rows as a clean TSV, then time DuckDB loading them, typed."""
    folder.mkdir(parents=True, exist_ok=True)
    files: list[tuple[Path, dict[str, str]]] = []
    for table, schema in RAW_TABLES.items():
        frames = [d.frames[table] for d in parsed if table in d.frames and d.frames[table].height]
        if not frames:
            continue
        path = folder / f"{table}.tsv"
        pl.concat(frames).write_csv(path, separator="\t")
        files.append((path, {name: _duckdb_type(dtype) for name, dtype in schema.items()}))
    megabytes = sum(path.stat().st_size for path, _ in files) / 1e6
    con = duckdb.connect()
    con.execute("set threads = 1")
    started = time.perf_counter()
    for index, (path, columns) in enumerate(files):
        con.execute(
            f"create table t{index} as select * from read_csv(?, delim = '\t', "
            f"header = true, columns = {columns!r})",
            [str(path)],
        )
    seconds = time.perf_counter() - started
    con.close()
    return megabytes, seconds


def _duckdb_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Decimal):
        return f"DECIMAL({dtype.precision}, {dtype.scale})"
    return {pl.Int32: "INTEGER", pl.Int64: "BIGINT"}.get(dtype, "VARCHAR")  # type: ignore[call-overload]


# --- builds --------------------------------------------------------------------------------


def _build(size: Size, raw: Path, folder: Path, log_name: str = "build.log") -> Build:
    """`budget-warehouse build` in a fresh process: wall time and peak memory of its tree."""
    folder.mkdir(parents=True, exist_ok=True)
    warehouse = folder / "warehouse.duckdb"
    command = [
        str(Path(sys.executable).with_name("budget-warehouse")),
        "build",
        "--raw-dir",
        str(raw),
        "--warehouse",
        str(warehouse),
    ]
    env = {k: v for k, v in os.environ.items() if k not in SETTING_VARIABLES}
    log = folder / log_name
    with log.open("w", encoding="utf-8") as output:
        started = time.perf_counter()
        process = psutil.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        peak = _PeakMemory(process)
        peak.start()
        code = process.wait()
        seconds = time.perf_counter() - started
        peak.stop()
    if code != 0:
        tail = log.read_text(encoding="utf-8")[-3000:]
        raise RuntimeError(f"the build of {raw} exited with {code}:\n{tail}")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        published = con.execute(
            "select count(*) from marts.dim_document where status = 'published'"
        ).fetchall()[0][0]
    expected = len(discover(raw)[0])
    if published != expected:
        raise RuntimeError(f"{published} of {expected} documents published; see {log}")
    steps = {
        m["step"]: float(m["seconds"]) for m in _STEP.finditer(log.read_text(encoding="utf-8"))
    }
    return Build(size, published, seconds, peak.bytes, steps)


class _PeakMemory(threading.Thread):
    """The peak of the summed RSS of a process and its descendants."""

    def __init__(self, process: psutil.Process) -> None:
        super().__init__(daemon=True)
        self.process = process
        self.bytes = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.05):
            total = 0
            try:
                for each in (self.process, *self.process.children(recursive=True)):
                    try:
                        total += each.memory_info().rss
                    except psutil.NoSuchProcess:
                        continue
            except psutil.NoSuchProcess:
                return
            self.bytes = max(self.bytes, total)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _build_rows(
    builds: dict[int, Build], budgets_only: Build, incremental: Build, *, judged: bool
) -> list[Row]:
    # The targets of issue 8 count budgets; each build here also reads their 决算.
    limits = {100: 30.0, 1000: 120.0}
    rows = []
    for documents, build in builds.items():
        limit = limits.get(documents)
        rows.append(
            Row(
                f"build, {build.size.describe()}, cold",
                f"{build.seconds:.1f} s, peak {build.peak_rss_bytes / 1e9:.2f} GB "
                f"(seconds: {build.where_the_time_goes()})",
                f"≤ {limit:.0f} s" if limit else "",
                _verdict(
                    judged and limit is not None,
                    limit is not None and build.seconds <= limit,
                    f"{build.seconds / limit - 1:.0%} over" if limit else "",
                ),
            )
        )
    largest = max(builds)
    extra = builds[largest].seconds - budgets_only.seconds
    rows.append(
        Row(
            f"build, {largest:,} budget(s) without their 决算, cold",
            f"{budgets_only.seconds:.1f} s, peak {budgets_only.peak_rss_bytes / 1e9:.2f} GB: "
            f"the {builds[largest].size.final_accounts:,} 决算 add {extra:.1f} s "
            f"(seconds: {budgets_only.where_the_time_goes()})",
        )
    )
    memory = builds[largest].peak_rss_bytes / 1e9
    rows.append(
        Row(
            f"peak memory, {builds[largest].size.describe()}",
            f"{memory:.2f} GB",
            "≤ 2 GB",
            _verdict(judged, memory <= 2, f"{memory / 2 - 1:.0%} over"),
        )
    )
    ratio = incremental.seconds / builds[1].seconds
    rows.append(
        Row(
            f"one new budget added to {builds[largest].size.describe()}",
            f"{incremental.seconds:.1f} s = {ratio:.2f}× the 1-document build, "
            f"peak {incremental.peak_rss_bytes / 1e9:.2f} GB "
            f"(seconds: {incremental.where_the_time_goes()})",
            "≤ 1.5×",
            _verdict(judged, ratio <= 1.5, f"{ratio / 1.5 - 1:.0%} over"),
        )
    )
    return rows


# --- BI queries ----------------------------------------------------------------------------


def _query_rows(warehouse: Path, repeats: int, *, judged: bool) -> list[Row]:
    rows = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for name, sql in QUERIES.items():
            con.execute(sql).fetchall()  # warm: the first query reads the file's pages
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                result = con.execute(sql).fetchall()
                times.append((time.perf_counter() - started) * 1000)
            p50 = statistics.median(times)
            p95 = statistics.quantiles(times, n=20, method="inclusive")[18]
            rows.append(
                Row(
                    f"BI query: {name}",
                    f"p50 {p50:.1f} ms, p95 {p95:.1f} ms ({len(result):,} rows)",
                    "p95 < 50 ms",
                    _verdict(judged, p95 < 50, f"{p95 / 50 - 1:.0%} over"),
                )
            )
    return rows


# --- report --------------------------------------------------------------------------------


def _verdict(judged: bool, met: bool, shortfall: str) -> str:
    if not judged:
        return ""
    return "yes" if met else f"no: {shortfall}"


def describe_machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("duckdb", "polars", "dagster", "dbt-core", "great-expectations")
    )
    return (
        f"{cpu}, {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB "
        f"RAM; {platform.platform()}; Python {platform.python_version()}; {versions}"
    )


def _markdown(rows: list[Row], machine: str, *, smoke: bool) -> str:
    table = markdown_table(
        [(r.measure, r.result, r.target, r.verdict) for r in rows],
        ["measure", "result", "target", "met"],
    )
    mode = " (smoke mode: a few documents, no targets judged)" if smoke else ""
    return f"Machine: {machine}{mode}\n\n{table}\n"
