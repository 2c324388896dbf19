"""Published files (PDF, Excel) to the text layout the table readers consume, with each line's
page; cached by the file's content and the extractor's version. Plain Python, no Dagster."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..issues import DocumentError, Issue
from .model import ExtractedDocument, SourceFormat, join_wrapped, page_ranges

# Bump when a change here changes what is extracted from the same bytes: cached extractions
# of another version are not used, and documents read by another version are read again.
EXTRACTOR_VERSION = "1"

__all__ = [
    "EXTRACTOR_VERSION",
    "Extraction",
    "ExtractedDocument",
    "SourceFormat",
    "extract",
    "extractor_name",
    "join_wrapped",
    "page_ranges",
]


def extractor_name(source_format: SourceFormat) -> str | None:
    """What `dim_document.extractor` records: the libraries and this stage's version."""
    if source_format is SourceFormat.PDF:
        from .pdf import EXTRACTOR
    elif source_format in (SourceFormat.XLSX, SourceFormat.XLS):
        from .excel import EXTRACTOR
    else:
        return None
    return f"{EXTRACTOR}; extract v{EXTRACTOR_VERSION}"


@dataclass(frozen=True, slots=True)
class Extraction:
    """An extracted document, or the reason none could be extracted, and whether it came from
    the cache (a rebuild with unchanged files extracts nothing)."""

    document: ExtractedDocument | None
    error: Issue | None
    cached: bool


def extract(
    data: bytes,
    file: str,
    source_format: SourceFormat,
    *,
    sha256: str,
    cache_dir: Path | None = None,
) -> Extraction:
    """The document's text lines with their pages, from the cache when these bytes were
    extracted by this version before."""
    name = extractor_name(source_format)
    assert name is not None, f"{source_format} is read as text, not extracted"
    key = hashlib.sha256(name.encode()).hexdigest()[:12]
    cache = cache_dir / f"{sha256}.{key}.json" if cache_dir else None
    if cache is not None and cache.exists():
        try:
            return _from_cache(json.loads(cache.read_text("utf-8")), file)
        except (ValueError, KeyError, TypeError):
            pass  # a cache file from a crash or another layout: extract again
    try:
        result = Extraction(_extract(data, file, source_format), None, cached=False)
    except DocumentError as error:
        result = Extraction(None, error.issue, cached=False)
    if cache is not None:
        _write_cache(cache, result)
    return result


def _extract(data: bytes, file: str, source_format: SourceFormat) -> ExtractedDocument:
    if source_format is SourceFormat.PDF:
        from .pdf import extract_pdf

        document = extract_pdf(data, file)
    else:
        from .excel import extract_workbook

        document = extract_workbook(data, file, source_format)
    document.extractor = extractor_name(source_format) or document.extractor
    return document


def _write_cache(path: Path, result: Extraction) -> None:
    document = result.document
    payload = {
        "error": dataclasses.asdict(result.error) if result.error else None,
        "document": None
        if document is None
        else {
            "source_format": document.source_format.value,
            "extractor": document.extractor,
            "lines": document.lines,
            "pages": document.pages,
            "sheets": document.sheets,
            "page_count": document.page_count,
            "table_pages": document.table_pages,
            "issues": [dataclasses.asdict(issue) for issue in document.issues],
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole and renamed, so a worker stopped half way leaves no partial entry.
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(payload, out, ensure_ascii=False)
    os.replace(temporary, path)


def _from_cache(payload: dict, file: str) -> Extraction:
    # The same bytes may sit under another name: messages name the file being read now.
    def issue(fields: dict) -> Issue:
        return Issue(**{**fields, "file": file})

    if payload["error"] is not None:
        return Extraction(None, issue(payload["error"]), cached=True)
    stored = payload["document"]
    document = ExtractedDocument(
        SourceFormat(stored["source_format"]),
        stored["extractor"],
        stored["lines"],
        stored["pages"],
        stored["sheets"],
        stored["page_count"],
        stored["table_pages"],
        [issue(fields) for fields in stored["issues"]],
    )
    return Extraction(document, None, cached=True)
