"""Problems found while reading a document, each with the place it was found."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in one document, located by file, page (or sheet), table and line.

    `rejects` says whether the problem keeps the document out of the marts. Parse problems in the
    financial tables (01-11, 13) reject; lines of the performance tables (12, 14) that are kept as
    text do not.
    """

    file: str
    message: str
    table_no: str | None = None
    line: int | None = None
    text: str | None = None
    check_name: str = "parse"
    rejects: bool = True
    # Where a PDF prints the line (a workbook: the sheet's position, and its name). Filled from
    # the extraction's line map in one place, `parse_document`; None for text documents.
    page: int | None = None
    sheet: str | None = None

    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        elif self.page:
            parts.append(f"page {self.page}")
        if self.table_no:
            parts.append(f"table {self.table_no}")
        if self.line:
            parts.append(f"line {self.line}")
        return ", ".join(parts)

    def __str__(self) -> str:
        shown = f": «{_clip(self.text)}»" if self.text else ""
        return f"{self.location()}: {self.message}{shown}"


class DocumentError(Exception):
    """A document that cannot be read at all (undecodable, binary, no tables, wrong year).

    The only exception the parser raises for bad input: everything else about a document is
    reported as `Issue`s on the parsed result, so one bad cell does not hide the next one.
    """

    def __init__(self, issue: Issue):
        super().__init__(str(issue))
        self.issue = issue


def _clip(text: str, limit: int = 80) -> str:
    text = text.replace("\t", "⇥")
    return text if len(text) <= limit else text[: limit - 1] + "…"
