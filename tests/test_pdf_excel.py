"""Documents as departments publish them: the seed rendered as a ruled PDF and as a workbook
builds the same marts as the seed's text; real PDFs extract with their pages; scans, unruled
tables, unmapped fonts and encrypted files are rejected with their page, and the rest publish."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import CliRun, make_raw_dir, rows, run_cli
from documents import rename_department, seed_text
from rendering import Page, render_pdf, render_xlsx, seed_pages

from orchestration.parsing.extract import SourceFormat, extract
from orchestration.parsing.extract.model import join_wrapped
from orchestration.runner import execute_build
from orchestration.settings import PROJECT_ROOT, Settings

PDF_ID = "2026/北京市人力资源和社会保障局.pdf"
XLSX_ID = "2026/北京市人力资源和社会保障局.xlsx"
COMPANION_ID = "2026/北京市人力资源和社会保障局部门预算说明.pdf"
REAL_DOCUMENTS = PROJECT_ROOT.parent / "shared" / "real-documents"

# Every fact table of 01-11 and 13, compared row for row on every column but provenance.
PROVENANCE = {
    "document_id",
    "source_line",
    "source_page",
    "first_source_line",
    "first_source_page",
    "project_line",
}
FACT_MARTS = (
    "fct_expenditure",
    "fct_general_budget_expenditure",
    "fct_basic_expenditure",
    "fct_revenue",
    "fct_three_public",
    "fct_procurement",
    "fct_purchased_services",
    "yoy_function",
    "yoy_economic",
    "yoy_revenue",
    "yoy_three_public",
)


def narrative_pdf() -> bytes:
    """An explanation without tables, as Jiangsu publishes beside its tables."""
    pages = [
        Page(
            texts=[
                "北京市人力资源和社会保障局2026年部门预算情况说明",
                "一、部门职责：负责全市人力资源和社会保障工作。",
                "二、收支预算情况：2026年收入预算134133.33万元。",
            ]
        )
    ]
    return render_pdf(pages)


@pytest.fixture(scope="session")
def seed_pdf() -> bytes:
    return render_pdf(seed_pages(seed_text()))


@pytest.fixture(scope="session")
def pdf_build(tmp_path_factory: pytest.TempPathFactory, seed_pdf: bytes) -> CliRun:
    """The seed as a ruled PDF, beside a companion PDF of text only, built by the real CLI."""
    root = tmp_path_factory.mktemp("pdf_build")
    raw = make_raw_dir(root, {PDF_ID: seed_pdf, COMPANION_ID: narrative_pdf()})
    return run_cli(raw, root / "warehouse.duckdb")


@pytest.fixture(scope="session")
def xlsx_build(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    """The seed as a workbook: one sheet per table, 07 and 08 sharing a sheet."""
    root = tmp_path_factory.mktemp("xlsx_build")
    workbook = render_xlsx(seed_text(), sheet_of_table={"07": "基金和国资", "08": "基金和国资"})
    raw = make_raw_dir(root, {XLSX_ID: workbook})
    return run_cli(raw, root / "warehouse.duckdb")


def mart_rows(warehouse: Path, mart: str, where: str = "true") -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = [
            c
            for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema = 'marts' "
                "and table_name = ? order by ordinal_position",
                [mart],
            ).fetchall()
            if c not in PROVENANCE
        ]
        return sorted(
            rows(con, f"select {', '.join(columns)} from marts.{mart} where {where}"), key=repr
        )


@pytest.mark.slow
@pytest.mark.parametrize("build_name", ["pdf_build", "xlsx_build"])
def test_published_formats_build_the_text_marts(request, build_name, cli_build):
    build: CliRun = request.getfixturevalue(build_name)
    assert build.returncode == 0, build.stdout + build.stderr
    for mart in FACT_MARTS:
        expected = mart_rows(cli_build.warehouse, mart)
        assert expected, mart
        assert mart_rows(build.warehouse, mart) == expected, mart
    # 13's indicators whole; 12 and 14 by their amounts and targets.
    assert mart_rows(build.warehouse, "fct_performance_indicator", "table_no = '13'") == mart_rows(
        cli_build.warehouse, "fct_performance_indicator", "table_no = '13'"
    )
    amounts = "table_no, project_code, total, fiscal_funds, other_funds"
    with (
        duckdb.connect(str(build.warehouse), read_only=True) as con,
        duckdb.connect(str(cli_build.warehouse), read_only=True) as text,
    ):
        query = f"select {amounts} from marts.fct_project order by all"
        assert rows(con, query) == rows(text, query)
        query = (
            "select table_no, project_code, operator, target_value, unit "
            "from marts.fct_performance_indicator where table_no <> '13' order by all"
        )
        assert rows(con, query) == rows(text, query)


@pytest.mark.slow
def test_pdf_rows_carry_their_page(pdf_build):
    with duckdb.connect(str(pdf_build.warehouse), read_only=True) as con:
        # 收支总表's first page prints 一、一般公共预算拨款收入 112,859.652716 (seed line 9); its
        # second page, after the seed's page break (line 30), 上年结转结余 15,763.256473 (line
        # 37). The rendering gives every seed page a PDF page, and 01 starts on the first.
        assert rows(
            con,
            "select revenue_name, amount, source_page from marts.fct_revenue "
            "where table_no = '01' and revenue_name in "
            "('一般公共预算拨款收入', '上年结转结余') order by source_line",
        ) == [
            ("一般公共预算拨款收入", Decimal("112859.652716"), 1),
            ("上年结转结余", Decimal("15763.256473"), 2),
        ]
        assert rows(
            con, "select count(*) from marts.fct_expenditure where source_page is null"
        ) == [(0,)]
        assert rows(
            con,
            "select source_format, extractor like 'pdfplumber %', status "
            "from marts.dim_document order by document_id",
        ) == [("pdf", True, "published"), ("pdf", True, "companion")]


@pytest.mark.slow
def test_a_companion_pdf_is_recorded_and_not_rejected(pdf_build):
    # Exit 0: the companion is the only oddity of the run.
    assert pdf_build.returncode == 0, pdf_build.stdout + pdf_build.stderr
    assert "1 published, 0 rejected" in pdf_build.stdout
    with duckdb.connect(str(pdf_build.warehouse), read_only=True) as con:
        assert rows(
            con, "select status from marts.dim_document where document_id = ?", [COMPANION_ID]
        ) == [("companion",)]
        [(message,)] = rows(
            con, "select message from marts.data_quality where document_id = ?", [COMPANION_ID]
        )
        assert "no tables on its 1 pages" in message


@pytest.mark.slow
def test_a_rebuild_extracts_nothing(pdf_build):
    """Read again (--reread), the PDF's extraction comes from the cache."""
    settings = Settings.from_env(raw_dir=pdf_build.raw_dir, warehouse=pdf_build.warehouse)
    cache = sorted((settings.build_dir / "extracted").glob("*.json"))
    assert len(cache) == 2  # the seed and the companion
    before = [path.stat().st_mtime_ns for path in cache]
    result = execute_build(settings, [PDF_ID, COMPANION_ID], reread=True)
    assert result.success
    # One materialisation per partition (document), each with the run's counts.
    metadata = result.asset_materializations_for_node("raw_documents")[0].metadata
    assert metadata["documents_read"].value == 2
    assert metadata["documents_extracted"].value == 0
    assert metadata["extractions_from_cache"].value == 2
    assert [path.stat().st_mtime_ns for path in cache] == before


