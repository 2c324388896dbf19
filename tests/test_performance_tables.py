"""Tables 12-14: projects and indicators read from the worst-extracted part of the seed."""

from __future__ import annotations

import re
from decimal import Decimal

import polars as pl
import pytest

from conftest import SEED_ID, rows
from documents import seed_text, table_of_lines
from orchestration.parsing import parse_document

SEED = seed_text()
LEVEL1 = {"产出指标", "效益指标", "满意度指标", "成本指标"}


@pytest.fixture(scope="module")
def seed():
    return parse_document(SEED.encode(), document_id=SEED_ID, source_file=SEED_ID,
                          folder_year=2026)


@pytest.fixture(scope="module")
def indicators(seed):
    return seed.frames["performance_indicators"]


def indicator(indicators: pl.DataFrame, line: int) -> dict:
    return indicators.filter(pl.col("source_line") == line).row(0, named=True)


def test_every_line_that_looks_like_an_indicator_is_a_row_or_reported(seed, indicators):
    # Counted here from the text alone: a line of table 12 with a 一级指标 cell.
    lines = SEED.split("\n")
    looks_like = {number for number, (line, table) in
                  enumerate(zip(lines, table_of_lines(SEED), strict=True), start=1)
                  if table == "12" and LEVEL1 & set(line.split("\t"))}
    assert len(looks_like) == 977
    read = set(indicators.filter(pl.col("table_no") == "12")["source_line"].to_list())
    reported = {issue.line for issue in seed.issues if issue.table_no == "12"}
    assert looks_like == read | reported
    assert reported == set()  # every one of them placed


def test_the_distinct_project_codes(seed):
    printed = sorted(match.group(1)
                     for line, table in zip(SEED.split("\n"), table_of_lines(SEED), strict=True)
                     if table == "12"
                     for cell in line.split("\t")
                     if (match := re.match(r"^([0-9A-Z]{15,24})-", cell)))
    projects = seed.frames["projects"].filter(pl.col("table_no") == "12")
    assert sorted(projects["project_code"].drop_nulls().to_list()) == printed
    assert len(set(printed)) == 25  # 110000267000003742758 is printed on seven lines
    # These project lines print money and a goal but neither code nor name.
    nameless = projects.filter(pl.col("project_code").is_null())
    assert nameless["source_line"].to_list() == [698, 947, 1006, 1202, 1215, 1230, 1245, 1275,
                                                 1292, 1576]
    assert all("missing_name" in flags for flags in nameless["flags"].to_list())


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # The first indicator, on its project's line.
        (697, ("产出指标", "质量指标", "验收合格率", "=", "100", Decimal(100), "%", None)),
        # Shifted to the first column by the extractor.
        (702, ("满意度指标", "服务对象满意度指标", "农民工满意度", "≥", "95", Decimal(95), "%",
               None)),
        # Shifted one column right, and three.
        (869, ("产出指标", "质量指标", "报告合格率", "-", "100", Decimal(100), "%", None)),
        (1007, ("产出指标", "数量指标", "全年人工接通量", "≥", "328.5", Decimal("328.5"), "万个",
                None)),
        # Empty cells between operator and value.
        (1214, ("产出指标", "时效指标", "设备购置及时率", "-", "100", Decimal(100), "%", None)),
        # The indicator name printed in the 二级指标 column.
        (1036, ("成本指标", None, "项目总成本", "≤", "833.952", Decimal("833.952"), "万元",
                "level2_missing")),
        # A project line cut off after the first indicator's name.
        (1606, ("产出指标", "质量指标", "资助合格率", None, None, None, None, "incomplete")),
        # The malformed numbers: kept as text, no value, flagged.
        (700, ("成本指标", "经济成本指标", "项目总成本", "≤", "183,545259", None, "万元",
               "malformed_number")),
        (735, ("成本指标", "经济成本指标", "活动经费", "≤", "299,80200", None, "万元",
               "malformed_number")),
    ],
)
def test_indicators_read_exactly_from_every_layout(indicators, line, expected):
    row = indicator(indicators, line)
    assert (row["level1"], row["level2"], row["level3"], row["operator"], row["target_text"],
            row["target_value"], row["unit"], row["flags"]) == expected


