"""A whole document file to a ParsedDocument: the parser's one entry point."""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from decimal import Decimal

import polars as pl

from .extract import ExtractedDocument
from .final_accounts import (
    FIGURES_ROUNDED,
    DocumentKind,
    is_final_accounts,
    read_final_accounts,
)
from .issues import DocumentError, Issue
from .layout import TABLE_NAMES, split_sections
from .model import RAW_TABLES, ParsedDocument, precision_frame
from .narrative import read_narrative
from .tables import read_section
from .templates import (
    BEIJING,
    PROFILES,
    ScopeReading,
    document_scope,
    match_profile,
    normalise,
    printed_titles,
)
from .text import decode, remove_controls, split_lines

# Bump when a change to the parser changes what it reads from the same bytes: documents parsed
# by another version are parsed again on the next build.
PARSER_VERSION = "12"


def parse_document(
    data: bytes,
    *,
    document_id: str,
    source_file: str,
    folder_year: int | None = None,
    extracted: ExtractedDocument | None = None,
) -> ParsedDocument:
    """Read one document. Raises DocumentError when nothing can be read from it; otherwise
    returns every table it could read and an Issue for every problem, each with its line.

    `data` is the file's bytes; for a PDF or workbook, `extracted` holds its lines in the text
    layout and the page of each, which every row and message then carries."""
    if extracted is None:
        decoded = decode(data, source_file)
        lines = split_lines(decoded.text)
        encoding, line_ending = decoded.encoding, decoded.line_ending
    else:
        lines, encoding, line_ending = list(extracted.lines), None, None
    controls = remove_controls(lines)
    scope = document_scope(lines)
    if is_final_accounts(lines):
        return _final_accounts(
            data,
            lines,
            controls,
            document_id=document_id,
            source_file=source_file,
            folder_year=folder_year,
            extracted=extracted,
            encoding=encoding,
            line_ending=line_ending,
            scope=scope,
        )
    preamble, sections = split_sections(lines)
    profile, titled = BEIJING, None
    if not sections and (matched := match_profile(lines)) is not None:
        # Another template: its lines in the national layout, same numbers (and pages).
        profile, titled = matched, normalise(lines, matched)
        lines = titled.lines
        preamble, sections = split_sections(lines)
    if not sections:
        found = printed_titles(lines)
        raise _unreadable(
            Issue(
                source_file,
                "no budget tables found: no title line like «预算01表 收支总表» (or of another "
                "known template: "
                + ", ".join(p.template for p in PROFILES)
                + "); "
                + (f"titles found: {'; '.join(found[:12])}" if found else "no table titles found"),
                check_name="structure",
            ),
            extracted,
        )

    kinds: dict[int, str] = {}
    issues: list[Issue] = list(extracted.issues) if extracted is not None else []
    issues.extend(_scope_issues(scope, source_file))
    parts: dict[str, list[pl.DataFrame]] = {}
    table_of_line: dict[int, str | None] = {}
    units: set[str] = set()
    year: int | None = None
    department: str | None = None
    seen: dict[str, int] = {}
    project_spending: Decimal | None = None
    last_digits: dict[str, Decimal] = {}

    for line in preamble:
        table_of_line[line.no] = None
        kinds[line.no] = "blank" if line.blank else "not_understood"
        if not line.blank:
            issues.append(
                Issue(
                    source_file,
                    "text before the first table",
                    None,
                    line.no,
                    line.text,
                    check_name="structure",
                    rejects=False,
                )
            )

    for section in sections:
        for title_line in (section.title_line, *section.repeated_titles):
            table_of_line[title_line] = section.table_no
            kinds[title_line] = "title"
        for line in section.lines:
            table_of_line[line.no] = section.table_no
        if section.table_no in seen:
            # Which of two printings is right cannot be told, so a table read twice rejects;
            # a table the profile does not read reaches no mart either way (2017 人大办公厅
            # prints its 财政拨款基本支出预算表 on page 11 and again from page 12).
            read = section.table_no in profile.read_tables
            issues.append(
                Issue(
                    source_file,
                    f"table {section.table_no} ({TABLE_NAMES[section.table_no]}) appears twice; "
                    f"the first starts at line {seen[section.table_no]}"
                    + ("" if read else " (a table not read: nothing of it reaches the marts)"),
                    section.table_no,
                    section.title_line,
                    section.title,
                    check_name="structure",
                    rejects=read,
                )
            )
            kinds.update(
                {line.no: "not_understood" if read else "not_read" for line in section.lines}
            )
            continue
        seen[section.table_no] = section.title_line
        if section.table_no not in profile.read_tables:
            kinds.update({line.no: "not_read" for line in section.lines})
            continue
        result = read_section(
            section,
            source_file,
            project_spending,
            profile,
            titled.title_units.get(section.title_line) if titled is not None else None,
        )
        kinds.update(result.kinds)
        issues.extend(result.issues)
        units |= result.units
        for table, frame in result.frames.items():
            parts.setdefault(table, []).append(frame)
        if result.last_digit_wan is not None:
            last_digits[section.table_no] = result.last_digit_wan
        if section.table_no == "13":
            year, department = result.fiscal_year, result.department_name
        if section.table_no == "03":
            project_spending = _printed_total(result.frames.get("table_totals"), "project")

    issues.extend(
        Issue(
            source_file,
            "the line contains control characters (removed, shown as \\xNN); "
            "extracted text has none: re-extract the document",
            table_of_line.get(number),
            number,
            printed,
            check_name="decode",
        )
        for number, printed in controls.items()
    )
    missing = [t for t in profile.required_tables if t not in seen]
    if titled is not None:
        # Templates without table 13 print the year and department in each table's title
        # lines (templates.normalise).
        year, department = titled.fiscal_year, titled.department_name
        if year is None and profile.year_from_folder:
            # Titles without a year (templates.TemplateProfile.year_from_folder): the year
            # is the folder's, data/raw/<year>/, and only that.
            year = folder_year
        if year is None or department is None:
            issues.append(
                Issue(
                    source_file,
                    f"the {profile.template} template's title lines do not state one "
                    f"year and one department (found year {year}, department {department})"
                    + (
                        "; its titles print no year: the year is the folder's, data/raw/<year>/"
                        if profile.year_from_folder
                        else ""
                    ),
                    check_name="structure",
                )
            )
    if "13" in missing:
        last = sections[-1]
        raise _unreadable(
            Issue(
                source_file,
                "table 13 (部门整体支出绩效目标表) not found, so the document's year and "
                "department "
                f"are unknown; missing tables: {', '.join(missing)}; the last table read is "
                f"{last.table_no} at line {last.title_line} of {len(lines)} (is the file cut off?)",
                "13",
                check_name="structure",
            ),
            extracted,
        )
    issues.extend(
        Issue(
            source_file,
            f"required table {t} ({TABLE_NAMES[t]}) not found",
            t,
            check_name="structure",
        )
        for t in missing
    )
    if folder_year is not None and year is not None and year != folder_year:
        issues.append(
            Issue(
                source_file,
                f"the document is for {year} ({'table 13' if titled is None else 'its titles'}) "
                f"but sits in the folder for {folder_year}",
                "13" if titled is None else None,
                check_name="structure",
            )
        )

    for number in range(1, len(lines) + 1):
        if number not in kinds:
            # Every line must have been placed; this is a safety net, not an expected path.
            kinds[number] = "not_understood"
            issues.append(
                Issue(
                    source_file,
                    "line not accounted for by any reader",
                    table_of_line.get(number),
                    number,
                    lines[number - 1],
                )
            )

    frames = {table: pl.concat(frames, how="vertical") for table, frames in parts.items()}
    if extracted is not None:
        frames = {table: _with_pages(frame, extracted) for table, frame in frames.items()}
        issues = [_on_page(issue, extracted) for issue in issues]
    # After the pages are set: a sentence carries its own page and the line on it.
    frames |= read_narrative(data, source_file, lines, extracted, DocumentKind.BUDGET, frames)
    frames["line_counts"] = _line_counts(kinds, table_of_line)
    frames["printed_precision"] = precision_frame(last_digits, rounded=profile.rounded)
    return ParsedDocument(
        document_id=document_id,
        source_file=source_file,
        source_sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        encoding=encoding,
        line_ending=line_ending,
        line_total=len(lines),
        fiscal_year=year,
        department_name=department,
        amount_units=tuple(sorted(units, key=["万元", "元"].index)),
        tables_found=tuple(sorted(seen)),
        frames=frames,
        issues=issues,
        source_format=extracted.source_format.value if extracted else "txt",
        extractor=extracted.extractor if extracted else None,
        template=profile.template.value,
        scope=scope.scope.value,
    )