# --- rejections, each with its page, while the other documents publish -------------------

SCAN_ID = "2026/扫描局.pdf"
UNRULED_ID = "2026/无框线局.pdf"
UNMAPPED_ID = "2026/字体局.pdf"
ENCRYPTED_ID = "2026/加密局.pdf"


def scanned_pdf(pages: list[Page]) -> bytes:
    """The document with its pages 3-5 printed as images only (a scan in the middle)."""
    from PIL import Image
    from rendering import draw_page
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    scan = Image.new("L", (200, 280), 255)
    for number, page in enumerate(pages, start=1):
        if 3 <= number <= 5:
            pdf.setPageSize((595, 842))
            pdf.drawImage(ImageReader(scan), 40, 40, 515, 760)
        else:
            draw_page(pdf, page, ruled=True)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def unmapped_pdf(pages: list[Page]) -> bytes:
    """The CID font declared with an ordering no character map knows: pdfminer gives (cid:N)."""
    data = render_pdf(pages)
    assert data.count(b"/Ordering (GB1)") == 1
    return data.replace(b"/Ordering (GB1)", b"/Ordering (XYZ)")


@pytest.fixture(scope="session")
def rejection_build(tmp_path_factory: pytest.TempPathFactory, seed_pdf: bytes) -> CliRun:
    text = seed_text()
    pages = {
        name: seed_pages(rename_department(text, name))
        for name in ("扫描局", "无框线局", "字体局", "加密局")
    }
    unruled = pages["无框线局"]
    root = tmp_path_factory.mktemp("rejections")
    raw = make_raw_dir(
        root,
        {
            PDF_ID: seed_pdf,
            SCAN_ID: scanned_pdf(pages["扫描局"]),
            # Page 4, the first page of 03 支出总表, printed without its grid; the rest ruled.
            UNRULED_ID: _mixed_ruling(unruled, unruled_page=4),
            UNMAPPED_ID: unmapped_pdf(pages["字体局"][:6]),
            ENCRYPTED_ID: render_pdf(pages["加密局"][:6], encrypt="secret"),
        },
    )
    return run_cli(raw, root / "warehouse.duckdb")


