"""Retry dates: a span such as ``6mo``, ``180d`` or ``1y`` added to a day, in calendar months.

31 August + 6 months is 28 February (29 in a leap year): a month later is the same day of the month,
or the month's last day when it has no such day. Polars' ``offset_by`` does exactly this.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from leadkit.errors import LeadkitError

__all__ = ["DEFAULT_SPAN", "add_span", "parse_span", "retry_on"]

DEFAULT_SPAN = "6mo"
_SPAN = re.compile(r"^\s*(\d{1,4})\s*(d|w|mo|y)\s*$", re.IGNORECASE)
_LIMITS = {"d": 36_500, "w": 5_200, "mo": 1_200, "y": 100}


def parse_span(text: str) -> str:
    """A span as Polars writes it (``6mo``, ``180d``, ``2w``, ``1y``); a LeadkitError otherwise.

    ``m`` alone is refused: minutes or months, it would be a guess.
    """
    match = _SPAN.match(text or "")
    if not match:
        hint = " (months are 'mo': 6mo)" if re.fullmatch(r"\s*\d+\s*m\s*", text or "") else ""
        raise LeadkitError(
            f"{text!r} is not a span such as 6mo, 180d, 2w or 1y{hint}", column="--retry-after"
        )
    count, unit = int(match.group(1)), match.group(2).lower()
    if not 1 <= count <= _LIMITS[unit]:
        raise LeadkitError(f"{text!r}: the span must be from 1{unit} to {_LIMITS[unit]}{unit}")
    return f"{count}{unit}"


def retry_on(day: pl.Expr, span: str) -> pl.Expr:
    """The day ``span`` after ``day`` (a Date expression)."""
    return day.dt.offset_by(parse_span(span))


def add_span(day: dt.date, span: str) -> dt.date:
    """The day ``span`` after ``day``: ``add_span(date(2026, 8, 31), "6mo")`` is 28 Feb 2027."""
    result = pl.select(retry_on(pl.lit(day, dtype=pl.Date), span)).item()
    assert isinstance(result, dt.date)
    return result
