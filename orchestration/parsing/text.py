"""Bytes to lines: encoding and line-end detection, cell splitting."""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass

from .issues import DocumentError, Issue

# Documents are text extracted from PDFs; anything with NUL bytes is not one.
_BINARY_SAMPLE = 8192


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str  # "utf-8", "utf-8-sig" or "gb18030"
    line_ending: str  # "LF", "CRLF", "CR" or "mixed"


def decode(data: bytes, file: str) -> DecodedText:
    """Decode a document, detecting UTF-8 (with or without BOM) or GB18030 from the bytes."""
    if not data.strip():
        raise DocumentError(Issue(file, "the file is empty", check_name="decode"))
    if b"\x00" in data[:_BINARY_SAMPLE]:
        raise DocumentError(
            Issue(file, "the file is binary (it contains NUL bytes), not extracted text",
                  check_name="decode")
        )
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8-sig", data[len(codecs.BOM_UTF8):]
    else:
        encoding, body = "utf-8", data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        if encoding == "utf-8-sig":
            raise DocumentError(_undecodable(file, body, utf8_error, "UTF-8")) from None
        try:
            text, encoding = body.decode("gb18030"), "gb18030"
        except UnicodeDecodeError as gb_error:
            raise DocumentError(_undecodable(file, body, gb_error, "UTF-8 or GB18030")) from None
    if _control_share(text) > 0.01:
        raise DocumentError(
            Issue(file, f"the file decodes as {encoding} but is mostly control characters: "
                        "not extracted text", check_name="decode")
        )
    return DecodedText(text=text, encoding=encoding, line_ending=_line_ending(text))


def split_lines(text: str) -> list[str]:
    """Lines without their ends; CRLF, CR and LF all end a line."""
    lines = re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# Cells carry stray spaces from the PDF extractor, including the ideographic space U+3000.
_CELL_STRIP = " \u3000\u00a0\ufeff"


def split_cells(line: str) -> list[str]:
    """Tab-separated cells, stripped, with ragged trailing empty cells removed."""
    cells = [cell.strip(_CELL_STRIP) for cell in line.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    return cells


# Names are kept as printed except for brackets: 维修(护)费 and 维修（护）费 are one name, written
# with the full-width brackets of Chinese typography.
_NAME_BRACKETS = str.maketrans({"(": "（", ")": "）"})


def canonical_name(name: str) -> str:
    return name.translate(_NAME_BRACKETS)


def canonical_code(cell: str) -> str:
    """Codes in half-width form (full-width digits and dashes are common in extracted text)."""
    return cell if cell.isascii() else unicodedata.normalize("NFKC", cell)


@lru_cache(maxsize=1 << 16)
def normalise_label(label: str) -> str:
    """A header or row label in comparable form: NFKC (full-width to half-width), no spaces."""
    # Cached: the same labels recur on every page and in every document of a run.
    return "".join(unicodedata.normalize("NFKC", label).split())


def _line_ending(text: str) -> str:
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [name for name, count in (("CRLF", crlf), ("CR", cr), ("LF", lf)) if count]
    if not kinds:
        return "LF"
    return kinds[0] if len(kinds) == 1 else "mixed"


def _control_share(text: str) -> float:
    sample = text[:_BINARY_SAMPLE]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    return controls / max(len(sample), 1)


def _undecodable(file: str, body: bytes, error: UnicodeDecodeError, tried: str) -> Issue:
    line = body.count(b"\n", 0, error.start) + 1
    snippet = body[max(error.start - 8, 0): error.start + 8]
    return Issue(
        file,
        f"the file is not valid {tried}: byte 0x{body[error.start]:02x} at offset "
        f"{error.start} cannot be decoded",
        line=line,
        text=snippet.hex(" "),
        check_name="decode",
    )