def _mixed_ruling(pages: list[Page], unruled_page: int) -> bytes:
    from rendering import draw_page
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for number, page in enumerate(pages, start=1):
        draw_page(pdf, page, ruled=number != unruled_page)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


@pytest.mark.slow
def test_rejections_name_the_page_and_the_rest_publish(rejection_build):
    assert rejection_build.returncode == 1, rejection_build.stdout + rejection_build.stderr
    with duckdb.connect(str(rejection_build.warehouse), read_only=True) as con:
        assert rows(
            con, "select document_id, status from marts.dim_document order by document_id"
        ) == sorted(
            [
                (PDF_ID, "published"),
                (SCAN_ID, "rejected"),
                (UNRULED_ID, "rejected"),
                (UNMAPPED_ID, "rejected"),
                (ENCRYPTED_ID, "rejected"),
            ]
        )
        # The seed still publishes all of 03 (241 rows, 合计 131,905.904856 on seed line 55's page).
        assert rows(con, "select count(*), sum(total) from marts.fct_expenditure") == [
            (241, Decimal("131905.904856"))
        ]
        messages = dict(
            rows(
                con,
                "select document_id, message from marts.data_quality "
                "where outcome = 'rejected' and check_name = 'extract'",
            )
        )
    assert messages[SCAN_ID].startswith(
        f"{SCAN_ID}, page 3: no text layer on pages 3-5 (scanned images); OCR is not supported"
    )
    assert messages[UNRULED_ID].startswith(
        f"{UNRULED_ID}, page 4: page 4 prints a table without ruling lines"
    )
    assert messages[UNMAPPED_ID].startswith(
        f"{UNMAPPED_ID}, page 1: text that does not map to Unicode on pages 1-6 ((cid:"
    )
    assert messages[ENCRYPTED_ID] == (
        f"{ENCRYPTED_ID}: the PDF is encrypted with a password; publish or supply it without one"
    )


@pytest.mark.slow
def test_unruled_lines_are_reported_as_not_understood_with_their_page(rejection_build):
    with duckdb.connect(str(rejection_build.warehouse), read_only=True) as con:
        found = rows(
            con,
            "select message from marts.data_quality where document_id = ? "
            "and outcome = 'rejected' and check_name = 'parse'",
            [UNRULED_ID],
        )
    # 03's first page, read without a grid: its lines are not understood.
    assert found
    assert all(
        message.startswith(f"{UNRULED_ID}, page 4, table 03, line ") for (message,) in found
    ), found


# --- the extraction itself ----------------------------------------------------------------


def test_wrapped_cell_lines_join_by_script():
    assert join_wrapped("一般公共预算\n拨款收入") == "一般公共预算拨款收入"
    assert join_wrapped("112,859.\n652716") == "112,859.652716"
    assert join_wrapped("Total\namount") == "Total amount"
    assert join_wrapped("30101-\n基本工资") == "30101-基本工资"


