"""The seed's tables rendered as departments publish them, for tests: a ruled PDF (reportlab,
its built-in STSong-Light CID font) and an xlsx workbook (openpyxl). Generated in the tests,
never committed.

The seed is an extractor's output written page by page: titles and unit lines on their own
lines, then the page's grid rows (cells joined by tabs), then a blank line. Rendering puts each
page back on a PDF page of its own, the grid fully ruled and long cells wrapped, so that reading
it back must give the seed's rows.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from orchestration.parsing.extract.model import joins_without_space

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

CELL_SIZE = 7.0  # points: a small print, as the dense tables are published
TITLE_SIZE = 12.0
LEADING = 1.3
PAD = 3.0
MAX_COLUMN = 170.0
MARGIN = 36.0


@dataclass
class Page:
    texts: list[str] = field(default_factory=list)  # titles, unit lines: above the grid
    rows: list[list[str]] = field(default_factory=list)


def seed_pages(text: str) -> list[Page]:
    """The seed's pages: a page ends with the blank line after its grid rows."""
    pages: list[Page] = []
    page = Page()
    for line in text.split("\n"):
        if "\t" in line:
            page.rows.append(line.split("\t"))
        elif line.strip():
            if page.rows:
                pages.append(page)
                page = Page()
            page.texts.append(line.strip())
        elif page.rows:
            pages.append(page)
            page = Page()
    if page.rows or page.texts:
        pages.append(page)
    return pages


def _width(text: str, size: float = CELL_SIZE) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


def wrap(text: str, width: float) -> list[str]:
    """The cell's text in lines no wider than `width`, broken only where the extractor's
    joining rule gives the text back: between CJK characters or digits, or at a space between
    Latin words (the space is dropped and restored)."""
    text = text.strip()
    lines: list[str] = []
    while _width(text) > width:
        best = None
        for i in range(1, len(text)):
            if _width(text[:i]) > width:
                break
            left, right = text[i - 1], text[i]
            if (
                right == " "
                and i + 1 < len(text)
                and text[i + 1] != " "
                and left != " "
                and not joins_without_space(left, text[i + 1])
            ):
                best = (i, i + 1)
            elif " " not in (left, right) and joins_without_space(left, right):
                best = (i, i)
        if best is None:
            break
        lines.append(text[: best[0]])
        text = text[best[1] :]
    lines.append(text)
    return lines


def render_pdf(
    pages: list[Page],
    *,
    ruled: bool = True,
    extra: list[Page] | None = None,
    encrypt: str | None = None,
) -> bytes:
    """One PDF page per seed page, sized to fit it; `ruled=False` draws no grid lines."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, encrypt=encrypt)
    for page in [*pages, *(extra or [])]:
        draw_page(pdf, page, ruled)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def draw_page(pdf: canvas.Canvas, page: Page, ruled: bool) -> None:
    columns = max((len(row) for row in page.rows), default=0)
    rows = [row + [""] * (columns - len(row)) for row in page.rows]
    widths = []
    for c in range(columns):
        longest = max((_width(row[c].strip()) for row in rows), default=0.0)
        widths.append(min(max(longest + 2 * PAD, 24.0), MAX_COLUMN))
    wrapped = [[wrap(cell, widths[c] - 2 * PAD) for c, cell in enumerate(row)] for row in rows]
    for c in range(columns):  # an unbreakable run wider than the column widens it
        need = max((_width(line) for row in wrapped for line in row[c]), default=0.0)
        widths[c] = max(widths[c], need + 2 * PAD)
    heights = (
        [max(len(lines) for lines in row) * CELL_SIZE * LEADING + 2 * PAD for row in wrapped]
        if columns
        else []
    )
    text_height = len(page.texts) * TITLE_SIZE * 2
    width = max(
        sum(widths) + 2 * MARGIN,
        max((_width(t, TITLE_SIZE) for t in page.texts), default=0) + 2 * MARGIN,
        A4[0],
    )
    height = max(sum(heights) + text_height + 2 * MARGIN, A4[1] / 2)
    pdf.setPageSize((width, height))
    y = height - MARGIN
    for text in page.texts:
        y -= TITLE_SIZE * 1.5
        pdf.setFont(FONT, TITLE_SIZE)
        pdf.drawString(MARGIN, y, text)
        y -= TITLE_SIZE * 0.5
    top = y
    xs = [MARGIN]
    for w in widths:
        xs.append(xs[-1] + w)
    pdf.setFont(FONT, CELL_SIZE)
    for row, h in zip(wrapped, heights, strict=True):
        for c, lines in enumerate(row):
            for k, line in enumerate(lines):
                pdf.drawString(xs[c] + PAD, y - PAD - CELL_SIZE * (LEADING * k + 1), line)
        y -= h
    if ruled and columns:
        pdf.setLineWidth(0.5)
        line_y = top
        pdf.line(xs[0], line_y, xs[-1], line_y)
        for h in heights:
            line_y -= h
            pdf.line(xs[0], line_y, xs[-1], line_y)
        for x in xs:
            pdf.line(x, top, x, y)


# Amounts of the financial tables are numbers in a published workbook; everything else
# (codes, names, and the performance tables' figures, which the seed prints broken) is text.
_DECIMAL = re.compile(r"-?\d{1,3}(?:,\d{3})*\.\d+|-?\d+\.\d+")


def render_xlsx(text: str, *, sheet_of_table: dict[str, str] | None = None) -> bytes:
    """A workbook of the seed: one sheet per table (several tables on one sheet where
    `sheet_of_table` maps them to the same name), each row a seed line, amounts as numbers."""
    from openpyxl import Workbook

    from orchestration.parsing.layout import Line, title_table_no

    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet = None
    table_no = None
    for number, line in enumerate(text.split("\n"), start=1):
        title = title_table_no(Line.of(number, line))
        if title:
            table_no = title[0]
            name = (sheet_of_table or {}).get(table_no, f"表{table_no}")
            sheet = workbook[name] if name in workbook.sheetnames else workbook.create_sheet(name)
        if sheet is None:
            continue  # the seed's two blank lines before its first title
        financial = table_no not in ("12", "14")
        values: list[object] = []
        for cell in line.split("\t"):
            cell = cell.strip()
            if financial and _DECIMAL.fullmatch(cell):
                values.append(float(cell.replace(",", "")))
            else:
                values.append(cell or None)
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
