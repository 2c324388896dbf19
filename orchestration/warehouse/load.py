"""Documents into the `raw` schema, idempotently: a document's rows are replaced, never added."""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import duckdb
import polars as pl

from orchestration.parsing import (
    PARSER_VERSION,
    RAW_TABLES,
    DocumentError,
    Issue,
    ParsedDocument,
    parse_document,
)
from orchestration.parsing.extract import SourceFormat, extract, extractor_name

from .database import (
    CHECK_RESULT_COLUMNS,
    DOCUMENT_COLUMNS,
    insert_frame,
    polars_schema,
    registered,
    transaction,
)
from .discovery import DocumentFile


@dataclass(frozen=True, slots=True)
class UnreadableDocument:
    """A file nothing could be read from; it is recorded as rejected with its reason."""

    file: DocumentFile
    source_sha256: str
    size_bytes: int
    issue: Issue
    # True when an extraction's failure (an encrypted PDF) came from the cache; None for text.
    extraction_cached: bool | None = None

    @property
    def document_id(self) -> str:
        return self.file.document_id


@dataclass(frozen=True, slots=True)
class CompanionDocument:
    """A PDF with text and no table: the explanation some provinces publish beside the
    tables (Jiangsu's …文件 next to …表). Recorded as a companion (raw.documents.companion), not
    rejected."""

    file: DocumentFile
    source_sha256: str
    size_bytes: int
    pages: int
    extractor: str
    extraction_cached: bool

    @property
    def document_id(self) -> str:
        return self.file.document_id

    @property
    def message(self) -> str:
        return (
            f"{self.document_id}: no tables on its {self.pages} pages, only text: a "
            "companion (the explanation published beside the tables), not a budget to read"
        )


ReadDocument = ParsedDocument | UnreadableDocument | CompanionDocument


@dataclass(frozen=True, slots=True)
class KnownDocument:
    source_sha256: str
    parser_version: str
    extractor: str | None = None


def known_documents(con: duckdb.DuckDBPyConnection) -> dict[str, KnownDocument]:
    rows = con.execute(
        "select document_id, source_sha256, parser_version, extractor from raw.documents"
    ).fetchall()
    return {row[0]: KnownDocument(*row[1:]) for row in rows}


# Refused before they are read, so a stray file cannot exhaust memory. A budget document is
# 100 KB to a few MB of text. A PDF is larger than its text (embedded fonts, logos, seals): the
# real ones are 0.1 to 4 MB for 12 to 33 pages, so 60 MB leaves room for a county's collected
# volume with its fonts while refusing scanned books (which are rejected anyway: no text
# layer). A workbook is zipped XML, smaller than its text.
MAX_DOCUMENT_BYTES = 20_000_000
MAX_BYTES: dict[SourceFormat | None, int] = {
    SourceFormat.PDF: 60_000_000,
    SourceFormat.XLSX: MAX_DOCUMENT_BYTES,
    SourceFormat.XLS: MAX_DOCUMENT_BYTES,
}


def read_document(
    file: DocumentFile, known: KnownDocument | None, cache_dir: Path | None = None
) -> ReadDocument | None:
    """The document read from its file, or None when its bytes are unchanged since last read."""
    return read_new_document(file, cache_dir) if needs_reading(file, known) else None


def read_new_document(file: DocumentFile, cache_dir: Path | None = None) -> ReadDocument:
    """Read (for a PDF or workbook: extract, or take the extraction from `cache_dir`) and
    parse one document; runs in the worker processes."""
    try:
        size = file.path.stat().st_size
        source_format = SourceFormat.of(file.path.name)
        limit = MAX_BYTES.get(source_format, MAX_DOCUMENT_BYTES)
        if size > limit:
            kind = "of text" if limit == MAX_DOCUMENT_BYTES else f"as {source_format}"
            issue = Issue(
                file.document_id,
                f"the file is {size / 1e6:.1f} MB; a budget "
                f"document is at most {limit / 1e6:.0f} MB {kind}",
                check_name="decode",
            )
            return UnreadableDocument(file, file.sha256(), size, issue)
        data = file.read()
    except OSError as error:
        # An I/O error, a permission or a file removed since discovery costs this document only.
        issue = Issue(
            file.document_id,
            f"the file cannot be read: {error.strerror or error}",
            check_name="decode",
        )
        return UnreadableDocument(file, UNREAD_SHA256, 0, issue)
    return read_file(file, data, cache_dir)


