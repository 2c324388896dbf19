"""The parser on the seed and on documents derived from it (plain Python, no Dagster)."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from conftest import SEED_ID

from orchestration.parsing import DocumentError, parse_document
from orchestration.parsing.amounts import convert_amounts


def parse(data: bytes, folder_year: int | None = 2026):
    return parse_document(data, document_id=SEED_ID, source_file=SEED_ID, folder_year=folder_year)


@pytest.fixture(scope="module")
def seed(seed_bytes):
    return parse(seed_bytes)


def test_seed_reads_without_a_problem(seed):
    assert seed.issues == []
    assert (seed.fiscal_year, seed.department_name) == (2026, "北京市人力资源和社会保障局")
    assert seed.tables_found == tuple(f"{n:02d}" for n in range(1, 15))
    assert (seed.encoding, seed.line_ending, seed.amount_units) == ("utf-8", "LF", ("万元",))


def test_every_line_is_accounted_for(seed, seed_bytes):
    counts = seed.frames["line_counts"]
    assert counts["lines"].sum() == seed.line_total == seed_bytes.decode().count("\n") + 1
    assert "not_understood" not in counts["line_kind"].to_list()
    # Table 12: 977 rows (projects and indicators), 22 header rows repeated per page, one
    # unit line (on the second page only), 14 blank lines and its title.
    table_12 = dict(
        counts.filter(pl.col("table_no") == "12").select("line_kind", "lines").iter_rows()
    )
    assert table_12 == {"row": 977, "header": 22, "unit": 1, "blank": 14, "title": 1}


def test_table_sizes_match_the_document(seed):
    heights = {name: frame.height for name, frame in seed.frames.items()}
    assert heights["expenditure"] == 241
    assert heights["general_budget_expenditure"] == 134
    assert heights["basic_expenditure"] == 69
    assert heights["purchased_services"] == 78
    assert heights["procurement"] == 3
    assert heights["three_public"] == 1


def test_empty_fund_tables_are_recognised_by_their_total_row(seed):
    # 07 and 08 print only «│合 计│││»: no rows, a total row with nothing in it.
    assert seed.frames["fund_expenditure"].height == 0
    totals = seed.frames["table_totals"].filter(pl.col("table_no").is_in(["07", "08"]))
    assert totals.select("table_no", "source_line").unique().sort("table_no").rows() == [
        ("07", 576),
        ("08", 584),
    ]
    assert totals["amount"].null_count() == totals.height


def test_codes_are_split_from_names(seed):
    row = seed.frames["expenditure"].filter(pl.col("source_line") == 74).row(0, named=True)
    assert (row["function_code"], row["function_name"]) == ("2050305", "高等职业教育")
    assert (row["gov_econ_code"], row["gov_econ_name"]) == ("50502", "商品和服务支出")
    assert (row["dept_econ_code"], row["dept_econ_name"]) == ("3021205", "教学类因公出国（境）费用")
    assert row["total"] == Decimal("40.500000")


def test_summary_table_places_categories_by_name(seed):
    summary = seed.frames["budget_summary"].filter(
        (pl.col("table_no") == "01")
        & (pl.col("side") == "expenditure")
        & pl.col("amount").is_not_null()
    )
    assert summary.select("line_type", "ordinal", "label", "function_code", "amount").rows() == [
        ("item", "五", "教育支出", "205", Decimal("40014.067349")),
        ("item", "八", "社会保障和就业支出", "208", Decimal("86063.699335")),
        ("item", "九", "卫生健康支出", "210", Decimal("3097.308372")),
        ("item", "十九", "住房保障支出", "221", Decimal("2730.829800")),
        ("subtotal", None, "本年支出合计", None, Decimal("131905.904856")),
        ("carryover", None, "年终结转结余", None, Decimal("2227.423415")),
        ("total", None, "支出总计", None, Decimal("134133.328271")),
    ]


def test_renumbered_categories_are_still_placed_by_name(seed_bytes):
    # Ordinals shift when categories are added; the code follows the name, not the number.
    text = seed_bytes.decode().replace("五、教育支出", "六、教育支出")
    summary = parse(text.encode()).frames["budget_summary"]
    line = summary.filter((pl.col("source_line") == 13) & (pl.col("side") == "expenditure"))
    assert line.select("ordinal", "function_code").row(0) == ("六", "205")


def test_former_category_names_map_to_the_current_code(seed_bytes):
    text = seed_bytes.decode().replace("九、卫生健康支出", "九、医疗卫生与计划生育支出")
    summary = parse(text.encode()).frames["budget_summary"]
    line = summary.filter((pl.col("source_line") == 17) & (pl.col("side") == "expenditure"))
    assert line["function_code"].to_list() == ["210"]


def test_performance_overview_gives_year_department_and_funding(seed):
    overview = seed.frames["performance_overview"].row(0, named=True)
    assert overview["total_expenditure"] == Decimal("131905.904856")
    assert (overview["fiscal_total"], overview["fiscal_basic"], overview["fiscal_project"]) == (
        Decimal("123259.799847"),
        Decimal("66156.691126"),
        Decimal("57103.108721"),
    )
    assert (overview["other_total"], overview["other_basic"], overview["other_project"]) == (
        Decimal("8646.105009"),
        Decimal("4535.403377"),
        Decimal("4110.701632"),
    )
    indicators = seed.frames["performance_indicators"].filter(pl.col("table_no") == "13")
    assert indicators.height == 11
    # Line 1728 is shifted one cell left; it still reads as activity, indicator, value.
    shifted = indicators.filter(pl.col("source_line") == 1728).row(0, named=True)
    assert (
        shifted["activity"],
        shifted["level1"],
        shifted["level2"],
        shifted["operator"],
        shifted["target_text"],
    ) == ("劳动关系和维权", "产出指标", "质量指标", "定性", "优")


def test_a_document_in_the_wrong_year_folder_is_rejected(seed_bytes):
    document = parse(seed_bytes, folder_year=2025)
    assert document.rejected
    assert [str(i) for i in document.issues] == [
        f"{SEED_ID}, table 13: the document is for 2026 (table 13) but sits in the folder for 2025"
    ]


def test_a_broken_amount_is_reported_with_its_line_and_never_coerced(seed_bytes):
    # Line 55 prints 1,410.093600 as both 合计 and 基本支出; a letter O replaces a zero in both.
    text = seed_bytes.decode().replace("1,410.093600", "1,41O.093600")
    document = parse(text.encode())
    assert document.rejected
    assert sorted(
        (i.table_no, i.line, i.text, i.message.split(":")[0]) for i in document.issues
    ) == [
        ("03", 55, "1,41O.093600", "basic"),
        ("03", 55, "1,41O.093600", "total"),
    ]
    assert 55 not in document.frames["expenditure"]["source_line"].to_list()


def test_a_row_with_too_many_cells_is_reported(seed_bytes):
    lines = seed_bytes.decode().split("\n")
    lines[54] = lines[54] + "\t\t\t\t\t\t123.000000"  # line 55, a value past the last column
    document = parse("\n".join(lines).encode())
    (issue,) = document.issues
    assert (issue.table_no, issue.line) == ("03", 55)
    assert "cells but the table has 9 columns" in issue.message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"\x00\x01\x02PK\x03\x04" * 100, "the file is binary"),
        ("没有表格的文本\n第二行\n".encode(), "no budget tables found"),
        (b"\xff\xfe\xfd\xfc\x81\x30" * 50, "not valid UTF-8 or GB18030"),
    ],
)
def test_unreadable_files_raise_the_projects_error(data, message):
    with pytest.raises(DocumentError) as raised:
        parse(data)
    assert message in str(raised.value)
    assert raised.value.issue.file == SEED_ID


def test_a_document_cut_off_in_the_middle_names_what_is_missing(seed_bytes):
    cut = seed_bytes[: seed_bytes.index("预算07表".encode())]
    with pytest.raises(DocumentError) as raised:
        parse(cut)
    message = str(raised.value)
    assert "table 13 (部门整体支出绩效目标表) not found" in message
    assert "missing tables: 09, 13" in message
    assert "is the file cut off?" in message


@pytest.mark.parametrize(
    ("unit", "text", "expected"),
    [
        ("万元", "112,859.652716", Decimal("112859.652716")),
        ("万元", "0.1", Decimal("0.1")),
        ("万元", "-", None),
        ("万元", "", None),
        ("元", "33,545,259", Decimal("3354.5259")),
        ("元", "1,234.56", Decimal("0.123456")),
        ("元", "0.01", Decimal("0.000001")),
    ],
)
def test_amounts_are_exact_in_both_units(unit, text, expected):
    frame, bad = convert_amounts(pl.DataFrame({"a": [text]}), ["a"], unit)
    assert bad == []
    assert frame["a"].to_list() == [expected]
    assert frame.schema["a"] == pl.Decimal(18, 6)


@pytest.mark.parametrize(
    ("unit", "text"),
    [
        ("万元", "183,545259"),  # a broken separator, as printed in the seed's table 12
        ("万元", "299,80200"),
        ("万元", "1.1234567"),  # more decimals than 万元 holds exactly: never rounded
        ("万元", "1.2.3"),
        ("万元", "12O.5"),
        ("元", "1.234"),  # 元 amounts are exact to the fen
    ],
)
def test_malformed_amounts_are_reported_not_coerced(unit, text):
    frame, bad = convert_amounts(pl.DataFrame({"a": [text]}), ["a"], unit)
    assert bad == [(0, "a", text)]
    assert frame["a"].to_list() == [None]
