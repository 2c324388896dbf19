"""PDF extraction, measured against the ratios of issue 11 in one run on this machine.

    uv run python -m benchmarks.pdf [--markdown FILE] [--builds N]

Per page: the project's cost (the pypdfium2 survey, plus pdfplumber's ruled-table extraction on
the pages that draw a grid) over pypdfium2's plain text extraction of the same page, for table
pages and narrative pages. Per document: the project's extraction against the peer, pdfplumber's
plain `extract_tables()` on every page. Corpus: the real PDFs in ../shared/real-documents (when
present) and the seed rendered as a ruled PDF with as many narrative pages as table pages.
Then the same N documents built cold and warm by the real CLI, as PDF and as text.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

from orchestration.parsing.extract.model import ExtractedDocument, SourceFormat
from orchestration.parsing.extract.pdf import extract_pdf, read_ruled_page, survey_page
from orchestration.settings import PROJECT_ROOT

REAL_DOCUMENTS = PROJECT_ROOT.parent / "shared" / "real-documents"
NARRATIVE = (
    "本部门主要职责是贯彻执行国家和本市有关人力资源和社会保障工作的法律、法规和规章，"
    "拟订本市人力资源和社会保障事业发展规划、政策，并组织实施和监督检查。"
) * 3


def _renderer():
    sys.path.insert(0, str(PROJECT_ROOT / "tests"))
    import rendering  # the test suite's renderer: reportlab, a dev dependency

    return rendering


def generated_pdf(text: str) -> bytes:
    """The document's tables as ruled pages, and as many narrative pages (about 25 in all for
    the seed's first tables)."""
    rendering = _renderer()
    pages = rendering.seed_pages(text)
    narrative = [
        rendering.Page(texts=[NARRATIVE[i : i + 60] for i in range(0, 600, 60)]) for _ in pages
    ]
    return rendering.render_pdf(narrative[: len(pages) // 2] + pages + narrative[len(pages) // 2 :])


def page_costs(data: bytes) -> list[tuple[bool, float, float, float]]:
    """(table page?, plain text seconds, project seconds, peer seconds) for every page: the
    project's survey of the page, plus its ruled-table extraction where the page draws a grid;
    the peer's `extract_tables()` on the same page."""
    plain, surveys, survey_seconds = [], [], []
    pdf = pdfium.PdfDocument(data)
    for index in range(len(pdf)):
        start = time.perf_counter()
        page = pdf[index]
        textpage = page.get_textpage()
        textpage.get_text_range()
        textpage.close()
        page.close()
        plain.append(time.perf_counter() - start)
        start = time.perf_counter()
        surveys.append(survey_page(pdf, index))
        survey_seconds.append(time.perf_counter() - start)
    pdf.close()
    out = []
    with pdfplumber.open(io.BytesIO(data)) as document:
        for survey, text_seconds, seconds in zip(surveys, plain, survey_seconds, strict=True):
            table = False
            if survey.has_text and survey.may_hold_grid:
                start = time.perf_counter()
                page = document.pages[survey.number - 1]
                table = read_ruled_page(
                    page, survey.number, ExtractedDocument(SourceFormat.PDF, ""), {}
                )
                page.close()
                seconds += time.perf_counter() - start
            start = time.perf_counter()
            page = document.pages[survey.number - 1]
            page.extract_tables()
            page.close()
            out.append((table, text_seconds, seconds, time.perf_counter() - start))
    return out


def peer_seconds(data: bytes) -> float:
    start = time.perf_counter()
    with pdfplumber.open(io.BytesIO(data)) as document:
        for page in document.pages:
            page.extract_tables()
            page.close()
    return time.perf_counter() - start


def project_seconds(data: bytes) -> float:
    start = time.perf_counter()
    extract_pdf(data, "benchmark.pdf")
    return time.perf_counter() - start


def build_rows(documents: int, work: Path) -> list[str]:
    """The same generated documents built cold and warm by the real CLI, as text and as PDF."""
    import shutil

    from benchmarks.run import Size, _build, _corpus

    rendering = _renderer()
    if work.exists():
        shutil.rmtree(work)
    text_raw = _corpus(work, Size.of(documents))
    pdf_raw = work / "pdf-corpus"
    for path in sorted(text_raw.rglob("*.txt")):
        target = pdf_raw / path.relative_to(text_raw).with_suffix(".pdf")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(rendering.render_pdf(rendering.seed_pages(path.read_text("utf-8"))))
    text_cold = _build(text_raw, work / "text")
    text_warm = _build(text_raw, work / "text", "warm.log")
    pdf_cold = _build(pdf_raw, work / "pdf")
    pdf_warm = _build(pdf_raw, work / "pdf", "warm.log")
    cold, warm = pdf_cold.seconds / text_cold.seconds, pdf_warm.seconds / text_warm.seconds
    return [
        f"- {documents} documents, cold build: text {text_cold.seconds:.1f} s, PDF "
        f"{pdf_cold.seconds:.1f} s: {cold:.2f}x (target ≤ 3x); PDF: "
        f"{pdf_cold.where_the_time_goes()}",
        f"- warm rebuild (nothing changed): text {text_warm.seconds:.1f} s, PDF "
        f"{pdf_warm.seconds:.1f} s: {warm:.2f}x (target ≤ 1.5x)",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pdf")
    parser.add_argument("--markdown", type=Path)
    parser.add_argument(
        "--builds",
        type=int,
        default=0,
        metavar="N",
        help="also build N generated documents as text and as PDF (200 in the "
        "issue's target; about 10 s a PDF on two cores)",
    )
    args = parser.parse_args(argv)
    seed = PROJECT_ROOT / "data" / "raw" / "2026" / "北京市人力资源和社会保障局.txt"
    corpus = {"seed as ruled PDF + narrative pages": generated_pdf(seed.read_text("utf-8"))}
    if REAL_DOCUMENTS.is_dir():
        corpus |= {
            p.relative_to(REAL_DOCUMENTS).as_posix(): p.read_bytes()
            for p in sorted(REAL_DOCUMENTS.rglob("*.pdf"))
        }
    table_ratios, narrative_ratios, peer_ratios = [], [], []
    lines = [
        "| document | pages (table) | project s | peer s | project/peer |",
        "|---|---|---|---|---|",
    ]
    total_project = total_peer = 0.0
    table_seconds, narrative_seconds = [], []
    for name, data in corpus.items():
        costs = page_costs(data)
        for table, text_seconds, seconds, peer_page in costs:
            (table_ratios if table else narrative_ratios).append(seconds / text_seconds)
            if table:
                peer_ratios.append(peer_page / text_seconds)
            (table_seconds if table else narrative_seconds).append(seconds)
        project, peer = project_seconds(data), peer_seconds(data)
        total_project += project
        total_peer += peer
        tables = sum(1 for table, *_ in costs if table)
        lines.append(
            f"| {name} | {len(costs)} ({tables}) | {project:.2f} | {peer:.2f} | "
            f"{project / peer:.2f} |"
        )
    pages = len(table_seconds) + len(narrative_seconds)
    summary = [
        "",
        f"- table pages: median {statistics.median(table_ratios):.1f}x pypdfium2's plain text "
        f"of the same page (target ≤ 15x), {statistics.median(table_seconds) * 1000:.0f} ms "
        f"a page ({len(table_seconds)} pages); the peer's extract_tables() alone costs "
        f"{statistics.median(peer_ratios):.1f}x on the same pages (pdfminer's page parsing)",
        f"- narrative pages: median {statistics.median(narrative_ratios):.2f}x (target ≤ 1.5x), "
        f"{statistics.median(narrative_seconds) * 1000:.1f} ms a page "
        f"({len(narrative_seconds)} pages)",
        f"- whole documents: project {total_project:.1f} s, peer (pdfplumber extract_tables on "
        f"every page) {total_peer:.1f} s: {total_project / total_peer:.2f}x (target < 1)",
        f"- {pages} pages in {total_project:.1f} s on one core: 1,000 PDFs of 25 pages "
        f"≈ {total_project / pages * 25_000 / 60:.0f} min on one core, "
        f"10,000 ≈ {total_project / pages * 250_000 / 3600:.1f} h (divide by the workers)",
    ]
    if args.builds:
        summary += build_rows(args.builds, PROJECT_ROOT / "data" / "build" / "benchmark-pdf")
    report = "\n".join(lines + summary)
    print(report)
    if args.markdown:
        args.markdown.write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
