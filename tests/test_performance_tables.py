"""Tables 12-14: projects and indicators read from the worst-extracted part of the seed."""

from __future__ import annotations

import contextlib
import re
from decimal import Decimal

import duckdb
import polars as pl
import pytest
from conftest import SEED_ID, make_raw_dir, rows, run_cli
from documents import edit_cell, move_to_year, seed_text, table_of_lines
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestration.parsing import parse_document
from orchestration.parsing.issues import DocumentError
from orchestration.parsing.performance import Attachment

SEED = seed_text()
LEVEL1 = {"产出指标", "效益指标", "满意度指标", "成本指标"}


@pytest.fixture(scope="module")
def seed():
    return parse_document(SEED.encode(), document_id=SEED_ID, source_file=SEED_ID, folder_year=2026)


@pytest.fixture(scope="module")
def indicators(seed):
    return seed.frames["performance_indicators"]


def indicator(indicators: pl.DataFrame, line: int) -> dict:
    return indicators.filter(pl.col("source_line") == line).row(0, named=True)


def test_every_line_that_looks_like_an_indicator_is_a_row_or_reported(seed, indicators):
    # Counted here from the text alone: a line of table 12 with a 一级指标 cell.
    lines = SEED.split("\n")
    looks_like = {
        number
        for number, (line, table) in enumerate(
            zip(lines, table_of_lines(SEED), strict=True), start=1
        )
        if table == "12" and LEVEL1 & set(line.split("\t"))
    }
    assert len(looks_like) == 977
    read = set(indicators.filter(pl.col("table_no") == "12")["source_line"].to_list())
    reported = {issue.line for issue in seed.issues if issue.table_no == "12"}
    assert looks_like == read | reported
    assert reported == set()  # every one of them placed


def test_one_row_per_distinct_project(seed):
    printed = sorted(
        match.group(1)
        for line, table in zip(SEED.split("\n"), table_of_lines(SEED), strict=True)
        if table == "12"
        for cell in line.split("\t")
        if (match := re.match(r"^([0-9A-Z]{15,24})-", cell))
    )
    projects = seed.frames["projects"].filter(pl.col("table_no") == "12")
    assert len(printed) == 31 and len(set(printed)) == 25
    assert set(projects["project_code"].drop_nulls().to_list()) == set(printed)
    # Lines 844, 846, 848, 850 and 852 print the same project (code ...742758, 325.000000 万元,
    # the same goal), one row per indicator pair of its merged cell: one project, flagged.
    # Lines 840 (600.000000) and 842 (24.000000) print the same code with other money and
    # goals: two other projects.
    same_code = projects.filter(pl.col("project_code") == "110000267000003742758")
    assert same_code.select("source_line", "total").rows() == [
        (840, Decimal(600)),
        (842, Decimal(24)),
        (844, Decimal(325)),
    ]
    assert "merged_rows" in same_code.row(2, named=True)["flags"]
    # 41 project lines (31 with a code, 10 with money and goal only) less the 4 repeats.
    assert projects.height == 37
    assert projects.select("project_code", "total_text", "goal").unique().height == 37
    nameless = projects.filter(pl.col("project_code").is_null())
    assert nameless["source_line"].to_list() == [
        698,
        947,
        1006,
        1202,
        1215,
        1230,
        1245,
        1275,
        1292,
        1576,
    ]
    assert all("missing_name" in flags for flags in nameless["flags"].to_list())


