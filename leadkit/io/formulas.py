"""The formula guard of CSV output, the text mark of spreadsheet CSV, and their inverse, in one place.

Cells a spreadsheet would run as a formula get a leading quote. Plain CSV guards every cell that starts
with =, @, a tab or CR, and every +/- cell except a number or a list of phone numbers
(`+7 (495) 123-45-67`, `+74951234567; +79161234567`, `+74955861234;ext=12`), which pipes to other tools
need as they are. Spreadsheet CSV (``--excel``) guards every +/- cell that is neither a plain number
nor a list of phone numbers. The quote stays visible in the cell: a CSV cannot hide it.

Spreadsheet CSV also keeps identifiers and phones as text: a cell that a spreadsheet would turn into
a number and change (INN ``0278123453`` → 278123453, ``+74951234567`` → 74951234567, a 12-digit INN
→ ``5.001E+11``, 20 digits → ``1.23E+19``) gets a leading tab, which Excel and LibreOffice both take
for text and which is no formula. These are the number-like cells of identifier and phone columns
(``inn``, ``ogrn``, ``phone`` …) and, in any column, digits with a leading zero, a leading ``+`` or
more than 11 of them. A phone list that starts with ``+`` gets the tab rather than the quote: it holds
no letters, so no function or reference, whatever a spreadsheet makes of it.

leadkit removes the quote and the tab again when it reads a file back (a cell of the data that starts
with a tab is written quoted, so a bare leading tab is always the mark).
"""

from __future__ import annotations

import polars as pl

from leadkit import columns as C

_PHONE = r"\+?[\d().\- ]*\d[\d().\- ]*(?:;ext=\d+)?"
_PHONE_LIST = rf"^{_PHONE}(?:\s*[,;/\n]\s*{_PHONE})*$"
_ALWAYS_GUARD = r"^(?:[=@\t\r]|'['=+\-@\t\r])"
_EXCEL_PLAIN_NUMBER = r"^[+\-]?[0-9.,]*$"
#: A cell a spreadsheet would run as a formula, or one that already carries leadkit's guard quote.
FORMULA_GUARDED = r"^'['=+\-@\t\r]"
#: Columns of identifiers and phones: every number-like cell of them is kept as text in spreadsheet CSV.
TEXT_COLUMNS = frozenset(
    {
        C.INN,
        C.OGRN,
        C.PHONE_RAW,
        C.PHONES,
        C.PHONE,
        C.PHONE_INVALID,
        C.LEAD_ID,
        C.LEAD_IDS,
        C.CLUSTER_ID,
    }
)
_NUMBER_LIKE = r"^\+?\d[\d\s.,/\-]*$"
#: Digits that a spreadsheet would change: a leading zero, a leading +, or more than 11 digits
#: (Excel shows 12 or more in its default format as 5.001E+11, and keeps only 15).
_CHANGED_NUMBER = r"^(?:0\d+|\+\d[\d\s]*|\d{12,})$"
#: The mark that keeps a cell as text in spreadsheet CSV.
TEXT_MARK = "\t"


def guard_formulas(df: pl.DataFrame, *, excel: bool = False) -> pl.DataFrame:
    """Put a quote before cells that a spreadsheet would run as formulas and, with ``excel``, a tab
    before identifiers and phones that it would turn into numbers (``unguard_formulas`` undoes both)."""

    def guarded(c: str) -> pl.Expr:
        col = pl.col(c)
        signed = (
            col.str.contains(r"^[+\-]")
            & ~col.str.contains(_PHONE_LIST)
            & ~col.str.contains(r"^[+\-\s]*$")  # "-" or "--": an empty-cell marker
        )
        if excel:
            signed = signed & ~col.str.contains(_EXCEL_PLAIN_NUMBER)
        formula = col.str.contains(_ALWAYS_GUARD) | signed
        if not excel:
            return pl.when(formula).then("'" + col).otherwise(col)
        number_like = _NUMBER_LIKE if c in TEXT_COLUMNS else _CHANGED_NUMBER
        marked = col.str.contains(number_like) | (
            col.str.contains(r"^\+") & col.str.contains(_PHONE_LIST)
        )
        return pl.when(formula).then("'" + col).when(marked).then(TEXT_MARK + col).otherwise(col)

    return df.with_columns(guarded(c).alias(c) for c, t in df.schema.items() if t == pl.String)


def unguard_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Remove the quote that leadkit's CSV writer puts before formula-like cells, and the tab that
    spreadsheet CSV puts before identifiers."""
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_GUARDED))
        .then(pl.col(c).str.slice(1))
        .when(pl.col(c).str.starts_with(TEXT_MARK))
        .then(pl.col(c).str.slice(1))
        .otherwise(pl.col(c))
        .alias(c)
        for c, t in frame.schema.items()
        if t == pl.String
    )