def _final_accounts(
    data: bytes,
    lines: list[str],
    controls: dict[int, str],
    *,
    document_id: str,
    source_file: str,
    folder_year: int | None,
    extracted: ExtractedDocument | None,
    encoding: str | None,
    line_ending: str | None,
    scope: ScopeReading,
) -> ParsedDocument:
    """A 决算, read by its own reader (orchestration/parsing/final_accounts.py); provenance
    and line accounting as for a budget."""
    read = read_final_accounts(lines, source_file, folder_year)
    issues = (list(extracted.issues) if extracted is not None else []) + read.issues
    issues.extend(_scope_issues(scope, source_file))
    issues.extend(
        Issue(
            source_file,
            "the line contains control characters (removed, shown as \\xNN); "
            "extracted text has none: re-extract the document",
            read.table_of_line.get(number),
            number,
            printed,
            check_name="decode",
        )
        for number, printed in controls.items()
    )
    for number in range(1, len(lines) + 1):
        if number not in read.kinds:
            read.kinds[number] = "not_understood"
            issues.append(
                Issue(
                    source_file,
                    "line not accounted for by any reader",
                    read.table_of_line.get(number),
                    number,
                    lines[number - 1],
                )
            )
    frames = dict(read.frames)
    if extracted is not None:
        frames = {table: _with_pages(frame, extracted) for table, frame in frames.items()}
        issues = [_on_page(issue, extracted) for issue in issues]
    else:
        frames = {
            table: frame.with_columns(pl.lit(None, pl.Int32).alias("source_page"))
            for table, frame in frames.items()
        }
    frames |= read_narrative(
        data, source_file, lines, extracted, DocumentKind.FINAL_ACCOUNTS, frames
    )
    frames["line_counts"] = _line_counts(read.kinds, read.table_of_line)
    frames["printed_precision"] = precision_frame(read.last_digits, rounded=FIGURES_ROUNDED)
    return ParsedDocument(
        document_id=document_id,
        source_file=source_file,
        source_sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        encoding=encoding,
        line_ending=line_ending,
        line_total=len(lines),
        fiscal_year=read.fiscal_year,
        department_name=read.department_name,
        amount_units=tuple(sorted(read.units, key=["万元", "元"].index)),
        tables_found=tuple(read.tables_found),
        frames=frames,
        issues=issues,
        source_format=extracted.source_format.value if extracted else "txt",
        extractor=extracted.extractor if extracted else None,
        document_kind=DocumentKind.FINAL_ACCOUNTS,
        scope=scope.scope.value,
    )