def test_the_indicators_of_merged_rows_belong_to_the_one_project(indicators):
    # 845-853 print the indicators of the 325 万元 project (852: 项目总成本 ≤ 325).
    assert {indicator(indicators, line)["project_line"] for line in range(844, 854)} == {844}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # The first indicator, on its project's line.
        (697, ("产出指标", "质量指标", "验收合格率", "=", "100", Decimal(100), "%", None)),
        # Shifted to the first column by the extractor.
        (
            702,
            ("满意度指标", "服务对象满意度指标", "农民工满意度", "≥", "95", Decimal(95), "%", None),
        ),
        # Shifted one column right, and three.
        (869, ("产出指标", "质量指标", "报告合格率", "-", "100", Decimal(100), "%", None)),
        (
            1007,
            (
                "产出指标",
                "数量指标",
                "全年人工接通量",
                "≥",
                "328.5",
                Decimal("328.5"),
                "万个",
                None,
            ),
        ),
        # Empty cells between operator and value.
        (1214, ("产出指标", "时效指标", "设备购置及时率", "-", "100", Decimal(100), "%", None)),
        # The indicator name printed in the 二级指标 column.
        (
            1036,
            (
                "成本指标",
                None,
                "项目总成本",
                "≤",
                "833.952",
                Decimal("833.952"),
                "万元",
                "level2_missing",
            ),
        ),
        # A project line cut off after the first indicator's name.
        (1606, ("产出指标", "质量指标", "资助合格率", None, None, None, None, "incomplete")),
        # The malformed numbers: kept as text, no value, flagged.
        (
            700,
            (
                "成本指标",
                "经济成本指标",
                "项目总成本",
                "≤",
                "183,545259",
                None,
                "万元",
                "malformed_number",
            ),
        ),
        (
            735,
            (
                "成本指标",
                "经济成本指标",
                "活动经费",
                "≤",
                "299,80200",
                None,
                "万元",
                "malformed_number",
            ),
        ),
    ],
)
def test_indicators_read_exactly_from_every_layout(indicators, line, expected):
    row = indicator(indicators, line)
    assert (
        row["level1"],
        row["level2"],
        row["level3"],
        row["operator"],
        row["target_text"],
        row["target_value"],
        row["unit"],
        reading_flags(row),
    ) == expected


def reading_flags(row: dict) -> str | None:
    """The flags about how the indicator was read, without how it was attached."""
    flags = [f for f in (row["flags"] or "").split(",") if f and f not in set(Attachment)]
    return ",".join(flags) or None


def test_every_indicator_of_12_says_how_it_was_attached(indicators):
    for row in indicators.filter(pl.col("table_no") == "12").iter_rows(named=True):
        assert len(set(row["flags"].split(",")) & set(Attachment)) == 1, row


@pytest.mark.parametrize(
    ("lines", "project_line", "how"),
    [
        # The 公务用车购置 indicators print under the scholarship project of line 1592, but their
        # 项目总成本 (line 1602, ≤ 37.38 万元) is the vehicle project's total (line 1620,
        # 37.380000), and 1598 starts a new block (产出指标 after 效益指标).
        (range(1598, 1606), 1620, Attachment.TOTAL_COST),
        # Printed on and after the 政府奖学金 line (1592, 200.000000), their 项目总成本 (1595,
        # ≤ 19.988) is the 国家奖学金 project's total (line 1606, 19.988000); the 政府奖学金's own
        # 项目总成本 (1589, ≤ 200) sits in the block above its cell.
        (range(1592, 1598), 1606, Attachment.TOTAL_COST),
        (range(1587, 1592), 1592, Attachment.TOTAL_COST),
        # 职称评审工作成本 2,565.705378 (line 976) and 考试工作成本 11,277.73614 (977) add up to
        # 13,843.441518: line 959's total, printed 13.843441518.
        (range(963, 978), 959, Attachment.TOTAL_COST),
        # 项目总成本 ≤ 2272.62354 (line 1006) is line 994's total, printed 2.27262354, not the
        # 611.170000 of the nameless project printed on its own line.
        (range(1006, 1007), 994, Attachment.TOTAL_COST),
        # Lines 840-841 and 842-843 sit beside their own project cells (600 and 24 万元); the
        # block of 844-853 ends with 项目总成本 ≤ 325 (line 852), the merged project's total.
        (range(840, 842), 840, Attachment.PROJECT_CELL),
        (range(842, 844), 842, Attachment.PROJECT_CELL),
        (range(844, 854), 844, Attachment.TOTAL_COST),
    ],
)
def test_indicators_are_attached_by_the_documents_evidence(indicators, lines, project_line, how):
    for line in lines:
        row = indicator(indicators, line)
        assert (row["project_line"], how in row["flags"].split(",")) == (project_line, True), row


