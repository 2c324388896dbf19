"""A published PDF to the seed's layout: ruled tables as tab-separated rows, page by page.

Two passes. pypdfium2 reads every page's text and counts its drawn paths and images (about 1 ms
a page); only pages that draw a grid go to pdfplumber's ruled-table extraction, which costs some
50 times more (benchmarks/RESULTS.md). Narrative pages (职能, 名词解释, 编制说明) are skipped; a
page that prints figures in columns without ruling lines, a page with no text layer and a page
whose text does not map to Unicode are reported with their page number and reject the
document: their cells cannot be placed or read without guessing.
"""

from __future__ import annotations

import ctypes
import io
import re
from contextlib import nullcontext
from dataclasses import dataclass
from importlib.metadata import version

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from pdfplumber.table import Table, cells_to_tables

from ..issues import DocumentError, Issue
from .model import ExtractedDocument, SourceFormat, join_wrapped, page_ranges

EXTRACTOR = f"pdfplumber {version('pdfplumber')} + pypdfium2 {version('pypdfium2')}"

# A department's budget is 20 to 100 pages; a county's collected volume a few hundred.
MAX_PAGES = 1000
# An image over half the page, on a page without text, is a scan.
_SCAN_COVER = 0.5
# A grid has at least a few strokes; one rectangle or a rule under the header is decoration.
_GRID_PATHS = 6
# Two figures side by side with only spaces between them, as the cells of a row print when the
# text layer is read line by line ("919739.00 919739.00 0.00", "208 05 06"). Prose has words
# between its figures ("支出 20702.25 万元，增加 101.48 万元") even where a word processor
# spaces them from the Chinese.
_FIGURE = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?"
_FIGURES_SIDE_BY_SIDE = re.compile(rf"(?<!\S){_FIGURE}[ \t\u3000]+{_FIGURE}(?!\S)")
# Three such lines make a page of columns, not prose.
_TABULAR_LINES = 3
# pdfminer prints a glyph it cannot map to Unicode as (cid:123); pdfium gives U+FFFD or a
# private-use code point.
_UNMAPPED = re.compile(r"\(cid:\d+\)|[\ue000-\uf8ff\ufffd]")
_LATTICE = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


@dataclass(frozen=True, slots=True)
class PageSurvey:
    number: int
    text: str
    paths: int
    images: int
    glyphs: int  # text objects drawn: with no text read from them, a font without a map
    # The share of the page its largest image covers: a scan fills the page, a logo does not.
    image_cover: float = 0.0

    @property
    def scanned(self) -> bool:
        return not self.has_text and self.image_cover >= _SCAN_COVER

    @property
    def has_text(self) -> bool:
        return bool(self.text.strip())

    @property
    def tabular(self) -> bool:
        rows = sum(1 for line in self.text.splitlines() if _FIGURES_SIDE_BY_SIDE.search(line))
        return rows >= _TABULAR_LINES

    @property
    def may_hold_grid(self) -> bool:
        return self.paths >= _GRID_PATHS or (self.paths > 0 and self.tabular)


def extract_pdf(data: bytes, file: str) -> ExtractedDocument:
    """Raises DocumentError for a PDF that cannot be opened (encrypted, damaged)."""
    document = ExtractedDocument(SourceFormat.PDF, EXTRACTOR)
    surveys = survey_pages(data, file)
    document.page_count = len(surveys)
    scans = [s.number for s in surveys if s.scanned]
    if scans:
        document.issues.append(
            Issue(
                file,
                f"no text layer on pages {page_ranges(scans)} (scanned images); OCR is not "
                "supported: publish the PDF as exported from the spreadsheet or word processor",
                check_name="extract",
                page=scans[0],
            )
        )
    unmapped: dict[int, list[str]] = {
        s.number: ["glyphs with no text"] for s in surveys if not s.has_text and s.glyphs
    }
    grid_pages = any(s.has_text and s.may_hold_grid for s in surveys)
    with pdfplumber.open(io.BytesIO(data)) if grid_pages else nullcontext() as pdf:
        for survey in surveys:
            if not survey.has_text:
                continue
            if survey.may_hold_grid and pdf is not None:
                page = pdf.pages[survey.number - 1]
                try:
                    if read_ruled_page(page, survey.number, document, unmapped):
                        continue
                finally:
                    page.close()
            if survey.tabular:
                _report_unruled(survey, document, file)
    if unmapped:
        shown = sorted({text for texts in unmapped.values() for text in texts})[:3]
        document.issues.append(
            Issue(
                file,
                f"text that does not map to Unicode on pages {page_ranges(list(unmapped))} "
                f"({', '.join(shown)}, …): the PDF's font has no character map, so its "
                "figures cannot be read",
                check_name="extract",
                page=min(unmapped),
            )
        )
    return document