# The hash recorded for a file that could not be read: no file hashes to it, so the file is
# read again on every build until it can be.
UNREAD_SHA256 = ""


# Below this many documents a run parses in its own process: starting the workers costs about
# a second (each imports Polars), the time it takes to parse some 40 documents.
PARALLEL_FROM = 40
# Extracting a PDF or workbook costs about 0.1 s a page, as much as parsing some 40 text
# documents: one such file is weighed as that many.
EXTRACTION_WEIGHT = 40


def read_documents(
    files: list[DocumentFile],
    known: dict[str, KnownDocument],
    *,
    reread: bool = False,
    workers: int = 1,
    cache_dir: Path | None = None,
) -> Iterator[tuple[DocumentFile, ReadDocument | None]]:
    """Each file with its document, or None when unchanged since it was last read; parsed over
    `workers` processes when there are enough documents for it to pay."""
    changed = []
    for file in files:
        if reread or needs_reading(file, known.get(file.document_id)):
            changed.append(file)
        else:
            yield file, None
    work = sum(
        1 if SourceFormat.of(f.path.name) in (None, SourceFormat.TXT) else EXTRACTION_WEIGHT
        for f in changed
    )
    read = partial(read_new_document, cache_dir=cache_dir)
    if workers <= 1 or len(changed) < 2 or work < PARALLEL_FROM:
        for file in changed:
            yield file, read(file)
        return
    # spawn, not fork: the parent holds DuckDB and Dagster threads, which fork would copy
    # mid-flight; the workers import only the parser. Each worker reads its files itself.
    # One at a time when PDFs are among them, so a few long extractions spread over the workers.
    chunksize = 1 if work > len(changed) else 4
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield from zip(changed, pool.map(read, changed, chunksize=chunksize), strict=True)


def published_without_file(con: duckdb.DuckDBPyConnection, present: list[str]) -> list[str]:
    """Documents in the marts whose file is no longer in the raw folder: their figures stay
    published (the last good version is kept), which a user who removed the file must be told."""
    with registered(
        con,
        "present_ids",
        pl.DataFrame({"document_id": present}, schema={"document_id": pl.String}),
    ):
        rows = con.execute(
            "select document_id from accepted.documents "
            "where document_id not in (select document_id from present_ids) "
            "order by document_id"
        ).fetchall()
    return [row[0] for row in rows]


def needs_reading(file: DocumentFile, known: KnownDocument | None) -> bool:
    """Unchanged bytes already read by this parser (and extractor) version are not read again
    (a version read but not yet gated is gated from raw by the next gate step)."""
    if known is None or known.parser_version != PARSER_VERSION:
        return True
    if known.extractor != extractor_name(SourceFormat.of(file.path.name) or SourceFormat.TXT):
        return True
    try:
        return known.source_sha256 != file.sha256()
    except OSError:
        return True  # read_new_document reports why it cannot be read


def read_file(file: DocumentFile, data: bytes, cache_dir: Path | None = None) -> ReadDocument:
    sha256: str | None = None
    cached: bool | None = None
    try:
        source_format = SourceFormat.of(file.path.name)
        extracted = None
        if source_format is not None and source_format is not SourceFormat.TXT:
            sha256 = hashlib.sha256(data).hexdigest()
            extraction = extract(
                data, file.document_id, source_format, sha256=sha256, cache_dir=cache_dir
            )
            cached = extraction.cached
            if extraction.error is not None:
                raise DocumentError(extraction.error)
            extracted = extraction.document
            if extracted is not None and extracted.companion:
                return CompanionDocument(
                    file, sha256, len(data), extracted.page_count, extracted.extractor, cached
                )
        document = parse_document(
            data,
            document_id=file.document_id,
            source_file=file.document_id,
            folder_year=file.folder_year,
            extracted=extracted,
        )
        document.extraction_cached = cached
        return document
    except DocumentError as error:
        issue = error.issue
    except Exception as error:
        issue = Issue(
            file.document_id,
            f"the reader failed on this file ({type(error).__name__}: "
            f"{error}); please report it with the file",
            check_name="decode",
        )
    # parse_document hashes what it reads; only a file it could not read is hashed here.
    return UnreadableDocument(
        file, sha256 or hashlib.sha256(data).hexdigest(), len(data), issue, cached
    )