def test_an_indicator_no_evidence_places_is_flagged(indicators):
    # Lines 704-712 (产出指标 of 档案 and 服务人员) follow 满意度指标 rows with no project cell
    # among them and no 项目总成本 or costs that equal any project's total.
    for line in range(704, 713):
        assert Attachment.UNCERTAIN in indicator(indicators, line)["flags"].split(",")


def test_grouped_targets_the_document_contradicts_are_not_thousands(indicators):
    # 专用设备采购成本 ≤ 8,844 万元 (line 1572): as thousands more than the total of the project
    # it is printed under (line 1488, 4.030000); table 03 line 147 prints 8.844000 for 31003
    # 专用设备购置. 项目总成本 ≤ 438,526 (line 758) is more than the department's whole 项目支出
    # (03 line 302: 61,213.810353); ≤ 6,750 (line 724) more than the 600.719000 of the
    # project it is printed under (line 698).
    for line in (1572, 758, 724):
        row = indicator(indicators, line)
        assert row["target_value"] is None
        assert "decimal_comma_suspected" in row["flags"].split(",")
    # Targets read as plain numbers stay: 项目总成本 ≤ 833.952 (line 1036).
    assert indicator(indicators, 1036)["target_value"] == Decimal("833.952")


def test_table_14_rows_inherit_their_first_columns(indicators):
    payment = "社会保障和就业共同财政事权转移支付-国有企业退休人员社会化管理服务方向"
    assert [
        (r["level1"], r["level2"], r["target_value"], r["unit"], r["flags"])
        for r in indicators.filter(pl.col("table_no") == "14")
        .sort("source_line")
        .iter_rows(named=True)
    ] == [
        ("产出指标", "数量指标", Decimal(100), "%", None),
        ("产出指标", "数量指标", Decimal(100), "%", "inherited_levels"),
        ("效益指标", "经济效益指标", Decimal(100), "%", None),
        ("满意度指标", "企业满意度指标", Decimal(85), "%", None),
    ]
    shifted = indicator(indicators, 1746)
    assert (shifted["operator"], shifted["target_text"], shifted["activity"]) == (
        "≥",
        "≥85%",
        payment,
    )


def test_project_amounts_and_their_flags(seed):
    projects = seed.frames["projects"]
    by_line = {r["source_line"]: r for r in projects.iter_rows(named=True)}
    # Page one states no unit. Read as 元, its three totals (lines 697, 698, 726) would add up
    # to 93,406.6459 万元, more than the whole 项目支出 (03 line 302: 61,213.810353): they are
    # 万元 with the decimal point extracted as a comma, flagged as inferred. Line 735 prints the
    # cost 活动经费 "299,80200": the 299.8022 of line 726 with a decimal comma.
    assert (by_line[697]["total"], by_line[697]["total_text"], by_line[697]["flags"]) == (
        Decimal("33.545259"),
        "33,545,259",
        "decimal_point_misread",
    )
    assert by_line[726]["total"] == Decimal("299.802200")
    assert (33_545_259 + 600_719_000 + 299_802_200) / Decimal(10_000) > Decimal("61213.810353")
    # The 20-digit code among 21-digit ones.
    assert by_line[1662]["project_code"] == "11000024700000272933"
    assert "code_length" in by_line[1662]["flags"]
    # Printed 13.843441518 (line 959): nine decimals, more than 万元 has. Its cost indicators
    # (lines 976 and 977) add up to 13,843.441518: the first point is a thousands point.
    assert (by_line[959]["total"], by_line[959]["fiscal_funds"], by_line[959]["total_text"]) == (
        Decimal("13843.441518"),
        Decimal("13843.441518"),
        "13.843441518",
    )
    assert "total_from_cost_indicators" in by_line[959]["flags"].split(",")
    assert "malformed_number" not in by_line[959]["flags"].split(",")
    # 2.27262354 (line 994) is 2,272.62354: the 项目总成本 of line 1006.
    assert by_line[994]["total"] == Decimal("2272.62354")
    # Line 1103 prints 项目总额 42, 财政资金 blank, 其他资金 42.
    assert (
        by_line[1103]["total"],
        by_line[1103]["fiscal_funds"],
        by_line[1103]["other_funds"],
    ) == (Decimal(42), None, Decimal(42))
    # Table 14's transfer payment, from its 资金情况(万元) block.
    assert (by_line[1735]["table_no"], by_line[1735]["total"], by_line[1735]["fiscal_funds"]) == (
        "14",
        Decimal("9119.702500"),
        Decimal("9119.702500"),
    )


