"""Real-world layouts read right, defects reported, nothing lost (docs/architecture.md,
"Verdicts")."""

from __future__ import annotations

import random
import tracemalloc
from decimal import Decimal

import duckdb
import polars as pl
import pytest
from conftest import SEED_ID, make_raw_dir, rows
from documents import move_to_year, seed_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from variations import (
    FINANCIAL,
    brackets,
    encode,
    financial_line_numbers,
    full_width_numbers,
    in_yuan,
    nothing_as,
    page_breaks,
    ragged,
    repeated_headers,
    retitle,
    without_separators,
)

from orchestration.parsing import DocumentError, ParsedDocument, parse_document
from orchestration.runner import execute_build
from orchestration.settings import Settings
from orchestration.warehouse.discovery import DocumentFile
from orchestration.warehouse.load import MAX_DOCUMENT_BYTES, read_document

SEED = seed_text()
# Tables that carry figures (line counts depend on layout).
FIGURE_TABLES = (
    "budget_summary",
    "revenue",
    "expenditure",
    "general_budget_expenditure",
    "basic_expenditure",
    "fund_expenditure",
    "three_public",
    "procurement",
    "purchased_services",
    "performance_overview",
    "projects",
    "performance_indicators",
    "table_totals",
)

# name: (document bytes, whether its lines stay where the seed has them)
VARIATIONS: dict[str, tuple[bytes, bool]] = {
    "UTF-8 with BOM": (encode(SEED, "utf-8-sig"), True),
    "GB18030": (encode(SEED, "gb18030"), True),
    "CRLF line ends": (encode(SEED, "utf-8", "\r\n"), True),
    "CR line ends": (encode(SEED, "utf-8", "\r"), True),
    "GB18030 with CRLF": (encode(SEED, "gb18030", "\r\n"), True),
    "titles 预算表NN": (retitle(SEED, "预算表NN").encode(), True),
    "titles 表NN": (retitle(SEED, "表NN").encode(), True),
    "titles with department and year": (retitle(SEED, "with department and year").encode(), True),
    "titles in full-width": (retitle(SEED, "full-width").encode(), True),
    "titles with extra spaces": (retitle(SEED, "spaced").encode(), True),
    "page breaks everywhere": (
        page_breaks(SEED, financial_line_numbers(SEED)[::7]).encode(),
        False,
    ),
    "headers repeated after page breaks": (repeated_headers(SEED).encode(), False),
    "no trailing tabs": (ragged(SEED, 0).encode(), True),
    "extra trailing tabs": (ragged(SEED, 3).encode(), True),
    "nothing printed as 0": (nothing_as(SEED, "0").encode(), True),
    "nothing printed as -": (nothing_as(SEED, "-").encode(), True),
    "nothing printed as 0.00": (nothing_as(SEED, "0.00").encode(), True),
    "no thousands separators": (without_separators(SEED).encode(), True),
    "full-width digits and commas": (full_width_numbers(SEED).encode(), True),
    "03, 05 and 10 in 元": (in_yuan(SEED, {"03", "05", "10"}).encode(), True),
    "every table in 元": (in_yuan(SEED, FINANCIAL).encode(), True),
    "full-width brackets": (brackets(SEED, full_width=True).encode(), True),
    "half-width brackets": (brackets(SEED, full_width=False).encode(), True),
}


def parse(data: bytes, document_id: str = SEED_ID) -> ParsedDocument:
    return parse_document(data, document_id=document_id, source_file=document_id, folder_year=2026)


def figures(document: ParsedDocument, keep_lines: bool) -> dict[str, list[tuple]]:
    """Every figure-bearing raw table, sorted, with or without its source lines."""
    out = {}
    for table in FIGURE_TABLES:
        frame = document.frame(table)
        if not keep_lines:
            frame = frame.drop(
                "source_line", *(["project_line"] if "project_line" in frame.columns else [])
            )
        out[table] = sorted(frame.rows(), key=repr)
    return out


@pytest.fixture(scope="module")
def seed_figures() -> dict[bool, dict[str, list[tuple]]]:
    document = parse(SEED.encode())
    return {True: figures(document, True), False: figures(document, False)}


@pytest.mark.parametrize("name", VARIATIONS)
def test_each_variation_reads_exactly_as_the_seed(name, seed_figures):
    data, lines_kept = VARIATIONS[name]
    document = parse(data)
    assert [str(i) for i in document.issues if i.rejects] == []
    counts = document.frame("line_counts")
    assert counts.filter(pl.col("line_kind") == "not_understood").height == 0
    assert counts["lines"].sum() == document.line_total
    assert figures(document, lines_kept) == seed_figures[lines_kept]


