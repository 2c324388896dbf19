"""Amount cells to exact DECIMAL(18,6) 万元, vectorised with Polars.

Every amount in the warehouse is 万元 with 6 decimals, which is exact to 0.01 元. Two traps shape
this module, both measured on Polars 2.1:

* a string-to-Decimal cast silently rounds extra decimals (`"1.1234567"` becomes `1.123457`), so
  every cell is checked against a strict pattern before it is cast, and a cell that fails is
  reported, never coerced;
* Decimal multiplication keeps the larger input scale and rounds (`1234.56 * 0.0001` gives
  `0.1235`), so 元 become 万元 by moving the decimal point in the text, not by arithmetic.
"""

from __future__ import annotations

import polars as pl

AMOUNT_DTYPE = pl.Decimal(18, 6)
UNITS = ("万元", "元")

# Cells that print "nothing": blank, a dash, a slash.
_NOTHING = ["", "-", "—", "–", "/"]
# Full-width digits and punctuation some extractors emit.
_FULL_WIDTH = {**{chr(0xFF10 + d): str(d) for d in range(10)}, "，": ",", "．": ".", "－": "-"}
# Thousands separators, when present, must group by three: "183,545259" is a broken number.
_GROUPED = r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$"
# After separators are removed: at most 12 integer digits in 万元 (DECIMAL(18,6)), and no more
# decimals than the unit holds exactly.
_PLAIN = {"万元": r"^-?\d{1,12}(?:\.\d{1,6})?$", "元": r"^-?\d{1,16}(?:\.\d{1,2})?$"}


def _normalised(column: str) -> pl.Expr:
    return (
        pl.col(column)
        .str.replace_many(list(_FULL_WIDTH), list(_FULL_WIDTH.values()))
        .str.strip_chars()
    )


def _is_nothing(text: pl.Expr) -> pl.Expr:
    return text.is_null() | text.is_in(_NOTHING)


def _is_valid(text: pl.Expr, unit: str) -> pl.Expr:
    return text.str.contains(_GROUPED) & text.str.replace_all(",", "").str.contains(_PLAIN[unit])


def _to_wan_text(plain: pl.Expr, unit: str) -> pl.Expr:
    """The amount in 万元 as text, exact: 元 shift four places left."""
    if unit == "万元":
        return plain
    parts = plain.str.extract_groups(r"^(?P<sign>-?)(?P<int>\d+)(?:\.(?P<frac>\d+))?$")
    # Whole fen (0.01 元) equal whole millionths of 万元; write them as 万元 with six decimals.
    fen = (parts.struct.field("int") + parts.struct.field("frac").fill_null("").str.pad_end(2, "0"))
    fen = fen.str.zfill(7)
    return pl.concat_str(
        [parts.struct.field("sign"), fen.str.head(-6), pl.lit("."), fen.str.tail(6)]
    )


def amount_expr(column: str, unit: str) -> pl.Expr:
    """The column's cells as DECIMAL(18,6) 万元; NULL for "nothing" and for invalid cells.

    A printed zero ("0", "0.00") means nothing too, as a blank or a dash does: documents use
    them interchangeably, and the same budget must give the same marts whichever they print.
    """
    if unit not in UNITS:
        raise ValueError(f"unknown amount unit {unit!r}")
    text = _normalised(column)
    plain = text.str.replace_all(",", "")
    value = _to_wan_text(plain, unit).cast(AMOUNT_DTYPE, strict=False)
    return (
        pl.when(_is_nothing(text)).then(None)
        .when(_is_valid(text, unit) & (value != 0)).then(value)
        .otherwise(None)
        .cast(AMOUNT_DTYPE)
        .alias(column)
    )


def invalid_amount_expr(column: str, unit: str) -> pl.Expr:
    """True where the cell holds text that is neither "nothing" nor a valid amount."""
    text = _normalised(column)
    return (~_is_nothing(text) & ~_is_valid(text, unit)).fill_null(False)


def describe_invalid(unit: str) -> str:
    decimals = 6 if unit == "万元" else 2
    return (
        f"not an amount in {unit}: expected digits with optional thousands separators "
        f"grouped by three and at most {decimals} decimals"
    )


def convert_amounts(
    frame: pl.DataFrame, columns: list[str], unit: str
) -> tuple[pl.DataFrame, list[tuple[int, str, str]]]:
    """Cast amount columns of text to DECIMAL 万元; also return (row, column, text) of bad cells."""
    if frame.height == 0 or not columns:
        return frame.with_columns(pl.col(c).cast(AMOUNT_DTYPE) for c in columns), []
    flags = frame.select(invalid_amount_expr(c, unit).alias(c) for c in columns)
    bad: list[tuple[int, str, str]] = []
    for column in columns:
        rows = flags.get_column(column).arg_true().to_list()
        texts = frame.get_column(column).gather(rows).to_list() if rows else []
        bad.extend((row, column, text) for row, text in zip(rows, texts, strict=True))
    bad.sort()
    return frame.with_columns(amount_expr(c, unit) for c in columns), bad
