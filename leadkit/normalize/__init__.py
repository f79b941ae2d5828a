"""``leadkit clean``: add the normalized columns of the contract to a lead table.

Phones come from :mod:`leadkit.normalize.phones`, company names from
:mod:`leadkit.normalize.companies`, identifiers, e-mails, domains and cities from
:mod:`leadkit.normalize.contacts`.

Cleaning is per row except for one table-wide fact, the city names the table's rows give (an address
part that is one of them is a city): :func:`clean_statistics` computes it in one pass, and
:func:`clean_leads` applies it, so an engine that cleans a table in partitions computes it once over
all of them and gives every partition the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from leadkit import columns as C
from leadkit.errors import Notice
from leadkit.normalize.companies import start_normalize_companies
from leadkit.normalize.contacts import (
    CityStatistics,
    clean_city,
    found_cities,
    inn_valid,
    lead_domain,
    learn_cities,
    normalize_emails,
    ogrn_valid,
)
from leadkit.normalize.phones import normalize_phones
from leadkit.settings import Settings, resolve

__all__ = ["CleanResult", "CleanStatistics", "clean_leads", "clean_statistics", "is_cleaned"]


@dataclass(frozen=True)
class CleanStatistics:
    """The table-wide facts ``clean`` uses. Statistics of two parts of a table merge with ``|``."""

    cities: CityStatistics = field(default_factory=lambda: CityStatistics(frozenset()))

    def __or__(self, other: CleanStatistics) -> CleanStatistics:
        return CleanStatistics(self.cities | other.cities)


@dataclass
class CleanResult:
    """A cleaned lead table, the warnings met, and what was counted."""

    leads: pl.DataFrame
    warnings: list[Notice] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _column(df: pl.DataFrame, name: str) -> pl.Series:
    """The column as text, or all-null when the table has no such column."""
    if name in df.columns:
        return df.get_column(name).cast(pl.String)
    return pl.Series(name, [None] * df.height, dtype=pl.String)


def is_cleaned(df: pl.DataFrame) -> bool:
    """Whether a table has been through ``clean`` (it has the matching key ``clean`` adds)."""
    return C.COMPANY_KEY in df.columns


#: Rows cleaned at a time: a big table's per-part working columns stay within a few hundred MB.
CHUNK_ROWS = 1_000_000


def clean_statistics(leads: pl.DataFrame, settings: Settings | None = None) -> CleanStatistics:
    """What ``clean`` learns from the whole of ``leads`` (one pass, per-row work on distinct values)."""
    cities = resolve(settings).cities
    found = found_cities(_column(leads, C.CITY), _column(leads, C.ADDRESS), cities)
    return CleanStatistics(learn_cities(found, cities))


def clean_leads(
    leads: pl.DataFrame,
    region: str = "RU",
    *,
    settings: Settings | None = None,
    statistics: CleanStatistics | None = None,
    workers: int = 1,
) -> CleanResult:
    """Add the contract's clean columns, normalize ``email`` and ``city`` in place, keep every
    other column unchanged; columns in contract order.

    Idempotent: cleaning a cleaned table recomputes the clean columns from the import columns and
    gives the same result. ``region`` is the country of numbers written without a country code.
    ``statistics`` are the table-wide facts (computed from ``leads`` when not given); ``workers``
    is how many processes company names may use (1: none are started).
    """
    settings = resolve(settings)
    if leads.height > CHUNK_ROWS:
        # A big table is cleaned a part at a time against the whole table's statistics (the result
        # is the same): memory holds the table, its cleaned copy and one part's working columns.
        if statistics is None:
            statistics = clean_statistics(leads, settings)
        parts = [
            clean_leads(
                leads.slice(start, CHUNK_ROWS),
                region,
                settings=settings,
                statistics=statistics,
                workers=workers,
            )
            for start in range(0, leads.height, CHUNK_ROWS)
        ]
        cleaned = pl.concat([part.leads for part in parts])
        counts: dict[str, int] = {}
        for part in parts:
            for key, value in part.counts.items():
                counts[key] = counts.get(key, 0) + value
        return CleanResult(cleaned, [], counts)
    base = leads.drop([c for c in C.CLEAN_COLUMNS if c in leads.columns])
    # Company names run in worker processes on big tables; the other columns go on meanwhile.
    finish_companies = start_normalize_companies(
        _column(base, C.COMPANY), names=settings.companies, workers=workers
    )
    try:
        phones = normalize_phones(_column(base, C.PHONE_RAW), region=region, rules=settings.phones)
        email = _column(base, C.EMAIL)
        updates: list[pl.Series] = []
        if C.EMAIL in base.columns:
            updates.append(normalize_emails(email).rename(C.EMAIL))
        if C.CITY in base.columns or C.ADDRESS in base.columns:
            known = statistics.cities if statistics is not None else None
            city = clean_city(
                _column(base, C.CITY), _column(base, C.ADDRESS), settings.cities, known
            )
            updates.append(city.rename(C.CITY))
        identifiers = [
            inn_valid(_column(base, C.INN)).rename(C.INN_VALID),
            ogrn_valid(_column(base, C.OGRN)).rename(C.OGRN_VALID),
            lead_domain(_column(base, C.WEBSITE), email, settings.contacts).rename(C.DOMAIN),
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
    cleaned = C.order_columns(base.with_columns(*updates, *added))
    counts = {
        "leads": cleaned.height,
        "with_phone": int(cleaned.get_column(C.PHONE).is_not_null().sum()),
        "with_invalid_phone": int(cleaned.get_column(C.PHONE_INVALID).is_not_null().sum()),
        "without_company": int(cleaned.get_column(C.COMPANY_KEY).is_null().sum()),
    }
    return CleanResult(cleaned, [], counts)
