"""The formula guard of CSV output and its inverse, in one place.

Cells a spreadsheet would run as a formula get a leading quote. Plain CSV guards every cell that starts
with =, @, a tab or CR, and every +/- cell except a number or a list of phone numbers
(`+7 (495) 123-45-67`, `+74951234567; +79161234567`, `+74955861234;ext=12`), which pipes to other tools
need as they are. Spreadsheet CSV (``--excel``) guards every +/- cell that is not a plain number.
leadkit removes the quote again when it reads a file back.
"""

from __future__ import annotations

import polars as pl

_PHONE = r"\+?[\d().\- ]*\d[\d().\- ]*(?:;ext=\d+)?"
_PHONE_LIST = rf"^{_PHONE}(?:\s*[,;/\n]\s*{_PHONE})*$"
_ALWAYS_GUARD = r"^(?:[=@\t\r]|'['=+\-@\t\r])"
_EXCEL_PLAIN_NUMBER = r"^[+\-]?[0-9.,]*$"
#: A cell a spreadsheet would run as a formula, or one that already carries leadkit's guard quote.
FORMULA_GUARDED = r"^'['=+\-@\t\r]"


def guard_formulas(df: pl.DataFrame, *, excel: bool = False) -> pl.DataFrame:
    """Put a quote before cells that a spreadsheet would run as formulas (``unguard_formulas`` undoes it)."""
    safe_sign = _EXCEL_PLAIN_NUMBER if excel else _PHONE_LIST

    def needs_guard(c: str) -> pl.Expr:
        col = pl.col(c)
        signed = (
            col.str.contains(r"^[+\-]")
            & ~col.str.contains(safe_sign)
            & ~col.str.contains(r"^[+\-\s]*$")  # "-" or "--": an empty-cell marker
        )
        return col.str.contains(_ALWAYS_GUARD) | signed

    return df.with_columns(
        pl.when(needs_guard(c)).then("'" + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c, t in df.schema.items()
        if t == pl.String
    )


def unguard_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Remove the quote that leadkit's CSV writer puts before formula-like cells."""
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_GUARDED))
        .then(pl.col(c).str.slice(1))
        .otherwise(pl.col(c))
        .alias(c)
        for c, t in frame.schema.items()
        if t == pl.String
    )
