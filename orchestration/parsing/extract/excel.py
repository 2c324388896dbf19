"""A published workbook (.xlsx, .xls) to the seed's layout: each sheet row a line, each sheet a
page; one or several tables per sheet, found by their titles as in any document."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from importlib.metadata import version

import polars as pl

from ..issues import DocumentError, Issue
from ..text import normalise_label
from .model import ExtractedDocument, SourceFormat

EXTRACTOR = f"calamine (fastexcel {version('fastexcel')}) via polars {version('polars')}"

_UNIT = re.compile(r"单位[:：]\s*(万元|元)")
# Decimals an amount has in its unit: 0.01 元, which is 0.000001 万元.
_DECIMALS = {"元": 2, "万元": 6}
_PLAIN_NUMBER = re.compile(r"-?\d+\.\d+")
# The 类/款/项 columns of a classification code print two-digit groups ("208 05 06"); stored as
# numbers, 05 comes back as 5.
_CODE_GROUP_COLUMNS = {"款", "项"}


def extract_workbook(data: bytes, file: str, source_format: SourceFormat) -> ExtractedDocument:
    """Raises DocumentError for a workbook that cannot be opened."""
    try:
        # Every cell as text: calamine renders a number with up to 9 decimals, more than the
        # 6 an amount in 万元 has, and the binary noise of a double is rounded away below.
        sheets = pl.read_excel(
            data,
            sheet_id=0,
            engine="calamine",
            has_header=False,
            infer_schema_length=0,
            drop_empty_rows=False,
            drop_empty_cols=False,
            raise_if_empty=False,
        )
    except Exception as error:
        raise DocumentError(
            Issue(
                file,
                f"the workbook cannot be opened ({type(error).__name__}: {error})",
                check_name="extract",
            )
        ) from None
    document = ExtractedDocument(source_format, EXTRACTOR)
    for number, (name, frame) in enumerate(sheets.items(), start=1):
        document.sheets.append(name)
        decimals = _DECIMALS["万元"]
        group_columns: set[int] = set()
        had_rows = False
        for row in frame.iter_rows():
            cells = [(cell or "").strip() for cell in row]
            labels = [normalise_label(cell) for cell in cells]
            unit = next((m.group(1) for label in labels if (m := _UNIT.search(label))), None)
            if unit:
                decimals = _DECIMALS[unit]
            if "类" in labels and _CODE_GROUP_COLUMNS & set(labels):
                group_columns = {
                    i for i, label in enumerate(labels) if label in _CODE_GROUP_COLUMNS
                }
            cells = [
                _code_group(cell) if i in group_columns else _amount(cell, decimals)
                for i, cell in enumerate(cells)
            ]
            while cells and not cells[-1]:
                cells.pop()
            document.add_line("\t".join(cells), number)
            had_rows = had_rows or bool(cells)
        document.add_line("", number)
        if had_rows:
            document.table_pages.append(number)
    document.page_count = len(document.sheets)
    return document


def _amount(cell: str, decimals: int) -> str:
    """A number with more decimals than its unit holds, when the extra digits are only a
    double's representation error (134133.32827100002 -> 134133.328271): rounded, as Decimal
    text. A figure printed with too many decimals keeps them, and the reader reports it."""
    if not _PLAIN_NUMBER.fullmatch(cell) or len(cell.split(".")[1]) <= decimals:
        return cell
    try:
        value = Decimal(cell)
    except InvalidOperation:
        return cell
    rounded = value.quantize(Decimal(1).scaleb(-decimals))
    noise = max(abs(value), Decimal(1)) * Decimal("1e-12")
    if abs(value - rounded) > noise:
        return cell
    return format(rounded.normalize() if rounded == rounded.to_integral() else rounded, "f")


def _code_group(cell: str) -> str:
    return cell.zfill(2) if cell.isdigit() and len(cell) == 1 else cell