def test_indicators_belong_to_the_project_above_them(seed, indicators):
    # Line 698 prints a project's money and goal without its code: its indicators (699-725)
    # attach to it, not to the project of line 697.
    assert indicator(indicators, 699)["project_line"] == 698
    assert indicator(indicators, 697)["project_code"] == "110000267000003742841"
    assert indicator(indicators, 727)["project_code"] == "110000267000003742511"


def test_table_14_rows_inherit_their_first_columns(indicators):
    payment = "社会保障和就业共同财政事权转移支付-国有企业退休人员社会化管理服务方向"
    assert [(r["level1"], r["level2"], r["target_value"], r["unit"], r["flags"])
            for r in indicators.filter(pl.col("table_no") == "14").sort("source_line")
            .iter_rows(named=True)] == [
        ("产出指标", "数量指标", Decimal(100), "%", None),
        ("产出指标", "数量指标", Decimal(100), "%", "inherited_levels"),
        ("效益指标", "经济效益指标", Decimal(100), "%", None),
        ("满意度指标", "企业满意度指标", Decimal(85), "%", None),
    ]
    shifted = indicator(indicators, 1746)
    assert (shifted["operator"], shifted["target_text"], shifted["activity"]) == (
        "≥", "≥85%", payment)


def test_project_amounts_and_their_flags(seed):
    projects = seed.frames["projects"]
    by_line = {r["source_line"]: r for r in projects.iter_rows(named=True)}
    # Page one states no unit; its grouped integers are 万元 with the decimal point misread.
    assert (by_line[697]["total"], by_line[697]["total_text"], by_line[697]["flags"]) == (
        Decimal("33.545259"), "33,545,259", "decimal_point_misread")
    assert by_line[726]["total"] == Decimal("299.802200")
    # The 20-digit code among 21-digit ones.
    assert by_line[1662]["project_code"] == "11000024700000272933"
    assert "code_length" in by_line[1662]["flags"]
    # A broken figure keeps its text and has no amount.
    assert (by_line[959]["total"], by_line[959]["total_text"]) == (None, "13.843441518")
    assert "malformed_number" in by_line[959]["flags"]
    # Table 14's transfer payment, from its 资金情况(万元) block.
    assert (by_line[1735]["table_no"], by_line[1735]["total"],
            by_line[1735]["fiscal_funds"]) == ("14", Decimal("9119.702500"),
                                               Decimal("9119.702500"))


def test_13s_indicators_split_their_levels(indicators):
    row = indicator(indicators, 1722)
    assert (row["activity"], row["level1"], row["level2"], row["level3"], row["operator"],
            row["target_value"], row["unit"]) == (
        "就业管理事务", "产出指标", "质量指标", "城镇调查失业率", "≤", Decimal(5), "%")


def test_the_marts_hold_every_project_and_indicator(marts):
    assert rows(marts, "select table_no, count(*) from marts.fct_project group by 1 "
                       "order by 1") == [("12", 41), ("14", 1)]
    assert rows(marts, "select table_no, count(*) from marts.fct_performance_indicator "
                       "group by 1 order by 1") == [("12", 977), ("13", 11), ("14", 4)]
    assert rows(marts, "select distinct status, prior_amount from marts.yoy_project") == [
        ("new", None)
    ]


def test_performance_warnings_do_not_reject(marts):
    assert rows(marts, "select status from marts.dim_document") == [("published",)]
    (message,) = rows(marts, """
        select message from marts.data_quality
        where identity = '12.cost_within_project' and source_line = 1006
    """)[0]
    # The cost indicator of line 1006 exceeds its own project's total.
    assert "2,272.623540 > 611.170000" in message
    assert rows(marts, "select distinct outcome from marts.data_quality "
                       "where check_name = 'performance' and not success") == [("warning",)]