def _scope_issues(scope: ScopeReading, source_file: str) -> list[Issue]:
    """A document that names itself both a 部门预算 and a 单位预算 is read as the first line
    says; the other is reported, since the scope decides which marts count its figures."""
    if scope.contradiction is None or scope.evidence is None:
        return []
    line, text = scope.contradiction
    return [
        Issue(
            source_file,
            f"the document is read as a {scope.scope} budget (line {scope.evidence[0]}: "
            f"«{scope.evidence[1]}»), but this line names the other scope",
            None,
            line,
            text,
            check_name="structure",
            rejects=False,
        )
    ]


def _printed_total(totals: pl.DataFrame | None, column_key: str) -> Decimal | None:
    """A column of a table's printed 合计 row, if it printed one."""
    if totals is None:
        return None
    amounts = totals.filter(pl.col("column_key") == column_key)["amount"].drop_nulls()
    return amounts[0] if len(amounts) else None


def _unreadable(issue: Issue, extracted: ExtractedDocument | None) -> DocumentError:
    """A document nothing can be read from. When its extraction found why (a scan, an
    unmapped font, an unruled table), that reason comes first, with its page."""
    if extracted is None or not extracted.issues:
        return DocumentError(issue)
    first = extracted.issues[0]
    reasons = [found.message for found in extracted.issues] + [issue.message]
    return DocumentError(dataclasses.replace(first, message="; ".join(reasons)))


# Provenance of extracted documents is added here, and only here: the readers see lines.
def _with_pages(frame: pl.DataFrame, extracted: ExtractedDocument) -> pl.DataFrame:
    pages = extracted.pages
    return frame.with_columns(
        pl.Series(
            "source_page",
            [pages[line - 1] for line in frame["source_line"].to_list()],
            dtype=pl.Int32,
        )
    )


def _on_page(issue: Issue, extracted: ExtractedDocument) -> Issue:
    if issue.line is None or issue.page is not None:
        return issue
    page = extracted.pages[issue.line - 1]
    return dataclasses.replace(issue, page=page, sheet=extracted.sheet_of(page))


def _line_counts(kinds: dict[int, str], table_of_line: dict[int, str | None]) -> pl.DataFrame:
    counts = Counter((table_of_line.get(number), kind) for number, kind in kinds.items())
    return pl.DataFrame(
        [
            {"table_no": table, "line_kind": kind, "lines": n}
            for (table, kind), n in sorted(
                counts.items(), key=lambda item: (item[0][0] or "", item[0][1])
            )
        ],
        schema=RAW_TABLES["line_counts"],
        orient="row",
    )