def test_13s_indicators_split_their_levels(indicators):
    row = indicator(indicators, 1722)
    assert (
        row["activity"],
        row["level1"],
        row["level2"],
        row["level3"],
        row["operator"],
        row["target_value"],
        row["unit"],
    ) == ("就业管理事务", "产出指标", "质量指标", "城镇调查失业率", "≤", Decimal(5), "%")


def test_the_marts_hold_every_project_and_indicator(marts):
    # 37 distinct projects in 12 (see test_one_row_per_distinct_project), one payment in 14.
    assert rows(
        marts, "select table_no, count(*) from marts.fct_project group by 1 order by 1"
    ) == [("12", 37), ("14", 1)]
    # Code ...742758 holds three projects: 600 (line 840), 24 (842) and 325 (844-852).
    assert rows(
        marts, "select amount from marts.yoy_project where project_code = '110000267000003742758'"
    ) == [(Decimal(949),)]
    assert rows(
        marts,
        "select table_no, count(*) from marts.fct_performance_indicator group by 1 order by 1",
    ) == [("12", 977), ("13", 11), ("14", 4)]
    assert rows(marts, "select distinct status, prior_amount from marts.yoy_project") == [
        ("new", None)
    ]


def test_performance_warnings_do_not_reject(marts):
    assert rows(marts, "select status from marts.dim_document") == [("published",)]
    (message,) = rows(
        marts,
        """
        select message from marts.data_quality
        where identity = '12.cost_within_project' and source_line = 945
    """,
    )[0]
    # Line 945 prints a project of 9.000000 万元 with 项目总成本 ≤ 219.80 on the same line: the
    # extractor put another project's indicator beside it, and no evidence says whose.
    assert "219.800000 > 9.000000" in message
    assert rows(
        marts,
        "select distinct outcome from marts.data_quality "
        "where check_name = 'performance' and not success",
    ) == [("warning",)]
    # Every cost above its project's total is on an indicator no evidence attached.
    assert rows(
        marts,
        """
        select distinct i.flags like '%attachment_uncertain%'
        from marts.data_quality q
        join marts.fct_performance_indicator i
          on i.document_id = q.document_id and i.source_line = q.source_line
        where q.identity = '12.cost_within_project' and not q.success
    """,
    ) == [(True,)]


def test_attachment_evidence_can_be_counted_with_a_query(marts):
    # The README's query: every indicator of 12 is counted once.
    counted = rows(marts, ATTACHMENT_QUERY)
    assert {how for how, _ in counted} == set(Attachment)
    assert sum(n for _, n in counted) == 977


ATTACHMENT_QUERY = """
    select regexp_extract(flags, 'attached_by_[a-z_]+|attachment_uncertain') as evidence,
           count(*) as indicators
    from marts.fct_performance_indicator
    where table_no = '12'
    group by evidence
    order by evidence
"""


