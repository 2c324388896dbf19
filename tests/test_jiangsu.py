"""The Jiangsu template: three provincial offices' published budgets, 2017-2019, in the marts.

Each department-year is published as a PDF of tables (…表, …表格, …公开表) and, for most, a
PDF of text (…文件, …部门预算); 人大办公厅 binds the tables into the text in 2017 and 2018.
Figures asserted are the ones the PDFs print, in 万元 as printed (page numbers are the PDF's
own, as `source_page` records them). The real documents are not part of the repository: the
tests that read them skip, saying so, where `../shared/real-documents` is absent.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import polars as pl
import pytest
from conftest import CliRun, gate_texts, rows, run_cli

from orchestration.parsing import ParsedDocument, parse_document
from orchestration.parsing.templates import JIANGSU, Template, match_profile, normalise
from orchestration.settings import PROJECT_ROOT

REAL = PROJECT_ROOT.parent / "shared" / "real-documents"
JIANGSU_BUDGETS = REAL / "jiangsu" / "budget"

real_documents = pytest.mark.skipif(
    not JIANGSU_BUDGETS.is_dir(),
    reason=f"the real published documents are not here ({REAL}); they are not part of the "
    "repository",
)

PARTY = "江苏省委办公厅"
CPPCC = "江苏省政协办公厅"
CONGRESS = "江苏省人大办公厅"

# (office folder, file) by document id, the office in the file name: `<year>/<office>-<file>`.
TABLES = {
    2017: {
        PARTY: "江苏省委办公厅2017年预算公开表格.pdf",
        CPPCC: "2017年度部门预算公开表.pdf",
        CONGRESS: "江苏省人大办公厅2017年度预算公开.pdf",  # tables bound into the text
    },
    2018: {
        PARTY: "江苏省委办公厅2018年度部门预算公开表.pdf",
        CPPCC: "江苏省政协办公厅2018度部门预算公开表.pdf",
        CONGRESS: "省人大办公厅2018预算公开.pdf",  # tables bound into the text
    },
    2019: {
        PARTY: "江苏省委办公厅2019年度部门预算公开表格.pdf",
        CPPCC: "江苏省政协办公厅2019年预算公开表.pdf",
        CONGRESS: "江苏省人大常委会办公厅2019年部门预算公开表.pdf",
    },
}
# The text beside the tables: no ruled table on any page (measured with pdfplumber).
TEXTS = {
    2017: {
        PARTY: "江苏省委办公厅2017年部门预算.pdf",
        CPPCC: "江苏省政协办公厅2017年度部门预算.pdf",
    },
    2018: {
        PARTY: "江苏省委办公厅2018年度部门预算公开文件.pdf",
        CPPCC: "江苏省政协办公厅2018年度部门预算.pdf",
    },
    2019: {
        PARTY: "江苏省委办公厅2019年度部门预算公开文件.pdf",
        CPPCC: "江苏省政协办公厅2019年度部门预算.pdf",
        CONGRESS: "江苏省人大常委会2019年度部门预算公开.pdf",
    },
}


def document_id(year: int, office: str, name: str) -> str:
    return f"{year}/{office}-{name}"


def tables_id(year: int, office: str) -> str:
    return document_id(year, office, TABLES[year][office])


# The department as each 部门 line prints it. 省委办公厅 prints its full name in 2017 and the
# short one from 2018 (p.1 of each: «部门：中国共产党江苏省委员会办公厅», and from 2018
# «部门：中共江苏省委办公厅»); the build is given that as a rename, so its years compare.
PARTY_2017 = "中国共产党江苏省委员会办公厅"
PARTY_NAME = "中共江苏省委办公厅"
DEPARTMENTS = {
    (2017, PARTY): PARTY_2017,
    (2018, PARTY): PARTY_NAME,
    (2019, PARTY): PARTY_NAME,
    **{(year, CPPCC): "江苏省政协办公厅" for year in TABLES},
    **{(year, CONGRESS): "江苏省人大常委会办公厅" for year in TABLES},
}
RENAMES = (
    "old_name,new_name,effective_year,note\n"
    f"{PARTY_2017},{PARTY_NAME},2018,the same office: its full name in 2017\n"
)


@pytest.fixture(scope="session")
def jiangsu_build(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    """Every Jiangsu PDF, tables and texts, built once by the real CLI."""
    if not JIANGSU_BUDGETS.is_dir():
        pytest.skip(f"the real published documents are not here ({REAL})")
    root = tmp_path_factory.mktemp("jiangsu")
    raw = root / "raw"
    for documents in (TABLES, TEXTS):
        for year, offices in documents.items():
            for office, name in offices.items():
                target = raw / document_id(year, office, name)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(JIANGSU_BUDGETS / office / name, target)
    renames = root / "renames.csv"
    renames.write_text(RENAMES, encoding="utf-8")
    return run_cli(raw, root / "warehouse.duckdb", "--department-renames", str(renames))


@pytest.fixture
def marts(jiangsu_build: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(jiangsu_build.warehouse), read_only=True)
    yield con
    con.close()


@real_documents
def test_the_tables_publish_and_the_texts_are_companions(
    jiangsu_build: CliRun, marts: duckdb.DuckDBPyConnection
) -> None:
    assert jiangsu_build.returncode == 0, jiangsu_build.stdout + jiangsu_build.stderr
    documents = {
        row[0]: row[1:]
        for row in rows(
            marts,
            "select document_id, status, template, fiscal_year, department_name "
            "from marts.dim_document",
        )
    }
    for year, offices in TABLES.items():
        for office in offices:
            assert documents[tables_id(year, office)] == (
                "published",
                "jiangsu",
                year,
                DEPARTMENTS[year, office],
            )
    for year, offices in TEXTS.items():
        for office, name in offices.items():
            # Not a second budget of the same department and year: no template, no figures.
            assert documents[document_id(year, office, name)] == ("companion", None, None, None)
    assert len(documents) == sum(len(o) for o in TABLES.values()) + sum(
        len(o) for o in TEXTS.values()
    )


@real_documents
def test_a_text_beside_the_tables_withdraws_nothing(marts: duckdb.DuckDBPyConnection) -> None:
    # Two files of one department-year would be a conflict withdrawing both
    # (orchestration/warehouse/promote.py): the text PDFs are companions, so none is raised,
    # and each department-year has exactly its tables in the marts.
    assert rows(marts, "select count(*) from marts.data_quality where check_name = 'conflict'") == [
        (0,)
    ]
    published = rows(
        marts,
        "select fiscal_year, count(*) from marts.dim_document where status = 'published' "
        "group by all order by all",
    )
    assert published == [(2017, 3), (2018, 3), (2019, 3)]
    for year, offices in TEXTS.items():
        for office, name in offices.items():
            assert rows(
                marts,
                "select count(*) from marts.fct_general_budget_expenditure where document_id = ?",
                [document_id(year, office, name)],
            ) == [(0,)]


# 支出预算总表 (03) prints one line: 合计, 基本支出, 项目支出, 单位预留机动经费 (结转下年资金
# blank in all nine), and 一般公共预算支出预算表 (05) its 合计 above the codes.
EXPENDITURE_TOTALS = [
    # 省委 2017 p.3 «20,849.45 9,964.07 10,688.66 196.72»; p.8 (05) «合计 20,702.25»
    (2017, PARTY, ("20,849.45", "9,964.07", "10,688.66", "196.72"), 3, "20,702.25", 8),
    # 省委 2018 p.5 «24,458.43 10,403.11 12,081.46 1,973.86»; p.9 «合计 24,458.43»
    (2018, PARTY, ("24,458.43", "10,403.11", "12,081.46", "1,973.86"), 5, "24,458.43", 9),
    # 省委 2019 p.3 «27,664.22 11,700.63 13,025.38 2,938.21»; p.7 «合计 27,664.22»
    (2019, PARTY, ("27,664.22", "11,700.63", "13,025.38", "2,938.21"), 3, "27,664.22", 7),
    # 政协 2017 p.3 «9,146.79 5,916.27 3,123.68 106.84»; p.8 «合计 9,066.79»
    (2017, CPPCC, ("9,146.79", "5,916.27", "3,123.68", "106.84"), 3, "9,066.79", 8),
    # 政协 2018 p.3 «10,150.48 5,678.17 3,314.68 1,157.63»; p.7 «合计 10,070.48»
    (2018, CPPCC, ("10,150.48", "5,678.17", "3,314.68", "1,157.63"), 3, "10,070.48", 7),
    # 政协 2019 p.3 «13,377.11 6,522.75 4,968.34 1,886.02»; p.7 «合计 13,297.11»
    (2019, CPPCC, ("13,377.11", "6,522.75", "4,968.34", "1,886.02"), 3, "13,297.11", 7),
    # 人大 2017 p.10 «13,649.07 7,666.68 5,853.96 128.43»; p.16 «合计 13,649.07»
    (2017, CONGRESS, ("13,649.07", "7,666.68", "5,853.96", "128.43"), 10, "13,649.07", 16),
    # 人大 2018 p.10 «15897.44 7877.76 6333.96 1685.72»; p.13 «合计 15,897.44»
    (2018, CONGRESS, ("15897.44", "7877.76", "6333.96", "1685.72"), 10, "15,897.44", 13),
    # 人大 2019 p.3 «18,330.37 9,312.90 6,459.58 2,557.89»; p.7 «合计 18,330.37»
    (2019, CONGRESS, ("18,330.37", "9,312.90", "6,459.58", "2,557.89"), 3, "18,330.37", 7),
]


def wan(printed: str) -> Decimal:
    """A printed 万元 figure, exactly."""
    return Decimal(printed.replace(",", ""))


@real_documents
@pytest.mark.parametrize(
    ("year", "office", "printed", "page", "general", "general_page"), EXPENDITURE_TOTALS
)
def test_expenditure_totals_equal_the_printed_figures(
    marts: duckdb.DuckDBPyConnection,
    year: int,
    office: str,
    printed: tuple[str, str, str, str],
    page: int,
    general: str,
    general_page: int,
) -> None:
    document = tables_id(year, office)
    totals = {
        row[0]: row[1:]
        for row in rows(
            marts,
            "select column_key, amount, source_page from marts.fct_table_totals "
            "where document_id = ? and table_no = '03'",
            [document],
        )
    }
    keys = ("total", "basic", "project", "unit_reserve")
    assert {key: totals[key] for key in keys} == {
        key: (wan(figure), page) for key, figure in zip(keys, printed, strict=True)
    }
    assert totals["carryover"] == (None, page)
    # 03 prints no row per code: fct_expenditure has none of Jiangsu's.
    assert rows(
        marts, "select count(*) from marts.fct_expenditure where document_id = ?", [document]
    ) == [(0,)]
    [(general_total, pages)] = rows(
        marts,
        "select sum(total), list(distinct first_source_page order by first_source_page) "
        "from marts.fct_general_budget_expenditure where document_id = ?",
        [document],
    )
    assert general_total == wan(general)
    assert general_page in pages
    assert rows(
        marts,
        "select amount, source_page from marts.fct_table_totals "
        "where document_id = ? and table_no = '05' and column_key = 'total'",
        [document],
    ) == [(wan(general), general_page)]


# 类 rows of 一般公共预算支出预算表 (05), as printed: 201 一般公共服务支出, 208 社会保障和就业支出,
# 221 住房保障支出 (the only three categories each office budgets).
CATEGORIES = {
    # 省委 2017 p.8: «201 一般公共服务支出 16,845.17», «208 … 2,000.39», «221 … 1,856.69»
    (2017, PARTY): ("16,845.17", "2,000.39", "1,856.69"),
    # 省委 2018 p.9: 20,153.75, 1,289.52, 3,015.16
    (2018, PARTY): ("20,153.75", "1,289.52", "3,015.16"),
    # 省委 2019 p.7: 22,395.50, 1,374.63, 3,894.09
    (2019, PARTY): ("22,395.50", "1,374.63", "3,894.09"),
    # 政协 2017 p.8: 6,463.55, 1,509.72, 1,093.52
    (2017, CPPCC): ("6,463.55", "1,509.72", "1,093.52"),
    # 政协 2018 p.7: 7,747.46, 823.76, 1,499.26
    (2018, CPPCC): ("7,747.46", "823.76", "1,499.26"),
    # 政协 2019 p.7: 10,191.56, 858.51, 2,247.04
    (2019, CPPCC): ("10,191.56", "858.51", "2,247.04"),
    # 人大 2017 p.16: 10,528.33, 1,608.51; p.17: 1,512.23
    (2017, CONGRESS): ("10,528.33", "1,608.51", "1,512.23"),
    # 人大 2018 p.13: 12,706.28, 1,068.78, 2,122.38
    (2018, CONGRESS): ("12,706.28", "1,068.78", "2,122.38"),
    # 人大 2019 p.7: 13,907.78, 1,121.39, 3,301.20
    (2019, CONGRESS): ("13,907.78", "1,121.39", "3,301.20"),
}


@real_documents
@pytest.mark.parametrize(("year", "office"), list(CATEGORIES))
def test_category_rows_equal_the_printed_figures(
    marts: duckdb.DuckDBPyConnection, year: int, office: str
) -> None:
    found = dict(
        rows(
            marts,
            "select left(function_code, 3), sum(total) from marts.fct_general_budget_expenditure "
            "where document_id = ? group by all",
            [tables_id(year, office)],
        )
    )
    assert found == {
        category: wan(figure)
        for category, figure in zip(("201", "208", "221"), CATEGORIES[year, office], strict=True)
    }


# “三公”经费、会议费、培训费支出预算表 (09), one line: 合计 (三公, 会议费 and 培训费), 三公 小计,
# 因公出国（境）费, 公务用车 小计, 购置费, 运行维护费, 公务接待费, 会议费, 培训费; «-» a blank
# cell (0 in the tests).
THREE_PUBLIC = [
    # 省委 2017 p.11 «1,467.70 509.20 70.00 411.20 (blank) 411.20 28.00 933.50 25.00»
    (2017, PARTY, "1,467.70 509.20 70.00 411.20 - 411.20 28.00 933.50 25.00", 11),
    # 省委 2018 p.11 «1,471.70 508.20 70.00 411.20 (blank) 411.20 27.00 933.50 30.00»
    (2018, PARTY, "1,471.70 508.20 70.00 411.20 - 411.20 27.00 933.50 30.00", 11),
    # 省委 2019 p.9 «1,471.70 508.20 70.00 411.20 (blank) 411.20 27.00 933.50 30.00»
    (2019, PARTY, "1,471.70 508.20 70.00 411.20 - 411.20 27.00 933.50 30.00", 9),
    # 政协 2017 p.11 «1,852.32 676.10 76.00 156.60 (blank) 156.60 443.50 1,094.62 81.60»
    (2017, CPPCC, "1,852.32 676.10 76.00 156.60 - 156.60 443.50 1,094.62 81.60", 11),
    # 政协 2018 p.9 «1,656.86 675.10 106.00 156.60 (blank) 156.60 412.50 884.16 97.60»
    (2018, CPPCC, "1,656.86 675.10 106.00 156.60 - 156.60 412.50 884.16 97.60", 9),
    # 政协 2019 p.9 «2,224.43 660.10 106.00 156.60 (blank) 156.60 397.50 1,282.56 281.77»
    (2019, CPPCC, "2,224.43 660.10 106.00 156.60 - 156.60 397.50 1,282.56 281.77", 9),
    # 人大 2017 p.20 «2,542.60 833.60 222.50 183.60 0 183.60 427.50 1,305.25 403.75»
    (2017, CONGRESS, "2,542.60 833.60 222.50 183.60 0 183.60 427.50 1,305.25 403.75", 20),
    # 人大 2018 p.15 «2542.60 833.60 222.50 183.60 (blank) 183.60 427.50 1305.25 403.75»: the
    # same figures as 2017's
    (2018, CONGRESS, "2542.60 833.60 222.50 183.60 - 183.60 427.50 1305.25 403.75", 15),
    # 人大 2019 p.9 «2,600.71 767.60 199.25 183.60 (blank) 183.60 384.75 1,469.73 363.38»
    (2019, CONGRESS, "2,600.71 767.60 199.25 183.60 - 183.60 384.75 1,469.73 363.38", 9),
]


@real_documents
@pytest.mark.parametrize(("year", "office", "printed", "page"), THREE_PUBLIC)
def test_three_public_meetings_and_training_equal_the_printed_figures(
    marts: duckdb.DuckDBPyConnection,
    year: int,
    office: str,
    printed: str,
    page: int,
) -> None:
    [row] = rows(
        marts,
        "select grand_total, total, outbound_travel, vehicles_total, vehicle_purchase, "
        "vehicle_operation, reception, meetings, training, agency_operation, source_page "
        "from marts.fct_three_public where document_id = ?",
        [tables_id(year, office)],
    )
    assert tuple(value or Decimal(0) for value in row[:9]) == tuple(
        Decimal(0) if figure == "-" else wan(figure) for figure in printed.split()
    )
    # 机关运行经费 is a table of its own in Jiangsu: its 合计 (AGENCY_OPERATION).
    assert row[9:] == (wan(AGENCY_OPERATION[year, office][0]), page)


# 一般公共预算机关运行经费支出预算表 (17): its 合计 and page.
AGENCY_OPERATION = {
    (2017, PARTY): ("10,101.76", 10),  # p.10 «合计 10,101.76»
    (2018, PARTY): ("2,094.58", 13),  # p.13 «合计 2,094.58»
    (2019, PARTY): ("2,232.91", 11),  # p.11 «合 计 2,232.91»
    (2017, CPPCC): ("3,348.98", 10),  # p.10 «合计 3,348.98»
    (2018, CPPCC): ("1,115.85", 11),  # p.11 «合计 1,115.85»
    (2019, CPPCC): ("1,130.74", 11),  # p.11 «合计 1,130.74»
    (2017, CONGRESS): ("5,619.31", 19),  # p.19 «合计 5,619.31»
    (2018, CONGRESS): ("1579.38", 16),  # p.16 «合计 1579.38»
    (2019, CONGRESS): ("1,642.08", 11),  # p.11 «合计 1,642.08»
}


@real_documents
@pytest.mark.parametrize(("year", "office"), list(AGENCY_OPERATION))
def test_agency_operation_items_add_up_to_the_printed_total(
    marts: duckdb.DuckDBPyConnection, year: int, office: str
) -> None:
    document = tables_id(year, office)
    total, page = AGENCY_OPERATION[year, office]
    [(summed, pages, parents)] = rows(
        marts,
        "select sum(amount), list(distinct source_page), count(*) filter (where length("
        "econ_code) <> 5) from marts.fct_agency_operation where document_id = ?",
        [document],
    )
    # Items only: the 302 and 310 rows above them are not counted again.
    assert (summed, parents) == (wan(total), 0)
    assert rows(
        marts,
        "select amount, source_page from marts.fct_table_totals "
        "where document_id = ? and table_no = '17'",
        [document],
    ) == [(wan(total), page)]


# 财政拨款支出预算表（功能科目） (15): 合计 and 201 一般公共服务支出, with the page. No office
# has government funds in these years, so they equal 05's (CATEGORIES) figure for figure.
APPROPRIATION = {
    (2017, PARTY): ("20,702.25", "16,845.17", 5),  # p.5 «合计 20,702.25», «201 … 16,845.17»
    (2018, PARTY): ("24,458.43", "20,153.75", 7),  # p.7
    (2019, PARTY): ("27,664.22", "22,395.50", 5),  # p.5
    (2017, CPPCC): ("9,066.79", "6,463.55", 5),  # p.5
    (2018, CPPCC): ("10,070.48", "7,747.46", 5),  # p.5
    (2019, CPPCC): ("13,297.11", "10,191.56", 5),  # p.5
    (2017, CONGRESS): ("13,649.07", "10,528.33", 11),  # p.11
    (2018, CONGRESS): ("15,897.44", "12,706.28", 11),  # p.11
    (2019, CONGRESS): ("18,330.37", "13,907.78", 5),  # p.5
}


@real_documents
@pytest.mark.parametrize(("year", "office"), list(APPROPRIATION))
def test_appropriation_by_function_equals_the_printed_figures(
    marts: duckdb.DuckDBPyConnection, year: int, office: str
) -> None:
    document = tables_id(year, office)
    total, general_services, page = APPROPRIATION[year, office]
    [(summed, category, parents)] = rows(
        marts,
        "select sum(total), sum(total) filter (where function_code like '201%'), "
        "count(*) filter (where length(function_code) <> 7) "
        "from marts.fct_appropriation_expenditure where document_id = ?",
        [document],
    )
    assert (summed, category, parents) == (wan(total), wan(general_services), 0)
    assert rows(
        marts,
        "select amount, source_page from marts.fct_table_totals "
        "where document_id = ? and table_no = '15'",
        [document],
    ) == [(wan(total), page)]


# 政府采购预算表 (10) by 采购品目大类: 合计, «一、货物A» and «三、服务C» (no 工程 in any of the
# nine), with the page of 合计.
PROCUREMENT = {
    (2017, PARTY): ("1,774.70", "496.20", "1,278.50", 12),  # p.12; 服务C on p.13
    (2018, PARTY): ("1,449.50", "90.00", "1,359.50", 14),  # p.14
    (2019, PARTY): ("1,422.50", "84.00", "1,338.50", 12),  # p.12
    (2017, CPPCC): ("1,271.22", "259.32", "1,011.90", 12),  # p.12
    (2018, CPPCC): ("1,281.76", "355.67", "926.09", 12),  # p.12
    (2019, CPPCC): ("1,624.42", "350.00", "1,274.42", 12),  # p.12
    (2017, CONGRESS): ("2,247.85", "59.00", "2,188.85", 20),  # p.20; 服务C on p.21
    (2018, CONGRESS): ("2,064.25", "59.00", "2,005.25", 17),  # p.17
    (2019, CONGRESS): ("2,416.43", "233.10", "2,183.33", 12),  # p.12
}


@real_documents
@pytest.mark.parametrize(("year", "office"), list(PROCUREMENT))
def test_procurement_by_category_equals_the_printed_figures(
    marts: duckdb.DuckDBPyConnection, year: int, office: str
) -> None:
    document = tables_id(year, office)
    total, goods, services, page = PROCUREMENT[year, office]
    assert rows(
        marts,
        "select category_code, category_name, amount from marts.fct_procurement "
        "where document_id = ? order by category_code",
        [document],
    ) == [("A", "货物", wan(goods)), ("C", "服务", wan(services))]
    assert rows(
        marts,
        "select amount, source_page from marts.fct_table_totals "
        "where document_id = ? and table_no = '10'",
        [document],
    ) == [(wan(total), page)]


def expected_change(amount: str, prior: str) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(amount, prior, change, change_pct) from two printed figures: the percentage rounded
    half away from zero to 2 decimals, as README's "Comparing years" states."""
    now, before = wan(amount), wan(prior)
    change = now - before
    pct = (change / before * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return now, before, change, pct


@real_documents
@pytest.mark.parametrize("office", [PARTY, CPPCC, CONGRESS])
@pytest.mark.parametrize("year", [2018, 2019])
def test_year_over_year_follows_from_the_printed_categories(
    marts: duckdb.DuckDBPyConnection, office: str, year: int
) -> None:
    # The general public budget (05) by category, each year against the one before, from
    # the printed 类 rows of CATEGORIES (pages there). Jiangsu's 03 prints no codes, so it
    # has no all_funds rows.
    department = DEPARTMENTS[year, office]
    found = {
        row[0]: row[1:]
        for row in rows(
            marts,
            "select function_code, amount, prior_amount, change, change_pct, status "
            "from marts.yoy_function where department_name = ? and fiscal_year = ? "
            "and fund_scope = 'general_public_budget' and level = 'category'",
            [department, year],
        )
    }
    current, prior = CATEGORIES[year, office], CATEGORIES[year - 1, office]
    assert found == {
        category: (*expected_change(amount, before), "continuing")
        for category, amount, before in zip(("201", "208", "221"), current, prior, strict=True)
    }
    assert rows(
        marts,
        "select count(*) from marts.yoy_function where department_name = ? "
        "and fiscal_year = ? and fund_scope = 'all_funds'",
        [department, year],
    ) == [(0,)]


# 收支预算总表 (01) and 收入预算总表 (02) as printed: this year's 财政拨款 (all of it 一般公共预算:
# 政府性基金 is blank in all nine), the 财政专户管理资金 or 其他资金 beside it where printed
# (with the one part beneath it in 02), and 收入合计. Pages of 01 and of 02.
REVENUE = {
    # 省委 2017 p.1 «一、财政拨款 20,702.25», «二、财政专户管理资金 147.20», «当年收入小计
    # 20,849.45», «收入合计 20,849.45»; p.2 «收入总计 20,849.45», «一般公共预算资金 小计
    # 20,702.25», «公共财政拨款(补助)资金 20,702.25», «财政专户管理资金 小计 147.20»,
    # «其他非税收入 147.20»
    (2017, PARTY): (
        "20,702.25",
        ("fiscal_special_account", "other_non_tax", "147.20"),
        "20,849.45",
        1,
        2,
    ),
    # 省委 2018 p.3 «一、财政拨款 24,458.43 … 收入合计 24,458.43»; p.4 the same in 02
    (2018, PARTY): ("24,458.43", None, "24,458.43", 3, 4),
    # 省委 2019 p.1 «一、财政拨款 27,664.22 … 收入合计 27,664.22»; p.2 the same in 02
    (2019, PARTY): ("27,664.22", None, "27,664.22", 1, 2),
    # 政协 2017 p.1 «一、财政拨款 9,066.79», «三、其他资金 80.00», «收入合计 9,146.79»; p.2
    # «其他资金 小计 80.00», «其他收入 80.00»
    (2017, CPPCC): ("9,066.79", ("other_funds", "other", "80.00"), "9,146.79", 1, 2),
    # 政协 2018 p.1 «10,070.48», «80.00», «10,150.48»; p.2 the same in 02
    (2018, CPPCC): ("10,070.48", ("other_funds", "other", "80.00"), "10,150.48", 1, 2),
    # 政协 2019 p.1 «13,297.11», «80.00», «13,377.11»; p.2 the same in 02
    (2019, CPPCC): ("13,297.11", ("other_funds", "other", "80.00"), "13,377.11", 1, 2),
    # 人大 2017: 01 runs over p.7-9 (below); p.9 «收入总计 13,649.07», «一般公共预算资金 小计
    # 13,649.07», «公共财政拨款(补助)资金 13,649.07»
    (2017, CONGRESS): ("13,649.07", None, "13,649.07", 7, 9),
    # 人大 2018 p.8 «一、财政拨款 15897.44 … 收入合计 15897.44»; p.9 the same in 02
    (2018, CONGRESS): ("15897.44", None, "15897.44", 8, 9),
    # 人大 2019 p.1 «一、财政拨款 18,330.37 … 收入合计 18,330.37»; p.2 the same in 02
    (2019, CONGRESS): ("18,330.37", None, "18,330.37", 1, 2),
}


def printed_revenue(year: int, office: str) -> dict[tuple[str, str, str], tuple[Decimal, int]]:
    """Every line of 01's 收入 side and of 02 that prints an amount, as fct_revenue should hold
    it: (table_no, fund_group, revenue_source) -> (万元, page)."""
    appropriation, beside, total, page_01, page_02 = REVENUE[year, office]
    # 人大 2017 prints 01 over three pages: 当年收入小计 on p.8, 收入合计 on p.9.
    subtotal_page, total_page = (8, 9) if (year, office) == (2017, CONGRESS) else (page_01,) * 2
    current = total if beside else appropriation
    expected = {
        ("01", "current_year", "fiscal_appropriation"): (wan(appropriation), page_01),
        ("01", "current_year", "general_public_budget"): (wan(appropriation), page_01),
        ("01", "current_year", "subtotal"): (wan(current), subtotal_page),
        ("01", "total", "total"): (wan(total), total_page),
        ("02", "total", "total"): (wan(total), page_02),
        ("02", "current_year", "general_public_budget"): (wan(appropriation), page_02),
        ("02", "current_year", "general_appropriation"): (wan(appropriation), page_02),
    }
    if beside:
        group, part, amount = beside
        expected[("01", "current_year", group)] = (wan(amount), page_01)
        expected[("02", "current_year", group)] = (wan(amount), page_02)
        expected[("02", "current_year", part)] = (wan(amount), page_02)
    return expected


@real_documents
@pytest.mark.parametrize("year_office", list(REVENUE), ids=lambda k: f"{k[0]}-{k[1]}")
def test_revenue_equals_the_printed_figures(
    marts: duckdb.DuckDBPyConnection, year_office: tuple[int, str]
) -> None:
    year, office = year_office
    found = {
        row[:3]: row[3:]
        for row in rows(
            marts,
            "select table_no, fund_group, revenue_source, amount, source_page "
            "from marts.fct_revenue where document_id = ? and amount is not null",
            [tables_id(year, office)],
        )
    }
    assert found == printed_revenue(year, office)


@real_documents
def test_revenue_parts_name_the_line_they_are_printed_beneath(
    marts: duckdb.DuckDBPyConnection,
) -> None:
    # 政协 2019 p.2: «其他资金 小计 80.00» with «事业收入», «经营收入», «其他收入 80.00» beneath
    # it (no 债务资金 line that year); 01's «1.一般公共预算» is part of «一、财政拨款».
    found = rows(
        marts,
        "select table_no, revenue_source, part_of, revenue_name from marts.fct_revenue "
        "where document_id = ? and part_of is not null order by source_line, table_no",
        [tables_id(2019, CPPCC)],
    )
    assert found == [
        ("01", "general_public_budget", "fiscal_appropriation", "一般公共预算"),
        ("01", "government_fund", "fiscal_appropriation", "政府性基金预算"),
        ("02", "general_appropriation", "general_public_budget", "公共财政拨款(补助)资金"),
        ("02", "special_revenue", "general_public_budget", "专项收入"),
        ("02", "institution_business", "other_funds", "事业收入"),
        ("02", "institution_operating", "other_funds", "经营收入"),
        ("02", "other", "other_funds", "其他收入"),
    ]


@real_documents
@pytest.mark.parametrize("office", [PARTY, CPPCC, CONGRESS])
@pytest.mark.parametrize("year", [2018, 2019])
def test_revenue_year_over_year_follows_from_the_printed_figures(
    marts: duckdb.DuckDBPyConnection, office: str, year: int
) -> None:
    # 02's 收入总计 and 一般公共预算资金 each year against the year before (REVENUE's pages).
    found = {
        row[0]: row[1:]
        for row in rows(
            marts,
            "select revenue_source, amount, prior_amount, change, change_pct, status "
            "from marts.yoy_revenue where department_name = ? and fiscal_year = ? "
            "and revenue_source in ('total', 'general_public_budget')",
            [DEPARTMENTS[year, office], year],
        )
    }
    current, prior = REVENUE[year, office], REVENUE[year - 1, office]
    assert found == {
        "total": (*expected_change(current[2], prior[2]), "continuing"),
        "general_public_budget": (*expected_change(current[0], prior[0]), "continuing"),
    }


def _parsed(year: int, office: str) -> ParsedDocument:
    from orchestration.parsing.extract.pdf import extract_pdf

    name = TABLES[year][office]
    data = (JIANGSU_BUDGETS / office / name).read_bytes()
    return parse_document(
        data,
        document_id="d",
        source_file=name,
        folder_year=year,
        extracted=extract_pdf(data, name),
    )


@real_documents
def test_summary_labels_cut_by_a_page_break_are_one_line() -> None:
    # 人大 2017's 收支预算总表 runs over p.7-9 of the bound document: «八、社会保障和就»
    # «1,608.51» ends p.7 and «业支出» opens p.8; «当 年 收 入» «13,649.07» ends p.8 and
    # «小计» opens p.9. Each is one line, its amount where the label starts.
    parsed = _parsed(2017, CONGRESS)
    summary = parsed.frames["budget_summary"].filter(pl.col("table_no") == "01")
    printed = [
        (row["label"], row["amount"], row["source_line"], row["source_page"])
        for row in summary.filter(pl.col("amount").is_not_null()).to_dicts()
        if row["line_type"] in ("item", "subtotal") or row["label"] == "基本支出"
    ]
    assert printed == [
        ("财政拨款", wan("13,649.07"), 6, 7),
        ("一般公共服务支出", wan("10,528.33"), 6, 7),
        ("基本支出", wan("7,666.68"), 6, 7),
        ("社会保障和就业支出", wan("1,608.51"), 13, 7),
        ("住房保障支出", wan("1,512.23"), 25, 8),
        ("当年收入小计", wan("13,649.07"), 28, 8),
        ("当年支出小计", wan("13,649.07"), 28, 8),
    ]
    assert not [issue for issue in parsed.issues if issue.table_no in ("01", "02", "04")]


@real_documents
def test_the_appropriation_summary_is_read_by_its_labels() -> None:
    # 政协 2019 p.4 财政拨款收支预算总表: «一、一般公共预算 13,297.11 | 一、基本支出 6,442.75»,
    # «二、政府性基金预算 | 二、项目支出 4,968.34», «三、单位预留机动经费 1,886.02»,
    # «收入合计 13,297.11 | 支出合计 13,297.11».
    summary = _parsed(2019, CPPCC).frames["budget_summary"].filter(pl.col("table_no") == "04")
    printed = [
        (row["side"], row["line_type"], row["label"], row["amount"], row["source_page"])
        for row in summary.filter(pl.col("amount").is_not_null()).to_dicts()
    ]
    assert printed == [
        ("revenue", "item", "一般公共预算", wan("13,297.11"), 4),
        ("expenditure", "purpose", "基本支出", wan("6,442.75"), 4),
        ("expenditure", "purpose", "项目支出", wan("4,968.34"), 4),
        ("expenditure", "purpose", "单位预留机动经费", wan("1,886.02"), 4),
        ("revenue", "total", "收入合计", wan("13,297.11"), 4),
        ("expenditure", "total", "支出合计", wan("13,297.11"), 4),
    ]


@real_documents
def test_the_summary_identities_hold_on_every_document(
    marts: duckdb.DuckDBPyConnection,
) -> None:
    # 01, 02 and 04 against each other and against 03 and 15, on all nine: every comparison
    # holds exactly (none needs its rounding allowance).
    identities = (
        "01.fund_lines",
        "01.purpose_lines",
        "01.purpose_vs_03",
        "02.part_lines",
        "02.sources_vs_01",
        "02.grand_total_vs_01",
        "03.total_vs_01",
        "04.purpose_lines",
        "15.appropriation_vs_04",
    )
    found = rows(
        marts,
        "select identity, count(*), count(*) filter (where outcome = 'passed' "
        "and message like '%hold exactly%') from marts.data_quality "
        "where identity in (select unnest(?)) group by identity order by identity",
        [list(identities)],
    )
    assert found == [(identity, 9, 9) for identity in sorted(identities)]


@real_documents
def test_a_sources_revenue_sentence_is_not_read_as_the_total(
    marts: duckdb.DuckDBPyConnection,
) -> None:
    # 人大 2018 p.19 «（一）收入预算总计15897.44万元» and p.21 «本年收入预算合计15897.44万元»
    # are the total, as 01 prints it (p.8 «当年收入小计 15897.44»); «财政专户管理资金收入预算
    # 总计0万元» (p.19) and «其他资金收入预算总计0万元» (p.20) are those sources', not more
    # totals of 0.
    found = rows(
        marts,
        "select outcome, message from marts.data_quality where document_id = ? "
        "and identity = '01.stated_budget_figures'",
        [tables_id(2018, CONGRESS)],
    )
    assert [outcome for outcome, _ in found] == ["passed"]
    assert "2 comparison(s) hold exactly" in found[0][1]


@real_documents
def test_a_table_printed_twice_but_not_read_is_a_warning(marts: duckdb.DuckDBPyConnection) -> None:
    # 人大 2017 prints 财政拨款基本支出预算表 on p.11 and again from p.12, and 财政拨款政府性基金
    # 支出预算表 on p.11 and p.15: tables the profile does not read, so nothing of either
    # printing reaches the marts, and the document publishes with a warning for each.
    found = rows(
        marts,
        "select table_no, source_line, outcome, message from marts.data_quality "
        "where document_id = ? and message like '%appears twice%' order by table_no",
        [tables_id(2017, CONGRESS)],
    )
    assert [row[:3] for row in found] == [("07", 154, "warning"), ("16", 124, "warning")]
    assert "page 15" in found[0][3] and "page 12" in found[1][3]


# --- the profile alone, on lines in the extracted layout (no PDF needed) -------------------

JIANGSU_LINES = [
    "公开03表",
    "支出预算总表",
    "部门：中国共产党江苏省委员会办",
    "单位：万元",
    "公厅",
    "合计\t基本支出\t项目支出\t单位预留机动经费\t结转下年资金",
    "30.00\t10.00\t15.00\t5.00\t",
    "",
    "一般公共预算支出预算表（功能科目）部门：中国共产党江苏省委员会办公厅 单位：万元\t\t",
    "功能科目编码\t功能科目名称\t金额",
    "合计\t\t30.00",
    "201\t一般公共服务支出\t30.00",
    "20131\t党委办公厅（室）及相关机构事务\t30.00",
    "2013101\t行政运行\t20.00",
    "2013102\t一般行政管理事务\t10.00",
    "7",
    "",
    "“三公”经费、会议费、培训费支出预算",
    "表",
    "部门：\t中国共产党江苏省委员会办公厅\t\t\t单位：万元",
]


def test_titles_department_lines_and_layout_lines_are_recognised() -> None:
    assert match_profile(JIANGSU_LINES) is JIANGSU
    normalised = normalise(JIANGSU_LINES, JIANGSU)
    # The department line wrapped in its cell («…委员会办» / «公厅») is the full name.
    assert normalised.department_name == "中国共产党江苏省委员会办公厅"
    # No title prints a year: the profile takes the folder's (parse_document).
    assert normalised.fiscal_year is None
    assert normalised.lines[:4] == ["", "预算03表 支出总表", "", "单位：万元"]
    # A title that carries its department and unit in its own cell: the unit is its table's.
    assert normalised.lines[8] == "预算05表 一般公共预算支出表"
    assert normalised.title_units == {9: "万元"}
    # The page number closing a page, and the second line of a wrapped title, are layout.
    assert normalised.lines[15] == ""
    assert normalised.lines[17:20] == ["预算09表 财政拨款“三公”经费支出表", "", "金额单位：万元"]


def test_only_item_rows_are_kept_and_the_year_is_the_folders() -> None:
    text = "\n".join(JIANGSU_LINES[:17]) + "\n"
    document = parse_document(
        text.encode(), document_id="2018/x.txt", source_file="2018/x.txt", folder_year=2018
    )
    assert document.template == Template.JIANGSU
    assert (document.fiscal_year, document.department_name) == (
        2018,
        "中国共产党江苏省委员会办公厅",
    )
    general = document.frames["general_budget_expenditure"]
    # 201 and 20131 are printed parents of 2013101 and 2013102: kept as printed codes only.
    assert general["function_code"].to_list() == ["2013101", "2013102"]
    assert general["total"].to_list() == [Decimal("20"), Decimal("10")]
    totals = {
        (row["table_no"], row["column_key"]): row["amount"]
        for row in document.frames["table_totals"].to_dicts()
    }
    assert totals[("03", "unit_reserve")] == Decimal("5")
    assert totals[("05", "total")] == Decimal("30")
    assert sorted(document.frames["printed_codes"]["code"].to_list()) == ["201", "20131"]


def test_without_a_year_folder_the_year_is_unknown_and_said_so() -> None:
    text = "\n".join(JIANGSU_LINES[:17]) + "\n"
    document = parse_document(text.encode(), document_id="x.txt", source_file="x.txt")
    assert document.fiscal_year is None
    [issue] = [i for i in document.issues if "one year" in i.message]
    assert issue.rejects
    assert "data/raw/<year>/" in issue.message


def _jiangsu_text(basic_in_03: str, meetings: str, other_income: str = "1.00") -> str:
    """A small document in Jiangsu's layout (the real ones' titles, 部门 lines and headers):
    收入 29.00 财政拨款 and 1.00 其他资金 (its 其他收入 given); 03 合计 30.00 with 10.00
    基本支出 given, 15.00 项目支出 and 5.00 单位预留机动经费; 09 合计 4.00 with 三公 1.00,
    培训费 1.00 and 会议费 given."""
    department = "部门：江苏省某厅 单位：万元"
    lines = [
        "收支预算总表",
        department,
        "收入\t\t支出\t\t\t",
        "项目名称\t金额\t功能分类\t\t支出用途\t",
        "\t\t功能科目名称\t金额\t项目名称\t金额",
        "一、财政拨款\t29.00\t一、一般公共服务支出\t30.00\t一、基本支出\t10.00",
        "1.一般公共预算\t29.00\t二、外交支出\t\t二、项目支出\t15.00",
        "2.政府性基金预算\t\t三、国防支出\t\t三、单位预留机动经费\t5.00",
        "二、财政专户管理资金\t\t四、公共安全支出\t\t\t",
        "三、其他资金\t1.00\t五、教育支出\t\t\t",
        "当年收入小计\t30.00\t当年支出小计\t\t\t30.00",
        "上年结转资金\t\t结转下年资金\t\t\t",
        "收入合计\t30.00\t支出合计\t\t\t30.00",
        "",
        "收入预算总表",
        department,
        "项目名称\t\t金额",
        "收入总计\t\t30.00",
        "一般公共预算资金\t小计\t29.00",
        "\t公共财政拨款(补助)资金\t29.00",
        "\t专项收入\t",
        "政府性基金\t小计\t",
        "财政专户管理资金\t小计\t",
        "其他资金\t小计\t1.00",
        "\t事业收入\t",
        f"\t其他收入\t{other_income}",
        "上年结转和结余资金\t小计\t",
        "\t其中：动用上年结转和结余资金\t",
        "",
    ]
    lines += [
        "支出预算总表",
        department,
        "合计\t基本支出\t项目支出\t单位预留机动经费\t结转下年资金",
        f"30.00\t{basic_in_03}\t15.00\t5.00\t",
        "",
    ]
    lines += [
        "财政拨款收支预算总表",
        department,
        "收入\t\t支出\t",
        "项目名称\t金额\t支出用途\t",
        "\t\t项目名称\t金额",
        "一、一般公共预算\t29.00\t一、基本支出\t10.00",
        "二、政府性基金预算\t\t二、项目支出\t14.00",
        "\t\t三、单位预留机动经费\t5.00",
        "收入合计\t29.00\t支出合计\t29.00",
        "",
    ]
    lines += [
        "一般公共预算支出预算表（功能科目）",
        department,
        "功能科目编码\t功能科目名称\t金额",
        "合计\t\t29.00",
        "201\t一般公共服务支出\t29.00",
        "20131\t党委办公厅（室）及相关机构事务\t29.00",
        "2013101\t行政运行\t29.00",
        "",
        "一般公共预算基本支出预算表（经济科目）",
        department,
        "科目编码\t科目名称\t金额",
        "合计\t\t10.00",
        "301\t工资福利支出\t10.00",
        "30101\t基本工资\t10.00",
        "",
        "“三公”经费、会议费、培训费支出预算表",
        "部门：江苏省某厅\t\t\t\t\t\t单位：万元\t\t",
        "合计\t“三公”经费\t\t\t\t\t\t会议费\t培训费",
        "\t小计\t因公出国（境）费\t公务用车购置及运行维护费\t\t\t公务接待费\t\t",
        "\t\t\t小计\t公务用车购置费\t公务用车运行维护费\t\t\t",
        f"4.00\t1.00\t\t\t\t\t1.00\t{meetings}\t1.00",
    ]
    return "\n".join(lines) + "\n"


def test_a_summary_figure_that_cannot_be_placed_is_reported_not_attached() -> None:
    # Two amounts after one label (the second has no label of its own), a label the table
    # does not print, and a 02 line beneath no group: each is reported on its line, and none
    # of their figures is stored.
    good = _jiangsu_text("10.00", "2.00")
    two_amounts = "三、其他资金\t1.00\t5.00\t五、教育支出\t\t\t"
    unknown = "四、彩票公益金\t\t六、科学技术支出\t\t\t"
    beneath_none = "\t公共财政拨款(补助)资金\t29.00"
    of_which = "\t其中：动用上年结转和结余资金\t3.00"
    text = (
        good.replace("三、其他资金\t1.00\t五、教育支出\t\t\t", f"{two_amounts}\n{unknown}")
        .replace("项目名称\t\t金额\n收入总计", f"项目名称\t\t金额\n{beneath_none}\n收入总计")
        .replace("\t其中：动用上年结转和结余资金\t\n", f"{of_which}\n")
    )
    document = parse_document(
        text.encode(), document_id="2019/x.txt", source_file="2019/x.txt", folder_year=2019
    )
    found = [
        (issue.table_no, issue.line, issue.message, issue.rejects)
        for issue in document.issues
        if issue.table_no in ("01", "02")
    ]
    assert found == [
        ("01", _line_of(text, two_amounts), "the amount 5.00 follows no label of its own", True),
        ("01", _line_of(text, unknown), "«四、彩票公益金» is no line this table prints", True),
        (
            "02",
            _line_of(text, beneath_none),
            "«公共财政拨款(补助)资金» is not a known source beneath a group's 小计",
            True,
        ),
        # A figure on a 其中 line is not read, and said so without rejecting.
        (
            "02",
            _line_of(text, of_which),
            "«其中：动用上年结转和结余资金» 3.00: a part of the line above, not read",
            False,
        ),
    ]
    summary = document.frames["budget_summary"]
    assert summary.filter(pl.col("source_line") == _line_of(text, two_amounts)).is_empty()
    # The line's other pair is placed by its own label (六、科学技术支出, blank).
    assert summary.filter(pl.col("source_line") == _line_of(text, unknown))["label"].to_list() == [
        "科学技术支出"
    ]
    revenue = document.frames["revenue"]
    assert revenue.filter(pl.col("source_line") == _line_of(text, beneath_none)).is_empty()


def _line_of(text: str, printed: str) -> int:
    return text.splitlines().index(printed) + 1


def test_the_jiangsu_identities_reject_a_difference_naming_the_line(tmp_path) -> None:
    documents = {
        "good": _jiangsu_text("10.00", "2.00"),
        "totals": _jiangsu_text("11.00", "2.00"),
        "meetings": _jiangsu_text("10.00", "2.50"),
        "parts": _jiangsu_text("10.00", "2.00", other_income="0.90"),
    }
    verdicts, failed = gate_texts(tmp_path, 2019, documents)
    assert verdicts == {
        "2019/good.txt": "published",
        "2019/totals.txt": "rejected",
        "2019/meetings.txt": "rejected",
        "2019/parts.txt": "rejected",
    }
    by_identity = {(row[0], row[1]): row[2:] for row in failed}
    assert set(by_identity) == {
        ("2019/meetings.txt", "09.meetings_training"),
        ("2019/totals.txt", "03.basic_project_reserve"),
        ("2019/totals.txt", "01.purpose_vs_03"),
        ("2019/parts.txt", "02.part_lines"),
    }
    # 09 合计 prints 4.00 against 三公 1.00 + 会议费 2.50 + 培训费 1.00 = 4.50.
    line, message = by_identity["2019/meetings.txt", "09.meetings_training"]
    assert line == _line_of(documents["meetings"], "4.00\t1.00\t\t\t\t\t1.00\t2.50\t1.00")
    assert "4.000000" in message and "4.500000" in message
    # 03 合计 prints 30.00 against 11.00 + 15.00 + 5.00 = 31.00; and 01's 基本支出 10.00
    # against 03's 11.00.
    line, message = by_identity["2019/totals.txt", "03.basic_project_reserve"]
    assert line == _line_of(documents["totals"], "30.00\t11.00\t15.00\t5.00\t")
    assert "30.000000" in message and "31.000000" in message
    line, message = by_identity["2019/totals.txt", "01.purpose_vs_03"]
    assert line == _line_of(
        documents["totals"], "一、财政拨款\t29.00\t一、一般公共服务支出\t30.00\t一、基本支出\t10.00"
    )
    assert "10.000000" in message and "11.000000" in message
    # 02 其他资金 小计 prints 1.00 against its one part, 其他收入 0.90.
    line, message = by_identity["2019/parts.txt", "02.part_lines"]
    assert line == _line_of(documents["parts"], "其他资金\t小计\t1.00")
    assert "1.000000" in message and "0.900000" in message


@pytest.mark.parametrize(
    "printed",
    # 政协 2018-2019 p.1 «公开01表», 人大 2018 p.8 «公开 01表», 人大 2019 p.1 «公开表一»,
    # 政协 2017 p.1 «表一», 政协 2017 p.11 «表十一»
    ["公开01表", "公开 01表", "公开表一", "表一", "表十一"],
)
def test_table_numbering_lines_are_layout(printed: str) -> None:
    lines = [printed, "支出预算总表", "部门：江苏省某厅 单位：万元"]
    assert normalise(lines, JIANGSU).lines == ["", "预算03表 支出总表", "金额单位：万元"]
