"""Amount cells to exact DECIMAL(18,6) 万元.

Every amount in the warehouse is 万元 with 6 decimals, which is exact to 0.01 元. Two traps shape
this module, both measured on Polars 2.1:

* a string-to-Decimal cast silently rounds extra decimals (`"1.1234567"` becomes `1.123457`), so
  every cell is checked against a strict pattern before it is cast, and a cell that fails is
  reported, never coerced;
* Decimal multiplication keeps the larger input scale and rounds (`1234.56 * 0.0001` gives
  `0.1235`), so 元 become 万元 by moving the decimal point in the text, not by arithmetic.

Cells are checked one by one in Python and cast in one go per table: a document has a few thousand
amount cells, and a compiled pattern per cell costs less than the fixed cost of the Polars
expressions that did the same work column by column (measured: 25 ms of a 63 ms document).
"""

from __future__ import annotations

import re
from decimal import Decimal

import polars as pl

AMOUNT_DTYPE = pl.Decimal(18, 6)
UNITS = ("万元", "元")

# Cells that print "nothing": blank, a dash, a slash.
_NOTHING = frozenset(["", "-", "—", "–", "/"])
# Full-width digits and punctuation some extractors emit.
_FULL_WIDTH = str.maketrans(
    {**{chr(0xFF10 + d): str(d) for d in range(10)}, "，": ",", "．": ".", "－": "-"}
)
# Thousands separators, when present, must group by three: "183,545259" is a broken number. At
# most 12 integer digits in 万元 (DECIMAL(18,6)) and 16 in 元, and no more decimals than the unit
# holds exactly.
_VALID = {
    "万元": re.compile(r"(-?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,6}))?"),
    "元": re.compile(r"(-?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?"),
}
_INTEGER_DIGITS = {"万元": 12, "元": 16}


class InvalidAmount(ValueError):
    """A cell that is neither "nothing" nor an amount in the table's unit."""


def amount_text(cell: str | None, unit: str) -> str | None:
    """The cell as plain 万元 text, exact ("1410.0936"); None for nothing and for zero.

    A printed zero ("0", "0.00") means nothing too, as a blank or a dash does: documents use
    them interchangeably, and the same budget must give the same marts whichever they print.
    Raises InvalidAmount for anything else.
    """
    if cell is None:
        return None
    text = cell if cell.isascii() else cell.translate(_FULL_WIDTH)
    text = text.strip()
    if text in _NOTHING:
        return None
    match = _VALID[unit].fullmatch(text)
    if match is None:
        raise InvalidAmount(text)
    sign, whole, fraction = match.groups()
    whole = whole.replace(",", "")
    if len(whole) > _INTEGER_DIGITS[unit]:
        raise InvalidAmount(text)
    fraction = fraction or ""
    if unit == "元":
        # Whole fen (0.01 元) are whole millionths of 万元: write them with six decimals.
        fen = (whole + fraction.ljust(2, "0")).rjust(7, "0")
        whole, fraction = fen[:-6], fen[-6:]
    if not whole.strip("0") and not fraction.strip("0"):
        return None
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


def describe_invalid(unit: str) -> str:
    decimals = 6 if unit == "万元" else 2
    return (
        f"not an amount in {unit}: expected digits with optional thousands separators "
        f"grouped by three, at most {_INTEGER_DIGITS[unit]} integer digits and at most "
        f"{decimals} decimals"
    )


def last_digit_wan(rows: list[dict[str, object]], columns: list[str], unit: str) -> Decimal:
    """The value in 万元 of the finest digit the cells print ("1,234.56" 元: 0.000001), read
    from the text before it is converted: the unit a figure rounded on its own is rounded to
    (docs/architecture.md, "The identities")."""
    decimals = max(
        (
            len(text.rpartition(".")[2])
            for row in rows
            for column in columns
            if (text := str(row.get(column) or "")) and "." in text
        ),
        default=0,
    )
    return Decimal(1).scaleb(-decimals - (4 if unit == "元" else 0))


def convert_cells(
    rows: list[dict[str, object]], columns: list[str], unit: str
) -> list[tuple[int, str, str]]:
    """Replace amount cells of the rows, in place, by plain 万元 text; return (row, column,
    text) of each cell that is not an amount (set to None)."""
    if unit not in UNITS:
        raise ValueError(f"unknown amount unit {unit!r}")
    bad = []
    for index, row in enumerate(rows):
        for column in columns:
            cell = row.get(column)
            if cell is None:
                continue
            try:
                row[column] = amount_text(cell, unit)  # type: ignore[arg-type]
            except InvalidAmount:
                bad.append((index, column, cell))
                row[column] = None
    bad.sort()
    return bad  # type: ignore[return-value]


def convert_amounts(
    frame: pl.DataFrame, columns: list[str], unit: str
) -> tuple[pl.DataFrame, list[tuple[int, str, str]]]:
    """Cast amount columns of text to DECIMAL 万元; also return (row, column, text) of bad cells."""
    rows = frame.select(columns).to_dicts()
    bad = convert_cells(rows, columns, unit)
    converted = pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String), orient="row")
    return frame.with_columns(converted.get_column(c).cast(AMOUNT_DTYPE) for c in columns), bad
