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

Each reader takes a column of cells and gives two columns: ``value`` (null where the cell is empty or
unreadable) and ``bad`` (the cell held something that is not an amount or a date), so the caller can
name the row. The work is done in stages, each a simple Polars expression on the one before: one
nested expression re-reads its shared parts many times over (10× slower on millions of cells).
"""

from __future__ import annotations

import re

import polars as pl

from leadkit.settings import SalesRules

__all__ = ["document_dates", "read_amounts", "read_dates"]

_VALID = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$"
_SPACES = r"[\s'’`]"


def kopecks(money: pl.Expr) -> pl.Expr:
    """An amount in whole kopecks (cents), so that sums of many amounts add up exactly."""
    return (money * 100).round().cast(pl.Int64)


def _alternatives(words: tuple[str, ...]) -> str:
    """A regex group of ``words`` with their spaces removed, longest first."""
    folded = sorted({w.replace(" ", "") for w in words if w.strip()}, key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.escape(w) for w in folded) + ")" if folded else "(?!)"


#: The shapes most cells have (``-1 234 567,89``, ``1234.5``): read directly, the same as the full way.
_PLAIN = r"^-?(?:\d{1,3}(?:\s\d{3})+|\d+)(?:[.,]\d+)?$"


def read_amounts(cells: pl.Series, rules: SalesRules) -> pl.DataFrame:
    """Each cell as a Float64 ``value`` (null where empty, a placeholder, or not an amount) and
    ``bad`` (True where the cell holds text that is not an amount: ``около миллиона``, ``12,5,3``).

    Cells in the plain shapes are read in one step; each distinct other text goes the full way once."""
    frame = (
        cells.cast(pl.String)
        .rename("text")
        .to_frame()
        .with_columns(pl.col("text").str.contains(_PLAIN).fill_null(False).alias("plain"))
    )
    frame = frame.with_columns(
        pl.when(pl.col("plain"))
        .then(
            pl.col("text")
            .str.replace_all(r"\s", "")
            .str.replace(",", ".", literal=True)
            .cast(pl.Float64, strict=False)
        )
        .alias("value")
    )
    others = frame.filter(~pl.col("plain") & pl.col("text").is_not_null()).get_column("text")
    if others.is_empty():
        return frame.select("value", pl.lit(False).alias("bad"))
    read = _read_amounts_fully(others.unique(), rules)
    joined = frame.join(read, on="text", how="left", maintain_order="left", suffix="_full")
    return joined.select(
        pl.coalesce("value", "value_full").alias("value"), pl.col("bad").fill_null(False)
    )


def _read_amounts_fully(cells: pl.Series, rules: SalesRules) -> pl.DataFrame:
    """``text``, ``value`` and ``bad`` of each cell, every way of writing an amount considered."""
    currency = _alternatives(rules.currency_words)
    empties = [w.replace(" ", "") for w in rules.empty_words]
    text = pl.col("text")
    frame = (
        cells.cast(pl.String)
        .rename("text")
        .to_frame()
        .with_columns(
            text.str.to_lowercase()
            .str.replace_all("ё", "е", literal=True)
            .str.replace_all(_SPACES, "")
            .alias("squeezed")
        )
        .with_columns(
            pl.col("squeezed")
            .str.replace(f"^{currency}", "")
            .str.replace(f"{currency}$", "")
            .alias("bare")
        )
        .with_columns(
            pl.col("bare")
            .str.replace(r"^[−–—]", "-")
            .str.replace(r"^-?\((.*)\)$", "-$1")
            .alias("signed"),
            (pl.col("squeezed").is_in(empties) | (pl.col("bare") == "")).alias("empty"),
        )
    )
    signed = pl.col("signed")
    frame = frame.with_columns(
        signed.str.contains(",", literal=True).alias("has_comma"),
        signed.str.contains(".", literal=True).alias("has_point"),
        signed.str.count_matches(",", literal=True).alias("commas"),
        signed.str.count_matches(".", literal=True).alias("points"),
        signed.str.contains(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$").alias("comma_thousands"),
        signed.str.contains(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d*)?$").alias("point_thousands"),
    )
    frame = frame.with_columns(
        pl.when(pl.col("comma_thousands") & ((pl.col("commas") > 1) | pl.col("has_point")))
        .then(signed.str.replace_all(",", "", literal=True))
        .when(pl.col("point_thousands") & ((pl.col("points") > 1) | pl.col("has_comma")))
        .then(signed.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .when(~pl.col("has_point") & (pl.col("commas") == 1))
        .then(signed.str.replace(",", ".", literal=True))
        .otherwise(signed)
        .alias("number")
    ).with_columns((~pl.col("empty") & pl.col("number").str.contains(_VALID)).alias("valid"))
    return frame.select(
        text,
        pl.when(pl.col("valid"))
        .then(pl.col("number").cast(pl.Float64, strict=False))
        .alias("value"),
        (text.is_not_null() & ~pl.col("empty") & ~pl.col("valid")).fill_null(False).alias("bad"),
    )


def _iso(year: str, month: str, day: str) -> pl.Expr:
    return pl.concat_str(
        [pl.col(year), pl.col(month).str.zfill(2), pl.col(day).str.zfill(2)], separator="-"
    ).str.to_date("%Y-%m-%d", strict=False)


def _full_year(column: str) -> pl.Expr:
    year = pl.col(column)
    return pl.when(year.str.len_chars() == 2).then("20" + year).otherwise(year).alias(column)


def read_dates(cells: pl.Series, rules: SalesRules) -> pl.DataFrame:
    """Each cell as a Date ``value`` (null where empty or not a date) and ``bad`` (True where the cell
    holds text that is not a date). Each distinct text is read once (a year has 365 days)."""
    texts = cells.cast(pl.String).rename("text")
    distinct = _read_dates_fully(texts.drop_nulls().unique(), rules)
    return (
        texts.to_frame()
        .join(distinct, on="text", how="left", maintain_order="left")
        .select("value", pl.col("bad").fill_null(False))
    )


def _read_dates_fully(cells: pl.Series, rules: SalesRules) -> pl.DataFrame:
    """``text``, ``value`` and ``bad`` of each cell."""
    months = {word: f"{n:02d}" for n, words in enumerate(rules.months, start=1) for word in words}
    month_pattern = "|".join(re.escape(m) for m in sorted(months, key=lambda m: (-len(m), m)))
    time = r"(?:[ t]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:г\.?)?$"
    frame = (
        cells.cast(pl.String)
        .rename("text")
        .to_frame()
        .with_columns(
            pl.col("text")
            .str.strip_chars()
            .str.to_lowercase()
            .str.replace_all("ё", "е")
            .alias("cell")
        )
    )
    cell = pl.col("cell")
    frame = frame.with_columns(
        cell.str.extract_groups(rf"^(\d{{1,2}})[./](\d{{1,2}})[./](\d{{4}}|\d{{2}}){time}")
        .struct.rename_fields(["d_day", "d_month", "d_year"])
        .alias("dotted"),
        cell.str.extract_groups(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){time}")
        .struct.rename_fields(["i_year", "i_month", "i_day"])
        .alias("iso"),
        cell.str.extract_groups(rf"^({month_pattern})\.?\s+(\d{{4}})\s*(?:г\.?)?$")
        .struct.rename_fields(["m_name", "m_year"])
        .alias("by_month"),
    ).unnest("dotted", "iso", "by_month")
    frame = frame.with_columns(
        _full_year("d_year"),
        pl.col("m_name").replace_strict(months, default=None).alias("m_month"),
        pl.lit("01").alias("m_day"),
    )
    return frame.select(
        pl.col("text"),
        pl.coalesce(
            _iso("d_year", "d_month", "d_day"),
            _iso("i_year", "i_month", "i_day"),
            _iso("m_year", "m_month", "m_day"),
        ).alias("value"),
        (cell.str.len_chars() > 0).fill_null(False).alias("has_text"),
    ).select("text", "value", (pl.col("has_text") & pl.col("value").is_null()).alias("bad"))


def document_dates(cells: pl.Series) -> pl.Series:
    """The date in each 1C document's name (``… от 15.01.2026 12:00:00``); null where there is none."""
    frame = (
        cells.cast(pl.String)
        .rename("text")
        .to_frame()
        .select(
            pl.col("text")
            .str.extract_groups(r"(?i)\bот\s+(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})\b")
            .struct.rename_fields(["day", "month", "year"])
            .alias("found")
        )
        .unnest("found")
        .with_columns(_full_year("year"))
    )
    return frame.select(_iso("year", "month", "day").alias("date")).to_series()
