"""``leadkit clean``: add the normalized columns of the contract to a lead table.

Phones come from :mod:`leadkit.normalize.phones`, company names from
:mod:`leadkit.normalize.companies`, identifiers, e-mails, domains and cities from
:mod:`leadkit.normalize.contacts`.
"""

from __future__ import annotations

import polars as pl

from leadkit import columns as C
from leadkit.normalize.companies import start_normalize_companies
from leadkit.normalize.contacts import (
    clean_city,
    inn_valid,
    lead_domain,
    normalize_emails,
    ogrn_valid,
)
from leadkit.normalize.phones import normalize_phones

__all__ = ["clean_leads"]


def _column(df: pl.DataFrame, name: str) -> pl.Series:
    """The column as text, or all-null when the table has no such column."""
    if name in df.columns:
        return df.get_column(name).cast(pl.String)
    return pl.Series(name, [None] * df.height, dtype=pl.String)


def clean_leads(df: pl.DataFrame, region: str = "RU") -> pl.DataFrame:
    """Add the contract's clean columns, normalize ``email`` and ``city`` in place, keep every
    other column unchanged; columns in contract order.

    Idempotent: cleaning a cleaned table recomputes the clean columns from the import columns and
    gives the same result. ``region`` is the country of numbers written without a country code.
    """
    base = df.drop([c for c in C.CLEAN_COLUMNS if c in df.columns])
    # Company names run in worker processes on big tables; the other columns go on meanwhile.
    finish_companies = start_normalize_companies(_column(base, C.COMPANY))
    try:
        phones = normalize_phones(_column(base, C.PHONE_RAW), region=region)
        email = _column(base, C.EMAIL)
        updates: list[pl.Series] = []
        if C.EMAIL in base.columns:
            updates.append(normalize_emails(email).rename(C.EMAIL))
        if C.CITY in base.columns or C.ADDRESS in base.columns:
            city = clean_city(_column(base, C.CITY), _column(base, C.ADDRESS))
            updates.append(city.rename(C.CITY))
        identifiers = [
            inn_valid(_column(base, C.INN)).rename(C.INN_VALID),
            ogrn_valid(_column(base, C.OGRN)).rename(C.OGRN_VALID),
            lead_domain(_column(base, C.WEBSITE), email).rename(C.DOMAIN),
        ]
    finally:
        companies = finish_companies()
    added = [
        phones.get_column(C.PHONES).cast(pl.List(pl.String)),
        phones.get_column(C.PHONE).cast(pl.String),
        phones.get_column(C.PHONE_INVALID).cast(pl.String),
        *companies.get_columns(),
        *identifiers,
    ]
    return C.order_columns(base.with_columns(*updates, *added))