def survey_pages(data: bytes, file: str) -> list[PageSurvey]:
    """The fast pass: each page's text and how many paths and images it draws."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        reason = str(error)
        if "password" in reason.lower():
            message = "the PDF is encrypted with a password; publish or supply it without one"
        else:
            message = f"the PDF cannot be opened, it is damaged or not a PDF ({reason})"
        raise DocumentError(Issue(file, message, check_name="extract")) from None
    try:
        if len(pdf) > MAX_PAGES:
            raise DocumentError(
                Issue(
                    file,
                    f"the PDF has {len(pdf)} pages; a budget document has at most "
                    f"{MAX_PAGES} (each page costs about 0.1 s to extract)",
                    check_name="extract",
                )
            )
        return [survey_page(pdf, index) for index in range(len(pdf))]
    finally:
        pdf.close()


def survey_page(pdf: pdfium.PdfDocument, index: int) -> PageSurvey:
    """One page's text and the kinds of objects it draws, through pdfium's C API (a Python
    object per page object would cost more than reading the text)."""
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        textpage.close()
        paths = images = glyphs = 0
        cover = 0.0
        width, height = page.get_size()
        raw_page = page.raw
        objects = [
            pdfium_raw.FPDFPage_GetObject(raw_page, k)
            for k in range(pdfium_raw.FPDFPage_CountObjects(raw_page))
        ]
        while objects:
            obj = objects.pop()
            kind = pdfium_raw.FPDFPageObj_GetType(obj)
            if kind == pdfium_raw.FPDF_PAGEOBJ_PATH:
                paths += 1
            elif kind == pdfium_raw.FPDF_PAGEOBJ_TEXT:
                glyphs += 1
            elif kind == pdfium_raw.FPDF_PAGEOBJ_IMAGE:
                images += 1
                cover = max(cover, _cover(obj, width * height))
            elif kind == pdfium_raw.FPDF_PAGEOBJ_FORM:
                # Some exporters wrap a page's content in a form: look inside it.
                objects += [
                    pdfium_raw.FPDFFormObj_GetObject(obj, k)
                    for k in range(pdfium_raw.FPDFFormObj_CountObjects(obj))
                ]
        return PageSurvey(index + 1, text, paths, images, glyphs, cover)
    finally:
        page.close()


def _cover(image: object, page_area: float) -> float:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    pdfium_raw.FPDFPageObj_GetBounds(image, left, bottom, right, top)
    return (right.value - left.value) * (top.value - bottom.value) / page_area


def read_ruled_page(
    page: pdfplumber.page.Page,
    number: int,
    document: ExtractedDocument,
    unmapped_pages: dict[int, list[str]],
) -> bool:
    """Append the page's titles and grids in reading order; False when it holds no grid."""
    grids = _unframed(page, page.find_tables(_LATTICE))
    items: list[tuple[float, list[str]]] = []
    for grid in grids:
        extracted = grid.extract()
        bands = _title_bands(grid)
        texts = [line.strip() for row in extracted[:bands] for line in (row[0] or "").split("\n")]
        rows = [[join_wrapped(cell or "") for cell in row] for row in extracted[bands:]]
        if any(any(row) for row in rows):
            items.append((grid.bbox[1], [t for t in texts if t] + ["\t".join(r) for r in rows]))
    if not items:
        return False
    boxes = [grid.bbox for grid in grids]
    outside = page.filter(
        lambda obj: obj.get("object_type") != "char" or not any(_inside(obj, b) for b in boxes)
    )
    for line in outside.extract_text_lines(strip=True, return_chars=False):
        if line["text"]:
            items.append((line["top"], [line["text"]]))
    items.sort(key=lambda item: item[0])
    lines = [text for _, texts in items for text in texts]
    unmapped = sorted({m for text in lines for m in _UNMAPPED.findall(text)})
    if unmapped:
        unmapped_pages.setdefault(number, unmapped)
        return True
    for text in lines:
        document.add_line(text, number)
    document.add_line("", number)
    document.table_pages.append(number)
    return True


def _report_unruled(survey: PageSurvey, document: ExtractedDocument, file: str) -> None:
    """Columns of figures without ruling lines: which figure belongs to which column is a
    guess, so the page's lines go to the readers as they are (reported there as not understood)
    and the document is rejected with the reason."""
    lines = [line.strip() for line in survey.text.splitlines() if line.strip()]
    document.issues.append(
        Issue(
            file,
            f"page {survey.number} prints a table without ruling lines ({len(lines)} lines): "
            "its cells cannot be placed in columns safely; publish the table with its grid",
            check_name="extract",
            page=survey.number,
        )
    )
    for text in lines:
        document.add_line(text, survey.number)
    document.add_line("", survey.number)


def _unframed(page: pdfplumber.page.Page, tables: list[Table]) -> list[Table]:
    """The grids without a page-wide frame around them. Some Acrobat exports draw the page
    (or a white background) as one rectangle enclosing the grid, which the lattice finds as an
    outer one-column table or as one huge first cell; its text (title, unit) is then read as
    text outside the grids, and the grid inside it as the table."""
    out: list[Table] = []
    for table in tables:
        if any(_frames(table.bbox, other.bbox) for other in tables):
            continue
        cells = table.cells
        inner = [c for c in cells if not any(_frames(c, other) for other in cells)]
        if len(inner) == len(cells):
            out.append(table)
        else:
            out.extend(Table(page, group) for group in cells_to_tables(inner))
    return out


def _title_bands(grid: Table) -> int:
    """Rows at the top of a grid made of one cell across its whole width: the title and unit
    lines of a spreadsheet export, printed inside the grid. Their lines are kept apart (a title
    is a line of its own), not joined as a wrapped cell."""
    bands = 0
    for row in grid.rows:
        cells = [cell for cell in row.cells if cell is not None]
        if (
            len(row.cells) > 1
            and len(cells) == 1
            and cells[0][0] <= grid.bbox[0] + 1
            and cells[0][2] >= grid.bbox[2] - 1
        ):
            bands += 1
        else:
            break
    return bands


def _frames(outer: tuple[float, ...], inner: tuple[float, ...], slack: float = 1.0) -> bool:
    """`outer` encloses `inner` and is larger: a frame around a grid."""
    encloses = (
        outer[0] - slack <= inner[0]
        and outer[1] - slack <= inner[1]
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )
    return encloses and _area(outer) > _area(inner) + slack


def _area(box: tuple[float, ...]) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


def _inside(obj: dict, box: tuple[float, ...]) -> bool:
    middle_x = (obj["x0"] + obj["x1"]) / 2
    middle_y = (obj["top"] + obj["bottom"]) / 2
    return box[0] <= middle_x <= box[2] and box[1] <= middle_y <= box[3]