def test_workbook_amounts_lose_the_binary_noise_and_codes_keep_their_zeros(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "预算03表"
    sheet.append(["预算03表 支出总表"])
    sheet.append(["金额单位：元"])
    sheet.append(["类", "款", "项", "合计"])
    # A sum computed in floating point: 0.1 + 0.2 元 prints as 0.30.
    sheet.append([208, 5, 6, 96282213.44 + 0.1 + 0.2])
    sheet.append([208, 5, 6, "13.843441518"])
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()
    extraction = extract(data, "2026/x.xlsx", SourceFormat.XLSX, sha256="0" * 64)
    lines = extraction.document.lines
    assert lines[3] == "208\t05\t06\t96282213.74"
    # Printed with too many decimals: kept as printed, for the reader to report.
    assert lines[4] == "208\t05\t06\t13.843441518"
    assert extraction.document.pages[3] == 1
    assert extraction.document.sheets == ["预算03表"]


def test_a_workbook_that_cannot_be_opened_is_rejected_with_the_reason():
    extraction = extract(b"PK\x03\x04 not a zip", "2026/x.xlsx", SourceFormat.XLSX, sha256="1" * 64)
    assert extraction.document is None
    assert str(extraction.error).startswith("2026/x.xlsx: the workbook cannot be opened")


def real_pdfs() -> list[Path]:
    return sorted(REAL_DOCUMENTS.rglob("*.pdf")) if REAL_DOCUMENTS.is_dir() else []


@pytest.fixture(scope="module")
def real_extractions():
    if not real_pdfs():
        pytest.skip(f"{REAL_DOCUMENTS} is absent: the real PDFs are not in this checkout")
    return {
        path.relative_to(REAL_DOCUMENTS).as_posix(): extract(
            path.read_bytes(), path.name, SourceFormat.PDF, sha256=path.name
        )
        for path in real_pdfs()
    }


def test_every_real_pdf_extracts_without_error(real_extractions):
    for name, extraction in real_extractions.items():
        assert extraction.error is None, name
        document = extraction.document
        assert document.issues == [], (name, document.issues)
        assert len(document.pages) == len(document.lines)
        assert all(1 <= page <= document.page_count for page in document.pages)
        # Jiangsu publishes the explanation apart from the tables: …文件, …部门预算 (no 表).
        if "表" in name.rsplit("/", 1)[-1] or "shanghai" in name:
            assert len(document.table_pages) >= 9, name
        if name.endswith(("公开文件.pdf", "年度部门预算.pdf")):
            assert document.companion, name


def _page_lines(extraction, page: int) -> list[str]:
    document = extraction.document
    return [line for line, p in zip(document.lines, document.pages, strict=True) if p == page]


def test_real_cells_are_read_as_printed(real_extractions):
    # 2026 上海市普陀区司法局, page 13 (部门支出预算总表, continued), as pypdfium2's text prints
    # it: "208 05 06 机关事业单位职业年金缴费支出 919739.00 919739.00 0.00".
    justice = real_extractions["shanghai-putuo/budget/2026-上海市普陀区司法局.pdf"]
    assert "208\t05\t06\t机关事业单位职业年金缴费支出\t919739.00\t919739.00\t0.00" in _page_lines(
        justice, 13
    )
    # Page 10, 部门财务收支预算总表: its title and unit line outside the grid, then the grid.
    page10 = _page_lines(justice, 10)
    assert page10[:2] == ["2026年部门财务收支预算总表", "编制部门：上海市普陀区司法局 单位：元"]
    assert "收入总计\t96,282,213.44\t支出总计\t96,282,213.44" in page10
    # Narrative pages (4-9: 职能, 机构, 名词解释, 编制说明) are skipped.
    assert not any(4 <= page <= 9 for page in justice.document.pages)
    # 2019 江苏省委办公厅 tables: page 3 (支出预算总表) sits in a page-wide frame that the
    # lattice returns as one huge first cell; unwrapped, the title is a line of its own and the
    # grid prints 合计 27,664.22 = 11,700.63 + 13,025.38 + 2,938.21.
    office = real_extractions[
        "jiangsu/budget/江苏省委办公厅/江苏省委办公厅2019年度部门预算公开表格.pdf"
    ]
    assert _page_lines(office, 3)[:4] == [
        "支出预算总表",
        "部门：中共江苏省委办公厅 单位：万元",
        "合计\t基本支出\t项目支出\t单位预留机动经费\t结转下年资金",
        "27,664.22\t11,700.63\t13,025.38\t2,938.21\t",
    ]
