"""Bytes to lines: encoding and line-end detection, cell splitting."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

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
    nul = data.find(b"\x00", 0, _BINARY_SAMPLE)
    if nul >= 0:
        raise DocumentError(
            Issue(
                file,
                f"the file is binary (a NUL byte at offset {nul}), not extracted text",
                line=data.count(b"\n", 0, nul) + 1,
                check_name="decode",
            )
        )
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8-sig", data[len(codecs.BOM_UTF8) :]
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
            Issue(
                file,
                f"the file decodes as {encoding} but is mostly control characters: "
                "not extracted text",
                check_name="decode",
            )
        )
    return DecodedText(text=text, encoding=encoding, line_ending=_line_ending(text))


def split_lines(text: str) -> list[str]:
    """Lines without their ends; CRLF, CR and LF all end a line."""
    lines = re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# Extracted text holds no control character but the tab and the line ends. A form feed or a
# vertical tab is the page break some extractors print (pdftotext): layout, removed without a
# word. Any other (NUL, ESC, C1 controls) is a broken extraction or a tampered file: removed so
# it can never reach a name or a cell in the warehouse, and reported with its line.
_PAGE_BREAKS = re.compile("[\x0b\x0c]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_ANY_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def remove_controls(lines: list[str]) -> dict[int, str]:
    """Remove control characters from the lines, in place. Returns, by 1-based line number, the
    line as it was printed with each removed character (page breaks aside) shown as an escape."""
    found: dict[int, str] = {}
    for index, line in enumerate(lines):
        if not _ANY_CONTROL.search(line):
            continue
        if _CONTROLS.search(line):
            found[index + 1] = _CONTROLS.sub(
                lambda m: f"\\x{ord(m.group()):02x}", _PAGE_BREAKS.sub("", line)
            )
        lines[index] = _ANY_CONTROL.sub("", line)
    return found


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
    snippet = body[max(error.start - 8, 0) : error.start + 8]
    return Issue(
        file,
        f"the file is not valid {tried}: byte 0x{body[error.start]:02x} at offset "
        f"{error.start} cannot be decoded",
        line=line,
        text=snippet.hex(" "),
        check_name="decode",
    )
