"""The narrative pages of a PDF (编制说明, 决算情况说明) as lines placed by position.

The table extraction (pdf.py) skips these pages. The sentences on them state totals that the
tables can be checked against (orchestration/parsing/narrative.py), so their figures must sit
where the page shows them. Reading order is not enough: some exports (the ONLYOFFICE 决算 of
普陀区财政局) set each figure in another font on a baseline a few points lower than its words,
and a reader that groups characters by their top edge puts «年初预算为 万元» on one line and
«1560.05» on the next. Here a line is every word whose vertical middle lies within half the
word's height of the line's middle, ordered left to right.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from .pdf import survey_pages

# A page number alone at the foot of a page ("- 19 -", "第 3 页"): not part of any sentence,
# and it would split one that runs on to the next page.
_FOLIO = re.compile(r"^[-–—\s第页/\d]+$")


@dataclass(frozen=True, slots=True)
class ProseLine:
    """A line of running text: the document's line (text documents) or the page's line
    (PDF narrative pages, which are not part of the extracted table layout)."""

    text: str
    page: int | None
    line: int


def prose_lines(data: bytes, file: str, skip: set[int], wanted: re.Pattern[str]) -> list[ProseLine]:
    """The lines of every page not in `skip` (the pages that hold tables) whose text matches
    `wanted`; pages without a sentence worth reading cost only pdfium's text pass."""
    pages = [
        survey.number
        for survey in survey_pages(data, file)
        if survey.number not in skip and wanted.search(_squeezed(survey.text))
    ]
    if not pages:
        return []
    import pdfplumber

    out: list[ProseLine] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number in pages:
            page = pdf.pages[number - 1]
            try:
                texts = _placed_lines(page.extract_words(keep_blank_chars=False))
            finally:
                page.close()
            if texts and _FOLIO.match(texts[-1]):
                texts.pop()
            out += [ProseLine(text, number, index) for index, text in enumerate(texts, 1)]
    return out


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _placed_lines(words: list[dict]) -> list[str]:
    """Words to lines by their vertical middle, each line left to right. A line's middle is
    the mean of its words' so far: one word set larger (a 15-point run among 12-point text)
    does not decide where the line is."""
    lines: list[list[dict]] = []
    for word in sorted(words, key=_middle):
        if lines:
            line = lines[-1]
            middle = sum(_middle(w) for w in line) / len(line)
            if _middle(word) - middle <= (word["bottom"] - word["top"]) / 2:
                line.append(word)
                continue
        lines.append([word])
    return ["".join(w["text"] for w in sorted(line, key=lambda w: w["x0"])) for line in lines]


def _middle(word: dict) -> float:
    return (word["top"] + word["bottom"]) / 2
