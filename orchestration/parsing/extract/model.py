"""What an extractor hands the table readers: the seed's layout plus each line's origin."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from ..issues import Issue


class SourceFormat(StrEnum):
    TXT = "txt"
    PDF = "pdf"
    XLSX = "xlsx"
    XLS = "xls"

    @classmethod
    def of(cls, file_name: str) -> SourceFormat | None:
        suffix = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
        return next((kind for kind in cls if kind.value == suffix), None)


@dataclass(slots=True)
class ExtractedDocument:
    """A PDF or workbook as text lines in the seed's layout: one line per grid row with its cells
    joined by tabs, the page's titles and unit lines where they stand, one blank line after each
    page (or sheet). `pages[i]` is the page (the sheet's position for workbooks) of line i + 1."""

    source_format: SourceFormat
    extractor: str  # name and version, recorded on the document
    lines: list[str] = field(default_factory=list)
    pages: list[int | None] = field(default_factory=list)
    # Workbooks: the sheet names by position (page 1 is sheets[0]).
    sheets: list[str] = field(default_factory=list)
    page_count: int = 0
    # Pages (or sheets) that held at least one table.
    table_pages: list[int] = field(default_factory=list)
    # Problems found while extracting, each with its page: scans, unmapped fonts, unruled tables.
    issues: list[Issue] = field(default_factory=list)

    def add_line(self, text: str, page: int | None) -> None:
        self.lines.append(text)
        self.pages.append(page)

    @property
    def companion(self) -> bool:
        """A PDF with no table at all and nothing wrong: the explanatory text that some
        provinces publish beside the tables (Jiangsu's …文件 next to …表)."""
        return not self.table_pages and not self.issues

    def sheet_of(self, page: int | None) -> str | None:
        if page is None or not self.sheets or page > len(self.sheets):
            return None
        return self.sheets[page - 1]


def joins_without_space(left: str, right: str) -> bool:
    """Chinese is set without spaces and a figure is one word: a line wrapped between two CJK
    characters or inside a number joins with nothing; Latin words join with a space."""
    if _wide(left) or _wide(right):
        return True
    return _numeric(left) and _numeric(right)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _numeric(char: str) -> bool:
    return char.isdigit() or char in ".,%-"


def join_wrapped(text: str) -> str:
    """The lines of one cell as the one line it was before the cell's width wrapped it."""
    out = ""
    for part in text.split("\n"):
        part = part.strip()
        if not part:
            continue
        if out and not joins_without_space(out[-1], part[0]):
            out += " "
        out += part
    return out


def page_ranges(pages: list[int]) -> str:
    """[10, 11, 12, 15] as "10-12, 15"."""
    ranges: list[str] = []
    start = previous = None
    for page in sorted(set(pages)):
        if start is None:
            start = previous = page
        elif previous is not None and page == previous + 1:
            previous = page
        else:
            ranges.append(f"{start}" if start == previous else f"{start}-{previous}")
            start = previous = page
    if start is not None:
        ranges.append(f"{start}" if start == previous else f"{start}-{previous}")
    return ", ".join(ranges)
