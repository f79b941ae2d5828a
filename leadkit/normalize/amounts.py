"""Amounts and dates as Russian and CIS exports write them, read with Polars expressions.

Amounts: ``1 200 000,50`` with spaces, no-break (U+00A0), thin (U+2009) or narrow no-break (U+202F)
spaces or apostrophes between the thousands; a decimal comma or point; ``-1 234,00``, ``−1 234``
(Unicode minus) and ``(1 234,00)`` for negatives; currency marks before or after the number (``руб.``,
``₽``, ``р.``; the list is ``currency_words`` in ``sales_format.yaml``); placeholders that mean nothing
(``-``, ``н/д``: ``empty_words``), read as empty. A single comma or point is the decimal mark
(``1,234`` is 1.234: Russian exports write thousands with spaces); one that separates groups of three
digits more than once, or beside the other mark, separates thousands (``1.234.567``, ``1,234,567``,
``1.234,50``, ``1,234.50``). Anything else (``12,5,3``, ``около миллиона``) is not an amount.

Dates: ``15.01.2026``, ``15.01.26``, ``2026-01-15``, each with a time after it or not, and a month
(``Январь 2026`` is the 1st); :func:`document_date` finds the date in a 1C document's name
(``Реализация товаров и услуг 00000012 от 15.01.2026 12:00:00``).

Each reader gives the value (null where the cell is empty or unreadable) and, separately, whether the
cell held something that is not an amount or a date, so the caller can name the row.
"""

from __future__ import annotations

import re

import polars as pl

from leadkit.settings import SalesRules

__all__ = ["amount", "bad_amount", "bad_date", "date", "document_date"]

_VALID = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$"
_SPACES = r"[\s'’`]"


def _alternatives(words: tuple[str, ...]) -> str:
    """A regex group of ``words`` with their spaces removed, longest first."""
    folded = sorted({w.replace(" ", "") for w in words if w.strip()}, key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.escape(w) for w in folded) + ")" if folded else "(?!)"


def _canonical(text: pl.Expr, rules: SalesRules) -> pl.Expr:
    """The cell as plain number text (``-1234.50``): ``""`` for an empty cell or a placeholder."""
    currency = _alternatives(rules.currency_words)
    squeezed = (
        text.cast(pl.String)
        .str.to_lowercase()
        .str.replace_all("ё", "е", literal=True)
        .str.replace_all(_SPACES, "")
    )
    bare = squeezed.str.replace(f"^{currency}", "").str.replace(f"{currency}$", "")
    empties = [w.replace(" ", "") for w in rules.empty_words]
    signed = (
        bare.str.replace(r"^[−–—]", "-")
        .str.replace(r"^\((.*)\)$", "-$1")
        .str.replace(r"^-\((.*)\)$", "-$1")
    )
    has_comma = signed.str.contains(",", literal=True)
    has_point = signed.str.contains(".", literal=True)
    commas = signed.str.count_matches(",", literal=True)
    points = signed.str.count_matches(".", literal=True)
    comma_thousands = signed.str.contains(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
    point_thousands = signed.str.contains(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d*)?$")
    number = (
        pl.when(comma_thousands & ((commas > 1) | has_point))
        .then(signed.str.replace_all(",", "", literal=True))
        .when(point_thousands & ((points > 1) | has_comma))
        .then(signed.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .when(~has_point & (commas == 1))
        .then(signed.str.replace(",", ".", literal=True))
        .otherwise(signed)
    )
    return pl.when(squeezed.is_in(empties) | (bare == "")).then(pl.lit("")).otherwise(number)


def amount(text: pl.Expr, rules: SalesRules) -> pl.Expr:
    """Each cell as a Float64 amount; null where it is empty, a placeholder, or not an amount."""
    canonical = _canonical(text, rules)
    return (
        pl.when(canonical.str.contains(_VALID))
        .then(canonical.cast(pl.Float64, strict=False))
        .otherwise(None)
    )


def bad_amount(text: pl.Expr, rules: SalesRules) -> pl.Expr:
    """True where the cell holds text that is not an amount (``около миллиона``, ``12,5,3``)."""
    canonical = _canonical(text, rules)
    return text.is_not_null() & (canonical != "") & ~canonical.str.contains(_VALID)


def _iso(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    return pl.concat_str([year, month.str.zfill(2), day.str.zfill(2)], separator="-").str.to_date(
        "%Y-%m-%d", strict=False
    )


def _month_numbers(rules: SalesRules) -> dict[str, str]:
    return {word: f"{n:02d}" for n, words in enumerate(rules.months, start=1) for word in words}


def date(text: pl.Expr, rules: SalesRules) -> pl.Expr:
    """Each cell as a Date; null where it is empty or not a date."""
    cell = text.cast(pl.String).str.strip_chars().str.to_lowercase().str.replace_all("ё", "е")
    time = r"(?:[ t]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:г\.?)?$"
    dotted = cell.str.extract_groups(rf"^(\d{{1,2}})[./](\d{{1,2}})[./](\d{{4}}|\d{{2}}){time}")
    iso = cell.str.extract_groups(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){time}")
    months = _month_numbers(rules)
    month_pattern = "|".join(re.escape(m) for m in sorted(months, key=lambda m: (-len(m), m)))
    by_month = cell.str.extract_groups(rf"^({month_pattern})\.?\s+(\d{{4}})\s*(?:г\.?)?$")
    year = dotted.struct.field("3")
    full_year = pl.when(year.str.len_chars() == 2).then("20" + year).otherwise(year)
    return pl.coalesce(
        _iso(full_year, dotted.struct.field("2"), dotted.struct.field("1")),
        _iso(iso.struct.field("1"), iso.struct.field("2"), iso.struct.field("3")),
        _iso(
            by_month.struct.field("2"),
            by_month.struct.field("1").replace_strict(months, default=None),
            pl.lit("01"),
        ),
    )


def bad_date(text: pl.Expr, rules: SalesRules) -> pl.Expr:
    """True where the cell holds text that is not a date."""
    filled = text.cast(pl.String).str.strip_chars()
    return (filled.str.len_chars() > 0) & date(text, rules).is_null()


def document_date(text: pl.Expr) -> pl.Expr:
    """The date in a 1C document's name (``… от 15.01.2026 12:00:00``); null where there is none."""
    found = text.cast(pl.String).str.extract_groups(
        r"(?i)\bот\s+(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})\b"
    )
    year = found.struct.field("3")
    full_year = pl.when(year.str.len_chars() == 2).then("20" + year).otherwise(year)
    return _iso(full_year, found.struct.field("2"), found.struct.field("1"))