def test_encodings_line_ends_and_units_are_recorded():
    gb = parse(VARIATIONS["GB18030 with CRLF"][0])
    assert (gb.encoding, gb.line_ending) == ("gb18030", "CRLF")
    bom = parse(VARIATIONS["UTF-8 with BOM"][0])
    assert bom.encoding == "utf-8-sig"
    mixed = parse(VARIATIONS["03, 05 and 10 in 元"][0])
    assert mixed.amount_units == ("万元", "元")


def test_names_with_either_bracket_width_are_one_name():
    full = parse(VARIATIONS["full-width brackets"][0]).frame("expenditure")
    half = parse(VARIATIONS["half-width brackets"][0]).frame("expenditure")
    assert full["dept_econ_name"].to_list() == half["dept_econ_name"].to_list()
    assert "维修（护）费" in full["dept_econ_name"].to_list()
    assert "维修(护)费" not in full["dept_econ_name"].to_list()


@pytest.fixture(scope="module")
def variations_built(tmp_path_factory: pytest.TempPathFactory):
    """Every variation published in one build, each as another year of the same budget, in
    files whose names carry spaces, quotes, SQL and Chinese."""
    root = tmp_path_factory.mktemp("variations")
    files = {}
    years = {}
    for offset, (name, (data, _)) in enumerate(VARIATIONS.items()):
        year = 2000 + offset
        text = data.decode(parse(data).encoding).replace("\r\n", "\n").replace("\r", "\n")
        encoding = parse(data).encoding
        relocated = move_to_year(text, year)
        line_end = {"CRLF": "\r\n", "CR": "\r"}.get(parse(data).line_ending, "\n")
        file = f"{year}/{name} 'quoted' \"twice\"; drop table raw.documents; --.txt"
        files[file] = relocated.replace("\n", line_end).encode(encoding)
        years[year] = name
    files[SEED_ID] = SEED.encode()
    files[f"1999/{HOSTILE}.txt"] = move_to_year(
        SEED.replace("2050303-技校教育", f"2050303-技校教育{HOSTILE}"), 1999
    ).encode()
    raw = make_raw_dir(root, files)
    settings_ = Settings.from_env(raw_dir=raw, warehouse=root / "warehouse.duckdb")
    result = execute_build(settings_, sorted(files))
    assert result.success
    con = duckdb.connect(str(settings_.warehouse), read_only=True)
    yield years, con
    con.close()


HOSTILE = "'); drop table raw.documents; --"

MART_FIGURES = {
    "fct_expenditure": "function_code, gov_econ_code, dept_econ_code, total, basic, project, "
    "business_operation, remit_to_superior, subsidy_to_subordinate",
    "fct_general_budget_expenditure": "function_code, total, basic, personnel, public_use, "
    "project, project_excl_capital, unit_rows",
    "fct_basic_expenditure": "gov_econ_code, dept_econ_code, total, personnel, public_use",
    "fct_revenue": "table_no, fund_group, revenue_source, revenue_name, amount",
    "fct_three_public": "total, outbound_travel, reception, vehicles_total, vehicle_purchase, "
    "vehicle_operation",
    "fct_procurement": "category_code, category_name, amount",
    "fct_purchased_services": "level1_code, level1_name, level2_code, level2_name, "
    "service_name, amount",
}


@pytest.mark.slow
def test_every_variation_publishes_the_seeds_marts(variations_built):
    years, con = variations_built
    assert rows(con, "select count(*) from marts.dim_document where status = 'published'") == [
        (len(years) + 2,)
    ]
    for mart, columns in MART_FIGURES.items():
        expected = rows(
            con, f"select {columns} from marts.{mart} where fiscal_year = 2026 order by all"
        )
        assert expected, mart
        for year, name in years.items():
            actual = rows(
                con,
                f"select {columns} from marts.{mart} where fiscal_year = ? order by all",
                [year],
            )
            assert actual == expected, f"{name}: {mart} differs from the seed"


def test_the_document_records_how_it_was_printed(variations_built):
    years, con = variations_built
    recorded = {
        name: row
        for (year, *row) in rows(
            con,
            """
        select fiscal_year, encoding, line_ending, amount_unit from marts.dim_document
    """,
        )
        if (name := years.get(year))
    }
    assert recorded["GB18030 with CRLF"] == ["gb18030", "CRLF", "万元"]
    assert recorded["CR line ends"] == ["utf-8", "CR", "万元"]
    assert recorded["every table in 元"] == ["utf-8", "LF", "万元,元"]


# --- property-based -----------------------------------------------------------------------