# --- unreadable totals are never 0 ----------------------------------------------------------


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory):
    """The seed as 2025 and, as 2026, the seed with line 959's total changed by one digit, so
    that its cost indicators (lines 976-977: 13,843.441518) no longer prove a reading."""
    root = tmp_path_factory.mktemp("project_years")
    raw = make_raw_dir(
        root,
        {
            SEED_ID.replace("2026", "2025"): move_to_year(SEED, 2025).encode(),
            SEED_ID: edit_cell(SEED, 959, 1, "13.843441519").encode(),
        },
    )
    run = run_cli(raw, root / "warehouse.duckdb")
    assert run.returncode == 0, run.stdout + run.stderr
    con = duckdb.connect(str(run.warehouse), read_only=True)
    yield con
    con.close()


def test_yoy_project_keeps_an_unreadable_total_unknown(two_years):
    found = {
        code: rest
        for code, *rest in rows(
            two_years,
            """
        select project_code, amount, prior_amount, change, change_pct, status
        from marts.yoy_project where fiscal_year = 2026
    """,
        )
    }
    assert found["11000026700003742068"] == [
        None,
        Decimal("13843.441518"),
        None,
        None,
        "continuing",
    ]
    # Three projects of one code (lines 840, 842, 844-852): 600 + 24 + 325, both years.
    assert found["110000267000003742758"] == [
        Decimal(949),
        Decimal(949),
        Decimal(0),
        Decimal(0),
        "continuing",
    ]
    (flags,) = rows(
        two_years,
        """
        select flags from marts.fct_project
        where fiscal_year = 2026 and source_line = 959
    """,
    )[0]
    assert "malformed_number" in flags.split(",")


# --- no input of 12, 13 or 14 crashes the reader -------------------------------------------


@pytest.mark.parametrize(
    ("cell", "code", "flag"),
    [
        # Line 1103's project code without its name (-宣传服务项目).
        ("110000257000003343409", "110000257000003343409", "name_not_printed"),
        # 30 digits: no code, and no amount DECIMAL(18,6) holds.
        ("1" * 30, None, "malformed_number"),
    ],
)
def test_a_project_cell_the_extractor_cut_is_read_or_flagged(cell, code, flag):
    document = parse_document(
        edit_cell(SEED, 1103, 0, cell).encode(),
        document_id=SEED_ID,
        source_file=SEED_ID,
        folder_year=2026,
    )
    project = document.frames["projects"].filter(pl.col("source_line") == 1103).row(0, named=True)
    assert project["project_code"] == code
    assert flag in project["flags"].split(",")
    assert not document.rejected


_TABLE_12_TO_14 = range(
    SEED.split("\n").index("预算表12 项目支出绩效目标表") + 1, len(SEED.split("\n"))
)
_CELL_TEXT = st.one_of(
    st.text(alphabet="0123456789,.-－ABCX项目名称万元产出指标成本≤≥=定性 ", max_size=30),
    # Long figures: codes without names, amounts beyond DECIMAL(18,6), broken separators.
    st.text(alphabet="0123456789,.", min_size=1, max_size=40),
)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_no_change_to_tables_12_to_14_crashes_the_reader(data):
    lines = SEED.split("\n")
    number = data.draw(st.sampled_from(_TABLE_12_TO_14))
    cells = lines[number].split("\t")
    action = data.draw(st.sampled_from(["replace", "insert", "delete", "duplicate", "drop"]))
    index = data.draw(st.integers(0, len(cells) - 1))
    if action == "replace":
        cells[index] = data.draw(_CELL_TEXT)
    elif action == "insert":
        cells.insert(index, data.draw(_CELL_TEXT))
    elif action == "delete":
        del cells[index]
    lines[number] = "\t".join(cells)
    if action == "duplicate":
        lines.insert(number, lines[number])
    elif action == "drop":
        del lines[number]
    # DocumentError is the reader's own refusal, with its reason; nothing else may escape.
    with contextlib.suppress(DocumentError):
        parse_document(
            "\n".join(lines).encode(), document_id=SEED_ID, source_file=SEED_ID, folder_year=2026
        )