def store_documents(
    con: duckdb.DuckDBPyConnection,
    documents: list[ReadDocument],
    *,
    run_id: str,
) -> None:
    """Replace these documents' rows in every table ingestion writes, in one transaction: the
    document row, its parse results and its parsed tables. The gate's results of an earlier
    version stay until the gate replaces them (they name that version's sha256)."""
    if not documents:
        return
    now = datetime.now(UTC)
    ids = pl.DataFrame({"document_id": [d.document_id for d in documents]})
    document_rows = pl.DataFrame(
        [_document_row(d, run_id, now) for d in documents],
        schema=polars_schema(DOCUMENT_COLUMNS),
        orient="row",
    )
    check_rows = pl.DataFrame(
        [row | {"run_id": run_id} for d in documents for row in _parse_check_rows(d, now)],
        schema=polars_schema(CHECK_RESULT_COLUMNS),
        orient="row",
    )
    parsed = [d for d in documents if isinstance(d, ParsedDocument)]
    with transaction(con), registered(con, "incoming_ids", ids):
        for table in ("documents", "parse_results", *RAW_TABLES):
            con.execute(
                f"delete from raw.{table} "
                "where document_id in (select document_id from incoming_ids)"
            )
        insert_frame(con, "raw.documents", document_rows)
        insert_frame(con, "raw.parse_results", check_rows)
        for table in RAW_TABLES:
            frames = [
                frame.with_columns(pl.lit(d.document_id).alias("document_id"))
                for d in parsed
                if (frame := d.frames.get(table)) is not None and frame.height
            ]
            if frames:
                insert_frame(con, f"raw.{table}", pl.concat(frames, how="vertical"))


def _document_row(document: ReadDocument, run_id: str, now: datetime) -> dict[str, object]:
    common = {"parser_version": PARSER_VERSION, "parsed_at": now, "run_id": run_id}
    if isinstance(document, ParsedDocument):
        common |= {"source_format": document.source_format, "extractor": document.extractor}
    else:
        source_format = SourceFormat.of(document.document_id) or SourceFormat.TXT
        common |= {"source_format": source_format.value, "extractor": extractor_name(source_format)}
    if isinstance(document, CompanionDocument):
        return {
            "document_id": document.document_id,
            "source_file": document.document_id,
            "source_sha256": document.source_sha256,
            "size_bytes": document.size_bytes,
            "companion": True,
            **common,
        }
    if isinstance(document, UnreadableDocument):
        return {
            "document_id": document.document_id,
            "source_file": document.document_id,
            "source_sha256": document.source_sha256,
            "size_bytes": document.size_bytes,
            **common,
        }
    return {
        "document_id": document.document_id,
        "source_file": document.source_file,
        "source_sha256": document.source_sha256,
        "size_bytes": document.size_bytes,
        "encoding": document.encoding,
        "line_ending": document.line_ending,
        "line_total": document.line_total,
        "fiscal_year": document.fiscal_year,
        "department_name": document.department_name,
        "amount_units": ",".join(document.amount_units),
        "tables_found": ",".join(document.tables_found),
        "template": document.template,
        "document_kind": document.document_kind,
        "scope": document.scope,
        **common,
    }


def _parse_check_rows(document: ReadDocument, now: datetime) -> list[dict[str, object]]:
    if isinstance(document, CompanionDocument):
        return [
            {
                "document_id": document.document_id,
                "source_sha256": document.source_sha256,
                "check_name": "extract",
                "success": True,
                "message": document.message,
                "rejects": False,
                "checked_at": now,
            }
        ]
    if isinstance(document, UnreadableDocument):
        return [issue_row(document.document_id, document.source_sha256, document.issue, now)]
    if not document.issues:
        return [
            {
                "document_id": document.document_id,
                "source_sha256": document.source_sha256,
                "check_name": "parse",
                "success": True,
                "message": f"all {document.line_total} lines read; tables "
                f"{', '.join(document.tables_found)}",
                "rejects": False,
                "checked_at": now,
            }
        ]
    return [
        issue_row(document.document_id, document.source_sha256, issue, now)
        for issue in document.issues
    ]


def issue_row(document_id: str, sha256: str, issue: Issue, now: datetime) -> dict[str, object]:
    return {
        "document_id": document_id,
        "source_sha256": sha256,
        "check_name": issue.check_name,
        "table_no": issue.table_no,
        "source_line": issue.line,
        "success": False,
        "observed": issue.text,
        "message": str(issue),
        "rejects": issue.rejects,
        "checked_at": now,
    }