layout = st.fixed_dictionaries(
    {
        "encoding": st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
        "line_end": st.sampled_from(["\n", "\r\n", "\r"]),
        "breaks": st.lists(st.sampled_from(financial_line_numbers(SEED)), max_size=40),
        "repeat_headers": st.booleans(),
        "separators": st.booleans(),
        "yuan_tables": st.sets(st.sampled_from(sorted(FINANCIAL))),
        "trailing_tabs": st.integers(min_value=0, max_value=3),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layout)
def test_any_mix_of_layout_variations_reads_the_same_figures(seed_figures, variation):
    text = repeated_headers(SEED) if variation["repeat_headers"] else SEED
    text = ragged(text, variation["trailing_tabs"])
    text = in_yuan(text, variation["yuan_tables"])
    if not variation["separators"]:
        text = without_separators(text)
    text = page_breaks(text, variation["breaks"])
    document = parse(encode(text, variation["encoding"], variation["line_end"]))
    assert [str(i) for i in document.issues if i.rejects] == []
    assert figures(document, keep_lines=False) == seed_figures[False]


corruption = st.lists(
    st.tuples(
        st.sampled_from(["flip", "delete", "insert", "truncate", "duplicate"]),
        st.integers(min_value=0, max_value=len(SEED.encode()) - 1),
        st.integers(min_value=1, max_value=400),
        st.binary(min_size=1, max_size=50),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corruption)
def test_corruption_raises_only_the_projects_error_with_a_location(damage):
    data = bytearray(SEED.encode())
    for kind, position, length, noise in damage:
        position %= max(len(data), 1)
        if kind == "flip":
            if data:
                data[position] ^= 0xFF
        elif kind == "delete":
            del data[position : position + length]
        elif kind == "insert":
            data[position:position] = noise
        elif kind == "truncate":
            del data[position:]
        else:
            data[position:position] = data[position : position + length]
    try:
        document = parse(bytes(data))
    except DocumentError as error:
        assert error.issue.file == SEED_ID
        assert str(error).startswith(SEED_ID)
        return
    for issue in document.issues:
        assert issue.file == SEED_ID
        assert issue.table_no or issue.line, str(issue)


# --- hostile files ------------------------------------------------------------------------


def _file(path, data: bytes) -> DocumentFile:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return DocumentFile(path.relative_to(path.parents[1]).as_posix(), path, 2026)


def test_a_100_mb_file_is_refused_without_being_read(tmp_path):
    block = "".join(
        random.Random(0).choice("预算表合计万元\t0123456789,.\n") for _ in range(1 << 20)
    )
    path = tmp_path / "raw" / "2026" / "huge.txt"
    path.parent.mkdir(parents=True)
    with path.open("w", encoding="utf-8") as handle:
        while handle.tell() < 100_000_000:
            handle.write(block)
    tracemalloc.start()
    document = read_document(DocumentFile("2026/huge.txt", path, 2026), None)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 16_000_000  # streamed: never more than a few blocks in memory
    assert (
        f"a budget document is at most {MAX_DOCUMENT_BYTES // 1_000_000} MB"
        in document.issue.message
    )


def test_a_large_binary_file_is_refused(tmp_path):
    data = random.Random(1).randbytes(MAX_DOCUMENT_BYTES + 1)
    # Not .pdf: a PDF may be larger (MAX_BYTES) and goes to the PDF extractor.
    document = read_document(_file(tmp_path / "raw" / "2026" / "scan.dat", data), None)
    assert "MB" in document.issue.message and document.issue.check_name == "decode"


def test_random_text_of_ordinary_size_is_rejected_with_a_reason():
    text = "".join(
        random.Random(2).choice("预算表合计万元\t0123456789,.\n") for _ in range(200_000)
    )
    with pytest.raises(DocumentError, match="no budget tables found"):
        parse(text.encode())


def test_a_value_never_becomes_sql(variations_built):
    _, con = variations_built
    # The 1999 document's name and one of its cells are SQL; they stay text.
    assert rows(
        con, "select document_id, status from marts.dim_document where fiscal_year = 1999"
    ) == [(f"1999/{HOSTILE}.txt", "published")]
    # 2026 names the code (the latest year wins); 1999's name, its bracket made full-width like
    # every name's, is kept among the other names.
    assert rows(
        con, "select name, other_names from marts.dim_function where function_code = '2050303'"
    ) == [("技校教育", "技校教育'）; drop table raw.documents; --")]
    assert rows(con, "select sum(total) from marts.fct_expenditure where fiscal_year = 1999") == [
        (Decimal("131905.904856"),)
    ]
